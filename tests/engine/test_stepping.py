from __future__ import annotations

from engine import SourceBreakpointSpec as BP

from .conftest import Harness

PROGRAM = """
def helper(v):
    w = v * 2
    return w

def main():
    a = 1
    b = helper(a)
    c = b + 1
    return c

def fact(n):
    if n <= 1:
        return 1
    r = n * fact(n - 1)
    return r

result = main()
f = fact(3)
done = True
"""


def _start_at(h: Harness, line: int, source: str = PROGRAM) -> tuple[str, int]:
    path = h.write(source)
    h.dbg.set_source_breakpoints(path, [BP(line)])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    h.dbg.set_source_breakpoints(path, [])
    return path, ev.thread_id


def _step(h: Harness, tid: int, kind: str, target: int | None = None) -> tuple[str, int]:
    h.dbg.step(tid, kind, target)  # type: ignore[arg-type]
    ev = h.stopped("step")
    assert ev.thread_id == tid
    return h.where(tid)


def test_step_over_does_not_enter_calls(h: Harness) -> None:
    _, tid = _start_at(h, 6)
    assert h.where(tid) == ("main", 6)
    assert _step(h, tid, "over") == ("main", 7)
    assert _step(h, tid, "over") == ("main", 8)
    assert h.locals(tid) == {"a": 1, "b": 2}
    h.dbg.resume(tid)
    h.join()


def test_step_into_enters_callee_and_step_out_returns_value(h: Harness) -> None:
    _, tid = _start_at(h, 7)
    assert _step(h, tid, "into") == ("helper", 2)
    assert h.locals(tid) == {"v": 1}
    assert _step(h, tid, "out") == ("main", 8)
    assert h.dbg.return_value(tid) == (True, 2)
    h.dbg.resume(tid)
    h.join()


def test_step_out_lands_in_a_caller_that_returns_at_once(h: Harness) -> None:
    # The call is its caller's last line: the step out stops at the caller's return, on the
    # call line, with the callee's return value, instead of running off the caller's end.
    _, tid = _start_at(
        h,
        2,
        """
        def inner(v):
            return v * 2

        def outer():
            return inner(21)

        result = outer()
        """,
    )
    assert h.where(tid) == ("inner", 2)
    assert _step(h, tid, "out") == ("outer", 5)
    assert h.dbg.return_value(tid) == (True, 42)
    assert _step(h, tid, "out") == ("<module>", 7)
    h.dbg.resume(tid)
    h.join()
    assert h.results[0]["result"] == 42


def test_step_over_return_lands_in_caller_next_line(h: Harness) -> None:
    _, tid = _start_at(h, 2)
    assert _step(h, tid, "over") == ("helper", 3)
    assert h.dbg.return_value(tid) == (False, None)
    assert _step(h, tid, "over") == ("main", 8)
    assert h.dbg.return_value(tid) == (True, 2)
    h.dbg.resume(tid)
    h.join()


def test_step_over_recursive_call_stays_in_frame(h: Harness) -> None:
    _, tid = _start_at(h, 14)  # r = n * fact(n - 1), outermost call n=3
    assert h.locals(tid)["n"] == 3
    assert _step(h, tid, "over") == ("fact", 15)
    assert h.locals(tid) == {"n": 3, "r": 6}
    h.dbg.resume(tid)
    h.join()


def test_step_out_of_last_frame_finishes_thread(h: Harness) -> None:
    path = h.write(
        """
        def only():
            x = 1
            return x
        """
    )
    import importlib
    from pathlib import Path

    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(2)])
    h.start(module.only)
    ev = h.stopped("breakpoint")
    h.dbg.set_source_breakpoints(path, [])
    h.dbg.step(ev.thread_id, "out")
    h.join()
    assert h.results == [1]
    h.drain()
    assert [type(e).__name__ for e in h.seen].count("Stopped") == 1


