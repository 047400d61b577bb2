"""How a program the editor starts in a terminal (runInTerminal) ends, through the real adapter.

The editor, not the adapter, is the parent of such a program, so only the runner's exit watcher
(the terminal's process, the program's parent) can tell a signal, a segfault or `os._exit`:
every ending gives `exited` with the real status, then `terminated`, and the terminal's process
ends with the same status.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.adapter_helpers import (
    TIMEOUT,
    answer,
    configure,
    reverse_request,
    spawn_terminal,
    wait_gone,
)
from tests.support.dap_client import DapClient
from tests.support.programs import program

ENDS = program("ends_in_terminal.py")
DIES = program("dies.py")
READS = program("reads_stdin.py")
CLEANUP = program("cleanup.py")


@pytest.fixture
def terminals() -> Iterator[list[subprocess.Popen[bytes]]]:
    """What the test started as the editor's terminal; whatever is left is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for terminal in started:
        if terminal.poll() is None:
            terminal.kill()
        terminal.wait(timeout=TIMEOUT)


def start(
    client: DapClient,
    terminals: list[subprocess.Popen[bytes]],
    arguments: dict[str, Any],
    *,
    stdin: bool = False,
    pty: int | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """Launches in the integrated terminal, answers runInTerminal like an editor; returns the
    terminal's process and the program's pid from the `process` event."""
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request("launch", {"console": "integratedTerminal", **arguments})
    request = reverse_request(client, "runInTerminal")
    if pty is None:
        terminal = spawn_terminal(request["arguments"], stdin=stdin)
    else:
        terminal = spawn_in_pty(request["arguments"], pty)
    terminals.append(terminal)
    answer(client, request, {"processId": terminal.pid})
    client.wait_event("initialized")
    configure(client)
    assert client.wait_response(seq)["success"]
    (process,) = client.events("process")
    pid = process["systemProcessId"]
    assert isinstance(pid, int)
    return terminal, pid


def spawn_in_pty(arguments: dict[str, Any], slave: int) -> subprocess.Popen[bytes]:
    """A real terminal: the command leads a session whose controlling terminal is the pty, so
    Ctrl+C written to the master is the kernel's SIGINT to the foreground process group."""
    env = dict(os.environ)
    for key, value in (arguments.get("env") or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.Popen(
        ["setsid", "--ctty", *arguments["args"]],
        cwd=arguments.get("cwd") or None,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )


def ended(client: DapClient) -> int:
    """The `exited` code, checked to come once and before `terminated`."""
    client.wait_event("terminated")
    names = [m["event"] for m in client.messages if m.get("event") in ("exited", "terminated")]
    assert names == ["exited", "terminated"]
    (exited,) = client.events("exited")
    code = exited["exitCode"]
    assert isinstance(code, int)
    return code


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({"program": ENDS, "args": ["code", "3"]}, 3),
        ({"program": DIES, "args": ["exit7"]}, 7),
        ({"program": DIES, "args": ["sigkill"]}, -int(signal.SIGKILL)),
        ({"program": DIES, "args": ["segfault"]}, -int(signal.SIGSEGV)),
        # The runner has said 0 by then; the process's real status wins.
        ({"program": ENDS, "args": ["atexit", "5"]}, 5),
        ({"code": "raise SystemExit(4)"}, 4),
    ],
    ids=["exit-3", "os-exit-7", "self-sigkill", "segfault", "atexit-os-exit", "code-form"],
)
def test_every_ending_gives_the_real_exit_status(
    client: DapClient,
    terminals: list[subprocess.Popen[bytes]],
    target: dict[str, Any],
    code: int,
) -> None:
    terminal, pid = start(client, terminals, target)
    assert pid != terminal.pid  # the program, not the watcher the terminal started
    assert ended(client) == code
    assert terminal.wait(timeout=TIMEOUT) == code  # the terminal sees it too
    if code < 0:
        name = signal.Signals(-code).name
        assert f"The program was killed by signal {name}.\n" in client.output("console")
    assert wait_gone(pid)


def test_program_killed_from_outside(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal, pid = start(client, terminals, {"program": ENDS, "args": ["wait"]})
    assert terminal.stdout is not None
    assert terminal.stdout.readline() == b"waiting\n"
    os.kill(pid, signal.SIGKILL)
    assert ended(client) == -int(signal.SIGKILL)
    assert terminal.wait(timeout=TIMEOUT) == -int(signal.SIGKILL)
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=TIMEOUT) == 0


