"""Overhead of an in-process session with no breakpoints on a CPU-bound loop (the seed's own
performance example), against plain Python.

    python examples/overhead.py [--quick]

Three runs of the same loop, best of several repeats each:
  plain                 no debugger at all
  session, caller       inside `with session()`, the loop on the controlling thread
  session, run(func)    the loop as the session's target in its worker thread
  + breakpoint elsewhere  the same, with a breakpoint set in a function that never runs
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import dap_server

N = 2_000_000


def cpu_loop(n: int = N) -> int:
    result = 0
    for i in range(n):
        result += i * 2
    return result


def never_called() -> None:
    print("not reached")


def best(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    repeats = 3 if "--quick" in sys.argv else 7
    plain = best(cpu_loop, repeats)
    with dap_server.session() as s:
        caller = best(cpu_loop, repeats)

        def in_worker() -> None:
            s.run(cpu_loop).result(timeout=60)

        worker = best(in_worker, repeats)
        s.set_breakpoint("never_called")
        with_bp = best(in_worker, repeats)
    print(f"loop of {N:,} iterations, best of {repeats}")
    print(f"  {'plain':<34} {plain:.4f} s  1.00")
    for label, t in (
        ("session, loop on the caller", caller),
        ("session, loop in run(func)", worker),
        ("  + a breakpoint elsewhere", with_bp),
    ):
        print(f"  {label:<34} {t:.4f} s  {t / plain:.2f}")


if __name__ == "__main__":
    main()
