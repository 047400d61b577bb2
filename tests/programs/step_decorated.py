"""Stepping into decorated functions and class instantiation, for test_stepping_over_dap.py."""

import functools


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)  # @wrapper-body
        return result  # @wrapper-return

    return wrapper


@logged
def add(a, b):
    total = a + b  # @add-body
    return total


def h(v):
    return v + 1  # @h-body


def g(v):
    return v * 10  # @g-body


class Point:
    def __init__(self, x):
        self.x = x  # @point-init


def main():
    s = add(1, 2)  # @call-add
    r = g(h(1))  # @call-g-h
    p = Point(h(2))  # @call-point
    t = add(h(3), 4)  # @call-add-h
    n = g(g(1))  # @call-g-g
    print(s, r, p.x, t, n)  # @print
    return 0


main()  # @run-main
