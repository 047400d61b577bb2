"""A module bpa_funcs.py imports late, for function breakpoints set before it loads."""


def late(n):
    return n * 10  # @late
