"""Adversarial in-process engine tests: hostile user objects, code swapped at runtime, deep
recursion, other tracers and monitoring tools, threads and shutdown while stopped, breakpoints
replaced, and stepping across exceptions and generators.

A monitoring callback must never raise into the user's program, and what the program does must
be what it would do without the debugger.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

from engine import (
    Debugger,
    EngineBusyError,
    EngineError,
    ExceptionFilterSpec,
    Output,
    Stopped,
    ThreadStarted,
)
from engine import SourceBreakpointSpec as BP

from .conftest import TIMEOUT, Harness


def _line(path: str, marker: str) -> int:
    with open(path) as f:
        for number, text in enumerate(f, start=1):
            if text.rstrip().endswith(f"# @{marker}"):
                return number
    raise LookupError(marker)


def _start_at(h: Harness, source: str, marker: str) -> tuple[str, int]:
    path = h.write(source)
    h.dbg.set_source_breakpoints(path, [BP(_line(path, marker))])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    h.dbg.set_source_breakpoints(path, [])
    return path, ev.thread_id


def _step(h: Harness, tid: int, kind: str) -> tuple[str, int]:
    h.dbg.step(tid, kind)  # type: ignore[arg-type]
    ev = h.stopped("step")
    assert ev.thread_id == tid
    return h.where(tid)


def _stopped_soon(h: Harness, reason: str) -> Stopped:
    """A stop expected at once (the program's next few lines): a short wait, so the tests of
    known bugs (no stop at all) fail fast."""
    ev = h.wait(Stopped, 3.0)
    assert ev.reason == reason, ev
    return ev


def _engine_errors(h: Harness) -> list[EngineError]:
    h.drain()
    return [e for e in h.seen if isinstance(e, EngineError)]


def _module(h: Harness) -> dict[str, Any]:
    assert not h.errors, h.errors
    result: dict[str, Any] = h.results[0]
    return result


# --- hostile user objects --------------------------------------------------------------------


BAD_STR = """
class BadStr(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")

caught = None
try:
    raise BadStr("x")  # @raise
except BadStr as e:
    caught = type(e).__name__
after = True
"""


def test_raised_filter_stops_on_an_exception_whose_str_raises(h: Harness) -> None:
    # The exception text is user code that fails: the stop still happens (Python's traceback
    # prints `<exception str() failed>` in the same situation), and the program runs on.
    path = h.write(BAD_STR)
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised")])
    h.run_path(path)
    ev = _stopped_soon(h, "exception")
    assert h.where(ev.thread_id)[1] == _line(path, "raise")
    assert ev.text is not None and ev.text.startswith("BadStr")
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["caught"] == "BadStr"
    assert _engine_errors(h) == []


def test_report_uncaught_of_an_exception_whose_str_raises_never_raises(h: Harness) -> None:
    path = h.write(
        """
        class BadStr(Exception):
            def __str__(self):
                raise RuntimeError("no str for you")

        def fail():
            raise BadStr("x")  # @raise
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    h.dbg.set_exception_filters([ExceptionFilterSpec("uncaught")])

    def run() -> str:
        try:
            module.fail()
        except BaseException as exc:
            # What the runner does with the program's uncaught exception.
            h.dbg.report_uncaught(exc)
            return "reported"
        return "not raised"

    h.start(run)
    ev = _stopped_soon(h, "exception")
    assert ev.exception_filter == "uncaught"
    assert h.where(ev.thread_id) == ("fail", _line(path, "raise"))
    h.dbg.resume(ev.thread_id)
    h.join()
    assert h.errors == []
    assert h.results == ["reported"]


def test_breakpoint_condition_whose_error_has_a_failing_str_still_stops(h: Harness) -> None:
    path = h.write(
        """
        class Nasty(Exception):
            def __str__(self):
                raise RuntimeError("nope")

        class Flag:
            def __bool__(self):
                raise Nasty()

        flag = Flag()
        x = 1  # @bp
        done = True
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"), condition="flag")])
    h.run_path(path)
    ev = _stopped_soon(h, "breakpoint")
    assert h.where(ev.thread_id)[1] == _line(path, "bp")
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["done"] is True
    outputs = [e.text for e in h.seen if isinstance(e, Output)]
    assert any("Nasty" in text for text in outputs), outputs
    assert _engine_errors(h) == []


def test_hostile_locals_do_not_disturb_breakpoints_conditions_or_steps(h: Harness) -> None:
    # Objects whose __eq__, __hash__, __repr__, __bool__ and __getattr__ all raise, as locals of
    # the frame a breakpoint, a condition and a step look at.
    path, tid = _start_at(
        h,
        """
        class Hostile:
            def __eq__(self, other):
                raise RuntimeError("eq")
            def __hash__(self):
                raise RuntimeError("hash")
            def __repr__(self):
                raise RuntimeError("repr")
            def __bool__(self):
                raise RuntimeError("bool")
            def __getattr__(self, name):
                raise RuntimeError("getattr " + name)

        def use(obj):
            a = obj  # @bp
            b = [a]
            return len(b)

        n = use(Hostile())
        """,
        "bp",
    )
    assert h.where(tid) == ("use", _line(path, "bp"))
    assert _step(h, tid, "over") == ("use", _line(path, "bp") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["n"] == 1
    assert _engine_errors(h) == []


def test_exception_class_with_raising_instancecheck_metaclass_and_raised_filter(
    h: Harness,
) -> None:
    path = h.write(
        """
        class Meta(type):
            def __instancecheck__(cls, obj):
                raise RuntimeError("instancecheck")

        class Odd(Exception, metaclass=Meta):
            pass

        class Other(Exception, metaclass=Meta):
            pass

        try:
            raise Odd("odd")  # @raise
        except Odd as e:
            kind = type(e).__name__
        """
    )
    # A filter on other types: no stop, the program's own `except Odd` unaffected.
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised", "ValueError, KeyError")])
    t = h.run_path(path)
    t.join(TIMEOUT)
    assert not t.is_alive()
    assert _module(h)["kind"] == "Odd"
    assert not [e for e in h.drain() if isinstance(e, Stopped)]
    # A condition that runs the hostile __instancecheck__: stop, and say why.
    h.results.clear()
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised", "isinstance(exc, Other)")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id)[1] == _line(path, "raise")
    assert ev.text == "Odd: odd"
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["kind"] == "Odd"
    outputs = [e.text for e in h.seen if isinstance(e, Output)]
    assert any("RuntimeError: instancecheck" in text for text in outputs), outputs
    assert _engine_errors(h) == []


# --- code objects replaced or made at runtime --------------------------------------------------


def test_breakpoint_in_code_assigned_to_another_function(h: Harness) -> None:
    path = h.write(
        """
        def g(v):
            w = v + 100  # @bp
            return w

        def f(v):
            return -v

        f.__code__ = g.__code__
        r = f(1)
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"))])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("g", _line(path, "bp"))
    assert h.locals(ev.thread_id) == {"v": 1}
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["r"] == 101


def test_breakpoint_binds_in_a_renamed_code_copy_made_after_it_was_set(h: Harness) -> None:
    path = h.write(
        """
        import types

        def template(v):
            w = v * 3  # @bp
            return w

        renamed = types.FunctionType(
            template.__code__.replace(co_name="renamed", co_qualname="renamed"), globals()
        )
        r = renamed(2)
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"))])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("renamed", _line(path, "bp"))
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["r"] == 6


@pytest.mark.parametrize("filename", ["", "<string>", "/no/such/dir/generated_ena.py"])
def test_stepping_through_code_compiled_with_an_odd_filename(h: Harness, filename: str) -> None:
    path, tid = _start_at(
        h,
        f"""
        src = "def made(v):\\n    a = v + 1\\n    b = a * 2\\n    return b\\n"
        ns = {{}}
        exec(compile(src, {filename!r}, "exec"), ns)
        made = ns["made"]
        r = made(1)  # @bp
        done = True
        """,
        "bp",
    )
    name, line = _step(h, tid, "into")
    assert (name, line) == ("made", 2)
    assert _step(h, tid, "over") == ("made", 3)
    # Out of the call: the caller's next line (this engine's documented step-out landing).
    assert _step(h, tid, "out") == ("<module>", _line(path, "bp") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == 4
    assert _engine_errors(h) == []


def test_breakpoint_in_generated_code_with_a_missing_file_binds_when_it_runs(h: Harness) -> None:
    fake = str(h.tmp_path / "not_on_disk_ena.py")
    path = h.write(
        f"""
        src = "def made(v):\\n    a = v + 1\\n    return a\\n"
        ns = {{}}
        exec(compile(src, {fake!r}, "exec"), ns)
        r = ns["made"](1)
        """
    )
    (status,) = h.dbg.set_source_breakpoints(fake, [BP(2)])
    assert not status.verified
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("made", 2)
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["r"] == 2


# --- recursion --------------------------------------------------------------------------------


RECURSION = """
import sys

def depth_limit():
    def probe(n):
        return probe(n + 1) if n < 100000 else n
    count = [0]
    def measure(n):
        count[0] = n
        measure(n + 1)
    try:
        measure(0)
    except RecursionError:
        pass
    return count[0]

def down(n):
    if n == 0:
        hit = True  # @bp
        return 0
    return down(n - 1) + 1

limit = depth_limit()
"""


def test_breakpoint_hit_near_the_recursion_limit_stops(h: Harness) -> None:
    # The user's frame runs fine at this depth (3 frames short of the limit); the engine must
    # manage to stop there too, or at least say why it could not.
    path = h.write(RECURSION + "r = down(limit - 3)\n")
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"))])
    h.run_path(path)
    ev = _stopped_soon(h, "breakpoint")
    assert h.where(ev.thread_id) == ("down", _line(path, "bp"))
    h.dbg.resume(ev.thread_id)
    h.join()
    module = _module(h)
    assert module["r"] == module["limit"] - 3
    assert _engine_errors(h) == []


def test_recursion_error_is_the_programs_and_raised_filter_stops_on_it(h: Harness) -> None:
    path = h.write(
        """
        def forever(n):
            return forever(n + 1)  # @rec

        try:
            forever(0)
        except RecursionError as e:
            kind = type(e).__name__
        """
    )
    h.dbg.set_exception_filters([ExceptionFilterSpec("raised")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert ev.text is not None and ev.text.startswith("RecursionError")
    assert h.where(ev.thread_id) == ("forever", _line(path, "rec"))
    h.dbg.resume(ev.thread_id)
    h.join()
    assert _module(h)["kind"] == "RecursionError"
    assert _engine_errors(h) == []


def test_program_recursion_error_stays_the_programs_with_a_conditional_breakpoint(
    h: Harness,
) -> None:
    # A breakpoint in the recursive function with a never-true condition: the program still
    # gets its own RecursionError (at most the callback's couple of frames earlier), catches it,
    # and runs on; the engine reports no error of its own.
    source = """
        def measure(n, out):
            out[0] = n  # @bp
            measure(n + 1, out)

        out = [0]
        try:
            measure(0, out)
        except RecursionError as e:
            kind = type(e).__name__
        depth = out[0]
        """
    path = h.write(source)
    h.run_path(path)
    h.join()
    plain = _module(h)["depth"]
    h.results.clear()
    h.workers.clear()
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"), condition="n < 0")])
    h.run_path(path)
    h.join()
    module = _module(h)
    assert module["kind"] == "RecursionError"
    assert plain - 5 <= module["depth"] <= plain
    assert not [e for e in h.drain() if isinstance(e, Stopped)]
    assert _engine_errors(h) == []


def test_step_over_a_call_that_recurses_into_recursion_error(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def forever(n):
            return forever(n + 1)

        def main():
            try:
                forever(0)  # @bp
            except RecursionError:  # @except
                caught = True
            return caught

        r = main()
        """,
        "bp",
    )
    assert _step(h, tid, "over") == ("main", _line(path, "except"))
    assert _step(h, tid, "over") == ("main", _line(path, "except") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] is True
    assert _engine_errors(h) == []


# --- other tracers and monitoring tools ---------------------------------------------------------


def test_program_with_its_own_settrace_and_setprofile(h: Harness) -> None:
    _path, tid = _start_at(
        h,
        """
        import sys
        lines = []
        calls = []

        def tracer(frame, event, arg):
            if frame.f_code.co_name == "work":
                if event == "line":
                    lines.append(frame.f_lineno - frame.f_code.co_firstlineno)
                return tracer
            return None

        def profiler(frame, event, arg):
            if event == "call" and frame.f_code.co_name == "work":
                calls.append(event)

        def work():
            a = 1  # @bp
            b = a + 1
            return b

        sys.settrace(tracer)
        sys.setprofile(profiler)
        r = work()
        sys.settrace(None)
        sys.setprofile(None)
        """,
        "bp",
    )
    assert _step(h, tid, "over")[0] == "work"
    h.dbg.resume(tid)
    h.join()
    module = _module(h)
    assert module["r"] == 2
    assert module["lines"] == [1, 2, 3]
    assert module["calls"] == ["call"]


def test_program_using_other_monitoring_tools_at_the_same_time(h: Harness) -> None:
    _path, tid = _start_at(
        h,
        """
        import sys
        mon = sys.monitoring
        E = mon.events
        seen_lines = []
        starts = []

        def on_line(code, line):
            if code.co_name == "work":
                seen_lines.append(line - code.co_firstlineno)
            return None

        def on_start(code, offset):
            if code.co_name == "work":
                starts.append(code.co_name)
            return None

        mon.use_tool_id(mon.COVERAGE_ID, "cov")
        mon.use_tool_id(mon.PROFILER_ID, "prof")
        mon.register_callback(mon.COVERAGE_ID, E.LINE, on_line)
        mon.register_callback(mon.PROFILER_ID, E.PY_START, on_start)
        mon.set_events(mon.COVERAGE_ID, E.LINE)
        mon.set_events(mon.PROFILER_ID, E.PY_START)

        def work():
            a = 1  # @bp
            b = a + 1
            return b

        r1 = work()
        r2 = work()
        mon.set_events(mon.COVERAGE_ID, 0)
        mon.set_events(mon.PROFILER_ID, 0)
        mon.free_tool_id(mon.COVERAGE_ID)
        mon.free_tool_id(mon.PROFILER_ID)
        """,
        "bp",
    )
    assert _step(h, tid, "over")[0] == "work"
    h.dbg.resume(tid)
    h.join()
    module = _module(h)
    assert module["r1"] == module["r2"] == 2
    assert module["seen_lines"] == [1, 2, 3, 1, 2, 3]
    assert module["starts"] == ["work", "work"]


def test_another_tool_holding_debugger_id_gives_a_clear_error(h: Harness) -> None:
    # `h` holds DEBUGGER_ID: a second engine must refuse, naming the holder, and change nothing.
    other = Debugger(lambda e: None)
    with pytest.raises(EngineBusyError, match=r"DEBUGGER_ID \(0\) is already in use by 'engine'"):
        other.start()
    assert sys.monitoring.get_tool(sys.monitoring.DEBUGGER_ID) == "engine"
    other.close()  # closing the engine that never started leaves the running one alone
    assert sys.monitoring.get_tool(sys.monitoring.DEBUGGER_ID) == "engine"


def test_starting_while_a_foreign_tool_holds_debugger_id() -> None:
    mon = sys.monitoring
    mon.use_tool_id(mon.DEBUGGER_ID, "pdb-like")
    try:
        dbg = Debugger(lambda e: None)
        with pytest.raises(EngineBusyError, match="already in use by 'pdb-like'"):
            dbg.start()
        dbg.close()
        assert mon.get_tool(mon.DEBUGGER_ID) == "pdb-like"
    finally:
        mon.free_tool_id(mon.DEBUGGER_ID)


# --- threads while stopped, and closing the engine ----------------------------------------------


def test_thread_created_while_another_is_stopped_stops_at_its_own_breakpoint(h: Harness) -> None:
    path = h.write(
        """
        import threading

        def child(box):
            box.append("child")  # @child

        def main_work(box):
            box.append("main")  # @main
            return box
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "main")), BP(_line(path, "child"))])
    box: list[str] = []
    h.start(lambda: module.main_work(box), name="first")
    first = h.stopped("breakpoint")
    # While `first` is stopped, the program starts a new thread.
    t = threading.Thread(target=module.child, args=(box,), name="late-child")
    t.start()
    started = h.wait(ThreadStarted)
    assert started.name == "late-child"
    second = h.stopped("breakpoint")
    assert second.thread_id != first.thread_id
    assert second.thread_id == t.native_id
    assert h.where(second.thread_id) == ("child", _line(path, "child"))
    assert {tid for tid, _ in h.dbg.threads()} >= {first.thread_id, second.thread_id}
    h.dbg.resume()
    t.join(TIMEOUT)
    h.join()
    assert sorted(box) == ["child", "main"]


def test_close_while_threads_are_stopped_and_one_is_stepping_lets_them_all_finish(
    make_harness: Any,
) -> None:
    h: Harness = make_harness()
    path = h.write(
        """
        def work(box, v):
            a = v  # @bp
            b = a + 1
            box.append(b)
            return b
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "bp"))])
    box: list[int] = []
    h.start(lambda: module.work(box, 1), name="a")
    first = h.stopped("breakpoint")
    h.start(lambda: module.work(box, 10), name="b")
    h.stopped("breakpoint")
    h.dbg.step(first.thread_id, "over")
    h.stopped("step")
    h.start(lambda: module.work(box, 100), name="c")
    h.stopped("breakpoint")
    h.dbg.close()
    h.join()
    assert sorted(box) == [2, 11, 101]
    assert sys.monitoring.get_tool(sys.monitoring.DEBUGGER_ID) is None
    # Nothing the closed engine set up stops the program any more.
    again: list[int] = []
    module.work(again, 5)
    assert again == [6]


