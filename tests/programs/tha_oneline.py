"""Loops written on one line: each round jumps back to the same line."""


# fmt: off
def add_all(items):
    total = 0
    for x in items: total += x  # noqa: E701  # @one-line-for
    return total  # @after-for
# fmt: on


print(add_all([1, 2, 3, 4]))
