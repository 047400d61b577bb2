from __future__ import annotations

from engine import BreakpointChanged
from engine import SourceBreakpointSpec as BP

from .conftest import Harness


def test_breakpoint_in_function_stops_with_locals(h: Harness) -> None:
    path = h.write(
        """
        def add(a, b):
            total = a + b
            return total

        result = add(2, 3)
        """
    )
    (status,) = h.dbg.set_source_breakpoints(path, [BP(3)])
    assert status.line == 3
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert ev.hit_breakpoint_ids == (status.id,)
    assert ev.all_threads_stopped is False
    assert h.where(ev.thread_id) == ("add", 3)
    assert h.locals(ev.thread_id) == {"a": 2, "b": 3, "total": 5}
    h.dbg.resume(ev.thread_id)
    h.join()
    assert h.results[0]["result"] == 5


def _stop_where(h: Harness) -> tuple[int, str, int]:
    ev = h.stopped("breakpoint")
    name, line = h.where(ev.thread_id)
    return ev.thread_id, name, line


SCOPES = """
import asyncio

class Box:
    size = 3
    def grow(self, n):
        self.size += n
        return self.size

def outer(x):
    def inner(y):
        return y * 2
    return inner(x) + 1

double = lambda v: v * 2

def gen(n):
    for i in range(n):
        yield i * 10

async def coro(v):
    await asyncio.sleep(0)
    return v + 1

async def agen():
    for i in range(2):
        yield i

async def consume():
    return [x async for x in agen()]

b = Box()
b.grow(2)
outer(5)
double(4)
list(gen(2))
asyncio.run(coro(1))
asyncio.run(consume())
squares = [k * k for k in range(3)]
"""

# requested line -> (function name where it stops, line)
SCOPE_CASES = {
    4: ("Box", 4),  # class body
    6: ("grow", 6),  # method
    11: ("inner", 11),  # nested function
    14: ("<lambda>", 14),  # one-line lambda (first line sits on the lambda line)
    18: ("gen", 18),  # generator
    21: ("coro", 21),  # coroutine
    26: ("agen", 26),  # async generator
    29: ("consume", 29),  # async comprehension runs in consume
    38: ("<module>", 38),  # module code, inlined list comprehension
}


def test_breakpoints_bind_in_every_kind_of_scope(h: Harness) -> None:
    path = h.write(SCOPES)
    lines = sorted(SCOPE_CASES)
    statuses = h.dbg.set_source_breakpoints(path, [BP(n) for n in lines])
    assert [s.line for s in statuses] == lines
    h.run_path(path)
    expected = {SCOPE_CASES[n] for n in lines}
    seen: set[tuple[str, int]] = set()
    for _ in range(40):
        tid, name, line = _stop_where(h)
        seen.add((name, line))
        if expected <= seen:
            break
        h.dbg.resume(tid)
    h.dbg.set_source_breakpoints(path, [])
    h.dbg.resume()
    h.join()
    # The lambda line also stops where the module code runs it (pdb does the same).
    assert seen - expected <= {("<module>", 14)}
    assert expected <= seen


def test_line_without_code_binds_to_next_line_and_reports_it(h: Harness) -> None:
    path = h.write(
        """
        def f():
            a = 1

            # a comment
            b = 2
            return a + b

        f()
        """
    )
    statuses = h.dbg.set_source_breakpoints(path, [BP(3), BP(4), BP(100)])
    # Not loaded yet, but the source on disk shows where each line binds.
    assert [(s.verified, s.line, s.message) for s in statuses[:2]] == [(True, 5, None)] * 2
    assert statuses[2].verified is False
    assert "No code at or after line 100" in (statuses[2].message or "")
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert set(ev.hit_breakpoint_ids) == {statuses[0].id, statuses[1].id}
    assert h.where(ev.thread_id) == ("f", 5)
    h.dbg.resume()
    h.join()


