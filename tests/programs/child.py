import sys

label = sys.argv[1]
print(f"child says {label}", flush=True)  # @child-print
