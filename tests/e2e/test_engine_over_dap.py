"""The engine's features as an editor uses them: through the real adapter, exact values."""

from __future__ import annotations

import pytest

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PROG = program("control.py")


def start(client: DapClient, breakpoints: list[dict[str, object]], **extra: object) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": PROG})
    client.wait_event("initialized")
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": breakpoints})
    for command, arguments in extra.items():
        client.request(command, arguments)  # type: ignore[arg-type]
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


def locals_of_top(client: DapClient, tid: int) -> dict[str, str]:
    frame = client.stack(tid)[0]
    return {name: v["value"] for name, v in client.locals(frame["id"]).items()}


def test_conditional_breakpoint_stops_only_when_true(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "loop"), "condition": "i == 7"}])
    stopped = client.wait_event("stopped")
    assert locals_of_top(client, stopped["threadId"])["i"] == "7"
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert len(client.events("stopped")) == 1


@pytest.mark.parametrize(("hit", "expected_i"), [("3", "2"), (">=4", "3"), ("%5", "4")])
def test_hit_conditions(client: DapClient, hit: str, expected_i: str) -> None:
    start(client, [{"line": line_of(PROG, "loop"), "hitCondition": hit}])
    stopped = client.wait_event("stopped")
    assert locals_of_top(client, stopped["threadId"])["i"] == expected_i
    client.request("disconnect", {"terminateDebuggee": True})


def test_logpoint_prints_and_does_not_stop(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "loop"), "logMessage": "i={i} total={total}"}])
    client.wait_event("terminated")
    assert client.events("stopped") == []
    logged = [line for line in client.output("console").splitlines() if line.startswith("i=")]
    assert logged[:3] == ["i=0 total=0", "i=1 total=0", "i=2 total=1"]
    assert len(logged) == 10


def test_raising_condition_stops_and_says_why(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "loop"), "condition": "undefined_thing > 1"}])
    stopped = client.wait_event("stopped")
    assert locals_of_top(client, stopped["threadId"])["i"] == "0"
    assert "undefined_thing" in client.output()
    client.request("disconnect", {"terminateDebuggee": True})


def test_function_breakpoints(client: DapClient) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": PROG})
    client.wait_event("initialized")
    result = client.request(
        "setFunctionBreakpoints", {"breakpoints": [{"name": "pick"}, {"name": "Greeter.hello"}]}
    )
    assert len(result["breakpoints"]) == 2
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "function breakpoint"
    frame = client.stack(stopped["threadId"])[0]
    assert frame["name"] == "pick"
    assert frame["line"] == line_of(PROG, "pick")
    client.request("continue", {"threadId": stopped["threadId"]})
    stopped = client.wait_event("stopped")
    frame = client.stack(stopped["threadId"])[0]
    assert (frame["name"], frame["line"]) == ("Greeter.hello", line_of(PROG, "hello"))
    client.request("disconnect", {"terminateDebuggee": True})


def test_step_over_recursion_stays_in_the_frame(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "fib-rec"), "condition": "n == 5"}])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    depth = len(client.stack(tid))
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("next", {"threadId": tid})
    client.wait_event("stopped")
    frames = client.stack(tid)
    # not inside a deeper fib: back in the caller, one frame up
    assert len(frames) == depth - 1
    assert frames[0]["name"] == "<module>"
    client.request("disconnect", {"terminateDebuggee": True})


def test_step_in_targets_choose_the_call(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "pick")}])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    frame = client.stack(tid)[0]
    targets = client.request("stepInTargets", {"frameId": frame["id"]})["targets"]
    assert [t["label"] for t in targets] == ["max", "min"]
    client.request("disconnect", {"terminateDebuggee": True})


def test_goto_skips_lines(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "goto-from")}])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    targets = client.request(
        "gotoTargets", {"source": {"path": PROG}, "line": line_of(PROG, "print-x")}
    )["targets"]
    assert [t["line"] for t in targets] == [line_of(PROG, "print-x")]
    client.request("goto", {"threadId": tid, "targetId": targets[0]["id"]})
    assert client.wait_event("stopped")["reason"] == "goto"
    assert client.stack(tid)[0]["line"] == line_of(PROG, "print-x")
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert "x 1\n" in client.output("stdout")  # x = 2 and x = 3 never ran


def test_breakpoint_locations(client: DapClient) -> None:
    start(client, [])
    lo = line_of(PROG, "fib-base") - 2
    body = client.request(
        "breakpointLocations", {"source": {"path": PROG}, "line": lo, "endLine": lo + 3}
    )
    # the `def` line runs in the module; the others in the function
    assert [b["line"] for b in body["breakpoints"]] == [lo, lo + 1, lo + 2, lo + 3]
    client.request("disconnect", {"terminateDebuggee": True})


