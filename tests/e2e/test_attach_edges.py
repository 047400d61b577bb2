"""Edges of attach and listen modes and of their security.

Listen mode (`dap-server --listen`): tokens of every wrong kind, garbage and slow clients
before the token, a client that vanishes while the program is stopped; the secrecy of the
access token (file mode, logs, transcripts, audit log, the `process` event, child
environments); bind addresses without --allow-remote. Attach by process id through the
adapter (gdb on 3.12/3.13): targets that cannot be attached to, a main thread blocked in a C
call, a process debugged already, a process of another user, detach and re-attach with fresh
breakpoints, and the adapter killed while attached.

Every target is a real process started and killed by the test; waits are on DAP messages or
the target's output lines, with timeouts.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from dap_server.debuggee.access import HOW
from tests.e2e.adapter_helpers import (
    Listening,
    configure,
    env_with_src,
    start_listening,
    wait_gone,
)
from tests.support.dap_client import DapClient, DapError
from tests.support.programs import line_of, program

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="attach and peer checks: Linux")

LOOP = program("att_loop.py")
WORK = line_of(LOOP, "work")
WORK_RETURN = line_of(LOOP, "work-return")
CALL_WORK = line_of(LOOP, "call-work")
ENV_PROGRAM = program("att_env.py")
OTHER_USER = program("att_other_user.py")
# What att_loop.py says of itself when no debugger is left in it: no tool holds the debugger's
# sys.monitoring id, no local events on work(), and no thread but the main one.
CLEAN = "state tool=None local=0 threads="
TIMEOUT = 15.0
DAP_SERVER = [sys.executable, "-m", "dap_server"]


# -- targets -------------------------------------------------------------------------------------


@dataclass
class Target:
    """A running program whose stdout lines are read in the background."""

    process: subprocess.Popen[str]
    stop_file: Path
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_line(self, prefix: str, timeout: float = TIMEOUT) -> str:
        """The next stdout line starting with `prefix` (earlier ones are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DapError(f"timed out waiting for a line {prefix!r} from process {self.pid}")
            try:
                line = self.lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise DapError(f"process {self.pid} closed its stdout before a line {prefix!r}")
            if line.startswith(prefix):
                return line.rstrip("\n")

    def runs_on(self, prefix: str = "tick ", count: int = 3) -> None:
        """The program makes progress: `count` fresh lines starting with `prefix`."""
        self.drain()
        for _ in range(count):
            self.wait_line(prefix)

    def drain(self) -> None:
        while True:
            try:
                if self.lines.get_nowait() is None:
                    raise DapError(f"process {self.pid} closed its stdout")
            except queue.Empty:
                return

    def state(self) -> str:
        """What the program says of the debugger in it (att_loop.py, on SIGUSR1)."""
        self.drain()
        os.kill(self.pid, signal.SIGUSR1)
        return self.wait_line("state ")

    def finish(self, timeout: float = TIMEOUT) -> tuple[str, int]:
        """Makes the program end by itself: its final state line and its exit code."""
        self.drain()
        self.stop_file.touch()
        final = self.wait_line("state ", timeout)
        self.wait_line("finished", timeout)
        return final, self.process.wait(timeout=timeout)


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


Spawn = Callable[..., Target]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Starts att_loop.py (or `argv`) processes; every one is killed when the test ends."""
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str, argv: list[str] | None = None, ready: str = "ready") -> Target:
        stop_file = tmp_path / f"stop-{len(procs)}"
        command = argv if argv is not None else [sys.executable, LOOP, str(stop_file), *args]
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_with_src(),
        )
        procs.append(proc)
        target = Target(proc, stop_file)
        threading.Thread(target=_pump, args=(proc.stdout, target.lines), daemon=True).start()
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # type: ignore[union-attr]
        target.wait_line(ready)
        return target

    try:
        yield start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=10)


@pytest.fixture
def adapters() -> Iterator[Callable[..., DapClient]]:
    """Adapter processes (`python -m dap_server` on stdio); each is killed at the end and must
    have sent only schema-valid messages."""
    clients: list[DapClient] = []

    def new(*args: str) -> DapClient:
        client = DapClient.adapter(*args)
        clients.append(client)
        return client

    try:
        yield new
    finally:
        for client in clients:
            if client.process is not None and client.process.poll() is None:
                client.process.kill()
            client.close()
        errors = [e for c in clients for e in c.schema_errors]
        assert not errors, "messages that break the DAP schema:\n" + "\n".join(errors)


@pytest.fixture
def listening(tmp_path: Path) -> Iterator[Callable[..., Listening]]:
    """`dap-server --listen 0 [options] att_loop.py STOP` processes, killed at the end."""
    started: list[Listening] = []

    def start(*options: str) -> Listening:
        stop = tmp_path / f"listen-stop-{len(started)}"
        lst = start_listening(["--listen", "0", *options, LOOP, str(stop)])
        started.append(lst)
        lst.wait_stdout("ready")
        return lst

    try:
        yield start
    finally:
        for lst in started:
            lst.stop()


def attach_pid(client: DapClient, pid: int, **options: Any) -> None:
    """initialize, attach by pid, configurationDone: what an editor does."""
    client.initialize()
    seq = client.send_request("attach", {"processId": pid, **options})
    client.wait_event("initialized", timeout=25)
    client.request("configurationDone")
    response = client.wait_response(seq, timeout=25)
    assert response.get("success"), response.get("message")


def attach_pid_error(client: DapClient, pid: Any, **options: Any) -> str:
    client.initialize()
    return client.request_error("attach", {"processId": pid, **options}, timeout=30)


def set_breakpoints(client: DapClient, *lines: int, path: str = LOOP) -> None:
    body = client.request(
        "setBreakpoints", {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]}
    )
    assert [b["verified"] for b in body["breakpoints"]] == [True] * len(lines)


def stop_in_work(client: DapClient, line: int = WORK) -> tuple[int, list[dict[str, Any]]]:
    """Waits for a breakpoint stop at `line` of work(), called from the main loop."""
    stopped = client.wait_event("stopped", timeout=20)
    assert stopped["reason"] == "breakpoint"
    frames = client.stack(stopped["threadId"])
    assert [(f["name"], f["line"]) for f in frames[:2]] == [("work", line), ("<module>", CALL_WORK)]
    assert frames[0]["source"]["path"] == LOOP
    return stopped["threadId"], frames


def detach(client: DapClient) -> None:
    """disconnect without ending the program; an adapter then ends the session (a listener
    leaves closing the connection to its client, as DAP says)."""
    client.request("disconnect", {"terminateDebuggee": False})
    if client.process is not None:
        client.wait_closed()


def direct(lst: Listening, token: str | None) -> DapClient:
    """A client straight to the listener (nvim-dap's `server` adapter), attached with
    `token` (configurationDone is the caller's)."""
    client = DapClient.connect(lst.host, lst.port)
    client.initialize()
    client.request("attach", {"token": token})
    client.wait_event("initialized")
    return client


def fresh_ticks(lst: Listening, count: int = 3) -> None:
    """The listening program makes progress: `count` "tick" lines printed from now on."""
    while True:
        try:
            if lst.stdout_lines.get_nowait() is None:
                raise DapError("the listening program closed its stdout")
        except queue.Empty:
            break
    for _ in range(count):
        lst.wait_stdout("tick ")


def no_stop_while(client: DapClient, target_lines: Callable[[], object]) -> None:
    """No `stopped` event arrives while the program visibly runs on (`target_lines`)."""
    target_lines()
    client.request("threads")  # a round trip: anything sent before its answer has arrived
    assert client.events("stopped") == []


# -- 1. listen mode: who gets in -----------------------------------------------------------------


@pytest.mark.timeout(60)
def test_tokens_missing_or_of_the_wrong_type_are_refused_then_the_owner_gets_in(
    listening: Callable[..., Listening],
) -> None:
    lst = listening()
    # No token: initialize is answered (the token may come with attach), nothing else is.
    nobody = DapClient.connect(lst.host, lst.port)
    try:
        nobody.initialize()
        assert nobody.request_error("attach", {}) == (
            f"attach: not authorized: this debuggee requires an access token; {HOW}"
        )
        assert nobody.request_error("threads") == (
            f"threads: not authorized: this debuggee requires an access token; {HOW}"
        )
    finally:
        nobody.close()
    # A token of the wrong type, empty or almost right is a wrong token: refused, closed.
    assert lst.token is not None
    for wrong in (12345, ["x"], {"token": lst.token}, True, "", lst.token[:-1], lst.token + " "):
        guesser = DapClient.connect(lst.host, lst.port)
        try:
            assert guesser.request_error("initialize", {"adapterID": "x", "token": wrong}) == (
                f"initialize: wrong access token; {HOW}"
            ), wrong
            guesser.wait_closed(timeout=5)
        finally:
            guesser.close()
    owner = direct(lst, lst.token)
    try:
        set_breakpoints(owner, WORK)
        owner.request("configurationDone")
        thread_id, frames = stop_in_work(owner)
        assert owner.locals(frames[0]["id"])["n"]["type"] == "int"
        set_breakpoints(owner)
        owner.request("continue", {"threadId": thread_id})
        detach(owner)
    finally:
        owner.close()
    fresh_ticks(lst)
    assert not owner.schema_errors
    assert "Traceback" not in "".join(lst.stderr_lines)


@pytest.mark.timeout(30)
def test_a_token_with_a_lone_surrogate_is_a_wrong_token(
    listening: Callable[..., Listening],
) -> None:
    lst = listening("--auth-timeout", "3")
    guesser = DapClient.connect(lst.host, lst.port)
    try:
        # Valid JSON ("\ud800" escaped), but no UTF-8 encoding exists for it.
        response = guesser.wait_response(
            guesser.send_request("initialize", {"adapterID": "x", "token": "\ud800"}), timeout=5
        )
        assert (response["success"], response["message"]) == (
            False,
            f"initialize: wrong access token; {HOW}",
        )
        guesser.wait_closed(timeout=5)
    finally:
        guesser.close()
        assert "Traceback" not in "".join(lst.stderr_lines), "".join(lst.stderr_lines)


@pytest.mark.timeout(60)
def test_huge_garbage_before_the_token_is_dropped_and_the_owner_gets_in(
    listening: Callable[..., Listening],
) -> None:
    lst = listening("--auth-timeout", "2")
    # 20 MiB that are no DAP at all: nothing is answered, the connection ends at the deadline.
    junk = socket.create_connection((lst.host, lst.port), timeout=10)
    try:
        started = time.monotonic()
        junk.sendall(b"\xff\x00garbage\r\n" * (2 * 1024 * 1024))
        assert junk.recv(4096) == b""  # closed, nothing said
        assert time.monotonic() - started < 6
    finally:
        junk.close()
    # A request declared larger than any message may be: its seq is answered with the reason.
    big = DapClient.connect(lst.host, lst.port)
    try:
        head = b'{"seq":7,"type":"request","command":"initialize","arguments":{"pad":"'
        big.send_raw(b"Content-Length: %d\r\n\r\n" % (100 * 1024 * 1024) + head + b"x" * 8192)
        response = big.wait_response(7)
        assert response["success"] is False
        assert response["message"] == (
            "message body of 104857600 bytes exceeds the limit of 67108864 bytes; skipped"
        )
        big.wait_closed(timeout=6)  # still no token: closed at the deadline
    finally:
        big.close()
    fresh_ticks(lst)  # the program ran on through all of it
    owner = direct(lst, lst.token)
    try:
        set_breakpoints(owner, WORK)
        owner.request("configurationDone")
        stop_in_work(owner)
        detach(owner)
    finally:
        owner.close()
    assert "Traceback" not in "".join(lst.stderr_lines)


@pytest.mark.timeout(30)
def test_a_client_trickling_an_unfinished_message_is_closed_at_the_auth_deadline(
    listening: Callable[..., Listening],
) -> None:
    lst = listening("--auth-timeout", "1")
    slow = socket.create_connection((lst.host, lst.port), timeout=10)
    try:
        slow.sendall(b"Content-Length: 1000\r\n\r\n{")
        started = time.monotonic()
        slow.settimeout(0.25)  # one byte every quarter second, until the listener hangs up
        closed_after = None
        while time.monotonic() - started < 5:
            try:
                slow.sendall(b" ")
                if slow.recv(100) == b"":
                    closed_after = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except OSError:
                closed_after = time.monotonic() - started
                break
        assert closed_after is not None and closed_after < 3, (
            f"still open {time.monotonic() - started:.1f} s after connecting; the deadline is 1 s"
        )
    finally:
        slow.close()


@pytest.mark.timeout(60)
def test_a_client_that_vanishes_while_stopped_leaves_the_program_running_for_the_next(
    listening: Callable[..., Listening], adapters: Callable[..., DapClient]
) -> None:
    lst = listening()
    # The first client goes through an adapter, which is then killed while the program is
    # stopped at its breakpoint: no disconnect, the connection just ends.
    first = adapters()
    first.initialize()
    seq = first.send_request(
        "attach", {"connect": {"host": lst.host, "port": lst.port}, "token": lst.token}
    )
    first.wait_event("initialized")
    set_breakpoints(first, WORK)
    first.request("configurationDone")
    assert first.wait_response(seq)["success"]
    thread_id, _ = stop_in_work(first)
    assert first.process is not None
    first.process.kill()
    first.process.wait(timeout=10)
    # The program runs on by itself, its breakpoint gone.
    fresh_ticks(lst)
    # A second client gets in at once and finds a program running, nobody stopped.
    second = direct(lst, lst.token)
    try:
        second.request("configurationDone")
        assert second.request("threads")["threads"] == [{"id": thread_id, "name": "MainThread"}]
        no_stop_while(second, lambda: fresh_ticks(lst))
        assert second.request_error("stackTrace", {"threadId": thread_id}) == (
            f"stackTrace: thread {thread_id} is not stopped"
        )
        # Its own breakpoint, on another line, is the only one.
        set_breakpoints(second, WORK_RETURN)
        _, frames = stop_in_work(second, WORK_RETURN)
        assert second.locals(frames[0]["id"])["doubled"]["type"] == "int"
        set_breakpoints(second)
        second.request("continue", {"threadId": thread_id})
        detach(second)
    finally:
        second.close()
    fresh_ticks(lst)
    assert not second.schema_errors
    assert "Traceback" not in "".join(lst.stderr_lines)


@pytest.mark.timeout(60)
def test_a_second_client_with_the_token_is_refused_and_the_first_is_undisturbed(
    listening: Callable[..., Listening],
) -> None:
    lst = listening()
    first = direct(lst, lst.token)
    try:
        first.request("configurationDone")
        second = DapClient.connect(lst.host, lst.port)
        try:
            assert second.request_error("initialize", {"adapterID": "x", "token": lst.token}) == (
                f"another client is already debugging process {lst.pid}; disconnect it first"
            )
            second.wait_closed(timeout=10)
        finally:
            second.close()
        set_breakpoints(first, WORK)
        thread_id, _ = stop_in_work(first)
        set_breakpoints(first)
        first.request("continue", {"threadId": thread_id})
        detach(first)
    finally:
        first.close()
    assert not first.schema_errors


@pytest.mark.timeout(60)
def test_the_next_client_of_a_listener_starts_with_redaction_on(
    listening: Callable[..., Listening],
) -> None:
    lst = listening()

    def password_seen(**options: Any) -> tuple[str, str]:
        client = DapClient.connect(lst.host, lst.port)
        try:
            client.initialize()
            client.request("attach", {"token": lst.token, **options})
            client.wait_event("initialized")
            set_breakpoints(client, WORK)
            client.request("configurationDone")
            thread_id, frames = stop_in_work(client)
            value = client.locals(frames[0]["id"])["password"]["value"]
            set_breakpoints(client)
            client.request("continue", {"threadId": thread_id})
            detach(client)
            return value, client.output("important")
        finally:
            client.close()

    value, said = password_seen(redactSecrets=False)
    assert value.startswith("'hunter-") and "secret redaction is OFF" in said
    # The next client asked for nothing: redaction is on again, as for any new session.
    assert password_seen() == ("[REDACTED]", "")


# -- 2. the access token stays secret ------------------------------------------------------------


@pytest.mark.timeout(60)
def test_the_token_is_in_its_0600_file_and_nowhere_else(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("an old token\n")
    token_file.chmod(0o644)  # readable by all: replaced by a private file
    logs = tmp_path / "logs"
    audit = tmp_path / "audit.jsonl"
    out = tmp_path / "out"
    out.mkdir()
    stop = tmp_path / "stop"
    lst = start_listening(
        [
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            str(token_file),
            "--audit-log",
            str(audit),
            "--wait-for-client",
            ENV_PROGRAM,
            str(out),
            str(stop),
        ],
        env={"DAP_SERVER_LOG_DIR": str(logs)},
    )
    adapter_logs = tmp_path / "adapter-logs"
    via_adapter = DapClient.adapter("--log-dir", str(adapter_logs))
    try:
        assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
        token = token_file.read_text().strip()
        assert len(token) >= 40 and token != "an old token"
        assert lst.token is None  # not printed
        # One client, straight, presenting the token in initialize and attach both.
        client = DapClient.connect(lst.host, lst.port)
        try:
            client.initialize(token=token)
            client.request("attach", {"token": token})
            client.wait_event("initialized")
            configure(client, {ENV_PROGRAM: [line_of(ENV_PROGRAM, "work")]})
            stopped = client.wait_event("stopped", timeout=20)
            frame = client.stack(stopped["threadId"])[0]
            client.request(
                "evaluate", {"expression": "n", "frameId": frame["id"], "context": "repl"}
            )
            process_events = client.events("process")
            detach(client)
        finally:
            client.close()
        lst.wait_stdout("dumped")
        # Then one through an adapter that keeps a transcript.
        via_adapter.initialize()
        seq = via_adapter.send_request(
            "attach", {"connect": {"host": lst.host, "port": lst.port}, "token": token}
        )
        via_adapter.wait_event("initialized")
        configure(via_adapter)
        assert via_adapter.wait_response(seq)["success"]
        process_events += via_adapter.events("process")
        via_adapter.request("disconnect", {"terminateDebuggee": False})
        via_adapter.wait_closed()
        stop.touch()
        lst.wait_stdout("env done")
        assert lst.process.wait(timeout=15) == 0
    finally:
        lst.stop()
        via_adapter.close()
    assert [e["systemProcessId"] for e in process_events] == [lst.pid, lst.pid]
    assert token not in json.dumps(process_events)
    stderr = "".join(lst.stderr_lines)
    assert f"(access token in {token_file})" in stderr
    assert token not in stderr
    assert token not in via_adapter.output()
    parent = json.loads((out / "parent.json").read_text())
    child = json.loads((out / "child.json").read_text())
    assert token not in json.dumps(parent), "the token is in the program's environment or argv"
    assert token not in json.dumps(child), "the token is in a child process's environment"
    written = sorted(logs.iterdir()) + sorted(adapter_logs.iterdir())
    assert [p.name.split("-")[0] for p in written] == ["debuggee", "adapter"]
    for path in [*written, audit]:
        text = path.read_text()
        assert text, path
        assert token not in text, f"the token is written in {path}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    for path in written:  # the token was presented, and scrubbed on its way to the log
        assert '"token": "[REDACTED]"' in path.read_text(), path
    operations = [json.loads(line)["operation"] for line in audit.read_text().splitlines()]
    assert "authorization" in operations and "attach" in operations


@pytest.mark.timeout(30)
def test_log_dir_option_in_listen_mode_writes_the_transcript(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    result = subprocess.run(
        [*DAP_SERVER, "--log-dir", str(logs), "--listen", "0", "-c", "print('ran')"],
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    assert (result.returncode, result.stdout) == (0, "ran\n"), result.stderr
    assert logs.is_dir() and [p.name.split("-")[0] for p in logs.iterdir()] == ["debuggee"]


# -- 3. attach by process id: what cannot be attached to ---------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.skipif(not os.path.exists("/usr/bin/python3.11"), reason="needs /usr/bin/python3.11")
def test_attach_to_an_older_python_says_why_and_leaves_it_running(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    code = (
        "import itertools, sys, time\n"
        "print('ready', flush=True)\n"
        "for n in itertools.count():\n"
        "    print(f'tick {n}', flush=True)\n"
        "    time.sleep(0.02)\n"
    )
    old = spawn(argv=["/usr/bin/python3.11", "-c", code])
    version = subprocess.run(
        ["/usr/bin/python3.11", "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert attach_pid_error(adapters(), old.pid) == (
        f"attach: Process {old.pid} runs Python {version} (/usr/bin/python3.11); attaching "
        "needs Python 3.12 or newer (the debugger is built on sys.monitoring, PEP 669). Start "
        "the program under the debugger (launch) with Python 3.12+ instead."
    )
    old.runs_on()


@pytest.mark.timeout(30)
def test_failed_attaches_to_itself_bad_ids_and_sleep_leave_the_session_usable(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    client = adapters()
    assert client.process is not None
    me = client.process.pid
    assert attach_pid_error(client, me) == (
        f"attach: Process {me} is the debugger itself; attach to another process."
    )
    assert client.request_error("attach", {"processId": "not-a-pid"}) == (
        "attach: processId must be a process id, not 'not-a-pid'"
    )
    assert client.request_error("attach", {"processId": 0}) == (
        "attach: No process with id 0 exists (it may have exited). Check the id, e.g. with "
        "`ps -p 0`."
    )
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        assert client.request_error("attach", {"processId": sleeper.pid}, timeout=20).startswith(
            f"attach: Process {sleeper.pid} (sleep, "
        )
        assert sleeper.poll() is None  # untouched
    finally:
        sleeper.kill()
        sleeper.wait()
    # Nothing was left half-configured: the same session attaches to a real target.
    target = spawn()
    seq = client.send_request("attach", {"processId": target.pid, "attachTimeout": 10})
    client.wait_event("initialized", timeout=25)
    client.request("configurationDone")
    assert client.wait_response(seq, timeout=25)["success"]
    set_breakpoints(client, WORK)
    stop_in_work(client)
    detach(client)
    assert target.finish() == (CLEAN, 0)


@pytest.mark.timeout(60)
def test_attach_to_a_main_thread_blocked_in_sleep_times_out_harmlessly_then_succeeds(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target = spawn("blocked", "100")
    # The main thread sits in time.sleep(100): the attach gives up at its deadline, with why.
    client = adapters()
    started = time.monotonic()
    message = attach_pid_error(client, target.pid, attachTimeout=2)
    elapsed = time.monotonic() - started
    assert message == (
        f"attach: Timed out after 2 s waiting for process {target.pid} to load the debugger: "
        "its main thread is blocked in the system call clock_nanosleep (time.sleep()); the "
        "debugger attaches when that call returns. Raise the attach option 'attachTimeout' "
        "(seconds) to wait longer."
    )
    assert elapsed < 8, elapsed
    # The program runs on, and nothing of the debugger was left in it (its signal handler runs
    # on the main thread, where the queued bootstrap would run too: it finds nothing to do).
    target.runs_on("beat ")
    assert target.state() == "state tool=None local=0 threads=heartbeat"
    target.runs_on("beat ")
    assert target.process.poll() is None


@pytest.mark.timeout(60)
def test_attach_waits_for_a_short_blocking_call_within_attach_timeout(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target = spawn("blocked", "3")
    client = adapters()
    attach_pid(client, target.pid, attachTimeout=20)
    target.wait_line("woke")  # the bootstrap ran when the sleep returned
    set_breakpoints(client, WORK)
    thread_id, frames = stop_in_work(client)
    assert thread_id == target.pid
    assert client.locals(frames[0]["id"])["n"]["value"].isdigit()
    detach(client)
    target.runs_on()
    assert target.finish() == ("state tool=None local=0 threads=heartbeat", 0)


def _second_attach_while_stopped(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> tuple[Target, DapClient, int, str]:
    """A first client stops the target's main thread at a breakpoint; a second one tries to
    attach by pid (3 s attachTimeout). Returns the target, the first client, its stopped thread
    and the second attach's error."""
    target = spawn()
    first = adapters()
    attach_pid(first, target.pid, attachTimeout=10)
    set_breakpoints(first, WORK)
    thread_id, _ = stop_in_work(first)
    return target, first, thread_id, attach_pid_error(adapters(), target.pid, attachTimeout=3)


@pytest.mark.timeout(60)
def test_a_second_attach_while_the_first_client_is_stopped_fails_without_disturbing_it(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target, first, thread_id, message = _second_attach_while_stopped(spawn, adapters)
    assert message.startswith(f"attach: Timed out after 3 s waiting for process {target.pid}")
    # The first client still has its stopped thread, then the program back; the second
    # attach's bootstrap, left queued, runs when the main thread resumes and does nothing.
    frames = first.stack(thread_id)
    assert first.locals(frames[0]["id"])["n"]["type"] == "int"
    set_breakpoints(first)
    first.request("continue", {"threadId": thread_id})
    target.runs_on()
    first.request("threads")  # still served
    detach(first)
    target.runs_on()
    assert target.finish() == (CLEAN, 0)


@pytest.mark.timeout(60)
@pytest.mark.xfail(
    strict=True,
    reason="BUG: attach by pid to a process whose main thread is stopped at another client's "
    "breakpoint waits the whole attachTimeout and blames a futex, instead of 'another client "
    "is already debugging process N'",
)
def test_a_second_attach_while_the_first_client_is_stopped_says_who_debugs_it(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target, *_, message = _second_attach_while_stopped(spawn, adapters)
    assert message == (
        f"attach: another client is already debugging process {target.pid}; disconnect it first"
    )


@pytest.mark.timeout(60)
def test_attach_by_pid_to_a_listening_program_whose_client_is_attached_is_refused(
    listening: Callable[..., Listening], adapters: Callable[..., DapClient]
) -> None:
    lst = listening()
    owner = direct(lst, lst.token)
    try:
        owner.request("configurationDone")
        assert attach_pid_error(adapters(), lst.pid, attachTimeout=10) == (
            f"attach: another client is already debugging process {lst.pid}; disconnect it first"
        )
        set_breakpoints(owner, WORK)
        stop_in_work(owner)
        detach(owner)
    finally:
        owner.close()


@pytest.mark.timeout(60)
def test_the_listener_refuses_a_client_while_one_attached_by_pid_debugs_the_program(
    listening: Callable[..., Listening], adapters: Callable[..., DapClient]
) -> None:
    lst = listening()
    by_pid = adapters()
    attach_pid(by_pid, lst.pid, attachTimeout=10)
    second = DapClient.connect(lst.host, lst.port)
    try:
        response = second.wait_response(
            second.send_request("initialize", {"adapterID": "x", "token": lst.token})
        )
        assert (response["success"], response.get("message")) == (
            False,
            f"another client is already debugging process {lst.pid}; disconnect it first",
        )
    finally:
        second.close()
    # The client attached by pid still gets its own stops.
    set_breakpoints(by_pid, WORK)
    stop_in_work(by_pid)


@pytest.mark.timeout(60)
@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run a target as another user")
def test_attach_to_a_process_of_another_user(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    nobody = 65534
    target = spawn(argv=[sys.executable, OTHER_USER, str(nobody)], ready=f"ready {nobody}")
    with open(f"/proc/{target.pid}/status") as f:
        uids = next(line for line in f if line.startswith("Uid:")).split()[1:]
    assert set(uids) == {str(nobody)}
    client = adapters()
    attach_pid(client, target.pid, attachTimeout=15)
    set_breakpoints(client, line_of(OTHER_USER, "work"), path=OTHER_USER)
    stopped = client.wait_event("stopped", timeout=20)
    frames = client.stack(stopped["threadId"])
    assert (frames[0]["name"], frames[0]["line"]) == ("work", line_of(OTHER_USER, "work"))
    assert client.locals(frames[0]["id"])["n"]["type"] == "int"
    set_breakpoints(client, path=OTHER_USER)
    client.request("continue", {"threadId": stopped["threadId"]})
    detach(client)
    target.runs_on()


# -- 4. detach leaves nothing; re-attach starts afresh -------------------------------------------


@pytest.mark.timeout(90)
def test_detach_while_stopped_leaves_nothing_and_reattach_has_fresh_breakpoints(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target = spawn()
    assert target.state() == CLEAN
    first = adapters()
    attach_pid(first, target.pid, attachTimeout=10)
    set_breakpoints(first, WORK)
    stop_in_work(first)
    detach(first)  # while stopped: the program resumes, the breakpoint goes
    target.runs_on()
    assert target.state() == CLEAN
    # A new session has none of the old breakpoints.
    second = adapters()
    attach_pid(second, target.pid, attachTimeout=10)
    no_stop_while(second, target.runs_on)
    set_breakpoints(second, WORK_RETURN)
    _, frames = stop_in_work(second, WORK_RETURN)
    assert set(second.locals(frames[0]["id"])) == {"n", "password", "doubled"}
    detach(second)
    target.runs_on()
    assert target.state() == CLEAN
    assert target.finish() == (CLEAN, 0)


# -- 5. listening on other machines' addresses needs --allow-remote ------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("address", "shown"),
    [("0.0.0.0:0", "'0.0.0.0'"), ("[::]:0", "'::'"), (":0", "'all interfaces'")],
)
def test_wildcard_addresses_are_refused_before_the_program_runs(
    tmp_path: Path, address: str, shown: str
) -> None:
    ran = tmp_path / "ran"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dap_server",
            "--listen",
            address,
            "-c",
            f"open({str(ran)!r}, 'w').close()",
        ],
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr == (
        f"dap-server: refusing to listen on {shown}: other machines could connect, and a "
        "debugger connection can run any code in the program. Listen on 127.0.0.1 (the "
        'default), or pass --allow-remote (launch option "allowRemote": true) if you really '
        "mean it, keep the access token on, and prefer an SSH tunnel.\n"
    )
    assert not ran.exists(), "the program ran although the listener was refused"


@pytest.mark.timeout(60)
def test_wildcard_refused_in_code_and_by_attach_pid_cli(spawn: Spawn, tmp_path: Path) -> None:
    code = (
        "import dap_server\n"
        "from dap_server.auth import BindAddressError\n"
        "try:\n"
        "    dap_server.listen(('0.0.0.0', 0))\n"
        "except BindAddressError as exc:\n"
        "    print('refused:', exc)\n"
        "print('listening:', dap_server.is_client_connected())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env_with_src(), timeout=30
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused: refusing to listen on '0.0.0.0': other machines")
    assert lines[1] == "listening: False"
    assert result.stderr == ""  # no listening line: nothing was opened
    # `dap-server attach --pid` refuses before touching the process.
    target = spawn()
    refused = subprocess.run(
        [*DAP_SERVER, "attach", "--pid", str(target.pid), "--listen", "0.0.0.0:0"],
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    assert refused.returncode == 2
    assert refused.stderr.startswith(
        "dap-server attach: refusing to listen on '0.0.0.0': other machines could connect"
    )
    assert "Attaching" not in refused.stderr
    assert target.state() == CLEAN
    # With --allow-remote the same address is accepted (and still needs the token).
    lst = start_listening(["--listen", "0.0.0.0:0", "--allow-remote", LOOP, str(tmp_path / "s")])
    try:
        assert (lst.host, lst.token is not None) == ("0.0.0.0", True)
        stranger = DapClient.connect("127.0.0.1", lst.port)
        try:
            stranger.initialize()
            assert stranger.request_error("attach", {}).startswith("attach: not authorized")
        finally:
            stranger.close()
    finally:
        lst.stop()


# -- 6. the adapter killed while attached -------------------------------------------------------------


@pytest.mark.timeout(60)
def test_adapter_killed_while_stopped_the_program_runs_on_and_exits_normally(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target = spawn()
    client = adapters()
    attach_pid(client, target.pid, attachTimeout=10)
    set_breakpoints(client, WORK)
    stop_in_work(client)
    assert client.process is not None
    client.process.send_signal(signal.SIGKILL)
    assert client.process.wait(timeout=10) == -signal.SIGKILL
    target.runs_on()  # resumed by itself
    assert target.state() == CLEAN  # and the debugger is gone from it
    # Attachable again, then it ends by itself with no debugger thread holding it.
    again = adapters()
    attach_pid(again, target.pid, attachTimeout=10)
    again.request("threads")
    detach(again)
    assert target.finish() == (CLEAN, 0)
    assert wait_gone(target.pid)


@pytest.mark.timeout(60)
def test_adapter_killed_while_the_bootstrap_waits_leaves_the_target_clean(
    spawn: Spawn, adapters: Callable[..., DapClient]
) -> None:
    target = spawn("blocked", "3")
    client = adapters()
    client.initialize()
    client.send_request("attach", {"processId": target.pid, "attachTimeout": 30})
    client.wait_event("output", where=lambda b: "Bootstrap queued" in b.get("output", ""))
    assert client.process is not None
    client.process.kill()
    client.process.wait(timeout=10)
    # When the sleep returns the bootstrap runs, finds nobody to connect to, and undoes itself.
    target.wait_line("woke", timeout=20)
    target.runs_on()
    assert target.state() == "state tool=None local=0 threads=heartbeat"
    assert target.finish() == ("state tool=None local=0 threads=heartbeat", 0)
