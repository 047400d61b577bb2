"""Counts its runs in a file (argv[1]), for the VS Code restart test: every run starts from the
beginning and sees its own run number."""

import os
import sys

counter_file = sys.argv[1]
previous = 0
if os.path.exists(counter_file):
    with open(counter_file) as f:
        previous = int(f.read())
run = previous + 1
with open(counter_file, "w") as f:
    f.write(str(run))


def work(run):
    total = run * 10  # @work
    return total  # @work-return


print("run", run, work(run), flush=True)  # @print
