"""Stepping through calls, for the VS Code flow tests: main calls scale, then bumps a counter."""

import sys


class Counter:
    def __init__(self):
        self.hits = 0

    def bump(self):
        self.hits += 1
        return self.hits


def scale(values, factor):
    scaled = [v * factor for v in values]  # @scale-body
    return scaled  # @scale-return


def main():
    counter = Counter()
    values = [1, 2, 3]  # @main-start
    result = scale(values, 10)  # @call-scale
    counter.bump()  # @after-scale
    print("result", result, counter.hits, flush=True)  # @print
    return 0


if __name__ == "__main__":
    sys.exit(main())  # @run-main
