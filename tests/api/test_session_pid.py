"""`dap_server.session(pid=...)`: the Python API attached to a running process by id.

The target is tests/e2e/attach_target.py, started, read and killed by the test itself (the
`spawn` fixture of the adapter's attach tests).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import dap_server
from dap_server.api import RequestFailed
from tests.e2e.test_attach_pid import CLEAN, TARGET, Spawn, line, spawn

__all__ = ["spawn"]  # the fixture, used by name

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="attach by pid is Linux-only")

DONE = (f"done (42, 'item-21') {CLEAN}\n", 3)


@pytest.mark.timeout(30)
def test_breakpoint_locals_and_detach(spawn: Spawn) -> None:
    target = spawn("sleepy")
    with dap_server.session(pid=target.pid, timeout=15) as s:
        assert s.mode == "attach"
        s.set_breakpoint(f"{TARGET}:{line('work-label')}")
        stop = s.run_until_breakpoint(timeout=10)
        assert (stop.reason, stop.function_name, stop.filename, stop.line) == (
            "breakpoint",
            "work",
            TARGET,
            line("work-label"),
        )
        assert stop.thread_id == target.pid
        assert s.get_local_variables() == {"n": 21, "total": 42}
        assert s.evaluate("n * 3") == 63
    # Leaving the session detached: the program runs on, clean, and ends by itself.
    assert target.monitoring_state() == CLEAN
    assert target.finish() == DONE


@pytest.mark.timeout(30)
def test_pause_right_after_attach(spawn: Spawn) -> None:
    target = spawn("threads")
    with dap_server.session(pid=target.pid, timeout=15) as s:
        stop = s.pause(timeout=10)
        assert stop.reason == "pause"
        assert stop.thread_id == target.pid
        assert stop.filename == TARGET
        assert stop.function_name in ("main", "work")
        if stop.function_name == "main":
            assert s.get_local_variables()["mode"] == "threads"
        else:
            assert s.get_local_variables()["n"] == 21
        s.continue_execution()
    assert target.monitoring_state() == CLEAN
    assert target.finish() == DONE


@pytest.mark.timeout(20)
def test_missing_pid_is_reported() -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    with pytest.raises(RequestFailed) as info, dap_server.session(pid=gone.pid, timeout=10) as s:
        s.pause()
    assert str(info.value) == (
        f"attach: No process with id {gone.pid} exists (it may have exited). "
        f"Check the id, e.g. with `ps -p {gone.pid}`."
    )
