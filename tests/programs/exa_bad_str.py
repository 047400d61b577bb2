"""Exceptions whose str() fails: raised then caught, then raised again uncaught."""

import sys


class StrRaises(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


class StrNotAString(Exception):
    def __str__(self):
        return 42


def fail(kind):
    if kind == "raises":
        raise StrRaises("a")  # @raise-raises
    raise StrNotAString()  # @raise-notstr


kind = sys.argv[1]
try:
    fail(kind)  # @first
except Exception:
    print("caught", kind)
fail(kind)  # @second
