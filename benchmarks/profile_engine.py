"""Where the engine's time goes in one benchmark mode: the workload in-process, under cProfile.

    python benchmarks/profile_engine.py WORKLOAD MODE [--seconds S] [--top N]

WORKLOAD is fib, methods, loops or exceptions; MODE is a, b, c, d, e or e-type (see README).
The engine (`engine.Debugger`, from this checkout's src/) is started in this process with the
breakpoints or exception filters of the mode, exactly as the debuggee-side server would set
them, and the workload's unit of work runs for S seconds, first without the profiler (to print
the plain and debugged time per unit side by side), then under cProfile. The monitoring
callbacks are ordinary Python functions, so cProfile shows them and what they call; its own
overhead inflates every function call, so read the profile for *where* the time goes and the
first lines for *how much*.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "workloads"))
sys.path.insert(0, str(HERE.parent / "src"))

from run import EXC_CONDITION, EXC_TYPE, MODES, WORKLOAD_LIST, breakpoints_for  # noqa: E402

import engine  # noqa: E402  (after the path set-up above)


def per_unit(unit: Callable[[], object], seconds: float) -> float:
    deadline = time.perf_counter() + 0.1
    while time.perf_counter() < deadline:
        unit()
    n = 0
    start = time.process_time()
    while True:
        unit()
        n += 1
        elapsed = time.process_time() - start
        if elapsed >= seconds:
            return elapsed / n


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("workload", choices=[w.name for w in WORKLOAD_LIST])
    p.add_argument("mode", choices=[m.key for m in MODES])
    p.add_argument("--seconds", type=float, default=1.0)
    p.add_argument("--top", type=int, default=18)
    args = p.parse_args()
    workload = next(w for w in WORKLOAD_LIST if w.name == args.workload)
    mode = next(m for m in MODES if m.key == args.mode)
    module = importlib.import_module(Path(workload.file).stem)
    unit: Callable[[], object] = module.unit

    plain = per_unit(unit, args.seconds)

    events: list[engine.Event] = []
    debugger = engine.Debugger(events.append, just_my_code=True)
    debugger.start()
    try:
        specs = [
            engine.SourceBreakpointSpec(line=bp["line"], condition=bp.get("condition"))
            for bp in breakpoints_for(mode, workload)
        ]
        if specs:
            debugger.set_source_breakpoints(str(workload.path), specs)
        filters = [engine.ExceptionFilterSpec(filter="uncaught")]
        if mode.key == "e":
            filters.append(engine.ExceptionFilterSpec(filter="raised", condition=EXC_CONDITION))
        elif mode.key == "e-type":
            filters.append(engine.ExceptionFilterSpec(filter="raised", condition=EXC_TYPE))
        debugger.set_exception_filters(filters)

        debugged = per_unit(unit, args.seconds)
        print(
            f"{workload.name} mode {mode.key}: plain {plain * 1e6:.1f} us/unit, engine {debugged * 1e6:.1f} us/unit, "
            f"ratio {debugged / plain:.2f}x (CPU time, in-process, no server)"
        )
        stops = [e for e in events if isinstance(e, engine.Stopped)]
        if stops:
            print(f"warning: {len(stops)} unexpected stops")

        profiler = cProfile.Profile()
        profiler.enable()
        per_unit(unit, args.seconds)
        profiler.disable()
    finally:
        debugger.close()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
