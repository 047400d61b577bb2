"""Attach by process id through the real adapter (`attach` with `processId`).

The targets are real processes running tests/e2e/attach_target.py, started and read (stdout,
exit code) by the test itself and killed whatever happens. On 3.12/3.13 the adapter injects
through gdb; the 3.14 test (sys.remote_exec) runs when DAP_SERVER_TEST_PY314 names a 3.14
interpreter (scripts/get-python314.sh makes one) and is skipped otherwise.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.adapter_helpers import _LISTENING, env_with_src
from tests.support.dap_client import DapClient
from tests.support.programs import line_of

TARGET = str(Path(__file__).resolve().parent / "attach_target.py")
PY314 = os.environ.get("DAP_SERVER_TEST_PY314", "")
# What the target reports about sys.monitoring once no debugger is left in it.
CLEAN = "tool=None local=0"

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="attach by pid is Linux-only")


def line(marker: str) -> int:
    return line_of(TARGET, marker)


# Where a pause can find the main thread: every user line of its loop and of `work`.
MAIN_LINES = {line(m) for m in ("loop", "rounds", "call-work", "query", "mode-check", "sleepy")}
WORK_LINES = {line(m) for m in ("work-total", "work-label", "work-return")}
# a pause lands on the next line the thread runs: the loop test or its body
WORKER_LINES = {"tick": {line("tick")}, "spin": {line("spin") - 1, line("spin")}}


@dataclass
class Target:
    process: subprocess.Popen[str]
    folder: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def monitoring_state(self, timeout: float = 5.0) -> str:
        """Asks the target (through a file) what sys.monitoring holds for the debugger's id."""
        answer = self.folder / "answer"
        answer.unlink(missing_ok=True)
        (self.folder / "query").touch()
        deadline = time.monotonic() + timeout
        while not answer.exists():
            assert time.monotonic() < deadline, "the target did not answer the query"
            time.sleep(0.01)  # a file written by another process: nothing to wait on
        return answer.read_text()

    def finish(self, timeout: float = 10.0) -> tuple[str, int]:
        """Makes the target end by itself; returns its whole stdout and exit code."""
        (self.folder / "stop").touch()
        out, _ = self.process.communicate(timeout=timeout)
        return out, self.process.returncode


Spawn = Callable[..., Target]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    procs: list[subprocess.Popen[str]] = []

    def start(mode: str, python: str = sys.executable) -> Target:
        folder = tmp_path / f"target-{len(procs)}"
        folder.mkdir()
        proc = subprocess.Popen(
            [python, TARGET, str(folder), mode],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            assert sel.select(10), "the target did not start"
        assert proc.stdout.readline() == "ready\n"
        return Target(proc, folder)

    try:
        yield start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)


@pytest.fixture
def adapters() -> Iterator[Callable[[], DapClient]]:
    clients: list[DapClient] = []

    def new() -> DapClient:
        client = DapClient.adapter()
        clients.append(client)
        return client

    try:
        yield new
    finally:
        for client in clients:
            if client.process is not None and client.process.poll() is None:
                client.process.kill()
            client.close()


def attach(client: DapClient, pid: int, **options: Any) -> None:
    """initialize, attach by pid, configurationDone: what an editor does."""
    client.initialize()
    seq = client.send_request("attach", {"processId": pid, **options})
    client.wait_event("initialized", timeout=20)
    client.request("configurationDone")
    response = client.wait_response(seq, timeout=20)
    assert response.get("success"), response.get("message")


def attach_error(client: DapClient, pid: int, **options: Any) -> str:
    client.initialize()
    return client.request_error("attach", {"processId": pid, **options}, timeout=20)


def set_breakpoint(client: DapClient, marker: str) -> None:
    body = client.request(
        "setBreakpoints", {"source": {"path": TARGET}, "breakpoints": [{"line": line(marker)}]}
    )
    assert [b["verified"] for b in body["breakpoints"]] == [True]


def clear_breakpoints(client: DapClient) -> None:
    client.request("setBreakpoints", {"source": {"path": TARGET}, "breakpoints": []})


