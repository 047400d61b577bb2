"""Sets its own sys.excepthook, then dies of an uncaught exception."""

import sys


def hook(kind, value, tb):
    print(f"custom hook: {kind.__name__}: {value}", file=sys.stderr)


sys.excepthook = hook
print("hook set")
raise LookupError("missing")  # @raise
