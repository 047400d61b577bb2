"""Pausing threads that are not in user code, pausing all threads, and the end of threads the
engine did not start watching through threading (native threads, threads older than the engine)."""

from __future__ import annotations

import _thread
import importlib
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

from engine import Output, Stopped, ThreadExited, ThreadStarted
from engine import SourceBreakpointSpec as BP

from .conftest import TIMEOUT, Harness


def _import(h: Harness, source: str) -> ModuleType:
    return importlib.import_module(Path(h.write(source)).stem)


def _wait_until(predicate: object, what: str) -> None:
    """Polls a condition the program cannot signal (where a thread is blocked)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.001)
    raise AssertionError(f"timed out waiting until {what}")


def _blocked_in_threading(ident: int | None) -> bool:
    frame = sys._current_frames().get(ident or -1)
    return frame is not None and frame.f_code.co_filename == threading.__file__


def test_pause_thread_blocked_in_a_call_stops_at_next_user_line(h: Harness) -> None:
    module = _import(
        h,
        """
        import threading
        gate = threading.Event()

        def blocked():
            gate.wait()
            after = 1
            return after
        """,
    )
    worker = h.start(module.blocked, name="waiter")
    _wait_until(lambda: _blocked_in_threading(worker.ident), "the thread blocks in Event.wait")
    assert worker.native_id is not None
    h.dbg.pause(worker.native_id)
    # A user frame is on its stack: no "runs no user code" notice.
    assert not [e for e in h.drain() if isinstance(e, Output)]
    module.gate.set()
    ev = h.stopped("pause")
    assert ev.thread_id == worker.native_id
    assert h.where(ev.thread_id) == ("blocked", 6)
    h.dbg.resume()
    h.join()
    assert h.results == [1]


def test_pause_thread_without_user_code_says_so_and_stops_when_it_runs_some(h: Harness) -> None:
    module = _import(
        h,
        """
        import threading
        gate = threading.Event()

        def later(v):
            w = v + 1
            return w
        """,
    )
    # Only the harness (hidden) and threading (library) on its stack while it waits.
    worker = h.start(lambda: (module.gate.wait(), module.later(1))[1], name="lib-only")
    _wait_until(lambda: _blocked_in_threading(worker.ident), "the thread blocks in Event.wait")
    assert worker.native_id is not None
    h.dbg.pause(worker.native_id)
    notice = h.wait(Output)
    assert "'lib-only'" in notice.text and "library or native code" in notice.text
    assert "keeps running as long as it runs none" in notice.text
    module.gate.set()
    ev = h.stopped("pause")
    assert h.where(ev.thread_id) == ("later", 5)
    h.dbg.resume()
    h.join()
    assert h.results == [2]


def test_pause_all_threads(h: Harness) -> None:
    module = _import(
        h,
        """
        import threading
        stop = False
        started = threading.Semaphore(0)

        def spin():
            started.release()
            n = 0
            while not stop:
                n += 1
            return n
        """,
    )
    workers = [h.start(module.spin, name=f"spin{k}") for k in range(3)]
    for _ in workers:
        assert module.started.acquire(timeout=TIMEOUT)
    h.dbg.pause(None)
    stopped = {h.stopped("pause").thread_id for _ in workers}
    assert stopped == {w.native_id for w in workers}
    for w in workers:
        assert w.native_id is not None
        assert h.where(w.native_id)[0] == "spin"
    module.stop = True
    h.dbg.resume()
    h.join()
    h.drain()
    assert sum(isinstance(e, Stopped) for e in h.seen) == 3


def test_native_thread_end_is_reported_when_threads_are_listed(h: Harness) -> None:
    path = h.write(
        """
        def native_work(v):
            w = v * 2
            return w
        """
    )
    module = importlib.import_module(Path(path).stem)
    h.dbg.set_source_breakpoints(path, [BP(2)])
    done = _thread.allocate_lock()
    done.acquire()
    result: list[int] = []

    def body() -> None:  # no threading.Thread: like a thread started by native code
        try:
            result.append(module.native_work(4))
        finally:
            done.release()

    _thread.start_new_thread(body, ())
    started = h.wait(ThreadStarted)
    ev = h.stopped("breakpoint")
    assert ev.thread_id == started.thread_id
    assert started.thread_id in dict(h.dbg.threads())
    h.dbg.resume()
    assert done.acquire(timeout=TIMEOUT)
    assert result == [8]

    def exited() -> bool:
        h.dbg.threads()
        h.drain()
        return any(isinstance(e, ThreadExited) for e in h.seen)

    _wait_until(exited, "the native thread's exit is reported")
    (gone,) = [e for e in h.seen if isinstance(e, ThreadExited)]
    assert gone.thread_id == started.thread_id
    assert started.thread_id not in dict(h.dbg.threads())


def test_thread_running_before_start_gets_thread_exited(tmp_path: Path) -> None:
    stop = threading.Event()
    old = threading.Thread(target=stop.wait, name="older-than-engine", daemon=True)
    old.start()
    h = Harness(tmp_path)
    try:
        assert old.native_id is not None
        assert (old.native_id, "older-than-engine") in h.dbg.threads()
        stop.set()
        old.join(TIMEOUT)

        def exited() -> bool:
            h.dbg.threads()
            h.drain()
            return any(isinstance(e, ThreadExited) for e in h.seen)

        _wait_until(exited, "the old thread's exit is reported")
        assert [e.thread_id for e in h.seen if isinstance(e, ThreadExited)] == [old.native_id]
        assert old.native_id not in dict(h.dbg.threads())
    finally:
        h.close()