def where(frame: dict[str, Any]) -> tuple[str, str, int]:
    return frame["name"], frame["source"]["path"], frame["line"]


def values(client: DapClient, frame_id: int, *names: str) -> dict[str, str]:
    found = client.locals(frame_id)
    return {name: found[name]["value"] for name in names}


def evaluate(client: DapClient, expression: str, frame_id: int) -> str:
    body = client.request(
        "evaluate", {"expression": expression, "frameId": frame_id, "context": "repl"}
    )
    result: str = body["result"]
    return result


def detach(client: DapClient) -> None:
    client.request("disconnect", {"terminateDebuggee": False})
    client.wait_closed()


def check_paused_main(client: DapClient, pid: int) -> list[dict[str, Any]]:
    """The main thread, just paused, is in the target's own code: `work` or the loop of `main`."""
    frames = client.stack(pid)
    assert {f["source"]["path"] for f in frames} == {TARGET}, [where(f) for f in frames]
    *top, (m_name, _, m_line), (mod_name, _, mod_line) = (where(f) for f in frames)
    assert (mod_name, mod_line) == ("<module>", line("main-call"))
    assert m_name == "main"
    if top:  # stopped inside work(), called from the loop
        assert [(name, n in WORK_LINES) for name, _, n in top] == [("work", True)]
        assert m_line == line("call-work")
    else:
        assert m_line in MAIN_LINES
    return frames


def breakpoint_in_work(client: DapClient, pid: int) -> None:
    """A breakpoint set in the running `work` is hit on the main thread with exact values."""
    set_breakpoint(client, "work-label")
    stopped = client.wait_event("stopped", where=lambda b: b.get("reason") == "breakpoint")
    assert stopped["threadId"] == pid
    frames = client.stack(pid)
    assert [where(f) for f in frames[:2]] == [
        ("work", TARGET, line("work-label")),
        ("main", TARGET, line("call-work")),
    ]
    assert values(client, frames[0]["id"], "n", "total") == {"n": "21", "total": "42"}
    assert "label" not in client.locals(frames[0]["id"])


@pytest.mark.timeout(30)
def test_threads_pause_inspect_breakpoint_detach(
    spawn: Spawn, adapters: Callable[[], DapClient]
) -> None:
    target = spawn("threads")
    pid = target.pid
    client = adapters()
    attach(client, pid, attachTimeout=10)
    assert "through gdb" in client.output("console") or sys.version_info >= (3, 14)

    threads = client.request("threads")["threads"]
    assert sorted(t["name"] for t in threads) == ["MainThread", "worker-a", "worker-b"]
    assert next(t["id"] for t in threads if t["name"] == "MainThread") == pid

    client.request("pause", {"threadId": pid})
    assert client.wait_event("stopped")["threadId"] == pid
    frames = check_paused_main(client, pid)
    main_frame = frames[-2]["id"]
    assert values(client, main_frame, "mode") == {"mode": "'threads'"}
    assert evaluate(client, "GREETING", main_frame) == "'hello'"
    assert evaluate(client, "work(5)", main_frame) == "(10, 'item-5')"
    assert evaluate(client, "rounds > 0", main_frame) == "True"

    # A worker thread pauses in its own code too.
    worker = next(t["id"] for t in threads if t["name"] == "worker-a")
    client.request("pause", {"threadId": worker})
    assert client.wait_event("stopped", where=lambda b: b.get("threadId") == worker)
    ours = [where(f) for f in client.stack(worker) if f["source"]["path"] == TARGET]
    assert [name for name, _, _ in ours] in (["tick", "spin"], ["spin"])
    assert all(n in WORKER_LINES[name] for name, _, n in ours), ours
    assert client.stack(worker)[0]["source"]["path"] == TARGET  # stopped in user code
    client.request("continue", {"threadId": worker})

    client.request("continue", {"threadId": pid})
    breakpoint_in_work(client, pid)
    clear_breakpoints(client)
    client.request("continue", {"threadId": pid})
    detach(client)

    assert target.monitoring_state() == CLEAN
    out, code = target.finish()
    assert (out, code) == (f"done (42, 'item-21') {CLEAN}\n", 3)


