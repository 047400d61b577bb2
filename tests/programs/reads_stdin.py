import sys

line = sys.stdin.readline()  # @read
print(f"got {line.strip()!r}")
