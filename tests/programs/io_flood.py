"""Prints argv[1] numbered lines to stdout as fast as it can, every 1000th also to stderr, then
exits with code 3."""

import sys

count = int(sys.argv[1])
for n in range(count):
    print(f"line {n:05d}")
    if n % 1000 == 999:
        print(f"err {n:05d}", file=sys.stderr)
sys.exit(3)
