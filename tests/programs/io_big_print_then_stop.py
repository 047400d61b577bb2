"""Three times over: prints argv[1] lines of 100 characters in one write, then reaches a
breakpoint."""

import sys

count = int(sys.argv[1])
for round_ in range(3):
    sys.stdout.write("".join(f"{round_}{n:098d}\n" for n in range(count)))
    sys.stdout.flush()
    reached = round_  # @bp
print("done")
