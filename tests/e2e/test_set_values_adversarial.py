"""setVariable / setExpression through the real adapter in every kind of frame: plain
functions, generators, coroutines, cells and free variables, class bodies, module level, a
caller's frame; values that need evaluating, values that fail, and whether the program then
really uses the new value (after a step, and to its end).

Program: tests/programs/ena_setvalues.py, one scenario per run (its first argument).
"""

from __future__ import annotations

from typing import Any

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PROG = program("ena_setvalues.py")

Var = dict[str, Any]


def stop(client: DapClient, scenario: str, marker: str) -> tuple[int, list[Var]]:
    """Launch the scenario with a breakpoint on the marked line; (threadId, stack frames)."""
    client.launch(PROG, breakpoints={PROG: [line_of(PROG, marker)]}, args=[scenario])
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "breakpoint"
    tid: int = stopped["threadId"]
    frames = client.stack(tid)
    assert frames[0]["line"] == line_of(PROG, marker)
    return tid, frames


def locals_ref(client: DapClient, frame_id: int) -> int:
    scopes = client.request("scopes", {"frameId": frame_id})["scopes"]
    ref: int = next(s["variablesReference"] for s in scopes if s["name"] == "Locals")
    return ref


def shown(client: DapClient, ref: int) -> dict[str, str]:
    variables = client.request("variables", {"variablesReference": ref})["variables"]
    return {v["name"]: v["value"] for v in variables}


def set_variable(client: DapClient, ref: int, name: str, value: str) -> Var:
    body: Var = client.request(
        "setVariable", {"variablesReference": ref, "name": name, "value": value}
    )
    return body


def set_expression(client: DapClient, frame_id: int, expression: str, value: str) -> Var:
    body: Var = client.request(
        "setExpression", {"expression": expression, "value": value, "frameId": frame_id}
    )
    return body


def evaluate(client: DapClient, frame_id: int, expression: str) -> str:
    result: str = client.request(
        "evaluate", {"expression": expression, "frameId": frame_id, "context": "watch"}
    )["result"]
    return result


def step_over(client: DapClient, tid: int) -> list[Var]:
    client.request("next", {"threadId": tid})
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "step"
    return client.stack(tid)


def run_to_end(client: DapClient, tid: int) -> list[str]:
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    return client.output("stdout").splitlines()


# -- plain function: values that need evaluating, failures, a step ---------------------------------


def test_plain_locals_evaluated_values_failures_and_a_step(client: DapClient) -> None:
    tid, frames = stop(client, "plain", "plain")
    fid = frames[0]["id"]
    ref = locals_ref(client, fid)
    assert set_variable(client, ref, "n", "[1, 2]")["value"] == "[1, 2]"
    assert set_variable(client, ref, "n", "n + [3]")["value"] == "[1, 2, 3]"
    assert set_expression(client, fid, "items", "items + [len(n)]")["value"] == "[0, 3]"
    # Values that fail: an error naming the cause, the variable unchanged.
    for bad, why in (
        ("1/0", "ZeroDivisionError: division by zero"),
        ("undefined_thing", "NameError: name 'undefined_thing' is not defined"),
        ("[1, 2", "SyntaxError"),
    ):
        message = client.request_error(
            "setVariable", {"variablesReference": ref, "name": "n", "value": bad}
        )
        assert message.startswith("setVariable: "), message
        assert why in message, message
    assert evaluate(client, fid, "n") == "[1, 2, 3]"
    assert shown(client, ref)["n"] == "[1, 2, 3]"
    # The value sticks across a step: the program runs with it.
    frames = step_over(client, tid)
    assert frames[0]["line"] == line_of(PROG, "plain_next")
    assert evaluate(client, frames[0]["id"], "n") == "[1, 2, 3]"
    assert run_to_end(client, tid) == [
        "plain stop",
        "plain n [1, 2, 3]",
        "plain items [0, 3]",
    ]


def test_set_variable_value_with_a_trailing_comment(client: DapClient) -> None:
    # The value is an expression as the user typed it in the Variables view; a trailing
    # comment is part of valid Python expression text (debugpy evaluates it as such).
    tid, frames = stop(client, "plain", "plain")
    ref = locals_ref(client, frames[0]["id"])
    assert set_variable(client, ref, "n", "5  # five")["value"] == "5"
    assert "plain n 5" in run_to_end(client, tid)


