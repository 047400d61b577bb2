"""Protocol robustness through the real adapter process: bad input gets a clear error response
and loses nothing; a dying debuggee or client ends the session cleanly, leaving no process.

Every message the adapter sends is checked against the DAP schema by the `client` fixture.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from typing import Any

from tests.e2e.adapter_helpers import wait_gone
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

STOP = program("pra_stop.py")
STOP_LINE = line_of(STOP, "stop")
SPIN = program("pra_spin.py")
SPIN_LINE = line_of(SPIN, "spin")


def _stopped(client: DapClient) -> tuple[int, int]:
    """Launches pra_stop.py to its breakpoint in work(5); returns (threadId, top frameId)."""
    client.launch(STOP, breakpoints={STOP: [STOP_LINE]})
    thread = client.wait_event("stopped")["threadId"]
    frames = client.stack(thread)
    assert (frames[0]["name"], frames[0]["line"]) == ("work", STOP_LINE)
    return thread, frames[0]["id"]


def _finish(client: DapClient, thread: int) -> None:
    """Clears the breakpoints, lets the program end, checks it ended normally."""
    client.request("setBreakpoints", {"source": {"path": STOP}, "breakpoints": []})
    client.request("continue", {"threadId": thread})
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.output("stdout") == "result 10\ndone\n"


def _frame(body: bytes | str) -> bytes:
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n%s" % (len(data), data)


def _error(client: DapClient, command: str, arguments: dict[str, Any] | None) -> dict[str, Any]:
    response = client.wait_response(client.send_request(command, arguments))
    assert response["success"] is False, response
    assert response["command"] == command
    return response


def test_pause_of_a_thread_that_does_not_exist_is_an_error(client: DapClient) -> None:
    thread, _frame_id = _stopped(client)
    refused = _error(client, "pause", {"threadId": 987654321})
    assert refused["message"] == "pause: thread 987654321 is not a thread of the program"
    assert [t["id"] for t in client.request("threads")["threads"]] == [thread]
    _finish(client, thread)


def _pid(client: DapClient) -> int:
    pid: int = client.events("process")[0]["systemProcessId"]
    return pid


# -- wrong arguments while stopped --------------------------------------------------------------


def test_bad_arguments_while_stopped_get_clear_errors_and_the_session_goes_on(
    client: DapClient,
) -> None:
    thread, frame = _stopped(client)
    cases: list[tuple[str, dict[str, Any] | None, str]] = [
        ("noSuchCommand", None, "unknown command 'noSuchCommand'"),
        ("stackTrace", {}, "stackTrace: arguments.threadId: Field required"),
        ("stackTrace", {"threadId": 999999}, "stackTrace: thread 999999 is not stopped"),
        ("stackTrace", {"threadId": True}, "stackTrace: arguments.threadId"),
        ("scopes", {"frameId": "x"}, "scopes: arguments.frameId"),
        ("scopes", {"frameId": 99999}, "scopes: frameId 99999 is not valid"),
        ("variables", {"variablesReference": 0}, "variables: variablesReference 0 is unknown"),
        ("variables", {"variablesReference": -1}, "variables: variablesReference -1 is unknown"),
        ("variables", {"variablesReference": 2**40}, "variables: variablesReference"),
        ("setBreakpoints", {"source": {}}, "setBreakpoints: arguments.source.path is required"),
        (
            "setBreakpoints",
            {"source": {"path": STOP}, "breakpoints": {"line": 3}},
            "setBreakpoints: arguments.breakpoints",
        ),
        (
            "setBreakpoints",
            {"source": {"path": STOP}, "breakpoints": [{"line": "3"}]},
            "setBreakpoints: breakpoints[0]: arguments.line must be an integer, not str",
        ),
        ("evaluate", {"expression": 5, "frameId": frame}, "evaluate: arguments.expression"),
        ("evaluate", {"expression": "n", "frameId": 123456}, "evaluate: frameId 123456"),
        ("next", {"threadId": 424242}, "next: thread 424242 is not stopped"),
        ("continue", {"threadId": "a"}, "continue: arguments.threadId"),
        ("setVariable", {"variablesReference": 0, "name": "n", "value": "1"}, "setVariable:"),
        ("source", {}, "source: arguments.sourceReference"),
        ("exceptionInfo", {"threadId": thread}, f"exceptionInfo: thread {thread} did not stop"),
        (
            "setExceptionBreakpoints",
            {"filters": ["nope"]},
            "setExceptionBreakpoints: unknown exception filter 'nope'",
        ),
        ("setExceptionBreakpoints", {"filters": "raised"}, "setExceptionBreakpoints:"),
        ("launch", {"program": STOP}, "launch: a program is already being debugged"),
    ]
    for command, arguments, expected in cases:
        response = _error(client, command, arguments)
        assert response["message"].startswith(expected), (command, arguments, response)
        # The error is shown to the user through body.error.format too.
        assert response["body"]["error"]["format"] == response["message"]
    # Nothing was lost: still stopped at the same place with the same values.
    frames = client.stack(thread)
    assert (frames[0]["name"], frames[0]["line"]) == ("work", STOP_LINE)
    assert client.locals(frames[0]["id"])["n"]["value"] == "5"
    _finish(client, thread)


def test_out_of_range_breakpoint_lines_are_unverified_not_errors(client: DapClient) -> None:
    thread, _ = _stopped(client)
    lines = [0, -1, 10**9, 2**70]
    body = client.request(
        "setBreakpoints",
        {"source": {"path": STOP}, "breakpoints": [{"line": n} for n in lines]},
    )
    assert [bp["verified"] for bp in body["breakpoints"]] == [False] * 4
    assert all(bp.get("message") for bp in body["breakpoints"])
    assert [bp["message"] for bp in body["breakpoints"][:2]] == [
        "Line 0 is not a line of the file: lines start at 1",
        "Line -1 is not a line of the file: lines start at 1",
    ]
    # The real breakpoint was replaced by the bad ones: the program runs to its end.
    client.request("continue", {"threadId": thread})
    assert client.wait_event("exited") == {"exitCode": 0}


# -- malformed messages on the wire --------------------------------------------------------------

# (what, raw bytes, the error response it must draw: (request_seq, message start) or None)
_WIRE_GARBAGE: list[tuple[str, bytes, tuple[int, str] | None]] = [
    ("non-numeric Content-Length", b"Content-Length: abc\r\n\r\n", None),
    ("negative Content-Length", b"Content-Length: -5\r\n\r\n", None),
    ("JSON array", _frame('[{"seq": 50, "type": "request", "command": "threads"}]'), None),
    ("request without seq", _frame('{"type": "request", "command": "threads"}'), None),
    (
        "request without command",
        _frame('{"seq": 51, "type": "request"}'),
        (51, "invalid message: request has no 'command' string"),
    ),
    (
        "unknown type",
        _frame('{"seq": 53, "type": "banana", "command": "threads"}'),
        (53, "invalid message: 'type' must be"),
    ),
    (
        "NaN in arguments",
        _frame(
            '{"seq": 54, "type": "request", "command": "evaluate", "arguments": {"expression": "1", "frameId": NaN}}'
        ),
        (54, "message body is not valid JSON"),
    ),
    (
        "command not a string",
        _frame('{"seq": 55, "type": "request", "command": 7}'),
        (55, "invalid message: request has no 'command' string"),
    ),
    (
        "arguments an array",
        _frame('{"seq": 56, "type": "request", "command": "threads", "arguments": []}'),
        (56, "invalid message: threads: 'arguments' must be an object"),
    ),
    (
        "response to a request never made",
        _frame(
            '{"seq": 57, "type": "response", "request_seq": 999, "command": "runInTerminal", "success": true}'
        ),
        None,
    ),
    ("an event from the client", _frame('{"seq": 58, "type": "event", "event": "stopped"}'), None),
    (
        "body not UTF-8",
        _frame(b'{"seq": 59, "type": "request", "command": "thr\xff\xfeeads"}'),
        (59, "message body is not valid UTF-8"),
    ),
    (
        "Content-Length too short",
        b'Content-Length: 10\r\n\r\n{"seq": 60, "type": "request", "command": "threads"}',
        (60, "message body is not valid JSON"),
    ),
]


def test_malformed_messages_while_stopped_lose_nothing(client: DapClient) -> None:
    thread, _ = _stopped(client)
    for what, raw, expected in _WIRE_GARBAGE:
        before = len(client.messages)
        client.send_raw(raw)
        # A well-formed request right after: it must be answered, and nothing else is lost.
        threads = client.wait_response(client.send_request("threads"))
        assert threads["success"] and threads["body"]["threads"][0]["id"] == thread, what
        extra = [
            m for m in client.messages[before:] if m.get("request_seq") != threads["request_seq"]
        ]
        if expected is None:
            assert extra == [], (what, extra)
        else:
            seq, message = expected
            assert [(m["type"], m["request_seq"], m["success"]) for m in extra] == [
                ("response", seq, False)
            ], (what, extra)
            assert extra[0]["message"].startswith(message), (what, extra)
    frames = client.stack(thread)
    assert client.locals(frames[0]["id"])["n"]["value"] == "5"
    _finish(client, thread)


def test_huge_messages_are_handled(client: DapClient) -> None:
    thread, frame = _stopped(client)
    condition = "n == 5 or " + " or ".join(["False"] * 300_000)  # ~2.7 MB
    body = client.request(
        "setBreakpoints",
        {"source": {"path": STOP}, "breakpoints": [{"line": STOP_LINE, "condition": condition}]},
        timeout=60,
    )
    assert [(bp["verified"], bp["line"]) for bp in body["breakpoints"]] == [(True, STOP_LINE)]
    many = client.request(
        "setBreakpoints",
        {
            "source": {"path": "/nowhere/big.py"},
            "breakpoints": [{"line": n} for n in range(1, 5001)],
        },
        timeout=60,
    )
    assert len(many["breakpoints"]) == 5000
    assert not any(bp["verified"] for bp in many["breakpoints"])
    # The huge condition is a real one: the next call work(2) does not stop (n == 2).
    assert client.request("evaluate", {"expression": "n", "frameId": frame})["result"] == "5"
    client.request("continue", {"threadId": thread})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.events("stopped") and len(client.events("stopped")) == 1


# -- requests in the wrong state -------------------------------------------------------------------


def test_requests_before_initialize_and_repeated_configuration(client: DapClient) -> None:
    response = _error(client, "setBreakpoints", {"source": {"path": STOP}, "breakpoints": []})
    assert response["message"] == (
        "setBreakpoints: no program is being debugged yet (send 'launch' or 'attach' first)"
    )
    thread, _ = _stopped(client)
    # configurationDone a second time is harmless.
    client.request("configurationDone")
    assert client.stack(thread)[0]["line"] == STOP_LINE
    _finish(client, thread)


def test_requests_while_running_fail_clearly_and_pause_still_works(client: DapClient) -> None:
    client.launch(SPIN, breakpoints={SPIN: [SPIN_LINE]})
    thread = client.wait_event("stopped")["threadId"]
    frame = client.stack(thread)[0]["id"]
    scopes = client.request("scopes", {"frameId": frame})["scopes"]
    ref = scopes[0]["variablesReference"]
    client.request("setBreakpoints", {"source": {"path": SPIN}, "breakpoints": []})
    client.request("continue", {"threadId": thread})
    resumed = "the program has resumed since it was issued"
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("stackTrace", {"threadId": thread}, f"stackTrace: thread {thread} is not stopped"),
        ("scopes", {"frameId": frame}, f"scopes: frameId {frame} is not valid: {resumed}"),
        ("variables", {"variablesReference": ref}, "variables: variablesReference"),
        ("evaluate", {"expression": "ticks", "frameId": frame}, "evaluate: frameId"),
        (
            "evaluate",
            {"expression": "ticks", "context": "repl"},
            "evaluate: the program is running",
        ),
        ("next", {"threadId": thread}, f"next: thread {thread} is not stopped"),
        ("stepIn", {"threadId": thread}, f"stepIn: thread {thread} is not stopped"),
        ("stepOut", {"threadId": thread}, f"stepOut: thread {thread} is not stopped"),
        ("setVariable", {"variablesReference": ref, "name": "ticks", "value": "0"}, "setVariable:"),
    ]
    for command, arguments, expected in cases:
        message = _error(client, command, arguments)["message"]
        assert message.startswith(expected), (command, message)
    assert resumed in _error(client, "variables", {"variablesReference": ref})["message"]
    client.request("pause", {"threadId": thread})
    stopped = client.wait_event("stopped")
    assert (stopped["reason"], stopped["threadId"]) == ("pause", thread)
    frames = client.stack(thread)
    assert frames[0]["name"] == "<module>"
    assert int(client.locals(frames[0]["id"])["ticks"]["value"]) >= 1
    # The old reference stays stale after the new stop.
    _error(client, "variables", {"variablesReference": ref})
    pid = _pid(client)
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=15) == 0
    assert wait_gone(pid)


# -- concurrency: requests in flight, cancel ----------------------------------------------------------


def test_requests_in_flight_are_answered_with_their_own_request_seq(client: DapClient) -> None:
    thread, frame = _stopped(client)
    sent: dict[int, tuple[str, Callable[[dict[str, Any]], bool] | None]] = {
        client.send_request("evaluate", {"expression": "slow(0.2)", "frameId": frame}): (
            "evaluate",
            lambda b: b["result"] == "'slept'",
        ),
        client.send_request("threads"): ("threads", lambda b: b["threads"][0]["id"] == thread),
        client.send_request("evaluate", {"expression": "n * 10", "frameId": frame}): (
            "evaluate",
            lambda b: b["result"] == "50",
        ),
        client.send_request("noSuchCommand"): ("noSuchCommand", None),
        client.send_request("stackTrace", {"threadId": thread}): (
            "stackTrace",
            lambda b: b["stackFrames"][0]["line"] == STOP_LINE,
        ),
        client.send_request("evaluate", {"expression": "items", "frameId": frame}): (
            "evaluate",
            lambda b: b["result"] == "[0, 1, 2, 3, 4]",
        ),
    }
    for seq, (command, check) in sent.items():
        response = client.wait_response(seq)
        assert response["command"] == command
        if check is None:
            assert response["success"] is False
        else:
            assert response["success"], response
            assert check(response["body"]), response
    answers = [m for m in client.messages if m.get("request_seq") in sent]
    assert len(answers) == len(sent), "each request gets exactly one response"
    _finish(client, thread)


def test_cancel_is_advertised_and_unknown_request_ids_are_harmless(client: DapClient) -> None:
    assert client.initialize()["supportsCancelRequest"] is True
    # DAP: cancel is a hint; for an unknown or finished request it is no error.
    thread, _ = _stopped_after_initialize(client)
    client.request("cancel", {"requestId": 99999})
    client.request("cancel", {})
    _finish(client, thread)


def _stopped_after_initialize(client: DapClient) -> tuple[int, int]:
    seq = client.send_request("launch", {"program": STOP})
    client.wait_event("initialized")
    client.request(
        "setBreakpoints", {"source": {"path": STOP}, "breakpoints": [{"line": STOP_LINE}]}
    )
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    thread = client.wait_event("stopped")["threadId"]
    return thread, client.stack(thread)[0]["id"]


def test_cancel_cancels_the_request_it_names(client: DapClient) -> None:
    thread, frame = _stopped(client)
    # Requests the adapter answers itself: from here on the editor's seqs and the seqs the
    # adapter uses towards the debuggee differ, as they do in any real session.
    _error(client, "noSuchCommand", None)
    slow = client.send_request(
        "evaluate", {"expression": "slow(3)", "frameId": frame, "context": "repl"}
    )
    _error(client, "noSuchCommand", None)
    quick = client.send_request(
        "evaluate", {"expression": "n * 10", "frameId": frame, "context": "repl"}
    )
    started = time.monotonic()
    client.request("cancel", {"requestId": slow})
    cancelled = client.wait_response(slow)
    assert cancelled["success"] is False
    assert cancelled["message"].startswith("cancelled"), cancelled
    assert time.monotonic() - started < 2.5, "the cancelled request was answered at once"
    answered = client.wait_response(quick)
    assert answered["success"] and answered["body"]["result"] == "50", answered
    _finish(client, thread)


def test_cancelled_request_answers_with_message_cancelled(client: DapClient) -> None:
    thread, frame = _stopped(client)
    # No adapter-answered request before: the editor's and the debuggee's seqs still agree.
    slow = client.send_request(
        "evaluate", {"expression": "slow(3)", "frameId": frame, "context": "repl"}
    )
    client.request("threads")
    client.request("cancel", {"requestId": slow})
    response = client.wait_response(slow)
    assert response["success"] is False
    assert response["message"] == "cancelled", response
    _finish(client, thread)


# -- the client or the debuggee going away ----------------------------------------------------------


def test_client_closing_stdin_while_stopped_ends_adapter_and_debuggee(client: DapClient) -> None:
    _stopped(client)
    pid = _pid(client)
    client._close()  # stdin closed abruptly: no disconnect
    assert client.process is not None and client.process.wait(timeout=15) == 0
    assert wait_gone(pid), "the debuggee outlived its adapter"


def test_client_closing_stdin_mid_message_while_running(client: DapClient) -> None:
    client.launch(SPIN)
    client.wait_event("process")
    pid = _pid(client)
    client.send_raw(b'Content-Length: 80\r\n\r\n{"seq": 70, "type": "req')
    client._close()
    assert client.process is not None and client.process.wait(timeout=15) == 0
    assert wait_gone(pid), "the debuggee outlived its adapter"


def test_debuggee_killed_with_a_request_in_flight(client: DapClient) -> None:
    thread, frame = _stopped(client)
    slow = client.send_request(
        "evaluate", {"expression": "slow(30)", "frameId": frame, "context": "repl"}
    )
    client.request("threads")  # the evaluation has been taken up
    os.kill(thread, signal.SIGKILL)
    response = client.wait_response(slow)
    assert (response["success"], response["message"]) == (False, "evaluate: the program has ended")
    assert client.wait_event("exited") == {"exitCode": -int(signal.SIGKILL)}
    client.wait_event("terminated")
    assert _error(client, "stackTrace", {"threadId": thread})["message"] == (
        "stackTrace: the program has ended"
    )
    assert len(client.events("terminated")) == 1
    client.request("disconnect")
    assert client.process is not None and client.process.wait(timeout=15) == 0


def test_requests_after_disconnect_go_nowhere_and_the_adapter_exits(client: DapClient) -> None:
    _stopped(client)
    pid = _pid(client)
    seq = client.send_request("disconnect")
    assert client.wait_response(seq)["success"]
    try:
        client.send_request("threads")
    except OSError:
        pass  # the adapter may already have gone
    client.wait_closed()
    assert client.process is not None and client.process.wait(timeout=15) == 0
    assert wait_gone(pid)
    assert all(m.get("request_seq") != seq + 1 for m in client.messages)
