"""The debuggee's life through the adapter: terminate, restart, disconnect, and every way it
can die; garbage from the editor."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.e2e.adapter_helpers import alive, launch_with, wait_gone
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

BASIC = program("basic.py")
CLEANUP = program("cleanup.py")
DIES = program("dies.py")


def _wait_output(client: DapClient, text: str) -> None:
    client.wait_event("output", where=lambda b: text in b.get("output", ""))


def test_terminate_interrupts_first_so_finally_blocks_run(client: DapClient) -> None:
    client.launch(CLEANUP)
    _wait_output(client, "ready")
    client.request("terminate")
    assert client.wait_event("exited") == {"exitCode": -int(signal.SIGINT)}
    client.wait_event("terminated")
    assert client.output("stdout") == "ready\ncleanup done\n"
    assert "KeyboardInterrupt" in client.output("stderr")
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=15) == 0


def test_terminate_kills_after_terminate_timeout(client: DapClient) -> None:
    code = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint('deaf', flush=True)\nwhile True: time.sleep(0.05)\n"
    launch_with(client, {"code": code, "terminateTimeout": 0.5})
    _wait_output(client, "deaf")
    client.request("terminate")
    assert client.wait_event("exited") == {"exitCode": -int(signal.SIGKILL)}
    client.wait_event("terminated")


def test_disconnect_ends_a_launched_program_by_default(client: DapClient) -> None:
    client.launch(BASIC, breakpoints={BASIC: [line_of(BASIC, "greet-print")]})
    client.wait_event("stopped")
    pid = client.events("process")[0]["systemProcessId"]
    client.request("disconnect")
    assert wait_gone(pid)
    assert client.process is not None and client.process.wait(timeout=15) == 0


def test_disconnect_without_terminate_leaves_the_program_running(
    client: DapClient, tmp_path: Path
) -> None:
    ticker = program("ticker.py")
    stop = tmp_path / "stop"
    client.launch(ticker, args=[str(stop)], breakpoints={ticker: [line_of(ticker, "tick")]})
    stopped = client.wait_event("stopped")
    pid = client.events("process")[0]["systemProcessId"]
    assert stopped["threadId"] == pid
    client.request("disconnect", {"terminateDebuggee": False})
    assert client.process is not None and client.process.wait(timeout=15) == 0
    try:
        assert alive(pid), "detaching ended the program"
    finally:
        stop.write_text("")
        if not wait_gone(pid):
            os.kill(pid, signal.SIGKILL)


def test_restart_runs_the_program_again_with_the_same_breakpoints(client: DapClient) -> None:
    assert client.initialize()["supportsRestartRequest"] is True
    line = line_of(BASIC, "greet-print")
    seq = client.send_request("launch", {"program": BASIC})
    client.wait_event("initialized")
    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": [{"line": line}]})
    client.request("setExceptionBreakpoints", {"filters": []})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    first = client.wait_event("stopped")
    first_pid = client.events("process")[0]["systemProcessId"]

    client.request("restart", {"arguments": {"program": BASIC, "args": ["6"]}})
    second = client.wait_event("stopped")
    processes = client.events("process")
    assert len(processes) == 2 and processes[1]["systemProcessId"] != first_pid
    assert wait_gone(first_pid)
    assert second["threadId"] == processes[1]["systemProcessId"] != first["threadId"]
    frames = client.stack(second["threadId"])
    assert (frames[0]["name"], frames[0]["line"]) == ("greet", line)
    # The first run's end is not reported: the session goes on.
    assert client.events("exited") == [] and client.events("terminated") == []
    assert len(client.events("initialized")) == 1

    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": []})
    client.request("continue", {"threadId": second["threadId"]})
    assert client.wait_event("exited") == {"exitCode": 6}
    client.wait_event("terminated")


@pytest.mark.parametrize(
    ("how", "code", "note"),
    [
        ("exit7", 7, None),
        ("sigkill", -int(signal.SIGKILL), "The program was killed by signal SIGKILL.\n"),
        ("segfault", -int(signal.SIGSEGV), "The program was killed by signal SIGSEGV.\n"),
    ],
)
def test_debuggee_dying_gives_exited_and_terminated(
    client: DapClient, how: str, code: int, note: str | None
) -> None:
    client.launch(DIES, args=[how])
    assert client.wait_event("exited") == {"exitCode": code}
    client.wait_event("terminated")
    assert client.output("stdout") == f"dying {how}\n"
    if note:
        assert note in client.output("console")
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=15) == 0


def test_requests_before_launch_say_so(client: DapClient) -> None:
    client.initialize()
    assert (
        client.request_error("threads")
        == "threads: no program is being debugged yet (send 'launch' or 'attach' first)"
    )
    seq = client.send_request("launch", {"program": BASIC})
    client.wait_event("initialized")
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    assert client.wait_event("exited") == {"exitCode": 0}


def test_debuggee_killed_while_stopped(client: DapClient) -> None:
    client.launch(BASIC, breakpoints={BASIC: [line_of(BASIC, "greet-print")]})
    stopped = client.wait_event("stopped")
    os.kill(stopped["threadId"], signal.SIGKILL)  # the main thread's id is the pid
    assert client.wait_event("exited") == {"exitCode": -int(signal.SIGKILL)}
    client.wait_event("terminated")
    assert client.request_error("threads") == "threads: the program has ended"


def test_garbage_from_the_editor_gets_errors_and_the_session_goes_on(client: DapClient) -> None:
    client.initialize()
    client.send_raw(b"Content-Length: 3\r\n\r\n{x}")  # no seq to answer: logged, dropped
    truncated = b'{"seq": 90, "type": "reques'
    client.send_raw(b"Content-Length: %d\r\n\r\n%s" % (len(truncated), truncated))  # invalid JSON
    client.send({"seq": 91, "type": "request", "command": "launch", "arguments": 3})
    client.send({"seq": 92, "type": "request", "command": "noSuchCommand"})
    client.send(
        {
            "seq": 93,
            "type": "request",
            "command": "setBreakpoints",
            "arguments": {"source": {"path": 5}},
        }
    )
    for seq in (91, 92, 93):
        response = client.wait_response(seq)
        assert response["success"] is False
    errors = {
        m["request_seq"]: m["message"]
        for m in client.messages
        if m.get("type") == "response" and not m["success"]
    }
    assert errors[92] == "unknown command 'noSuchCommand'"
    assert errors[93].startswith("setBreakpoints: arguments.source.path")
    assert errors[91] == "invalid message: launch: 'arguments' must be an object"
    client.launch(BASIC, args=["2"])
    assert client.wait_event("exited") == {"exitCode": 2}
