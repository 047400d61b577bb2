"""Exception heavy: raise and catch a ValueError in a loop (1,000 raises a unit)."""

from _harness import measure


def never_called() -> int:
    return -1  # @never-called


def check(value: int) -> int:
    if value >= 0:  # @hot
        raise ValueError(value)
    return never_called()  # @never-reached


def unit() -> int:
    caught = 0
    for i in range(1000):
        try:
            check(i)
        except ValueError:
            caught += 1
    return caught


if __name__ == "__main__":
    measure(unit)