def test_program_reading_stdin_in_the_terminal(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal, _ = start(client, terminals, {"program": READS}, stdin=True)
    out, err = terminal.communicate(b"typed line\n", timeout=TIMEOUT)
    assert (out, err) == (b"got 'typed line'\n", b"")
    assert terminal.returncode == 0
    assert ended(client) == 0


def test_terminate_is_still_graceful(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal, _ = start(client, terminals, {"program": CLEANUP})
    assert terminal.stdout is not None
    assert terminal.stdout.readline() == b"ready\n"
    client.request("terminate")
    assert ended(client) == -int(signal.SIGINT)
    out, err = terminal.communicate(timeout=TIMEOUT)
    assert out == b"cleanup done\n"
    assert b"KeyboardInterrupt" in err
    assert terminal.returncode == -int(signal.SIGINT)


@pytest.mark.parametrize(
    ("sig", "code"),
    [
        (signal.SIGTERM, -int(signal.SIGTERM)),
        (signal.SIGINT, 11),  # the program counts its SIGINTs: exactly one
    ],
)
def test_a_signal_sent_to_the_terminals_process_reaches_the_program(
    client: DapClient, terminals: list[subprocess.Popen[bytes]], sig: signal.Signals, code: int
) -> None:
    how = "count-interrupts" if sig == signal.SIGINT else "wait"
    terminal, _ = start(client, terminals, {"program": ENDS, "args": [how]})
    assert terminal.stdout is not None
    assert terminal.stdout.readline() == b"waiting\n"
    os.kill(terminal.pid, sig)  # the pid the editor knows: the watcher's
    assert ended(client) == code
    assert terminal.wait(timeout=TIMEOUT) == code


@pytest.mark.skipif(shutil.which("setsid") is None, reason="needs util-linux setsid")
def test_ctrl_c_in_a_real_terminal_interrupts_once(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    master, slave = os.openpty()
    output = bytearray()
    waiting = threading.Event()

    def read_terminal() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every process holding the pty is gone
                return
            if not data:
                return
            output.extend(data)
            if b"waiting" in output:
                waiting.set()

    reader = threading.Thread(target=read_terminal, daemon=True)
    try:
        terminal, _ = start(
            client, terminals, {"program": ENDS, "args": ["count-interrupts"]}, pty=slave
        )
        os.close(slave)
        slave = -1
        reader.start()
        assert waiting.wait(TIMEOUT), bytes(output)
        os.write(master, b"\x03")  # Ctrl+C: the kernel signals the whole foreground group
        assert ended(client) == 11, bytes(output)
        assert terminal.wait(timeout=TIMEOUT) == 11
        reader.join(TIMEOUT)
        assert b"interrupts 1\r\n" in output
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)


def test_program_that_cannot_start_fails_the_launch_at_once(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request(
        "launch", {"module": "no_such_module_here", "console": "integratedTerminal"}
    )
    request = reverse_request(client, "runInTerminal")
    terminal = spawn_terminal(request["arguments"], stdin=False)
    terminals.append(terminal)
    answer(client, request, {"processId": terminal.pid})
    # Not after connectTimeout (15 s): the watcher says the program is gone.
    response = client.wait_response(seq, timeout=5)
    assert response["message"] == (
        "launch: the program exited with code 2 before the debugger could connect "
        "(its output is in the terminal)"
    )
    _, err = terminal.communicate(timeout=TIMEOUT)
    assert err == b"dap-server: No module named 'no_such_module_here'\n"
    assert terminal.returncode == 2


def test_restart_reports_only_the_last_runs_end(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    first, _ = start(client, terminals, {"program": ENDS, "args": ["wait"]})
    assert first.stdout is not None
    assert first.stdout.readline() == b"waiting\n"
    seq = client.send_request(
        "restart",
        {"arguments": {"program": ENDS, "args": ["code", "6"], "console": "integratedTerminal"}},
    )
    request = reverse_request(client, "runInTerminal")
    second = spawn_terminal(request["arguments"], stdin=False)
    terminals.append(second)
    answer(client, request, {"processId": second.pid})
    assert client.wait_response(seq)["success"]
    assert first.wait(timeout=TIMEOUT) == -int(signal.SIGKILL)  # the first run, killed
    assert ended(client) == 6  # and only the second one's end reported
    assert second.wait(timeout=TIMEOUT) == 6


def test_detached_program_runs_on_and_its_terminal_still_gets_its_status(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal, pid = start(client, terminals, {"program": ENDS, "args": ["wait"]})
    assert terminal.stdout is not None
    assert terminal.stdout.readline() == b"waiting\n"
    client.request("disconnect", {"terminateDebuggee": False})
    assert client.process is not None and client.process.wait(timeout=TIMEOUT) == 0
    assert client.events("exited") == []  # it has not exited
    assert terminal.poll() is None
    os.kill(pid, signal.SIGTERM)
    assert terminal.wait(timeout=TIMEOUT) == -int(signal.SIGTERM)


def test_a_terminal_that_ignores_sigchld_still_gets_the_status(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    # SIG_IGN survives exec: a child of such a process would be reaped by the kernel.
    ignoring = "import os, signal, sys; signal.signal(signal.SIGCHLD, signal.SIG_IGN); os.execv(sys.argv[1], sys.argv[1:])"
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request(
        "launch", {"program": DIES, "args": ["segfault"], "console": "integratedTerminal"}
    )
    request = reverse_request(client, "runInTerminal")
    arguments = request["arguments"]
    wrapped = {**arguments, "args": [sys.executable, "-c", ignoring, *arguments["args"]]}
    terminal = spawn_terminal(wrapped, stdin=False)
    terminals.append(terminal)
    answer(client, request, {"processId": terminal.pid})
    client.wait_event("initialized")
    configure(client)
    assert client.wait_response(seq)["success"]
    assert ended(client) == -int(signal.SIGSEGV)
    assert terminal.wait(timeout=TIMEOUT) == -int(signal.SIGSEGV)


# -- noDebug in a terminal: the plain program under the watcher ------------------------------------

# What a noDebug program sees of its process and of us, as one JSON line.
PLAIN_REPORT = """\
import json, os, sys
print(json.dumps({
    "ours": sorted(m for m in sys.modules if m.split(".")[0] in ("dap_server", "engine")),
    "pythonpath": os.environ.get("PYTHONPATH"),
    "token_leaked": any(k.startswith("DAP_SERVER") for k in os.environ),
    "pid": os.getpid(),
    "parent": os.getppid(),
}))
"""


def start_plain(
    client: DapClient, terminals: list[subprocess.Popen[bytes]], arguments: dict[str, Any]
) -> subprocess.Popen[bytes]:
    """Launches with noDebug in the integrated terminal, answering runInTerminal as an editor
    does, and configures (breakpoints included, which cannot bind); returns the terminal."""
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request(
        "launch", {"console": "integratedTerminal", "noDebug": True, **arguments}
    )
    request = reverse_request(client, "runInTerminal")
    terminal = spawn_terminal(request["arguments"], stdin=False)
    terminals.append(terminal)
    answer(client, request, {"processId": terminal.pid})
    client.wait_event("initialized")
    assert configure(client, {DIES: [9]})[DIES]["breakpoints"] == [
        {"verified": False, "message": "the program runs without the debugger (noDebug)"}
    ]
    assert client.wait_response(seq)["success"]
    return terminal


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({"program": ENDS, "args": ["code", "3"]}, 3),
        ({"program": DIES, "args": ["exit7"]}, 7),
        ({"program": DIES, "args": ["sigkill"]}, -int(signal.SIGKILL)),
        ({"program": DIES, "args": ["segfault"]}, -int(signal.SIGSEGV)),
    ],
    ids=["exit-3", "os-exit-7", "self-sigkill", "segfault"],
)
def test_no_debug_in_a_terminal_ends_the_session_with_the_exit_status(
    client: DapClient,
    terminals: list[subprocess.Popen[bytes]],
    target: dict[str, Any],
    code: int,
) -> None:
    # VS Code's "Run Without Debugging" with its default console: the session must end when
    # the program does, as debugpy's does, not wait for the user to press stop.
    terminal = start_plain(client, terminals, target)
    assert ended(client) == code
    assert terminal.wait(timeout=TIMEOUT) == code
    if code < 0:
        name = signal.Signals(-code).name
        assert f"The program was killed by signal {name}.\n" in client.output("console")
    assert client.events("process") == []  # no debuggee server ran
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=TIMEOUT) == 0


def test_no_debug_in_a_terminal_runs_the_plain_program(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal = start_plain(
        client, terminals, {"code": PLAIN_REPORT, "env": {"PYTHONPATH": "/nowhere/lib"}}
    )
    out, err = terminal.communicate(timeout=TIMEOUT)
    assert err == b""
    report = json.loads(out)
    assert report["ours"] == []
    assert report["pythonpath"] == "/nowhere/lib"  # as configured: our entry is gone
    assert report["token_leaked"] is False
    # The terminal's process stays behind as the watcher; the program is its child.
    assert (report["parent"], report["pid"] != terminal.pid) == (terminal.pid, True)
    assert ended(client) == 0


def test_terminate_ends_a_no_debug_program_in_a_terminal(
    client: DapClient, terminals: list[subprocess.Popen[bytes]]
) -> None:
    terminal = start_plain(client, terminals, {"program": CLEANUP})
    assert terminal.stdout is not None
    assert terminal.stdout.readline() == b"ready\n"
    client.request("terminate")
    assert ended(client) == -int(signal.SIGINT)
    out, err = terminal.communicate(timeout=TIMEOUT)
    assert out == b"cleanup done\n"
    assert b"KeyboardInterrupt" in err
