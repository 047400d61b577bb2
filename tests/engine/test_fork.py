"""`Debugger.after_fork_in_child`: in a forked child only the forking thread exists."""

from __future__ import annotations

import os
import threading

import pytest

from engine import SourceBreakpointSpec as BP

from .conftest import Harness

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    # Forking with threads is the very case under test.
    pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning"),
]


def test_child_forgets_the_parents_threads_and_knows_the_forking_one(h: Harness) -> None:
    path = h.write(
        """
        def f():
            x = 1
            return x

        f()
        """
    )
    h.dbg.set_source_breakpoints(path, [BP(2)])
    h.import_module(path)
    stopped = h.stopped("breakpoint")  # a worker of the parent, stopped
    seen: list[object] = []
    forker = threading.Thread(target=lambda: seen.append(_fork_and_report(h)), name="forker")
    forker.start()
    forker.join(10)
    h.dbg.resume(None)
    report = seen[0]
    assert isinstance(report, dict)
    # The forking thread: listed under its own new native id (the parent's id is stale),
    # not hidden; the parent's stopped worker is gone, and nothing is stopped.
    assert report["threads"] == [(report["native"], "forker")]
    assert report["stopped"] == [] and report["native"] != stopped.thread_id
    assert report["lock_free"] is True


def _fork_and_report(h: Harness) -> dict[str, object]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, never return into pytest
        try:
            h.dbg.after_fork_in_child()
            threads = h.dbg.threads()
            report = {
                "threads": threads,
                "native": threading.get_native_id(),
                "stopped": [tid for tid, _ in threads if h.dbg.is_stopped(tid)],
                "lock_free": h.dbg._lock.acquire(timeout=1),
            }
            os.write(write_end, repr(report).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        text = f.read()
    os.waitpid(pid, 0)
    result: dict[str, object] = eval(text)  # the child's repr of plain data
    return result