@pytest.mark.timeout(40)
def test_sleepy_target_reattach_leaves_nothing_behind(
    spawn: Spawn, adapters: Callable[[], DapClient]
) -> None:
    target = spawn("sleepy")
    pid = target.pid
    for _session in range(2):
        client = adapters()
        attach(client, pid, attachTimeout=10)
        breakpoint_in_work(client, pid)
        # Detach while stopped at the breakpoint: the program must run on by itself.
        detach(client)
        assert target.monitoring_state() == CLEAN
    # A third session sees, from inside, that the engine is the only tool it started.
    client = adapters()
    attach(client, pid, attachTimeout=10)
    client.request("pause", {"threadId": pid})
    client.wait_event("stopped")
    frames = check_paused_main(client, pid)
    expr = "__import__('sys').monitoring.get_tool(__import__('sys').monitoring.DEBUGGER_ID)"
    assert evaluate(client, expr, frames[0]["id"]) == "'engine'"
    client.request("continue", {"threadId": pid})
    detach(client)
    assert target.monitoring_state() == CLEAN
    out, code = target.finish()
    assert (out, code) == (f"done (42, 'item-21') {CLEAN}\n", 3)


@pytest.mark.timeout(30)
def test_busy_target_pause_and_detach(spawn: Spawn, adapters: Callable[[], DapClient]) -> None:
    target = spawn("busy")
    pid = target.pid
    client = adapters()
    attach(client, pid, attachTimeout=10)
    client.request("pause", {"threadId": pid})
    assert client.wait_event("stopped") == {
        "reason": "pause",
        "threadId": pid,
        "allThreadsStopped": False,
    }
    frames = check_paused_main(client, pid)
    assert evaluate(client, "work(1)", frames[0]["id"]) == "(2, 'item-1')"
    assert evaluate(client, "GREETING.upper()", frames[0]["id"]) == "'HELLO'"
    detach(client)  # while paused: detaching resumes it
    assert target.monitoring_state() == CLEAN
    assert target.finish() == (f"done (42, 'item-21') {CLEAN}\n", 3)


@pytest.mark.timeout(30)
def test_blocked_main_thread_times_out_naming_the_option(
    spawn: Spawn, adapters: Callable[[], DapClient]
) -> None:
    target = spawn("blocked")
    pid = target.pid
    client = adapters()
    started = time.monotonic()
    message = attach_error(client, pid, attachTimeout=2)
    elapsed = time.monotonic() - started
    blocked = (
        "its main thread is blocked in the system call clock_nanosleep (time.sleep()); "
        "the debugger attaches when that call returns"
    )
    assert message == (
        f"attach: Timed out after 2 s waiting for process {pid} to load the debugger: "
        f"{blocked}. Raise the attach option 'attachTimeout' (seconds) to wait longer."
    )
    assert elapsed < 6, elapsed
    # Said while waiting, not only at the end.
    assert f"Process {pid}: {blocked}. Waiting up to 2 s (attach option 'attachTimeout').\n" in (
        client.output("console")
    )
    assert target.process.poll() is None  # the program is untouched


@pytest.mark.timeout(20)
def test_not_python_target(adapters: Callable[[], DapClient]) -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        message = attach_error(adapters(), sleeper.pid)
    finally:
        sleeper.kill()
        sleeper.wait()
    exe = os.path.realpath("/usr/bin/sleep")
    assert message == (
        f"attach: Process {sleeper.pid} (sleep, {exe}) is not a Python process: neither its "
        "executable nor any library it loaded contains the CPython interpreter. Attach to the "
        "Python process itself (for a shell or launcher, its Python child)."
    )


@pytest.mark.timeout(20)
def test_missing_pid(adapters: Callable[[], DapClient]) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()  # reaped: the id is free
    message = attach_error(adapters(), gone.pid)
    assert message == (
        f"attach: No process with id {gone.pid} exists (it may have exited). "
        f"Check the id, e.g. with `ps -p {gone.pid}`."
    )


