from __future__ import annotations

import importlib
import threading
from pathlib import Path

import pytest

from engine import (
    BreakpointChanged,
    EngineError,
    EvaluationTimeout,
    Stopped,
    ThreadExited,
    ThreadStarted,
)
from engine import (
    FunctionBreakpointSpec as FB,
)
from engine import (
    SourceBreakpointSpec as BP,
)

from .conftest import Harness


def test_pause_thread_in_tight_loop(h: Harness) -> None:
    path = h.write(
        """
        import threading
        running = threading.Event()
        stop = False

        def spin():
            n = 0
            while not stop:
                n += 1
            return n
        """
    )
    module = importlib.import_module(Path(path).stem)
    worker = h.start(lambda: (module.running.set(), module.spin())[1], name="spinner")
    assert module.running.wait(10)
    native = worker.native_id
    assert native is not None
    assert (native, "spinner") in h.dbg.threads()
    h.dbg.pause(native)
    ev = h.stopped("pause")
    assert ev.thread_id == native
    name, line = h.where(native)
    assert name == "spin" and line in (7, 8)
    assert h.dbg.is_stopped(native)
    module.stop = True
    h.dbg.resume(native)
    h.join()
    assert not h.dbg.is_stopped(native)


def test_thread_started_and_exited_events_and_hidden_threads(h: Harness) -> None:
    path = h.write(
        """
        import threading

        def work():
            return 1

        t = threading.Thread(target=work, name="child")
        t.start()
        t.join()
        """
    )
    h.run_path(path)
    h.join()
    h.drain()
    started = [e for e in h.seen if isinstance(e, ThreadStarted)]
    exited = [e for e in h.seen if isinstance(e, ThreadExited)]
    assert [e.name for e in started] == ["worker", "child"]
    assert {e.thread_id for e in exited} == {e.thread_id for e in started}
    # The test thread hid itself, like the server thread does.
    assert threading.get_native_id() not in dict(h.dbg.threads())


def test_function_breakpoints_before_import(h: Harness) -> None:
    name = "fbmod_" + Path(h.write("x = 1")).stem
    path = h.write(
        """
        class Greeter:
            def hello(self, who):
                msg = "hi " + who
                return msg

        def plain(v):
            return v + 1

        Greeter().hello("bob")
        plain(1)
        """,
        name=name,
    )
    statuses = h.dbg.set_function_breakpoints([FB(f"{name}.Greeter.hello"), FB("plain")])
    assert [s.verified for s in statuses] == [False, False]
    h.import_module(path)
    ev = h.stopped("function breakpoint")
    assert h.where(ev.thread_id) == ("hello", 3)
    assert h.locals(ev.thread_id)["who"] == "bob"
    assert ev.hit_breakpoint_ids == (statuses[0].id,)
    h.dbg.resume()
    ev = h.stopped("function breakpoint")
    assert h.where(ev.thread_id) == ("plain", 7)
    h.dbg.resume()
    h.join()
    changed = [e.status for e in h.seen if isinstance(e, BreakpointChanged)]
    assert {(s.id, s.verified, s.line) for s in changed} == {
        (statuses[0].id, True, 3),
        (statuses[1].id, True, 7),
    }


def test_run_on_thread_uses_the_thread_and_times_out(h: Harness) -> None:
    path = h.write(
        """
        import threading
        tls = threading.local()
        tls.value = "mine"

        def stop_here():
            x = 1
            return x

        stop_here()
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(6)])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    frame = h.top(ev.thread_id)
    assert h.dbg.run_on_thread(ev.thread_id, threading.get_native_id, 5) == ev.thread_id
    assert h.dbg.run_on_thread(ev.thread_id, lambda: frame.f_globals["tls"].value, 5) == "mine"
    with pytest.raises(ZeroDivisionError):
        h.dbg.run_on_thread(ev.thread_id, lambda: 1 / 0, 5)

    def forever() -> None:
        while True:
            pass

    with pytest.raises(EvaluationTimeout):
        h.dbg.run_on_thread(ev.thread_id, forever, 0.2)
    # Still stopped and usable.
    assert h.dbg.is_stopped(ev.thread_id)
    assert h.dbg.run_on_thread(ev.thread_id, lambda: 7, 5) == 7
    h.dbg.resume()
    h.join()


def test_event_sink_and_engine_bugs_never_reach_the_program(tmp_path: Path) -> None:
    from .conftest import Harness as H

    h = H(tmp_path)
    try:
        path = h.write(
            """
            def f():
                a = 1
                return a
            r = f()
            """
        )
        h.dbg.set_source_breakpoints(path, [BP(2)])

        def broken(*args: object) -> bool:
            raise RuntimeError("engine bug")

        h.dbg._hit = broken  # type: ignore[method-assign]
        h.run_path(path)
        h.join()
        assert not h.errors
        assert h.results[0]["r"] == 1
        err = h.wait(EngineError)
        assert "engine bug" in err.message and "LINE" in err.message
    finally:
        h.close()


def test_sixteen_threads_thousand_stops(h: Harness) -> None:
    path = h.write(
        """
        import threading

        def body(n):
            total = 0
            for i in range(n):
                total += i
            return total

        def run(threads, n):
            ts = [threading.Thread(target=body, args=(n,), name=f"w{k}") for k in range(threads)]
            for t in ts:
                t.start()
            for t in ts:
                t.join()
        """
    )
    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(6)])
    per_thread = 1000 // 16 + 1  # 63 iterations x 16 threads = 1008 stops
    h.start(lambda: module.run(16, per_thread))
    counts: dict[int, int] = {}
    total = 0
    while total < 16 * per_thread:
        ev = h.wait(Stopped)
        counts[ev.thread_id] = counts.get(ev.thread_id, 0) + 1
        total += 1
        h.dbg.resume(ev.thread_id)
    h.join(30)
    assert len(counts) == 16
    assert set(counts.values()) == {per_thread}
    h.drain()
    assert sum(isinstance(e, Stopped) for e in h.seen) == 16 * per_thread
