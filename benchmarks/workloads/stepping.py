"""Stepping latency: a loop of plain lines to `next` through, with a few locals to inspect.

The breakpoint on the first line of the loop is also the "early line" of the launch-to-first-
stop measurement: it is reached a few milliseconds after the program starts.
"""

import sys

from _harness import peak_rss_kb


def main(iterations: int) -> int:
    names = ["ada", "grace", "linus"]
    table = {"x": 1.5, "y": (1, 2), "z": None}
    total = 0
    for i in range(iterations):
        a = i + 1  # @step-start
        b = a * 2
        c = b - a
        total += c + len(names) + len(table)
    return total


if __name__ == "__main__":
    argv = sys.argv[1:]
    main(int(argv[argv.index("--iterations") + 1]) if "--iterations" in argv else 100_000)
    print(f'BENCH {{"vmhwm_kb": {peak_rss_kb()}}}', flush=True)