def test_set_variable_value_that_is_a_bare_tuple(client: DapClient) -> None:
    tid, frames = stop(client, "plain", "plain")
    ref = locals_ref(client, frames[0]["id"])
    assert set_variable(client, ref, "n", "1, 2")["value"] == "(1, 2)"
    assert "plain n (1, 2)" in run_to_end(client, tid)


def test_set_variable_value_cannot_smuggle_a_second_statement(client: DapClient) -> None:
    # `value` is one expression: text that closes the parenthesis and adds a statement is
    # refused (it is a syntax error as an expression), and nothing of it runs.
    tid, frames = stop(client, "plain", "plain")
    fid = frames[0]["id"]
    ref = locals_ref(client, fid)
    message = client.request_error(
        "setVariable",
        {"variablesReference": ref, "name": "n", "value": "2); items.append('smuggled'); (3"},
    )
    assert message.startswith("setVariable: "), message
    assert evaluate(client, fid, "items") == "[0]"
    assert evaluate(client, fid, "n") == "1"
    run_to_end(client, tid)


# -- generator and coroutine frames ----------------------------------------------------------------


def test_generator_frame_local_sticks_after_the_yield(client: DapClient) -> None:
    tid, frames = stop(client, "gen", "gen")
    assert frames[0]["name"] == "gen"
    ref = locals_ref(client, frames[0]["id"])
    assert set_variable(client, ref, "g", "g * 3")["value"] == "30"
    frames = step_over(client, tid)
    assert evaluate(client, frames[0]["id"], "g") == "30"
    assert run_to_end(client, tid) == ["gen stop", "gen after 30", "gen values [30, 31]"]


def test_coroutine_frame_local_sticks_across_an_await(client: DapClient) -> None:
    tid, frames = stop(client, "coro", "coro")
    assert frames[0]["name"] == "coro"
    fid = frames[0]["id"]
    assert set_expression(client, fid, "c", "c + 'bc'")["value"] == "'abc'"
    assert run_to_end(client, tid) == ["coro stop", "coro after abc", "coro result abc"]


def test_generator_frame_below_the_top_frame(client: DapClient) -> None:
    tid, frames = stop(client, "gen_caller", "helper")
    assert [f["name"] for f in frames[:2]] == ["helper_of_gen", "gen_with_call"]
    gen_ref = locals_ref(client, frames[1]["id"])
    assert shown(client, gen_ref)["k"] == "1"
    assert set_variable(client, gen_ref, "k", "k + 41")["value"] == "42"
    assert shown(client, gen_ref)["k"] == "42"
    assert run_to_end(client, tid) == ["helper stop", "gen_caller values [42]"]


def test_variable_of_the_function_around_a_running_comprehension(client: DapClient) -> None:
    # Stopped inside a list comprehension (inlined into the function on 3.12+, a frame of its
    # own before): `base` is the enclosing function's, and the rest of the comprehension and the
    # function both use the new value.
    tid, frames = stop(client, "comp", "comp")
    fid = frames[0]["id"]
    assert evaluate(client, fid, "v") == "0"
    assert set_expression(client, fid, "base", "100")["value"] == "100"
    assert run_to_end(client, tid) == ["comp out [100, 101, 102] 100"]


# -- cells and free variables ----------------------------------------------------------------------


def test_cell_variable_set_in_the_outer_frame_is_seen_by_the_closure(client: DapClient) -> None:
    tid, frames = stop(client, "cells", "cells")
    ref = locals_ref(client, frames[0]["id"])
    assert shown(client, ref)["cell"] == "1"
    assert set_variable(client, ref, "cell", "40 + 2")["value"] == "42"
    assert run_to_end(client, tid) == ["cells stop", "cells inner 42", "cells cell 42"]


