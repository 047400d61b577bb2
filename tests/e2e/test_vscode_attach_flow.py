"""The flows of tests/e2e/test_vscode_flow.py's VS Code that that file leaves out: `restart`
(VS Code sends it because the adapter advertises supportsRestartRequest), attaching to a
program that listens for a debugger (detach, attach again), and attaching with a wrong token.

As there, the adapter is driven with VS Code's exact initialize arguments and request flow, and
every test checks that nothing else happened: no unexpected reverse request, no failed
response, no adapter message or traceback in the output.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.adapter_helpers import (
    Listening,
    start_listening,
    start_listening_command,
    wait_gone,
)
from tests.e2e.test_vscode_flow import VsCode, _event_order, _line_with, _source
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

RESTARTS = program("restarts.py")
TICKER = program("ticker.py")
TICK = line_of(TICKER, "tick")
CALL_TICK = _line_with(TICKER, "        tick(n)")


@pytest.fixture
def vscode(client: DapClient) -> VsCode:
    return VsCode(client)


def _checked(session: VsCode) -> None:
    session.client.close()
    assert not session.client.schema_errors, "\n".join(session.client.schema_errors)


# -- restart ---------------------------------------------------------------------------------------


def test_restart_while_stopped_runs_again_from_the_start_with_the_breakpoints(
    vscode: VsCode, tmp_path: Path
) -> None:
    runs = tmp_path / "runs"
    work = line_of(RESTARTS, "work")
    call = line_of(RESTARTS, "print")
    caps = vscode.initialize()
    assert caps["supportsRestartRequest"] is True
    configuration = {
        "type": "dap-python",
        "request": "launch",
        "name": "Python: current file",
        "program": RESTARTS,
        "args": [str(runs)],
        "console": "internalConsole",
        "__configurationTarget": 6,
        "__sessionId": str(uuid.uuid4()),
    }
    seq = vscode.client.send_request("launch", configuration)
    vscode.client.wait_event("initialized")
    vscode.configure({RESTARTS: [work]})
    assert vscode.client.wait_response(seq)["success"]

    stop = vscode.stopped("breakpoint")
    assert stop.where() == [("work", work), ("<module>", call)]
    assert stop.frames[0]["source"] == _source(RESTARTS)
    assert stop.value("run") == ("1", "int")
    assert vscode.shows("run * 10", stop.frame_id, "hover") == ("10", "int")
    first_pid = vscode.client.events("process")[0]["systemProcessId"]

    # VS Code's restart: the whole launch configuration again, as `arguments`.
    assert vscode.client.request("restart", {"arguments": configuration}) == {}
    stop = vscode.stopped("breakpoint")
    processes = vscode.client.events("process")
    assert len(processes) == 2
    second_pid = processes[1]["systemProcessId"]
    assert second_pid != first_pid
    assert wait_gone(first_pid)
    # Same place, fresh values: the program ran again from its first line.
    assert stop.where() == [("work", work), ("<module>", call)]
    assert stop.value("run") == ("2", "int")
    assert vscode.shows("run * 10", stop.frame_id, "hover") == ("20", "int")
    assert vscode.shows("run", stop.frame_id, "watch") == ("2", "int")
    assert runs.read_text() == "2"

    vscode.client.request("continue", {"threadId": stop.thread_id})
    vscode.finish(0)
    # The first run was killed at its breakpoint: it printed nothing.
    assert vscode.client.output("stdout") == "run 2 20\n"
    assert [o for o in vscode.client.events("output") if "dap-server" in o["output"]] == []
    assert not [o for o in vscode.client.events("output") if "Traceback" in o["output"]]
    assert not [m for m in vscode.client.messages if m["type"] == "request"]
    assert not [m for m in vscode.client.messages if m["type"] == "response" and not m["success"]]
    # One `initialized` (the adapter replays the configuration itself), a `process` per run, no
    # end reported for the first run.
    order = [e for e in _event_order(vscode.client) if e != "continued"]
    assert order == [
        "process",
        "initialized",
        "stopped",
        "process",
        "stopped",
        "exited",
        "terminated",
    ]


# -- attach to a listening program -----------------------------------------------------------------


@pytest.fixture
def ticker(tmp_path: Path) -> Iterator[Listening]:
    stop_file = tmp_path / "stop"
    listening = start_listening(
        ["--listen", "127.0.0.1:0", "--wait-for-client", TICKER, str(stop_file)]
    )
    try:
        yield listening
    finally:
        stop_file.write_text("")
        listening.stop()


def _attach_arguments(listening: Listening, token: str | None) -> dict[str, Any]:
    """VS Code's attach configuration for a listening program."""
    return {
        "type": "python",
        "request": "attach",
        "name": "Python: attach",
        "connect": {"host": listening.host, "port": listening.port},
        "token": token,
        "__configurationTarget": 6,
        "__sessionId": str(uuid.uuid4()),
    }


def _attach(listening: Listening, token: str | None, breakpoints: dict[str, list[int]]) -> VsCode:
    """VS Code's attach to a listening program, over a fresh adapter."""
    session = VsCode(DapClient.adapter())
    session.initialize()
    seq = session.client.send_request("attach", _attach_arguments(listening, token))
    session.client.wait_event("initialized")
    session.configure(breakpoints)
    response = session.client.wait_response(seq)
    assert response["success"], response
    return session


def _detach(session: VsCode) -> None:
    """VS Code's disconnect when the user chooses to detach: the program runs on."""
    session.client.request("disconnect", {"restart": False, "terminateDebuggee": False})
    assert session.client.process is not None
    assert session.client.process.wait(timeout=15) == 0
    session.client.wait_closed()