def test_breakpoint_on_a_loop_running_deep_in_another_thread_takes_effect_at_once(
    h: Harness,
) -> None:
    path = h.write(
        """
        import threading

        def inner(stop, seen):
            i = 0
            while not stop.is_set():
                i += 1  # @loop
                seen.set()
            return i

        def middle(stop, seen):
            r = inner(stop, seen)
            return r  # @after

        def outer(stop, seen):
            return middle(stop, seen)
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    stop = threading.Event()
    seen = threading.Event()
    h.start(lambda: module.outer(stop, seen))
    assert seen.wait(TIMEOUT)
    # The loop is already running: a breakpoint in its frame and one in a caller's frame.
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "loop")), BP(_line(path, "after"))])
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("inner", _line(path, "loop"))
    names = [f.f_code.co_name for f in h.dbg.frames(ev.thread_id)]
    assert names[:3] == ["inner", "middle", "outer"]
    h.dbg.set_source_breakpoints(path, [BP(_line(path, "after"))])
    stop.set()
    h.dbg.resume(ev.thread_id)
    ev = h.stopped("breakpoint")
    assert h.where(ev.thread_id) == ("middle", _line(path, "after"))
    h.dbg.resume(ev.thread_id)
    h.join()


# --- breakpoints replaced: hit counts -----------------------------------------------------------


def test_hit_count_restarts_when_set_breakpoints_replaces_the_set(h: Harness) -> None:
    # Like debugpy: setBreakpoints sends the whole set again and each breakpoint starts counting
    # afresh, kept or not.
    path = h.write(
        """
        def tick(i):
            return i  # @bp
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    line = _line(path, "bp")
    h.dbg.set_source_breakpoints(path, [BP(line, hit_condition="==3")])

    def loop(n: int) -> None:
        for i in range(n):
            module.tick(i)

    h.start(lambda: loop(4))
    ev = h.stopped("breakpoint")
    assert h.locals(ev.thread_id) == {"i": 2}
    # The editor re-sends the set (the user edited another breakpoint of the file).
    h.dbg.set_source_breakpoints(path, [BP(line, hit_condition="==3")])
    h.dbg.resume(ev.thread_id)
    h.join()
    assert not [e for e in h.drain() if isinstance(e, Stopped)]
    # The re-sent breakpoint counts from zero: i == 3 of the first loop was its first hit, so
    # the second loop's i == 1 is its third (with the count kept, `==3` would never hold again).
    h.workers.clear()
    h.start(lambda: loop(4))
    ev = h.stopped("breakpoint")
    assert h.locals(ev.thread_id) == {"i": 1}
    h.dbg.resume(ev.thread_id)
    h.join()


def test_hit_condition_and_condition_count_only_true_conditions(h: Harness) -> None:
    path = h.write(
        """
        def tick(i):
            return i  # @bp
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(
        path, [BP(_line(path, "bp"), condition="i % 2 == 1", hit_condition="%2")]
    )

    def loop() -> None:
        for i in range(10):
            module.tick(i)

    h.start(loop)
    stops = []
    for _ in range(2):
        ev = h.stopped("breakpoint")
        stops.append(h.locals(ev.thread_id)["i"])
        h.dbg.resume(ev.thread_id)
    h.join()
    assert stops == [3, 7]


# --- stepping across exceptions and generators --------------------------------------------------


def test_step_over_a_line_that_raises_and_is_caught_in_the_same_function(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def f():
            try:
                x = int("nope")  # @bp
                y = 1
            except ValueError:  # @except
                x = -1  # @handler
            return x

        r = f()
        """,
        "bp",
    )
    assert _step(h, tid, "over") == ("f", _line(path, "except"))
    assert _step(h, tid, "over") == ("f", _line(path, "handler"))
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == -1


def test_step_over_a_line_that_raises_with_a_bare_except(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def f():
            try:
                x = 1 / 0  # @bp
            except:  # noqa: E722  # @except
                x = -1  # @handler
            return x

        r = f()
        """,
        "bp",
    )
    name, line = _step(h, tid, "over")
    assert name == "f"
    assert line in (_line(path, "except"), _line(path, "handler"))
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == -1


def test_step_over_a_line_that_raises_out_of_the_function(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def inner():
            a = 1
            raise KeyError("k")  # @bp
            return a

        def outer():
            try:
                inner()
            except KeyError:  # @except
                return "caught"

        r = outer()
        """,
        "bp",
    )
    assert _step(h, tid, "over") == ("outer", _line(path, "except"))
    assert _step(h, tid, "over") == ("outer", _line(path, "except") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == "caught"


def test_step_out_of_a_function_that_raises(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def inner():
            a = 1  # @bp
            raise KeyError("k")

        def outer():
            try:
                inner()
            except KeyError:  # @except
                return "caught"

        r = outer()
        """,
        "bp",
    )
    assert _step(h, tid, "out") == ("outer", _line(path, "except"))
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == "caught"


def test_step_into_a_generator_resume_lands_after_its_yield(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def gen():
            yield 1  # @y1
            x = 2  # @after1
            yield x

        g = gen()
        a = next(g)
        b = next(g)  # @bp
        done = True
        """,
        "bp",
    )
    assert _step(h, tid, "into") == ("gen", _line(path, "after1"))
    assert _step(h, tid, "over") == ("gen", _line(path, "after1") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["b"] == 2


def test_step_into_a_coroutine_resumed_by_send(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        import types

        @types.coroutine
        def suspend():
            got = yield "suspended"
            return got  # @ret

        async def coro():
            v = await suspend()
            w = v * 2  # @after
            return w

        c = coro()
        first = c.send(None)
        try:
            c.send(21)  # @bp
        except StopIteration as stop:
            r = stop.value
        """,
        "bp",
    )
    # Into the send: the innermost resumed frame, after the yield it was suspended at.
    assert _step(h, tid, "into") == ("suspend", _line(path, "ret"))
    assert _step(h, tid, "over") == ("coro", _line(path, "after"))
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == 42


def test_step_over_yield_from_finishes_the_delegation(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def inner():
            yield 1
            yield 2
            return "inner done"

        def outer():
            res = yield from inner()  # @bp
            tail = res  # @tail
            yield tail

        out = list(outer())
        """,
        "bp",
    )
    # Over a `yield from`: the frame is suspended while the consumer runs; each resumption of
    # the delegation is the same statement still running. The step ends when it has finished.
    stops = []
    for _ in range(4):
        stops.append(_step(h, tid, "over"))
        if stops[-1] == ("outer", _line(path, "tail")):
            break
    assert stops[-1] == ("outer", _line(path, "tail")), stops
    assert len(stops) == 1, stops
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["out"] == [1, 2, "inner done"]


def test_step_over_in_a_frame_whose_code_was_swapped_by_the_caller(h: Harness) -> None:
    path, tid = _start_at(
        h,
        """
        def real(v):
            a = v + 1
            return a

        def shown(v):
            return 0

        shown.__code__ = real.__code__
        r = shown(1)  # @bp
        done = True
        """,
        "bp",
    )
    assert _step(h, tid, "into") == ("real", 2)
    assert _step(h, tid, "over") == ("real", 3)
    assert _step(h, tid, "over") == ("<module>", _line(path, "bp") + 1)
    h.dbg.resume(tid)
    h.join()
    assert _module(h)["r"] == 2


def test_no_engine_error_for_threading_in_a_stopped_evaluation(h: Harness) -> None:
    # A thread started from an evaluation on a stopped thread runs its own course.
    _path, tid = _start_at(
        h,
        """
        def f():
            x = 1  # @bp
            return x

        r = f()
        """,
        "bp",
    )
    box: list[str] = []

    def evaluation() -> str:
        t = threading.Thread(target=lambda: box.append("ran"), name="eval-thread")
        t.start()
        t.join(TIMEOUT)
        return "ok"

    assert h.dbg.run_on_thread(tid, evaluation, TIMEOUT) == "ok"
    assert box == ["ran"]
    h.dbg.resume(tid)
    h.join()
    assert _engine_errors(h) == []
