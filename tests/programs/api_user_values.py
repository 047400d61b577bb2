"""Values for the API user tests: keys that look alike, nested data, secrets."""

from __future__ import annotations


class Node:
    def __init__(self, name: str, child: Node | None = None) -> None:
        self.name = name
        self.child = child
        self.size = 3


def inspect() -> int:
    lookalike = {1: "int one", "1": "str one"}
    flags = {True: "bool key", "True": "str key"}
    tree = Node("root", Node("leaf"))
    matrix = [[1, 2], [3, 4]]
    settings = {"db": {"host": "localhost", "password": "pw-12345678"}, "debug": False}
    secret_key = "k-0123456789abcdef"
    total = len(lookalike) + len(matrix)  # @inspect
    return total


if __name__ == "__main__":
    print("total", inspect())  # @last-call
