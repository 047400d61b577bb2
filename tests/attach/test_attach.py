"""Attach by process id against real target processes (gdb route on 3.12/3.13, remote_exec
on 3.14 when DAP_SERVER_TEST_PY314 names an interpreter).

The targets run under the interpreter running the tests; each test kills its targets.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import time

import pytest

from dap_server.attach import AttachError, attach_to_pid, check_target, inject
from dap_server.attach.preflight import explain_ptrace_scope
from tests.attach.attach_helpers import ENTRY, SEARCH_PATH, Spawn, receive

pytestmark = [
    pytest.mark.skipif(sys.platform != "linux", reason="attach by pid is Linux-only"),
    pytest.mark.skipif(shutil.which("gdb") is None, reason="gdb is needed on 3.12/3.13"),
]

VERSION = "{}.{}".format(*sys.version_info[:2])
FULL_VERSION = "{}.{}.{}".format(*sys.version_info[:3])


def attach(
    pid: int,
    srv: socket.socket,
    *,
    timeout: float = 20.0,
    progress: list[str] | None = None,
    entry: str = ENTRY,
    **kw: object,
) -> dict[str, object]:
    host, port = srv.getsockname()[:2]
    said = progress if progress is not None else []
    report = attach_to_pid(
        pid, host, port, "secret-token", timeout=timeout, on_progress=said.append,
        entry=entry, search_path=SEARCH_PATH, **kw,  # type: ignore[arg-type]
    )  # fmt: skip
    assert report.pid == pid
    assert report.route == ("remote_exec" if sys.version_info >= (3, 14) else "gdb")
    return receive(srv)


def check_payload(payload: dict[str, object], pid: int, calls: int = 1) -> None:
    assert payload["pid"] == pid
    assert payload["token"] == "secret-token"
    assert payload["on_main_thread"] is True
    assert payload["tool"] == "dap-attach-test"
    assert payload["calls"] == calls
    assert payload["main_leaks"] == []
    assert payload["version"] == VERSION


@pytest.mark.timeout(60)
def test_busy_target(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("busy")
    payload = attach(proc.pid, listener)
    check_payload(payload, proc.pid)
    assert payload["threads"] == ["MainThread"]


@pytest.mark.timeout(60)
def test_two_busy_threads(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("threads")
    payload = attach(proc.pid, listener)
    check_payload(payload, proc.pid)
    assert payload["threads"] == ["MainThread", "busy-1", "busy-2"]


@pytest.mark.timeout(60)
def test_short_sleeps(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("short-sleeps")
    payload = attach(proc.pid, listener)
    check_payload(payload, proc.pid)


@pytest.mark.timeout(60)
def test_reattach_is_idempotent(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("threads")
    check_payload(attach(proc.pid, listener), proc.pid, calls=1)
    # The second bootstrap reuses the imported entry module and the tool id it holds.
    check_payload(attach(proc.pid, listener), proc.pid, calls=2)
    proc.kill()
    _, err = proc.communicate(timeout=10)
    assert err == ""


@pytest.mark.timeout(60)
def test_files_are_private_and_removed(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("busy")
    host, port = listener.getsockname()[:2]
    injection = inject(
        proc.pid, entry=ENTRY, args=(host, port, "secret-token"), search_path=SEARCH_PATH
    )
    assert stat.S_IMODE(os.stat(injection.directory).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(injection.script).st_mode) == 0o644
    injection.wait(20.0)
    check_payload(receive(listener), proc.pid)
    assert not injection.directory.exists()


@pytest.mark.timeout(60)
def test_blocked_main_thread_times_out(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("sleep", "60")
    progress: list[str] = []
    start = time.monotonic()
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, timeout=2.5, progress=progress)
    assert time.monotonic() - start < 2.5 + 1.0
    assert info.value.code == "timeout"
    blocked = (
        "its main thread is blocked in the system call clock_nanosleep (time.sleep()); "
        "the debugger attaches when that call returns"
    )
    assert str(info.value) == (
        f"Timed out after 2.5 s waiting for process {proc.pid} to load the debugger: "
        f"{blocked}. Raise the attach option 'attachTimeout' (seconds) to wait longer."
    )
    # Said while waiting, not only at the end.
    assert (
        f"Process {proc.pid}: {blocked}. Waiting up to 2.5 s (attach option 'attachTimeout')."
        in progress
    )


@pytest.mark.timeout(60)
def test_target_runs_on_after_timed_out_attach(spawn: Spawn, listener: socket.socket) -> None:
    # The pending call stays queued after the debugger gives up; when the main thread wakes
    # up it must run harmlessly: no connection, no SystemError, normal exit.
    proc = spawn("sleep", "3")
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, timeout=1.2)
    assert info.value.code == "timeout"
    out, err = proc.communicate(timeout=20)
    assert (proc.returncode, out, err) == (0, "done\n", "")
    listener.settimeout(0.2)
    with pytest.raises(TimeoutError):
        listener.accept()


@pytest.mark.timeout(60)
def test_failing_entry_is_reported_and_harmless(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("short-sleeps")
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, entry="dap_attach_test_entry:fail")
    assert info.value.code == "bootstrap-failed"
    assert str(info.value) == (
        f"The debugger's bootstrap failed inside process {proc.pid}: "
        "RuntimeError: entry point failed on purpose. The program itself was not disturbed."
    )
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener, entry="no_such_module_for_attach:f")
    assert "ModuleNotFoundError: No module named 'no_such_module_for_attach'" in str(info.value)
    # Still attachable, and nothing leaked into the program's output.
    check_payload(attach(proc.pid, listener), proc.pid)
    proc.kill()
    out, err = proc.communicate(timeout=10)
    assert (out, err) == ("", "")


@pytest.mark.timeout(30)
def test_missing_pid(spawn: Spawn) -> None:
    proc = spawn("", argv=["true"], ready=False)
    proc.wait(timeout=10)
    pid = proc.pid  # reaped: no process has this id now (pids are not reused this fast)
    with pytest.raises(AttachError) as info:
        check_target(pid)
    assert info.value.code == "no-such-process"
    assert str(info.value) == (
        f"No process with id {pid} exists (it may have exited). "
        f"Check the id, e.g. with `ps -p {pid}`."
    )


@pytest.mark.timeout(30)
def test_not_python(spawn: Spawn, listener: socket.socket) -> None:
    proc = spawn("", argv=["sleep", "30"], ready=False)
    # Until exec() happens the child is still this Python: wait for its exe to change.
    deadline = time.monotonic() + 10
    exe = os.readlink(f"/proc/{proc.pid}/exe")
    while "python" in os.path.basename(exe) and time.monotonic() < deadline:
        time.sleep(0.005)  # polling /proc: exec() sends no event to wait on
        exe = os.readlink(f"/proc/{proc.pid}/exe")
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener)
    assert info.value.code == "not-python"
    assert str(info.value) == (
        f"Process {proc.pid} (sleep, {exe}) is not a Python process: neither its executable "
        "nor any library it loaded contains the CPython interpreter. Attach to the Python "
        "process itself (for a shell or launcher, its Python child)."
    )


@pytest.mark.timeout(30)
@pytest.mark.skipif(not os.path.exists("/usr/bin/python3.11"), reason="needs Debian's python3.11")
def test_python_too_old(spawn: Spawn) -> None:
    # Debian's python3.11 is linked statically: the version comes from Py_Version in the exe.
    proc = spawn(
        "",
        argv=[
            "/usr/bin/python3.11",
            "-c",
            "print('ready', flush=True); import time; time.sleep(30)",
        ],
    )
    version = subprocess.run(
        ["/usr/bin/python3.11", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    with pytest.raises(AttachError) as info:
        check_target(proc.pid)
    assert info.value.code == "unsupported-version"
    assert str(info.value) == (
        f"Process {proc.pid} runs Python {version} (/usr/bin/python3.11); attaching needs "
        "Python 3.12 or newer (the debugger is built on sys.monitoring, PEP 669). Start the "
        "program under the debugger (launch) with Python 3.12+ instead."
    )


DISABLED_ENV = "PYTHON_DISABLE_REMOTE_DEBUG is set in its environment"
DISABLED_X = "it was started with -X disable-remote-debug"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("env", "opts", "reason"),
    [
        ({"PYTHON_DISABLE_REMOTE_DEBUG": "1"}, [], DISABLED_ENV),
        ({}, ["-X", "disable-remote-debug"], DISABLED_X),
    ],
    ids=["env", "xoption"],
)
def test_remote_debug_disabled_is_respected(
    spawn: Spawn, listener: socket.socket, env: dict[str, str], opts: list[str], reason: str
) -> None:
    proc = spawn("busy", env=env, py_opts=opts)
    with pytest.raises(AttachError) as info:
        attach(proc.pid, listener)
    assert info.value.code == "remote-debug-disabled"
    assert str(info.value) == (
        f"Process {proc.pid} has remote debugging disabled ({reason}): its owner asked not "
        "to be attached to. Restart it without that setting, or attach with the option "
        "'forceAttach' (force=True) to inject the debugger through gdb anyway."
    )
    # An explicit force goes through gdb (on every version).
    host, port = listener.getsockname()[:2]
    report = attach_to_pid(
        proc.pid, host, port, "secret-token", timeout=20, on_progress=lambda _: None,
        force=True, entry=ENTRY, search_path=SEARCH_PATH,
    )  # fmt: skip
    assert report.route == "gdb"
    check_payload(receive(listener), proc.pid)


@pytest.mark.timeout(30)
@pytest.mark.skipif(sys.version_info >= (3, 14), reason="3.14 needs no gdb")
def test_gdb_missing(spawn: Spawn) -> None:
    proc = spawn("busy")
    with pytest.raises(AttachError) as info:
        check_target(proc.pid, gdb="/nonexistent/gdb")
    assert info.value.code == "gdb-missing"
    assert str(info.value) == (
        f"Attaching to Python {FULL_VERSION} needs gdb (Python 3.14+ needs none: it has "
        "sys.remote_exec), and gdb was not found at /nonexistent/gdb. Install it "
        "(`apt-get install gdb`, `dnf install gdb`, `apk add gdb`) or give its path."
    )


def test_ptrace_scope_explanations() -> None:
    assert explain_ptrace_scope(0, 42) is None
    one = explain_ptrace_scope(1, 42)
    assert one is not None and "only debug its own descendants" in one
    assert "sysctl kernel.yama.ptrace_scope=0" in one
    two = explain_ptrace_scope(2, 42)
    assert two is not None and "CAP_SYS_PTRACE" in two
    three = explain_ptrace_scope(3, 42)
    assert three is not None and "until reboot" in three
