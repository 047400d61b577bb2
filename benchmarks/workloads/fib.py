"""Recursive calls: fib(19), about 13,500 calls per unit."""

from _harness import measure


def never_called() -> int:
    return -1  # @never-called


def fib(n: int) -> int:
    if n < 2:  # @hot
        if n < 0:
            return never_called()  # @never-reached
        return n
    return fib(n - 1) + fib(n - 2)


def unit() -> int:
    return fib(19)


if __name__ == "__main__":
    measure(unit)
