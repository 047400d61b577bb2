"""Stepping into resumed generators, justMyCode on/off and toggled, library breakpoints, hidden
paths, the `raised` filter's hold on the exception, and close() leaving nothing behind."""

from __future__ import annotations

import gc
import importlib
import sys
import weakref
from pathlib import Path

from engine import Debugger, ExceptionFilterSpec, Stopped
from engine import SourceBreakpointSpec as BP

from .conftest import Harness

MON = sys.monitoring
TOOL = MON.DEBUGGER_ID


def _start_at(h: Harness, line: int, source: str) -> tuple[str, int]:
    path = h.write(source)
    h.dbg.set_source_breakpoints(path, [BP(line)])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    h.dbg.set_source_breakpoints(path, [])
    return path, ev.thread_id


def _step(h: Harness, tid: int, kind: str) -> tuple[str, int]:
    h.dbg.step(tid, kind)  # type: ignore[arg-type]
    ev = h.stopped("step")
    assert ev.thread_id == tid
    return h.where(tid)


def test_step_into_generator_resume_lands_after_the_yield(h: Harness) -> None:
    _, tid = _start_at(
        h,
        10,
        """
        def gen():
            x = 1
            yield x
            y = 2
            yield y

        def main():
            g = gen()
            first = next(g)
            second = next(g)
            return first + second

        total = main()
        """,
    )
    assert _step(h, tid, "into") == ("gen", 4)
    assert h.locals(tid) == {"x": 1}
    assert _step(h, tid, "over") == ("gen", 5)
    h.dbg.resume()
    h.join()
    assert h.results[0]["total"] == 3


def test_step_into_async_generator_resume(h: Harness) -> None:
    _, tid = _start_at(
        h,
        11,
        """
        import asyncio

        async def agen():
            yield 1
            v = 2
            yield v

        async def main():
            it = agen()
            a = await it.__anext__()
            b = await it.__anext__()
            return a + b

        total = asyncio.run(main())
        """,
    )
    assert h.where(tid) == ("main", 11)  # the second __anext__: resumes after `yield 1`
    assert _step(h, tid, "into") == ("agen", 5)
    assert _step(h, tid, "over") == ("agen", 6)
    assert h.locals(tid) == {"v": 2}
    h.dbg.resume()
    h.join()
    assert h.results[0]["total"] == 3


JSON_DEFAULT = """
import json

def default(o):
    return "custom"

text = json.dumps({"k": object()}, default=default)
after = 1
"""


def test_just_my_code_off_steps_into_the_library(make_harness) -> None:  # type: ignore[no-untyped-def]
    import json

    h = make_harness(just_my_code=False)
    _, tid = _start_at(h, 6, JSON_DEFAULT)
    name, _line = _step(h, tid, "into")
    assert name == "dumps"
    assert h.top(tid).f_code.co_filename == json.dumps.__code__.co_filename
    h.dbg.resume()
    h.join()


def test_set_just_my_code_toggles_stepping_and_raised_stops(h: Harness) -> None:
    h.dbg.set_just_my_code(False)
    _, tid = _start_at(h, 6, JSON_DEFAULT)
    assert _step(h, tid, "into")[0] == "dumps"
    h.dbg.set_just_my_code(True)
    assert _step(h, tid, "into") == ("default", 4)  # library frames skipped again
    h.dbg.resume()
    h.join()

    source = """
    import json

    def load():
        return json.loads("{bad")

    try:
        load()
    except ValueError:
        pass
    """
    # Only ValueError: with justMyCode off, runpy's and importlib's own exceptions show too.
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised", "ValueError")])
    h.dbg.set_just_my_code(False)
    h.run_path(h.write(source))
    ev = h.stopped("exception")
    assert "json" in h.top(ev.thread_id).f_code.co_filename  # raised inside the library
    h.dbg.set_just_my_code(True)
    h.dbg.resume()
    ev = h.stopped("exception")  # the same exception, reaching user code
    assert h.where(ev.thread_id) == ("load", 4)
    h.dbg.resume()
    h.join()


def test_breakpoint_in_library_code_is_honoured_with_just_my_code(h: Harness) -> None:
    libdir = h.tmp_path / "site-packages"
    libdir.mkdir()
    name = f"libmod_{Path(h.write('x = 1')).stem}"
    libfile = libdir / f"{name}.py"
    libfile.write_text("def helper(v):\n    w = v + 1\n    return w\n")
    sys.path.insert(0, str(libdir))
    try:
        (status,) = h.dbg.set_source_breakpoints(str(libfile), [BP(2)])
        assert (status.verified, status.line) == (True, 2)
        module = importlib.import_module(name)
        h.start(lambda: module.helper(1))
        ev = h.stopped("breakpoint")
        assert h.where(ev.thread_id) == ("helper", 2)
        # Stepping from there does not wander into other library code, but stays visible here.
        h.dbg.resume()
        h.join()
        assert h.results == [2]
    finally:
        sys.path.remove(str(libdir))