def test_missing_file_is_unverified_with_reason(h: Harness, tmp_path: object) -> None:
    (status,) = h.dbg.set_source_breakpoints("/nonexistent/dir/x.py", [BP(1)])
    assert status.verified is False
    assert "not found" in (status.message or "")


def test_unloaded_file_is_verified_from_source_and_binds_when_imported(h: Harness) -> None:
    path = h.write(
        """
        def work(n):
            m = n * 3
            return m

        value = work(7)
        """
    )
    (status,) = h.dbg.set_source_breakpoints(path, [BP(2)])
    assert (status.verified, status.line, status.message) == (True, 2, None)
    h.import_module(path)
    ev = h.stopped("breakpoint")
    assert ev.hit_breakpoint_ids == (status.id,)
    assert h.where(ev.thread_id) == ("work", 2)
    assert h.locals(ev.thread_id) == {"n": 7}
    h.dbg.resume()
    h.join()
    h.drain()
    # Loading bound it where the source said: nothing new to tell the editor.
    assert not [e for e in h.seen if isinstance(e, BreakpointChanged)]


def test_file_missing_at_set_time_binds_late_with_breakpoint_changed(h: Harness) -> None:
    path = str(h.tmp_path / "generated_later.py")
    (status,) = h.dbg.set_source_breakpoints(path, [BP(2)])
    assert status.verified is False
    assert status.message == f"File not found on the debuggee side: {path}"
    source = "def gen_fn(v):\n    w = v + 1\n    return w\n"
    code = compile(source, path, "exec")  # code that claims the file, with no file on disk
    namespace: dict[str, object] = {}
    h.start(lambda: (exec(code, namespace), namespace["gen_fn"](1))[1])  # type: ignore[operator]
    changed = h.wait(BreakpointChanged)
    assert (changed.status.id, changed.status.verified, changed.status.line) == (status.id, True, 2)
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("gen_fn", 2)
    h.dbg.resume()
    h.join()
    assert h.results == [2]


def test_file_that_does_not_compile_is_unverified_with_reason(h: Harness) -> None:
    path = h.write("def broken(:\n    pass\n")
    (status,) = h.dbg.set_source_breakpoints(path, [BP(2)])
    assert status.verified is False
    assert "does not compile" in (status.message or "") and "line 1" in (status.message or "")


def test_edited_file_is_compiled_again(h: Harness) -> None:
    import os

    path = h.write("x = 1\n")
    (status,) = h.dbg.set_source_breakpoints(path, [BP(3)])
    assert status.verified is False and "No code" in (status.message or "")
    with open(path, "a") as f:
        f.write("\ny = 2\n")
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # coarse-mtime file systems
    (status,) = h.dbg.set_source_breakpoints(path, [BP(3)])
    assert (status.verified, status.line) == (True, 3)


def test_breakpoint_in_already_loaded_module_is_verified_at_once(h: Harness) -> None:
    import importlib
    from pathlib import Path

    path = h.write(
        """
        def later(v):
            w = v + 1
            return w
        """
    )
    module = importlib.import_module(Path(path).stem)
    (status,) = h.dbg.set_source_breakpoints(path, [BP(2)])
    assert status.verified is True and status.line == 2
    h.start(lambda: module.later(1))
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("later", 2)
    h.dbg.resume()
    h.join()
    assert h.results == [2]


def test_breakpoint_set_while_running_takes_effect_and_replacement_clears(h: Harness) -> None:
    path = h.write(
        """
        import threading
        go = threading.Event()
        stop = False
        count = 0

        def tick():
            global count
            count += 1
            return count

        while not stop:
            tick()
            go.set()
        """
    )
    h.run_path(path)
    # The loop is running before any breakpoint exists.
    assert _wait_for_module_global(path, "go").wait(10)
    (status,) = h.dbg.set_source_breakpoints(path, [BP(8)])
    assert status.verified is True
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("tick", 8)
    h.dbg.set_source_breakpoints(path, [])
    frame = h.dbg.frames(ev.thread_id)[0]
    h.dbg.run_on_thread(ev.thread_id, lambda: frame.f_globals.__setitem__("stop", True), 5)
    h.dbg.resume()
    h.join()
    assert not [e for e in h.drain() if type(e).__name__ == "Stopped"]