def test_step_over_yield_resumes_in_same_generator(h: Harness) -> None:
    _, tid = _start_at(
        h,
        3,
        """
        def gen():
            x = 1
            yield x
            x = 2
            yield x

        out = []
        for v in gen():
            out.append(v)
        """,
    )
    assert h.where(tid) == ("gen", 3)
    assert _step(h, tid, "over") == ("gen", 4)
    h.dbg.resume(tid)
    h.join()


def test_step_over_await_resumes_in_same_coroutine(h: Harness) -> None:
    _, tid = _start_at(
        h,
        5,
        """
        import asyncio

        async def worker(name):
            a = name
            await asyncio.sleep(0)
            b = a + "!"
            return b

        async def main():
            return await asyncio.gather(worker("x"), worker("y"))

        res = asyncio.run(main())
        """,
    )
    assert h.where(tid) == ("worker", 5)
    assert h.locals(tid)["a"] == "x"
    assert _step(h, tid, "over") == ("worker", 6)
    assert h.locals(tid)["a"] == "x"  # the same coroutine, not the other task
    h.dbg.resume(tid)
    h.join()


def test_exception_during_step_stops_in_handler(h: Harness) -> None:
    _, tid = _start_at(
        h,
        2,
        """
        def boom():
            raise ValueError("x")

        def caller():
            try:
                boom()
            except ValueError:
                handled = True
            return handled

        caller()
        """,
    )
    assert h.where(tid) == ("boom", 2)
    assert _step(h, tid, "over") == ("caller", 7)
    h.dbg.resume(tid)
    h.join()


def test_step_into_library_with_just_my_code_lands_in_user_callback(h: Harness) -> None:
    _, tid = _start_at(
        h,
        6,
        """
        import json

        def default(o):
            return "custom"

        text = json.dumps({"k": object()}, default=default)
        after = 1
        """,
    )
    assert _step(h, tid, "into") == ("default", 4)
    assert _step(h, tid, "out") == ("<module>", 7)
    h.dbg.resume(tid)
    h.join()


def test_step_into_stdlib_without_callbacks_goes_to_next_line(h: Harness) -> None:
    _, tid = _start_at(
        h,
        2,
        """
        import json
        text = json.dumps([1, 2])
        after = text
        """,
    )
    assert _step(h, tid, "into") == ("<module>", 3)
    h.dbg.resume(tid)
    h.join()


def test_step_in_targets_and_targeted_step_into(h: Harness) -> None:
    _, tid = _start_at(
        h,
        7,
        """
        def inner(v):
            return v + 1

        def outer(v):
            return v * 10

        x = outer(inner(1))
        """,
    )
    frame = h.top(tid)
    targets = h.dbg.step_in_targets(tid, frame)
    assert targets == [(1, "outer"), (2, "inner")] or targets == [(1, "inner"), (2, "outer")]
    outer_id = next(i for i, n in targets if n == "outer")
    assert _step(h, tid, "into", outer_id) == ("outer", 5)
    assert h.locals(tid) == {"v": 2}
    h.dbg.resume(tid)
    h.join()


def test_goto_jumps_within_frame(h: Harness) -> None:
    _, tid = _start_at(
        h,
        3,
        """
        def f():
            done = []
            done.append(1)
            done.append(2)
            done.append(3)
            return done

        r = f()
        """,
    )
    h.dbg.goto(tid, 5)
    ev = h.stopped("goto")
    assert ev.thread_id == tid
    h.dbg.resume(tid)
    h.join()
    assert h.results[0]["r"] == [3]  # lines 3 and 4 were jumped over


def test_set_local_sticks(h: Harness) -> None:
    _, tid = _start_at(
        h,
        3,
        """
        def f():
            x = 1
            y = x + 1
            return y

        r = f()
        """,
    )
    frame = h.top(tid)
    h.dbg.set_local(tid, frame, "x", 41)
    assert h.locals(tid)["x"] == 41
    h.dbg.resume(tid)
    h.join()
    assert h.results[0]["r"] == 42
