"""Exception breakpoints as users meet them, through the real adapter: how many stops a raise
gets as it travels (re-raise, `with`, `finally`, comprehensions, generators), exceptions whose
str() fails, threads, pools and tasks, the ends of a program (atexit, __del__, sys.exit),
conditions on every filter, filters changed while the program runs, and exceptionInfo details.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any

import pytest

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PROPAGATE = program("exa_propagate.py")
BAD_STR = program("exa_bad_str.py")
CONCURRENCY = program("exa_concurrency.py")
ENDINGS = program("exa_endings.py")
MISC = program("exa_misc.py")
THROUGH_FINALLY = program("exa_uncaught_through_finally.py")

Stop = tuple[str, int, str, str]  # frame name, line, exceptionId, breakMode


def start(
    client: DapClient,
    prog: str | None,
    args: list[str] | None = None,
    filters: list[str] | None = None,
    filter_options: list[dict[str, Any]] | None = None,
    breakpoints: list[dict[str, Any]] | None = None,
    **options: Any,
) -> None:
    """initialize, launch, setBreakpoints, setExceptionBreakpoints, configurationDone."""
    client.initialize()
    launch: dict[str, Any] = {"args": args or [], **options}
    if prog is not None:
        launch["program"] = prog
    seq = client.send_request("launch", launch)
    client.wait_event("initialized")
    if breakpoints is not None:
        assert prog is not None
        client.request("setBreakpoints", {"source": {"path": prog}, "breakpoints": breakpoints})
    arguments: dict[str, Any] = {"filters": filters or []}
    if filter_options is not None:
        arguments["filterOptions"] = filter_options
    client.request("setExceptionBreakpoints", arguments)
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


def run_to_end(client: DapClient) -> tuple[list[Stop], int]:
    """Continues the program to its end; each exception stop as (frame, line, id, mode), and
    the exit code."""
    stops: list[Stop] = []
    while True:
        event = client.wait_any_event(("stopped", "exited"))
        if event["event"] == "exited":
            return stops, int(event["body"]["exitCode"])
        body = event["body"]
        tid = body["threadId"]
        assert body["reason"] == "exception", body
        top = client.stack(tid)[0]
        info = client.request("exceptionInfo", {"threadId": tid})
        stops.append((top["name"], top["line"], info["exceptionId"], info["breakMode"]))
        assert len(stops) < 20, stops
        client.request("continue", {"threadId": tid})


def where(client: DapClient, tid: int) -> list[tuple[str, int]]:
    return [(f["name"], f["line"]) for f in client.stack(tid)]


# --- how many `raised` stops one exception gets ----------------------------------------------------


def test_raised_and_caught_in_the_same_function_stops_once(client: DapClient) -> None:
    start(client, PROPAGATE, ["same"], filters=["raised"])
    stops, code = run_to_end(client)
    assert stops == [
        ("same_function", line_of(PROPAGATE, "same-raise"), "LookupError", "always"),
    ]
    assert code == 0
    assert client.output("stdout") == "handled\nend same\n"


def test_raised_without_just_my_code_shows_none_of_the_launchers_exceptions(
    client: DapClient,
) -> None:
    # Library code the launcher runs to find the program (runpy, pkgutil, importlib) raises
    # and catches exceptions of its own before the program starts: none is the user's.
    start(client, PROPAGATE, ["same"], filters=["raised"], justMyCode=False)
    stops, code = run_to_end(client)
    assert stops[0] == (
        "same_function",
        line_of(PROPAGATE, "same-raise"),
        "LookupError",
        "always",
    )
    assert code == 0


def test_uncaught_filter_ignores_an_exception_caught_in_the_same_function(
    client: DapClient,
) -> None:
    start(client, PROPAGATE, ["same"], filters=["uncaught", "userUnhandled"])
    assert run_to_end(client) == ([], 0)


def test_raised_in_a_loop_stops_once_per_raise_with_that_iterations_locals(
    client: DapClient,
) -> None:
    start(client, PROPAGATE, ["each"], filters=["raised"])
    seen = []
    for _ in range(3):
        stopped = client.wait_event("stopped")
        tid = stopped["threadId"]
        frame = client.stack(tid)[0]
        assert (frame["name"], frame["line"]) == ("each", line_of(PROPAGATE, "each"))
        local_vars = client.locals(frame["id"])
        seen.append((local_vars["v"]["value"], local_vars["out"]["value"]))
        client.request("continue", {"threadId": tid})
    assert client.wait_any_event(("stopped", "exited"))["body"] == {"exitCode": 0}
    assert seen == [("'a'", "[1]"), ("'b'", "[1, None, 2]"), ("'c'", "[1, None, 2, None]")]
    assert client.output("stdout") == "[1, None, 2, None, None]\nend each\n"


@pytest.mark.parametrize(
    ("kind", "function", "marker", "exc_type"),
    [
        pytest.param(
            "bare",
            "inner",
            "inner-raise",
            "ValueError",
        ),
        pytest.param(
            "with",
            "work",
            "with-raise",
            "ValueError",
        ),
        pytest.param(
            "finally",
            "cleanup",
            "finally-raise",
            "KeyError",
        ),
        pytest.param(
            "comp",
            "comprehension",
            "comp",
            "ZeroDivisionError",
        ),
        pytest.param(
            "genexp",
            "genexp.<locals>.<genexpr>",
            "genexp",
            "ZeroDivisionError",
        ),
    ],
)
def test_one_raise_is_one_raised_stop_however_it_travels(
    client: DapClient, kind: str, function: str, marker: str, exc_type: str
) -> None:
    # As under debugpy: a raise stops where it happens, not again in each caller it crosses.
    start(client, PROPAGATE, [kind], filters=["raised"])
    stops, code = run_to_end(client)
    assert code == 0
    assert f"caught {exc_type}\nend {kind}\n" in client.output("stdout")
    assert stops == [(function, line_of(PROPAGATE, marker), exc_type, "always")]


def test_a_raise_caught_by_the_caller_after_a_plain_call_stops_once(client: DapClient) -> None:
    # The control case of the test above: no cleanup handler on the way, one stop.
    start(
        client,
        MISC,
        ["types"],
        filter_options=[{"filterId": "raised", "condition": "ValueError"}],
    )
    stops, code = run_to_end(client)
    assert stops == [("parse", line_of(MISC, "parse"), "ValueError", "always")]
    assert code == 1


# --- exceptions whose str() fails ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "marker", "exc_id"),
    [
        ("raises", "raise-raises", "__main__.StrRaises"),
        ("notstr", "raise-notstr", "__main__.StrNotAString"),
    ],
)
def test_raised_stops_at_an_exception_whose_str_fails(
    client: DapClient, kind: str, marker: str, exc_id: str
) -> None:
    start(client, BAD_STR, [kind], filters=["raised"])
    stops, code = run_to_end(client)
    expected = [("fail", line_of(BAD_STR, marker), exc_id, "always")] * 2
    if kind == "raises":
        # Python prints the uncaught one's traceback, which calls the program's __str__: its
        # RuntimeError is a raise in the user's code, and `raised` shows it (the user learns
        # why the message reads "<exception str() failed>").
        expected.append(("StrRaises.__str__", 8, "RuntimeError", "always"))
    assert stops == expected
    assert code == 1


@pytest.mark.parametrize(
    ("kind", "marker", "exc_id"),
    [
        ("raises", "raise-raises", "__main__.StrRaises"),
        ("notstr", "raise-notstr", "__main__.StrNotAString"),
    ],
)
def test_uncaught_stops_at_an_exception_whose_str_fails(
    client: DapClient, kind: str, marker: str, exc_id: str
) -> None:
    start(client, BAD_STR, [kind], filters=["uncaught"])
    stopped = client.wait_any_event(("stopped", "exited"))
    assert stopped["event"] == "stopped"
    tid = stopped["body"]["threadId"]
    assert where(client, tid) == [
        ("fail", line_of(BAD_STR, marker)),
        ("<module>", line_of(BAD_STR, "second")),
    ]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["breakMode"]) == (exc_id, "unhandled")
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}
    stderr = client.output("stderr")
    assert "<exception str() failed>" in stderr
    assert "dap_server" not in stderr and "engine" not in stderr, stderr


# --- threads, pools, tasks ------------------------------------------------------------------------------


def test_uncaught_in_a_thread_stops_on_that_thread(client: DapClient) -> None:
    start(client, CONCURRENCY, ["thread"], filters=["uncaught"])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    names = {t["id"]: t["name"] for t in client.request("threads")["threads"]}
    assert names[tid] == "worker-1"
    assert stopped["text"] == "KeyError: 'in thread'"
    assert where(client, tid)[0] == ("worker", line_of(CONCURRENCY, "thread-raise"))
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "KeyError",
        "'in thread'",
        "unhandled",
    )
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.output("stdout") == "end thread\n"
    assert len(client.events("stopped")) == 1


def _thread_run_call_line() -> int:
    """The line of threading.Thread.run that calls the target."""
    lines, first = inspect.getsourcelines(threading.Thread.run)
    return first + next(i for i, text in enumerate(lines) if "self._target(" in text)


def test_uncaught_through_a_finally_shows_the_line_the_exception_passed(
    client: DapClient,
) -> None:
    start(client, THROUGH_FINALLY, filters=["uncaught"])
    tid = client.wait_event("stopped")["threadId"]
    assert where(client, tid) == [
        ("inner", line_of(THROUGH_FINALLY, "raise")),
        ("outer", line_of(THROUGH_FINALLY, "call-inner")),
        ("<module>", line_of(THROUGH_FINALLY, "call-outer")),
    ]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_uncaught_in_a_thread_shows_the_lines_the_exception_passed(client: DapClient) -> None:
    start(client, CONCURRENCY, ["thread"], filters=["uncaught"])
    tid = client.wait_event("stopped")["threadId"]
    frames = where(client, tid)
    assert frames[:2] == [
        ("worker", line_of(CONCURRENCY, "thread-raise")),
        ("Thread.run", _thread_run_call_line()),
    ]
    client.request("disconnect", {"terminateDebuggee": True})


def test_raised_in_a_thread_stops_once(client: DapClient) -> None:
    start(client, CONCURRENCY, ["thread"], filters=["raised"])
    stops, code = run_to_end(client)
    assert stops == [("worker", line_of(CONCURRENCY, "thread-raise"), "KeyError", "always")]
    assert code == 0


@pytest.mark.parametrize(
    ("kind", "function", "marker", "exc_type", "printed"),
    [
        ("pool", "job", "job", "ZeroDivisionError", "pool ZeroDivisionError\n"),
        ("task", "failing", "task-raise", "LookupError", "task results [LookupError('in task')]\n"),
    ],
)
def test_user_unhandled_in_a_pool_job_and_an_asyncio_task(
    client: DapClient, kind: str, function: str, marker: str, exc_type: str, printed: str
) -> None:
    start(client, CONCURRENCY, [kind], filters=["uncaught", "userUnhandled"])
    stops, code = run_to_end(client)
    assert stops == [(function, line_of(CONCURRENCY, marker), exc_type, "userUnhandled")]
    assert code == 0
    assert printed in client.output("stdout")


@pytest.mark.parametrize("kind", ["pool", "task"])
def test_swallowed_by_a_library_is_not_uncaught(client: DapClient, kind: str) -> None:
    start(client, CONCURRENCY, [kind], filters=["uncaught"])
    assert run_to_end(client) == ([], 0)


@pytest.mark.parametrize(("condition", "stops"), [("KeyError", 0), ("ZeroDivisionError", 1)])
def test_user_unhandled_condition(client: DapClient, condition: str, stops: int) -> None:
    start(
        client,
        CONCURRENCY,
        ["pool"],
        filter_options=[{"filterId": "userUnhandled", "condition": condition}],
    )
    seen, code = run_to_end(client)
    assert [s[3] for s in seen] == ["userUnhandled"] * stops
    assert code == 0


# --- generators, suppressed exceptions, the ends of a program --------------------------------------------


def test_stop_iteration_of_generators_and_iterators_is_never_a_raised_stop(
    client: DapClient,
) -> None:
    start(client, ENDINGS, ["gen"], filters=["raised", "uncaught", "userUnhandled"])
    assert run_to_end(client) == ([], 0)
    assert client.output("stdout") == "consume 104\nend gen\n"


def test_stop_iteration_escaping_a_generator_is_an_uncaught_runtime_error(
    client: DapClient,
) -> None:
    start(client, ENDINGS, ["bad-gen"], filters=["uncaught"])
    tid = client.wait_event("stopped")["threadId"]
    assert where(client, tid)[-1] == ("<module>", line_of(ENDINGS, "call-bad-gen"))
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "RuntimeError",
        "generator raised StopIteration",
        "unhandled",
    )
    (cause,) = info["details"]["innerException"]
    assert cause["typeName"] == "StopIteration"
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_exception_suppressed_by_a_with_block(client: DapClient) -> None:
    start(client, ENDINGS, ["suppress"], filters=["raised"])
    stops, code = run_to_end(client)
    assert stops == [("suppressed", line_of(ENDINGS, "suppressed"), "KeyError", "always")]
    assert code == 0


def test_exception_suppressed_by_a_with_block_is_neither_uncaught_nor_user_unhandled(
    client: DapClient,
) -> None:
    start(client, ENDINGS, ["suppress"], filters=["uncaught", "userUnhandled"])
    assert run_to_end(client) == ([], 0)
    assert client.output("stdout") == "ok\nend suppress\n"


def test_raised_in_del_stops_there_and_the_program_goes_on(client: DapClient) -> None:
    start(client, ENDINGS, ["del"], filters=["raised"])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert where(client, tid) == [
        ("Resource.__del__", line_of(ENDINGS, "del")),
        ("<module>", line_of(ENDINGS, "del-call")),
    ]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert "after del\nend del\n" == client.output("stdout")
    assert "Exception ignored in" in client.output("stderr")


def test_raised_in_an_atexit_handler_stops_there(client: DapClient) -> None:
    start(client, ENDINGS, ["atexit"], filters=["raised"])
    stops, code = run_to_end(client)
    assert stops == [("on_exit", line_of(ENDINGS, "atexit"), "RuntimeError", "always")]
    assert code == 0
    assert "Exception ignored in atexit callback" in client.output("stderr")


def test_unraisable_exceptions_are_not_uncaught_stops(client: DapClient) -> None:
    start(client, ENDINGS, ["del"], filters=["uncaught"])
    assert run_to_end(client) == ([], 0)


@pytest.mark.parametrize(
    ("arg", "stops", "code", "stderr"),
    [
        ("0", False, 0, ""),
        ("None", False, 0, ""),
        ("2", True, 2, ""),
        ("-1", True, 255, ""),
        ("bye", True, 1, "bye\n"),
    ],
)
def test_sys_exit_arguments_with_the_uncaught_filter(
    client: DapClient, arg: str, stops: bool, code: int, stderr: str
) -> None:
    start(client, ENDINGS, [f"exit:{arg}"], filters=["uncaught"])
    seen, exit_code = run_to_end(client)
    expected = [("<module>", line_of(ENDINGS, "exit"), "SystemExit", "unhandled")]
    assert seen == (expected if stops else [])
    assert exit_code == code
    assert client.output("stderr") == stderr


def test_raised_stops_at_an_explicit_keyboard_interrupt(client: DapClient) -> None:
    start(client, ENDINGS, ["keyboard"], filters=["raised"])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert stopped["text"] == "KeyboardInterrupt"
    assert where(client, tid) == [("<module>", line_of(ENDINGS, "keyboard"))]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"]) == ("KeyboardInterrupt", "")
    client.request("disconnect", {"terminateDebuggee": True})


# --- conditions, evaluation, filters changed on the way --------------------------------------------------


def test_raised_and_uncaught_conditions_each_pick_their_type(client: DapClient) -> None:
    start(
        client,
        MISC,
        ["types"],
        filter_options=[
            {"filterId": "raised", "condition": "isinstance(exc, ValueError) and 'x' in str(exc)"},
            {"filterId": "uncaught", "condition": "KeyError"},
        ],
    )
    stops, code = run_to_end(client)
    assert stops == [
        ("parse", line_of(MISC, "parse"), "ValueError", "always"),
        ("<module>", line_of(MISC, "missing"), "KeyError", "unhandled"),
    ]
    assert code == 1


def test_uncaught_condition_that_does_not_match_lets_the_program_die(client: DapClient) -> None:
    start(
        client,
        MISC,
        ["types"],
        filter_options=[{"filterId": "uncaught", "condition": "ValueError"}],
    )
    assert run_to_end(client) == ([], 1)
    assert "KeyError: 'missing'" in client.output("stderr")


def test_evaluation_that_raises_inside_user_code_does_not_stop(client: DapClient) -> None:
    start(
        client, MISC, ["evaluate"], filters=["raised"], breakpoints=[{"line": line_of(MISC, "bp")}]
    )
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    tid = stopped["threadId"]
    frame_id = client.stack(tid)[0]["id"]
    result = client.request(
        "evaluate", {"expression": "checked('x')", "frameId": frame_id, "context": "repl"}
    )
    assert result["result"] == "-1"
    message = client.request_error(
        "evaluate", {"expression": "parse('y')", "frameId": frame_id, "context": "repl"}
    )
    assert "invalid literal for int()" in message
    client.request("continue", {"threadId": tid})
    assert client.wait_any_event(("stopped", "exited"))["body"] == {"exitCode": 0}
    assert len(client.events("stopped")) == 1
    assert client.output("stdout") == "value 7\nend evaluate\n"


def test_a_raising_breakpoint_condition_is_not_a_raised_stop(client: DapClient) -> None:
    start(
        client,
        MISC,
        ["evaluate"],
        filters=["raised"],
        breakpoints=[{"line": line_of(MISC, "bp"), "condition": "1/0"}],
    )
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    tid = stopped["threadId"]
    assert where(client, tid)[0] == ("<module>", line_of(MISC, "bp"))
    client.request("continue", {"threadId": tid})
    assert client.wait_any_event(("stopped", "exited"))["body"] == {"exitCode": 0}
    assert len(client.events("stopped")) == 1


def test_exception_info_is_refused_at_a_breakpoint_stop(client: DapClient) -> None:
    start(client, MISC, ["evaluate"], breakpoints=[{"line": line_of(MISC, "bp")}])
    tid = client.wait_event("stopped")["threadId"]
    message = client.request_error("exceptionInfo", {"threadId": tid})
    assert "did not stop on an exception" in message
    client.request("disconnect", {"terminateDebuggee": True})


def test_filters_set_while_running_take_effect_and_clearing_them_stops_nothing(
    client: DapClient,
) -> None:
    start(client, MISC, ["busy"])
    client.wait_event("output", where=lambda b: b.get("output") == "ready\n")
    client.request(
        "setExceptionBreakpoints",
        {"filters": [], "filterOptions": [{"filterId": "raised", "condition": "ValueError"}]},
    )
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert stopped["reason"] == "exception"
    assert where(client, tid)[0] == ("parse", line_of(MISC, "parse"))
    client.request("setExceptionBreakpoints", {"filters": []})
    client.request("continue", {"threadId": tid})
    client.request("pause", {"threadId": tid})
    paused = client.wait_event("stopped")
    assert paused["reason"] == "pause"
    assert [e["reason"] for e in client.events("stopped")] == ["exception", "pause"]
    client.request("disconnect", {"terminateDebuggee": True})


# --- exceptionInfo details ------------------------------------------------------------------------------


def _chain(details: dict[str, Any]) -> list[str]:
    names = [details["typeName"]]
    while details.get("innerException"):
        details = details["innerException"][0]
        names.append(details["typeName"])
    return names


def test_a_chain_that_loops_lists_each_exception_once(client: DapClient) -> None:
    start(client, MISC, ["loop"], filters=["uncaught"])
    tid = client.wait_event("stopped")["threadId"]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert _chain(info["details"]) == ["ValueError", "KeyError"]
    client.request("disconnect", {"terminateDebuggee": True})


def test_a_chain_that_loops_does_not_hang_exception_info(client: DapClient) -> None:
    start(client, MISC, ["loop"], filters=["uncaught"])
    tid = client.wait_event("stopped")["threadId"]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"]) == ("ValueError", "a")
    assert _chain(info["details"])[:2] == ["ValueError", "KeyError"]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_exception_with_notes(client: DapClient) -> None:
    start(client, MISC, ["noted"], filters=["uncaught"])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert stopped["text"] == "ValueError: with notes"
    assert where(client, tid)[0] == ("noted", line_of(MISC, "noted"))
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}
    assert "ValueError: with notes\nfirst note\n" in client.output("stderr")


def test_uncaught_in_code_mode(client: DapClient) -> None:
    code = 'def f():\n    return {}["nope"]\nprint("in code")\nf()\n'
    start(client, None, filters=["uncaught"], code=code)
    tid = client.wait_event("stopped")["threadId"]
    assert where(client, tid) == [("f", 2), ("<module>", 4)]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["breakMode"]) == ("KeyError", "unhandled")
    assert '  File "<string>", line 2, in f\n' in info["details"]["stackTrace"]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_step_over_from_a_raised_stop_lands_in_the_handler(client: DapClient) -> None:
    start(client, PROPAGATE, ["same"], filters=["raised"])
    tid = client.wait_event("stopped")["threadId"]
    client.request("next", {"threadId": tid})
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "step"
    assert where(client, tid)[0] == ("same_function", line_of(PROPAGATE, "same-raise") + 1)
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
