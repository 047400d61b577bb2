"""Loop heavy: integer arithmetic in a tight loop (10,000 iterations a unit)."""

from _harness import measure


def never_called() -> int:
    return -1  # @never-called


def crunch(n: int) -> int:
    acc = 0
    for i in range(n):
        acc = (acc + i * i) % 1000003  # @hot
        if acc < 0:
            acc = never_called()  # @never-reached
    return acc


def unit() -> int:
    return crunch(10_000)


if __name__ == "__main__":
    measure(unit)