def test_hidden_paths_are_never_stopped_in(make_harness, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hidden = tmp_path / "tooling"
    hidden.mkdir()
    h = make_harness(hidden_paths=(str(hidden),))
    name = f"hid_{Path(h.write('x = 1')).stem}"
    hidden_file = hidden / f"{name}.py"
    hidden_file.write_text("def tool(v):\n    w = v * 3\n    raise KeyError(w)\n")
    (status,) = h.dbg.set_source_breakpoints(str(hidden_file), [BP(2)])
    assert status.verified is False and "belongs to the debugger" in (status.message or "")
    sys.path.insert(0, str(hidden))
    try:
        h.dbg.set_exception_filters([ExceptionFilterSpec("raised")])
        _, tid = _start_at(
            h,
            4,
            f"""
            import {name}

            try:
                {name}.tool(1)
            except KeyError:
                caught = True
            done = 1
            """,
        )
        h.dbg.set_exception_filters([])
        # Into the hidden function: never shown; the step lands back in user code.
        assert _step(h, tid, "into") == ("<module>", 5)
        h.dbg.resume()
        h.join()
        h.drain()
        assert [type(e) for e in h.seen].count(Stopped) == 2  # the breakpoint and the step
    finally:
        sys.path.remove(str(hidden))


class _Tracked(Exception):
    pass


def test_raised_stop_releases_the_exception_once_handled(h: Harness) -> None:
    import threading

    gate = threading.Event()
    refs: list[weakref.ref[BaseException]] = []
    path = h.write(
        """
        def fail(make):
            raise make()

        def run(make, gate, refs):
            try:
                fail(make)
            except Exception as exc:
                refs.append(__import__("weakref").ref(exc))
            gate.wait()
        """
    )
    module = importlib.import_module(Path(path).stem)
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised")])
    h.start(lambda: module.run(_Tracked, gate, refs))
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 2)
    # Nothing is held to tell the raise from its passing through run() (the traceback does),
    # so no handling is watched for either.
    assert not MON.get_events(TOOL) & MON.events.EXCEPTION_HANDLED
    h.dbg.resume()
    # Handled in run() without a second stop there; the engine keeps no reference to it.
    _wait_for(lambda: bool(refs))
    gc.collect()
    assert refs[0]() is None
    gate.set()
    h.join()
    assert [e for e in h.drain() if isinstance(e, Stopped)] == []


def _wait_for(predicate: object) -> None:
    import time

    deadline = time.monotonic() + 10
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_close_leaves_no_events_and_a_new_debugger_can_start(tmp_path: Path) -> None:
    h = Harness(tmp_path)
    path = h.write(
        """
        def inner(v):
            return v + 1

        def outer(v):
            a = inner(v)
            return a * 2

        def spin(flag):
            while not flag:
                pass
        """
    )
    module = importlib.import_module(Path(path).stem)
    touched = [module.inner.__code__, module.outer.__code__, module.spin.__code__]
    try:
        h.dbg.set_source_breakpoints(path, [BP(5)])
        h.dbg.set_exception_filters([ExceptionFilterSpec("raised")])
        h.start(lambda: module.outer(1))
        ev = h.stopped("breakpoint")
        h.dbg.step(ev.thread_id, "into")  # LINE etc. on inner, PY_START/RESUME globally
        assert h.where(h.stopped("step").thread_id) == ("inner", 2)
        h.dbg.step(ev.thread_id, "over")
        h.stopped("step")
        assert any(MON.get_local_events(TOOL, c) for c in touched)
    finally:
        h.close()  # closes while the thread is stopped mid-step
    assert MON.get_tool(TOOL) is None
    for code in touched:
        assert MON.get_local_events(TOOL, code) == 0, code.co_name
    h.join()
    assert h.results == [4]

    # Re-attach in the same process: a new engine claims the id and stops again.
    h2 = Harness(tmp_path)
    try:
        assert MON.get_events(TOOL) == 0
        assert all(MON.get_local_events(TOOL, c) == 0 for c in touched)
        h2.dbg.set_source_breakpoints(path, [BP(2)])
        h2.start(lambda: module.outer(2))
        ev = h2.stopped("breakpoint")
        assert h2.where(ev.thread_id) == ("inner", 2)
        h2.dbg.resume()
        h2.join()
        assert h2.results == [6]
    finally:
        h2.close()
    assert MON.get_tool(TOOL) is None
    for code in touched:
        assert MON.get_local_events(TOOL, code) == 0, code.co_name


def test_close_twice_and_before_start_are_harmless() -> None:
    dbg = Debugger(lambda e: None)
    dbg.close()
    dbg2 = Debugger(lambda e: None)
    dbg2.start()
    dbg2.close()
    dbg2.close()
    assert MON.get_tool(TOOL) is None