def _wait_for_module_global(path: str, name: str):  # type: ignore[no-untyped-def]
    import sys
    import time

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for frame in sys._current_frames().values():
            f = frame
            while f is not None:
                if f.f_code.co_filename == path and name in f.f_globals:
                    return f.f_globals[name]
                f = f.f_back
        time.sleep(0.001)
    raise AssertionError("target did not start")


def test_no_global_events_without_breakpoints_and_local_line_only(h: Harness) -> None:
    import importlib
    import sys
    from pathlib import Path

    tool = sys.monitoring.DEBUGGER_ID
    ev = sys.monitoring.events
    assert sys.monitoring.get_events(tool) == 0
    path = h.write(
        """
        def a():
            return 1
        def b():
            return 2
        """
    )
    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(2)])
    assert sys.monitoring.get_events(tool) == ev.PY_START  # late binding only
    assert sys.monitoring.get_local_events(tool, module.a.__code__) & ev.LINE
    assert sys.monitoring.get_local_events(tool, module.b.__code__) == 0
    h.dbg.set_source_breakpoints(path, [])
    assert sys.monitoring.get_events(tool) == 0
    assert sys.monitoring.get_local_events(tool, module.a.__code__) == 0


def test_close_clears_local_events_and_frees_tool(tmp_path: object) -> None:
    import importlib
    import sys
    from pathlib import Path

    from .conftest import Harness as H

    h = H(tmp_path)  # type: ignore[arg-type]
    path = h.write("def a():\n    return 1\n")
    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(2)])
    h.close()
    tool = sys.monitoring.DEBUGGER_ID
    assert sys.monitoring.get_tool(tool) is None
    assert sys.monitoring.get_local_events(tool, module.a.__code__) == 0


def test_busy_tool_id_is_reported_with_holder() -> None:
    import sys

    import pytest

    from engine import Debugger, EngineBusyError

    sys.monitoring.use_tool_id(sys.monitoring.DEBUGGER_ID, "other-debugger")
    try:
        with pytest.raises(EngineBusyError, match="other-debugger"):
            Debugger(lambda e: None).start()
    finally:
        sys.monitoring.free_tool_id(sys.monitoring.DEBUGGER_ID)


def test_breakpoint_locations(h: Harness) -> None:
    path = h.write(
        """
        def f():
            a = 1

            b = 2
            return a + b
        """
    )
    assert h.dbg.breakpoint_locations(path, 1, 6) == [1, 2, 4, 5]
    assert h.dbg.breakpoint_locations(path, 3) == []


def test_stop_on_entry(h: Harness) -> None:
    path = h.write(
        """
        # header comment
        x = 1
        y = 2
        """
    )
    h.dbg.stop_on_entry(path)
    h.run_path(path)
    ev = h.stopped("entry")
    assert h.where(ev.thread_id) == ("<module>", 2)
    h.dbg.resume()
    h.join()


def test_resuming_twice_before_the_thread_wakes_does_not_skip_its_next_stop(h: Harness) -> None:
    path = h.write(
        """
        def step(i):
            value = i * 2
            return value

        for i in range(3):
            step(i)
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(3)])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    # Two resumes before the thread has woken (continue of one thread, then of all threads):
    # only one may count, or the next stop would end at once.
    h.dbg.resume(ev.thread_id)
    h.dbg.resume(None)
    ev = h.stopped("breakpoint")
    assert h.locals(ev.thread_id)["i"] == 1
    assert h.dbg.is_stopped(ev.thread_id)
    h.dbg.set_source_breakpoints(path, [])
    h.dbg.resume(None)
    h.join()
