"""Reads stdin the way argv[1] says: `input` (input(), EOFError caught), `read` (sys.stdin.read()),
or `uncaught` (input() with nothing around it)."""

import sys

how = sys.argv[1]
if how == "input":
    try:
        answer = input("name? ")
    except EOFError:
        print("EOF")
    else:
        print(f"got {answer!r}")
elif how == "read":
    print(f"read {sys.stdin.read()!r}")
elif how == "uncaught":
    answer = input()  # @uncaught-input
    print("not reached")
