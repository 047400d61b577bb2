"""Paging: a frame holding a 1,000,000-element list and dict, stopped at once per round."""

import sys

from _harness import peak_rss_kb


def arg(name: str, default: int) -> int:
    argv = sys.argv[1:]
    return int(argv[argv.index(name) + 1]) if name in argv else default


def main(size: int, rounds: int) -> int:
    big_list = list(range(size))
    big_dict = {i: i for i in range(size)}
    seen = 0
    for round_no in range(rounds):
        seen += round_no  # @paging-stop
    return seen + len(big_list) + len(big_dict)


if __name__ == "__main__":
    main(arg("--size", 1_000_000), arg("--rounds", 5))
    print(f'BENCH {{"vmhwm_kb": {peak_rss_kb()}}}', flush=True)