def test_pause_a_thread_in_a_tight_loop_and_threads_list(client: DapClient) -> None:
    start(client, [{"line": line_of(PROG, "print-x")}])
    stopped = client.wait_event("stopped")
    threads = {t["name"]: t["id"] for t in client.request("threads")["threads"]}
    assert set(threads) == {"MainThread", "spinner"}
    started = [e["threadId"] for e in client.events("thread") if e["reason"] == "started"]
    assert threads["spinner"] in started
    client.request("pause", {"threadId": threads["spinner"]})
    paused = client.wait_event("stopped", where=lambda b: b.get("threadId") == threads["spinner"])
    assert paused["reason"] == "pause"
    frame = client.stack(threads["spinner"])[0]
    assert frame["name"] == "spin"
    assert frame["line"] in (line_of(PROG, "spin"), line_of(PROG, "spin") - 1)
    # continue just one thread: the other stays stopped
    client.request("continue", {"threadId": threads["spinner"], "singleThread": True})
    assert client.request("stackTrace", {"threadId": stopped["threadId"]})["stackFrames"][0][
        "line"
    ] == line_of(PROG, "print-x")
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    exited = [e["threadId"] for e in client.events("thread") if e["reason"] == "exited"]
    assert threads["spinner"] in exited


# --- exception filters --------------------------------------------------------------------------

RAISER = program("exception_filters.py")


def start_with_exceptions(client: DapClient, exceptions: dict[str, object]) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": RAISER})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", exceptions)
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


def exception_stops(client: DapClient) -> list[tuple[str, int, str, str]]:
    """Continues the program to its end; for each stop: frame name, line, exception id and
    break mode (from exceptionInfo)."""
    stops = []
    while True:
        event = client.wait_any_event(("stopped", "exited"))
        if event["event"] == "exited":
            assert event["body"] == {"exitCode": 0}
            return stops
        tid = event["body"]["threadId"]
        assert event["body"]["reason"] == "exception"
        top = client.stack(tid)[0]
        info = client.request("exceptionInfo", {"threadId": tid})
        stops.append((top["name"], top["line"], info["exceptionId"], info["breakMode"]))
        client.request("continue", {"threadId": tid})


def test_raised_filter_with_a_type_condition(client: DapClient) -> None:
    start_with_exceptions(
        client, {"filters": [], "filterOptions": [{"filterId": "raised", "condition": "KeyError"}]}
    )
    stopped = client.wait_event("stopped")
    # Redaction by name must not take "KeyError: ..." for the assignment of a key. (The
    # program's parameter is `name`: a value held under a sensitive name such as `key` is a
    # secret, and masked where a message quotes it.)
    assert stopped["text"] == "KeyError: 'missing'"
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})
    assert info["description"] == "'missing'"
    client.request("continue", {"threadId": stopped["threadId"]})
    assert exception_stops(client) == []  # and nowhere else


def test_raised_filter_with_an_expression_condition(client: DapClient) -> None:
    condition = "isinstance(exc, ValueError) and 'x1' in str(exc)"
    start_with_exceptions(
        client, {"filters": [], "filterOptions": [{"filterId": "raised", "condition": condition}]}
    )
    assert exception_stops(client) == [
        ("parse", line_of(RAISER, "parse"), "ValueError", "always"),
    ]
    assert "Exception filter condition" not in client.output()


def test_raised_filter_without_condition_sees_every_user_exception(client: DapClient) -> None:
    start_with_exceptions(client, {"filters": ["raised"]})
    assert exception_stops(client) == [
        ("parse", line_of(RAISER, "parse"), "ValueError", "always"),
        ("parse", line_of(RAISER, "parse"), "ValueError", "always"),
        ("lookup", line_of(RAISER, "lookup"), "KeyError", "always"),
        ("task", line_of(RAISER, "task"), "RuntimeError", "always"),
    ]


def test_user_unhandled_and_uncaught_filters(client: DapClient) -> None:
    # The pool swallows task's exception: userUnhandled stops there; nothing is uncaught, and
    # the closing SystemExit(0) is no error.
    start_with_exceptions(client, {"filters": ["uncaught", "userUnhandled"]})
    assert exception_stops(client) == [
        ("task", line_of(RAISER, "task"), "RuntimeError", "userUnhandled"),
    ]
    assert "done: RuntimeError" in client.output("stdout")


def test_bad_exception_filter_condition_is_an_error_and_the_session_goes_on(
    client: DapClient,
) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": RAISER})
    client.wait_event("initialized")
    message = client.request_error(
        "setExceptionBreakpoints",
        {"filters": [], "filterOptions": [{"filterId": "raised", "condition": "exc ==="}]},
    )
    assert "exc ===" in message and "SyntaxError" in message, message
    client.request(
        "setExceptionBreakpoints",
        {"filters": [], "filterOptions": [{"filterId": "raised", "condition": "KeyError"}]},
    )
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    assert exception_stops(client) == [
        ("lookup", line_of(RAISER, "lookup"), "KeyError", "always"),
    ]
