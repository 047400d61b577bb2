"""Where the engine's time goes in one benchmark mode, in-process.

    python benchmarks/profile_engine.py WORKLOAD MODE [--seconds S]

WORKLOAD is fib, methods, loops or exceptions; MODE is a, b, c, d, e or e-type (see README).
The engine (`engine.Debugger`, from this checkout's src/) is started in this process with the
breakpoints or exception filters of the mode, as the debuggee-side server would set them, and
the workload's unit of work runs for S seconds plain and then debugged (CPU time per unit, no
server, no adapter).

cProfile cannot help here: no monitoring event fires inside a tool's callback, so a profiler
never sees the debugger's callbacks. For modes e and e-type the script therefore fetches the
RAISE callback the engine registered and times direct calls of it, from a frame shaped like the
workload's hot function, next to the floor's callback, a no-op callback and the pieces a
condition check is made of.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import CodeType
from typing import Any

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

        callbacks = installed_callbacks()
    finally:
        debugger.close()
    # cProfile cannot see monitoring callbacks (no events fire inside a tool's callback), so
    # the callbacks the engine registered for this mode are timed by calling them directly,
    # from a frame shaped like the workload's hot function, next to the floor's.
    time_callbacks(callbacks, mode.key)
    if mode.key in ("e", "e-type"):
        dispatch_floors(unit, args.seconds * 2)


def dispatch_floors(unit: Callable[[], object], seconds: float, rounds: int = 5) -> None:
    """The workload with RAISE on and callbacks that look at nothing: what any RAISE-based
    filter pays before its first test of the exception, whatever language it is written in.

    "no callback" enables the event for the tool but registers no function: the interpreter
    still stops at every raise in every frame to find that out, and that alone is the price
    of having the event on. Ratios are medians of `rounds` paired runs (plain, then each
    variant, in the same round)."""
    mon = sys.monitoring

    def noop(code: CodeType, offset: int, e: BaseException) -> object:
        return None

    variants: list[tuple[str, Callable[..., object] | None]] = [
        ("RAISE on, no callback registered (the interpreter's own cost)", None),
        ("RAISE on, a no-op Python callback", noop),
        ("RAISE on, `slice` as callback (the cheapest C callable found)", slice),
    ]
    ratios: dict[str, list[float]] = {title: [] for title, _ in variants}
    mon.use_tool_id(mon.DEBUGGER_ID, "dispatch floor")
    try:
        for _ in range(rounds):
            plain = per_unit(unit, seconds / rounds)
            for title, callback in variants:
                mon.register_callback(mon.DEBUGGER_ID, mon.events.RAISE, callback)
                mon.set_events(mon.DEBUGGER_ID, mon.events.RAISE)
                try:
                    ratios[title].append(per_unit(unit, seconds / rounds) / plain)
                finally:
                    mon.set_events(mon.DEBUGGER_ID, 0)
    finally:
        mon.register_callback(mon.DEBUGGER_ID, mon.events.RAISE, None)
        mon.free_tool_id(mon.DEBUGGER_ID)
    print(f"the workload with (median of {rounds} paired runs, CPU time):")
    for title, values in ratios.items():
        print(
            f"  {title:<62} {statistics.median(values):5.2f}x plain"
            f"  ({min(values):.2f}-{max(values):.2f})"
        )


def installed_callbacks() -> dict[str, Callable[..., object]]:
    mon = sys.monitoring
    found = {}
    for name in ("LINE", "RAISE", "PY_START"):
        event = getattr(mon.events, name)
        cb = mon.register_callback(mon.DEBUGGER_ID, event, None)
        mon.register_callback(mon.DEBUGGER_ID, event, cb)
        if cb is not None:
            found[name] = cb
    return found


_CALLER = """
def check(value):
    return cb(code, 0, exc)

def loop(n):
    for i in range(n):
        check(i)
"""


def _per_call(cb: Callable[..., object], exc: BaseException, n: int = 200_000) -> float:
    """Seconds per call of `cb` made as the interpreter would, from a function shaped like the
    workload's `check(value)` (one local, no closures), so that the frame the callback looks
    at is realistic; includes the Python call of `check` itself (the no-op row shows it)."""
    ns: dict[str, Any] = {"cb": cb, "exc": exc}
    exec(_CALLER, ns)
    ns["code"] = ns["check"].__code__
    loop = ns["loop"]
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        loop(n)
        best = min(best, (time.perf_counter() - start) / n)
    return best


def time_callbacks(callbacks: dict[str, Callable[..., object]], mode: str) -> None:
    if mode not in ("e", "e-type") or "RAISE" not in callbacks:
        print("(direct callback timing is implemented for modes e and e-type)")
        return
    on_raise = callbacks["RAISE"]
    condition = compile(EXC_CONDITION, "<c>", "eval")
    wanted = ZeroDivisionError
    exc = ValueError(5)

    def floor(code: CodeType, offset: int, e: BaseException) -> object:
        if eval(condition, {"exc": e}):
            print("stop")
        return None

    def floor_type(code: CodeType, offset: int, e: BaseException) -> object:
        if isinstance(e, wanted):
            print("stop")
        return None

    def noop(code: CodeType, offset: int, e: BaseException) -> object:
        return None

    def eval_frame_globals(code: CodeType, offset: int, e: BaseException) -> object:
        frame = sys._getframe(1)
        return eval(condition, frame.f_globals, {"exc": e, "__exception__": e})

    def copy_locals(code: CodeType, offset: int, e: BaseException) -> object:
        return dict(sys._getframe(1).f_locals)

    rows = [
        ("no-op Python callback", noop),
        ("engine RAISE callback", on_raise),
        (
            "floor: eval(condition, {'exc': exc})" if mode == "e" else "floor: isinstance",
            floor if mode == "e" else floor_type,
        ),
        ("piece: eval(condition, frame.f_globals, {exc, __exception__})", eval_frame_globals),
        ("piece: dict(frame.f_locals)", copy_locals),
    ]
    base = _per_call(noop, exc)
    for title, cb in rows:
        t = _per_call(cb, exc)
        print(f"{title:<64} {t * 1e9:6.0f} ns/call  (+{(t - base) * 1e9:5.0f} ns over no-op)")
    start = time.perf_counter()
    for _ in range(100_000):
        _raise_catch()
    plain = (time.perf_counter() - start) / 100_000
    print(
        f"{'plain raise + catch across one call (2 RAISE events when on)':<64} {plain * 1e9:6.0f} ns"
    )


def _check(value: int) -> None:
    raise ValueError(value)


def _raise_catch() -> None:
    try:
        _check(1)
    except ValueError:
        pass


if __name__ == "__main__":
    main()