def test_attach_to_a_listener_detach_and_attach_again(ticker: Listening, tmp_path: Path) -> None:
    assert ticker.token is not None
    first = _attach(ticker, ticker.token, {TICKER: [TICK]})
    try:
        stop = first.stopped("breakpoint")
        assert first.client.events("process")[0]["systemProcessId"] == ticker.pid
        # --wait-for-client: the program waited for the configuration, so this is its first tick.
        assert stop.where() == [("tick", TICK), ("<module>", CALL_TICK)]
        assert stop.frames[0]["source"] == _source(TICKER)
        assert stop.value("n") == ("0", "int")
        assert list(stop.variables) == ["n"]
        assert first.shows("n * 2", stop.frame_id, "hover") == ("0", "int")
        assert first.shows("n", stop.frame_id, "watch") == ("0", "int")
        first.client.request("continue", {"threadId": stop.thread_id})
        stop = first.stopped("breakpoint")
        assert stop.value("n") == ("1", "int")
        assert first.shows("n + 41", stop.frame_id, "watch") == ("42", "int")
        _detach(first)
        first.assert_clean()
        # Detaching ends the session without news of an end: the program has not ended.
        assert _event_order(first.client) == ["process", "initialized", "stopped", "stopped"]
    finally:
        _checked(first)
    assert ticker.process.poll() is None, "detaching ended the program"

    # The program runs on, still listening: a second session attaches to it.
    second = _attach(ticker, ticker.token, {TICKER: [TICK]})
    try:
        stop = second.stopped("breakpoint")
        assert second.client.events("process")[0]["systemProcessId"] == ticker.pid
        assert stop.where() == [("tick", TICK), ("<module>", CALL_TICK)]
        n = int(stop.value("n")[0])
        assert n >= 2
        assert second.shows("n * 2", stop.frame_id, "hover") == (str(n * 2), "int")
        second.client.request("continue", {"threadId": stop.thread_id})
        stop = second.stopped("breakpoint")
        assert stop.value("n") == (str(n + 1), "int")
        _detach(second)
        second.assert_clean()
        assert _event_order(second.client) == ["process", "initialized", "stopped", "stopped"]
    finally:
        _checked(second)

    # Unbothered by the debugger, the program runs to its end.
    assert ticker.process.poll() is None, "detaching ended the program"
    (tmp_path / "stop").write_text("")
    ticker.wait_stdout("ticker stopped")
    assert ticker.process.wait(timeout=15) == 0
    assert [line for line in ticker.stderr_lines if "Traceback" in line] == []


def test_attach_with_a_wrong_token_fails_clearly(ticker: Listening) -> None:
    session = VsCode(DapClient.adapter())
    try:
        session.initialize()
        seq = session.client.send_request("attach", _attach_arguments(ticker, "not-the-token"))
        session.failures_expected.add(seq)
        response = session.client.wait_response(seq)
        assert not response["success"]
        assert response["message"] == (
            "attach: wrong access token; present the access token printed by the listener"
            " (or written to its --token-file) as 'token' in the attach arguments (launch.json)"
            " or in the initialize arguments"
        )
        session.disconnect()
        assert _event_order(session.client) == []
        messages = session.client.messages
        assert [m.get("command") for m in messages] == ["initialize", "attach", "disconnect"]
    finally:
        _checked(session)
    # The listener is not harmed: with the right token, VS Code attaches.
    assert ticker.process.poll() is None
    again = _attach(ticker, ticker.token, {TICKER: [TICK]})
    try:
        stop = again.stopped("breakpoint")
        assert stop.value("n") == ("0", "int")
        _detach(again)
        again.assert_clean()
        assert _event_order(again.client) == ["process", "initialized", "stopped"]
    finally:
        _checked(again)


def test_attach_to_in_code_listen_then_detach_at_its_breakpoint() -> None:
    listening_program = program("in_code_listen.py")
    after = line_of(listening_program, "after-breakpoint")
    listening = start_listening_command([sys.executable, listening_program])
    try:
        assert listening.pid == listening.process.pid
        session = _attach(listening, listening.token, {})
        try:
            # dap_server.breakpoint() stops its own thread, as a breakpoint (as debugpy's does).
            stop = session.stopped("breakpoint")
            assert stop.event["allThreadsStopped"] is False
            assert stop.where() == [("<module>", after)]
            assert stop.value("answer") == ("42", "int")
            assert session.shows("answer", stop.frame_id, "hover") == ("42", "int")
            assert session.shows("answer // 2", stop.frame_id, "watch") == ("21", "int")
            # VS Code's Restart button on an attached session: refused, the session goes on.
            seq = session.client.send_request("restart", {"arguments": {}})
            session.failures_expected.add(seq)
            response = session.client.wait_response(seq)
            assert not response["success"]
            assert response["message"] == (
                "restart: only a launched program can be restarted (this session is attached)"
            )
            assert session.shows("answer", stop.frame_id, "hover") == ("42", "int")
            _detach(session)
            session.assert_clean()
            assert _event_order(session.client) == ["process", "initialized", "stopped"]
        finally:
            _checked(session)
        assert listening.wait_stdout("after breakpoint") == "after breakpoint 42\n"
        assert listening.process.wait(timeout=15) == 0
        assert [line for line in listening.stderr_lines if "Traceback" in line] == []
    finally:
        listening.stop()
