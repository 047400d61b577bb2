"""Copied by bp_late_main.py to a file that did not exist when the breakpoints were set."""


def triple(v):
    w = v * 3  # @triple
    return w