def test_free_variable_set_in_the_inner_frame_changes_the_shared_cell(client: DapClient) -> None:
    # `shared` is read-only in inner's source (no nonlocal); the debugger writes its cell,
    # which the outer function shares.
    tid, frames = stop(client, "free", "free")
    assert frames[0]["name"] == "free.<locals>.inner"
    ref = locals_ref(client, frames[0]["id"])
    assert shown(client, ref)["shared"] == "1"
    assert set_variable(client, ref, "shared", "7")["value"] == "7"
    assert evaluate(client, frames[1]["id"], "shared") == "7"
    assert run_to_end(client, tid) == ["inner stop 7", "free got 7 shared 7"]


# -- a caller's frame, class bodies, module level, globals -----------------------------------------


def test_set_in_a_callers_frame_sticks_when_it_resumes(client: DapClient) -> None:
    tid, frames = stop(client, "caller", "callee")
    assert [f["name"] for f in frames[:2]] == ["callee", "caller"]
    caller_fid = frames[1]["id"]
    assert set_expression(client, caller_fid, "mine", "mine * 100")["value"] == "500"
    caller_ref = locals_ref(client, caller_fid)
    assert shown(client, caller_ref)["mine"] == "500"
    # Step out of the callee: back in the caller, which still has the new value.
    client.request("stepOut", {"threadId": tid})
    assert client.wait_event("stopped", timeout=30)["reason"] == "step"
    frames = client.stack(tid)
    assert frames[0]["name"] == "caller"
    assert evaluate(client, frames[0]["id"], "mine") == "500"
    assert run_to_end(client, tid) == ["callee stop", "caller mine 500 1"]


def test_set_in_a_callers_frame_then_in_the_top_frame(client: DapClient) -> None:
    # Two frames of the same stop edited one after the other: both stick.
    tid, frames = stop(client, "caller", "callee")
    set_expression(client, frames[1]["id"], "mine", "6")
    set_expression(client, frames[0]["id"], "injected", "1")
    assert evaluate(client, frames[1]["id"], "mine") == "6"
    assert run_to_end(client, tid) == ["callee stop", "caller mine 6 1"]


def test_class_body_variable(client: DapClient) -> None:
    tid, frames = stop(client, "klass", "klass")
    assert frames[0]["name"] == "Klass"
    ref = locals_ref(client, frames[0]["id"])
    assert shown(client, ref)["attr"] == "1"
    assert set_variable(client, ref, "attr", "attr + 20")["value"] == "21"
    assert run_to_end(client, tid) == ["class stop", "class 21 42"]


def test_module_level_variable(client: DapClient) -> None:
    tid, frames = stop(client, "module", "module")
    assert frames[0]["name"] == "<module>"
    fid = frames[0]["id"]
    ref = locals_ref(client, fid)
    assert set_variable(client, ref, "top", "[top] * 2")["value"] == "[1, 1]"
    step_over(client, tid)
    assert run_to_end(client, tid) == ["module stop", "module top [1, 1]"]


def test_set_expression_on_a_global_read_in_a_function(client: DapClient) -> None:
    tid, frames = stop(client, "global", "global")
    fid = frames[0]["id"]
    assert set_expression(client, fid, "LIMIT", "LIMIT + 10")["value"] == "13"
    assert set_expression(client, fid, "local", "-1")["value"] == "-1"
    assert run_to_end(client, tid) == ["global stop", "global seen 13 -1", "global after 13"]


# -- engine robustness seen over DAP -------------------------------------------------------------


def test_uncaught_exception_whose_str_raises_stops_and_is_reported_as_the_programs(
    client: DapClient,
) -> None:
    prog = program("ena_badstr.py")
    client.initialize()
    seq = client.send_request("launch", {"program": prog})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["uncaught"]})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    message = client.wait_any_event(["stopped", "terminated"], timeout=30)
    body = message.get("body") or {}
    stderr_so_far = client.output("stderr")
    if message.get("event") == "stopped":
        assert body["reason"] == "exception"
        assert body["text"].startswith("BadStr")
        frames = client.stack(body["threadId"])
        assert frames[0]["line"] == line_of(prog, "raise")
        client.request("continue", {"threadId": body["threadId"]})
        client.wait_event("terminated", timeout=30)
    stderr = client.output("stderr")
    assert "engine" not in stderr and "dap_server" not in stderr, stderr
    assert "BadStr: <exception str() failed>" in stderr
    assert message.get("event") == "stopped", stderr_so_far
