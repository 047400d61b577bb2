"""The Python 3.14 route (sys.remote_exec, PEP 768), run when DAP_SERVER_TEST_PY314 names a 3.14
interpreter (scripts/get-python314.sh makes one from Debian's unstable suite); skipped otherwise.

The tests' own interpreter (3.12 or 3.13) plays the adapter; the targets run on 3.14, and the
helper that calls sys.remote_exec is found by the attach code (the target's own executable).
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time

import pytest

from dap_server.attach import AttachError, attach_to_pid
from tests.attach.attach_helpers import ENTRY, SEARCH_PATH, Spawn, receive

PY314 = os.environ.get("DAP_SERVER_TEST_PY314", "")

pytestmark = pytest.mark.skipif(
    not (PY314 and os.access(PY314, os.X_OK)),
    reason="set DAP_SERVER_TEST_PY314 to a Python 3.14 interpreter (scripts/get-python314.sh)",
)


def attach(pid: int, srv: socket.socket, **kw: object) -> tuple[str, dict[str, object]]:
    host, port = srv.getsockname()[:2]
    options: dict[str, object] = {"timeout": 20.0, "on_progress": lambda _: None}
    options.update(kw)
    report = attach_to_pid(
        pid, host, port, "secret-token", entry=ENTRY, search_path=SEARCH_PATH,
        **options,  # type: ignore[arg-type]
    )  # fmt: skip
    assert report.python_version.startswith("3.14.")
    return report.route, receive(srv)


def check_payload(payload: dict[str, object], pid: int, calls: int = 1) -> None:
    assert payload["pid"] == pid
    assert payload["on_main_thread"] is True
    assert payload["tool"] == "dap-attach-test"
    assert payload["calls"] == calls
    assert payload["version"] == "3.14"


@pytest.mark.timeout(60)
def test_remote_exec_two_busy_threads_and_reattach(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("threads", python=PY314)
    route, payload = attach(proc.pid, listener)
    assert route == "remote_exec"
    check_payload(payload, proc.pid)
    assert payload["threads"] == ["MainThread", "busy-1", "busy-2"]
    route, payload = attach(proc.pid, listener)
    check_payload(payload, proc.pid, calls=2)
    proc.kill()
    assert proc.communicate(timeout=10) == ("", "")


@pytest.mark.timeout(60)
def test_remote_exec_blocked_main_thread(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("sleep", "3", python=PY314)
    progress: list[str] = []
    start = time.monotonic()
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, timeout=1.5, on_progress=progress.append)
    assert time.monotonic() - start < 1.5 + 1.0
    assert info.value.code == "timeout"
    assert "blocked in the system call clock_nanosleep (time.sleep())" in str(info.value)
    assert any("clock_nanosleep" in line for line in progress)
    # The pending script was withdrawn (replaced by an empty one): when the main thread
    # wakes up nothing connects and nothing is printed.
    out, err = proc.communicate(timeout=20)
    assert (proc.returncode, out, err) == (0, "done\n", "")


@pytest.mark.timeout(60)
def test_remote_exec_refused_then_forced(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("busy", python=PY314, env={"PYTHON_DISABLE_REMOTE_DEBUG": "1"})
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener)
    assert info.value.code == "remote-debug-disabled"
    if shutil.which("gdb"):
        route, payload = attach(proc.pid, listener, force=True)
        assert route == "gdb"
        check_payload(payload, proc.pid)


@pytest.mark.timeout(60)
def test_helper_of_another_version_is_refused(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("busy", python=PY314)
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, python=sys.executable)
    assert info.value.code == "no-helper-python"
    here = "{}.{}".format(*sys.version_info[:2])
    assert str(info.value) == (
        f"{sys.executable} is {here}, but process {proc.pid} runs Python 3.14: "
        "sys.remote_exec only works between interpreters of the same minor version. "
        "Give a Python 3.14 interpreter."
    )


@pytest.mark.timeout(60)
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to start a target as another user")
def test_target_of_another_user(spawn: Spawn, listener: socket.socket) -> None:
    # Root attaching to a process of "nobody": the private directory becomes traversable
    # (0711) and the script, which carries the token, belongs to the target's user (0400).
    # Both routes: sys.remote_exec, and gdb's pending call (forced).
    proc = spawn("threads", python=PY314, user=65534)
    route, payload = attach(proc.pid, listener)
    assert route == "remote_exec"
    check_payload(payload, proc.pid)
    other = spawn("threads", python=PY314, user=65534, env={"PYTHON_DISABLE_REMOTE_DEBUG": "1"})
    if shutil.which("gdb"):
        route, payload = attach(other.pid, listener, force=True)
        assert route == "gdb"
        check_payload(payload, other.pid)