@pytest.mark.timeout(40)
@pytest.mark.skipif(
    not (PY314 and os.access(PY314, os.X_OK)),
    reason="set DAP_SERVER_TEST_PY314 to a Python 3.14 interpreter (scripts/get-python314.sh)",
)
def test_py314_remote_exec_main_scenario(spawn: Spawn, adapters: Callable[[], DapClient]) -> None:
    target = spawn("threads", python=PY314)
    pid = target.pid
    for session in range(2):
        client = adapters()
        attach(client, pid, attachTimeout=10)
        assert "through sys.remote_exec" in client.output("console")
        threads = client.request("threads")["threads"]
        assert sorted(t["name"] for t in threads) == ["MainThread", "worker-a", "worker-b"]
        if session == 0:
            client.request("pause", {"threadId": pid})
            client.wait_event("stopped")
            frames = check_paused_main(client, pid)
            assert evaluate(client, "work(5)", frames[0]["id"]) == "(10, 'item-5')"
            client.request("continue", {"threadId": pid})
        breakpoint_in_work(client, pid)
        detach(client)
        assert target.monitoring_state() == CLEAN
    assert target.finish() == (f"done (42, 'item-21') {CLEAN}\n", 3)


def cli_attach(pid: int, *args: str) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "dap_server", "attach", "--pid", str(pid), *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    return proc.returncode, proc.stderr


@pytest.mark.timeout(40)
def test_cli_attach_makes_the_process_listen(
    spawn: Spawn, adapters: Callable[[], DapClient]
) -> None:
    target = spawn("busy")
    pid = target.pid
    code, err = cli_attach(pid, "--timeout", "10")
    assert code == 0, err
    found = _LISTENING.search(err)
    assert found, err
    host, port, said_pid, token = found[1], int(found[2]), int(found[3]), found[4]
    assert (host, said_pid) == ("127.0.0.1", pid)
    # The editor attaches with connect + token, as to `dap-server --listen`.
    client = adapters()
    client.initialize()
    seq = client.send_request("attach", {"connect": {"host": host, "port": port}, "token": token})
    client.wait_event("initialized")
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    client.request("pause", {"threadId": pid})
    client.wait_event("stopped")
    frames = check_paused_main(client, pid)
    assert evaluate(client, "work(2)", frames[0]["id"]) == "(4, 'item-2')"
    detach(client)
    # Asked again, the process says where it listens already (same port, same token).
    code, err = cli_attach(pid, "--timeout", "10")
    assert code == 0, err
    assert f"Process {pid} was already listening; nothing changed." in err
    assert f"listening on 127.0.0.1:{port} pid {pid} (access token {token})" in err
    # The listener stays (as with --listen); the program ends normally.
    assert target.finish() == ("done (42, 'item-21') tool=engine local=0\n", 3)


@pytest.mark.timeout(20)
def test_cli_attach_errors(spawn: Spawn) -> None:
    target = spawn("blocked")
    code, err = cli_attach(target.pid, "--timeout", "1")
    assert code == 1
    assert err.splitlines()[-1] == (
        f"dap-server: Timed out after 1 s waiting for process {target.pid} to load the "
        "debugger: its main thread is blocked in the system call clock_nanosleep "
        "(time.sleep()); the debugger attaches when that call returns. Raise the option "
        "'--timeout' (seconds) to wait longer."
    )


@pytest.mark.timeout(30)
def test_second_client_is_refused_and_terminate_interrupts(
    spawn: Spawn, adapters: Callable[[], DapClient]
) -> None:
    target = spawn("busy")
    pid = target.pid
    first = adapters()
    attach(first, pid, attachTimeout=10)
    assert attach_error(adapters(), pid, attachTimeout=10) == (
        f"attach: another client is already debugging process {pid}; disconnect it first"
    )
    first.request("terminate")
    out, _ = target.process.communicate(timeout=10)
    # Ended by a KeyboardInterrupt (its `finally` blocks run), not killed outright.
    assert (out, target.process.returncode) == ("", -2)
