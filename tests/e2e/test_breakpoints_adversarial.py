"""Breakpoints as real users set them, adversarially, through the real adapter.

Hit conditions of every form (and invalid ones), conditions combined with hit conditions and
logpoints, logpoint formatting and escaping, secrets in logpoint and condition output,
function breakpoints on every kind of callable, awkward line shapes, breakpointLocations,
reloads, exec'd code, breakpoints replaced or removed while stopped, the builtin
breakpoint(), and a thousand breakpoints at once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

LOOP = program("bpa_loop.py")
FUNCS = program("bpa_funcs.py")
FUNCMOD = program("bpa_funcmod.py")
SHAPES = program("bpa_shapes.py")
NESTED_END = program("bpa_nested_end.py")
BUILTIN = program("bpa_builtin.py")
RELOAD = program("bpa_reload.py")
EXEC = program("bpa_exec.py")

SECRET = "hunter2-sekrit"


def begin(
    client: DapClient,
    prog: str,
    args: list[str] | None = None,
) -> int:
    """initialize and launch (not yet configured); returns the launch request's seq."""
    client.initialize()
    seq = client.send_request("launch", {"program": prog, "args": args or []})
    client.wait_event("initialized")
    return seq


def set_bps(client: DapClient, path: str, bps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answer: list[dict[str, Any]] = client.request(
        "setBreakpoints", {"source": {"path": path}, "breakpoints": bps}
    )["breakpoints"]
    return answer


def configure(client: DapClient, seq: int) -> None:
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


class Stop(NamedTuple):
    reason: str
    name: str
    line: int
    hit: list[int]
    values: dict[str, str]


def run_to_end(
    client: DapClient, watched: tuple[str, ...] = (), limit: int = 60, exit_code: int = 0
) -> list[Stop]:
    """Continues from each stop until the program exits (with `exit_code`)."""
    stops: list[Stop] = []
    while len(stops) < limit:
        event = client.wait_any_event(("stopped", "exited"), timeout=30)
        if event["event"] == "exited":
            assert event["body"] == {"exitCode": exit_code}
            return stops
        body = event["body"]
        top = client.stack(body["threadId"])[0]
        values = {k: v["value"] for k, v in client.locals(top["id"]).items() if k in watched}
        stops.append(
            Stop(body["reason"], top["name"], top["line"], body.get("hitBreakpointIds", []), values)
        )
        client.request("continue", {"threadId": body["threadId"]})
    raise AssertionError(f"still stopping after {limit} stops: {stops}")


def source_of(path: str) -> dict[str, str]:
    real = os.path.realpath(path)
    return {"name": os.path.basename(real), "path": real}


def without_id(bp: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in bp.items() if k != "id"}


H = [line_of(LOOP, f"h{k}") for k in range(1, 8)]
LOOP_LINE = line_of(LOOP, "loop")
AFTER = line_of(LOOP, "after")


# --- hit conditions -----------------------------------------------------------------------------


def test_every_hit_condition_form_stops_on_the_right_hits(client: DapClient) -> None:
    forms = ["5", "==5", ">5", ">=5", "<5", "<=5", "%5"]
    seq = begin(client, LOOP)
    answer = set_bps(
        client, LOOP, [{"line": n, "hitCondition": f} for n, f in zip(H, forms, strict=True)]
    )
    assert [without_id(bp) for bp in answer] == [
        {"verified": True, "line": n, "source": source_of(LOOP)} for n in H
    ]
    configure(client, seq)
    stops = run_to_end(client, watched=("i",))
    # hit k is iteration i == k - 1
    expected = {
        H[0]: [4],
        H[1]: [4],
        H[2]: [5, 6, 7, 8, 9],
        H[3]: [4, 5, 6, 7, 8, 9],
        H[4]: [0, 1, 2, 3],
        H[5]: [0, 1, 2, 3, 4],
        H[6]: [4, 9],
    }
    want = sorted((i, line) for line, its in expected.items() for i in its)
    assert [(int(s.values["i"]), s.line) for s in stops] == want
    assert all(s.reason == "breakpoint" and s.name == "<module>" for s in stops)
    ids = {bp["line"]: bp["id"] for bp in answer}
    assert all(s.hit == [ids[s.line]] for s in stops)


def test_invalid_hit_conditions_are_unverified_with_the_reason(client: DapClient) -> None:
    bad = ["abc", ">", "%0", "5.0", "== x"]
    seq = begin(client, LOOP)
    answer = set_bps(
        client,
        LOOP,
        [{"line": n, "hitCondition": f} for n, f in zip(H[:5], bad, strict=True)]
        # surrounding blanks are forgiven (an editor's text box), as `5`
        + [{"line": H[5], "hitCondition": " 5 "}, {"line": H[6], "hitCondition": ">  8"}],
    )
    assert [(bp["verified"], bp["line"]) for bp in answer] == [(False, n) for n in H[:5]] + [
        (True, H[5]),
        (True, H[6]),
    ]
    for bp, text in zip(answer, bad, strict=False):
        assert repr(text) in bp["message"], bp
    configure(client, seq)
    stops = run_to_end(client, watched=("i",))
    assert [(s.line, s.values["i"]) for s in stops] == [(H[5], "4"), (H[6], "8"), (H[6], "9")]


def test_hit_count_only_counts_hits_whose_condition_is_true(client: DapClient) -> None:
    """VS Code / debugpy: the hit condition applies to the hits that pass the condition; a
    logpoint logs (and never stops) only when both pass."""
    seq = begin(client, LOOP)
    set_bps(
        client,
        LOOP,
        [
            {"line": H[0], "condition": "i % 2 == 0", "hitCondition": "2"},
            {
                "line": H[1],
                "condition": "i % 2 == 1",
                "hitCondition": ">=2",
                "logMessage": "odd {i}",
            },
            {"line": H[2], "condition": "i > 100", "hitCondition": "1"},
            {"line": H[3], "condition": "i >= 3", "hitCondition": "%3", "logMessage": "h4 {i}"},
        ],
    )
    configure(client, seq)
    stops = run_to_end(client, watched=("i",))
    assert [(s.line, s.values["i"]) for s in stops] == [(H[0], "2")]
    assert client.output("console").splitlines() == [
        "odd 3",
        "odd 5",
        "h4 5",
        "odd 7",
        "h4 8",
        "odd 9",
    ]


def test_hit_counts_restart_when_the_file_is_set_again_while_stopped(client: DapClient) -> None:
    """Setting the file's breakpoints again (as an editor does on every change) makes new
    breakpoints: their counts start over from that moment, and the old ones are gone."""
    seq = begin(client, LOOP)
    set_bps(client, LOOP, [{"line": H[0], "hitCondition": "==2"}])
    configure(client, seq)
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    top = client.stack(tid)[0]
    assert (top["line"], client.locals(top["id"])["i"]["value"]) == (H[0], "1")
    # replaced: the same line with a new count, and another line
    answer = set_bps(client, LOOP, [{"line": H[0], "hitCondition": "==3"}, {"line": AFTER}])
    assert [bp["verified"] for bp in answer] == [True, True]
    client.request("continue", {"threadId": tid})
    stops = run_to_end(client, watched=("i", "total"))
    # counting anew from i == 2: the third hit is i == 4
    assert [(s.line, s.values.get("i")) for s in stops] == [(H[0], "4"), (AFTER, "9")]


# --- conditions ----------------------------------------------------------------------------------


def test_invalid_condition_is_unverified_and_a_raising_one_stops_with_a_message(
    client: DapClient,
) -> None:
    seq = begin(client, LOOP)
    answer = set_bps(
        client,
        LOOP,
        [
            {"line": H[0], "condition": "i ==="},
            {"line": H[1], "condition": "i == 2 and missing_name"},
        ],
    )
    assert answer[0]["verified"] is False
    assert answer[0]["message"].startswith("Invalid expression:"), answer[0]
    assert "i ===" in answer[0]["message"]
    assert answer[1]["verified"] is True
    configure(client, seq)
    stops = run_to_end(client, watched=("i",))
    # a condition that raises stops (as debugpy does) and says why
    assert [(s.line, s.values["i"], s.hit) for s in stops] == [(H[1], "2", [answer[1]["id"]])]
    assert client.output("stderr") == (
        "Breakpoint condition 'i == 2 and missing_name' raised NameError: "
        "name 'missing_name' is not defined; stopping.\n"
    )


def test_a_raising_condition_does_not_print_a_secret(client: DapClient) -> None:
    seq = begin(client, LOOP)
    set_bps(client, LOOP, [{"line": AFTER, "condition": "int(password) > 0"}])
    configure(client, seq)
    stops = run_to_end(client)
    assert [s.line for s in stops] == [AFTER]
    err = client.output("stderr")
    assert err.startswith("Breakpoint condition 'int(password) > 0' raised ValueError")
    assert SECRET not in err
    assert "hunter2" not in err


# --- logpoints ----------------------------------------------------------------------------------


def test_logpoint_interpolation_escaping_and_errors(client: DapClient) -> None:
    messages = [
        "i={i} {{literal}} }} {{",
        "{d['a']} and { {1: 'two'}[1] }",
        "{nope}",
        "} alone",
        "{ [k for k in range(i)] }",
        "{password} / {user}",
        "no braces",
    ]
    seq = begin(client, LOOP)
    answer = set_bps(
        client,
        LOOP,
        [
            {"line": n, "logMessage": m, "hitCondition": "==3"}
            for n, m in zip(H, messages, strict=True)
        ],
    )
    assert all(bp["verified"] for bp in answer), answer
    configure(client, seq)
    assert run_to_end(client) == []  # logpoints never stop
    assert client.output("console").splitlines() == [
        "i=2 {literal} } {",
        "1 and two",
        "<error evaluating 'nope': NameError: name 'nope' is not defined>",
        "} alone",
        "[0, 1]",
        "[REDACTED] / {'name': 'ann', 'password': '[REDACTED]'}",
        "no braces",
    ]
    logs = [m["body"] for m in client.messages if m.get("event") == "output"]
    logs = [b for b in logs if b.get("category") == "console"]
    assert [(b["source"], b["line"]) for b in logs] == [(source_of(LOOP), n) for n in H]
    assert SECRET not in client.output()


def test_logpoint_with_bad_syntax_is_unverified_with_the_reason(client: DapClient) -> None:
    """Python format syntax is not part of a logpoint (the text between braces is an
    expression): `{i!r}`, `{i:>5}`, an empty `{}` and an unclosed `{` are refused at once, with
    the reason, rather than logging something surprising."""
    seq = begin(client, LOOP)
    bad = ["{i!r}", "{i:>5}", "a {} b", "open {i"]
    answer = set_bps(
        client, LOOP, [{"line": n, "logMessage": m} for n, m in zip(H[:4], bad, strict=True)]
    )
    assert [bp["verified"] for bp in answer] == [False] * len(bad)
    assert all(bp.get("message") for bp in answer), answer
    assert "i!r" in answer[0]["message"] and "i:>5" in answer[1]["message"]
    assert "unbalanced" in answer[3]["message"]
    configure(client, seq)
    assert run_to_end(client) == []
    assert client.output("console") == ""


@pytest.mark.parametrize(
    "message",
    [
        "{ {}.get(0) or password }",
        "{ {1: 2}[password] }",
    ],
)
def test_logpoint_with_nested_braces_does_not_log_a_secret(client: DapClient, message: str) -> None:
    seq = begin(client, LOOP)
    set_bps(client, LOOP, [{"line": AFTER, "logMessage": message}])
    configure(client, seq)
    assert run_to_end(client) == []
    assert "hunter2" not in client.output()


# --- function breakpoints -----------------------------------------------------------------------


def L(path: str, mark: str) -> int:
    return line_of(path, mark)


def test_function_breakpoints_on_every_kind_of_callable(client: DapClient) -> None:
    names = [
        "plain",
        "decorated",
        "Shape.unit",
        "Shape.area",
        "Shape.describe",
        "Shape.double",
        "fetch",
        "bpa_funcmod.late",
        "never_exists",
        "no_such_module.func",
    ]
    seq = begin(client, FUNCS, [os.path.dirname(FUNCS)])
    answer = client.request(
        "setFunctionBreakpoints", {"breakpoints": [{"name": n} for n in names]}
    )["breakpoints"]
    # nothing is loaded yet: every one is pending, and says so
    assert [without_id(bp) for bp in answer] == [
        {"verified": False, "message": f"Function {n!r} is not loaded yet; binds when called"}
        for n in names
    ]
    assert len({bp["id"] for bp in answer}) == len(names)
    ids = dict(zip(names, (bp["id"] for bp in answer), strict=True))
    configure(client, seq)
    stops = run_to_end(client, watched=("n", "x", "cls", "self"))
    assert [(s.reason, s.name, s.line, s.hit) for s in stops] == [
        ("function breakpoint", "plain", L(FUNCS, "plain"), [ids["plain"]]),
        # the decorated function itself, not its wrapper
        ("function breakpoint", "decorated", L(FUNCS, "decorated"), [ids["decorated"]]),
        ("function breakpoint", "Shape.unit", L(FUNCS, "unit"), [ids["Shape.unit"]]),
        ("function breakpoint", "Shape.area", L(FUNCS, "area"), [ids["Shape.area"]]),
        ("function breakpoint", "Shape.describe", L(FUNCS, "describe"), [ids["Shape.describe"]]),
        ("function breakpoint", "Shape.double", L(FUNCS, "double"), [ids["Shape.double"]]),
        ("function breakpoint", "fetch", L(FUNCS, "fetch"), [ids["fetch"]]),
        ("function breakpoint", "late", L(FUNCMOD, "late"), [ids["bpa_funcmod.late"]]),
    ]
    assert [s.values.get("n") for s in stops] == ["1", "2", None, None, None, None, "5", "6"]
    # each bound one is announced once, with where it bound; the others stay pending
    changed = {e["breakpoint"]["id"]: e["breakpoint"] for e in client.events("breakpoint")}
    assert len(client.events("breakpoint")) == len(changed) == 8
    assert changed[ids["bpa_funcmod.late"]] == {
        "id": ids["bpa_funcmod.late"],
        "verified": True,
        "line": L(FUNCMOD, "late"),
        "source": source_of(FUNCMOD),
    }
    assert changed[ids["Shape.double"]]["line"] == L(FUNCS, "double")
    assert ids["never_exists"] not in changed and ids["no_such_module.func"] not in changed
    assert client.output("stdout").splitlines() == [
        "plain 2",
        "decorated 4",
        "outer 2",
        "area 1 shape 4 2",
        "fetch 5",
        "late 60",
    ]


def test_function_breakpoint_names_that_are_not_names_are_refused(client: DapClient) -> None:
    seq = begin(client, FUNCS, [os.path.dirname(FUNCS)])
    names = ["not a name", "plain()", "", "Shape..area"]
    answer = client.request(
        "setFunctionBreakpoints", {"breakpoints": [{"name": n} for n in names]}
    )["breakpoints"]
    assert [bp["verified"] for bp in answer] == [False] * len(names)
    assert [bp.get("message") for bp in answer] == [f"Not a function name: {n!r}" for n in names]
    configure(client, seq)
    assert run_to_end(client) == []


def test_function_breakpoint_condition_and_hit_condition(client: DapClient) -> None:
    seq = begin(client, FUNCS, [os.path.dirname(FUNCS)])
    answer = client.request(
        "setFunctionBreakpoints",
        {
            "breakpoints": [
                {"name": "plain", "condition": "n == 99"},
                {"name": "outer", "condition": "n == 3"},
                {"name": "Shape.area", "condition": "(("},
                {"name": "decorated", "hitCondition": "bad"},
            ]
        },
    )["breakpoints"]
    assert [bp["verified"] for bp in answer] == [False] * 4
    assert answer[2]["message"].startswith("Invalid expression:")
    assert answer[3]["message"].startswith("invalid hit condition 'bad'")
    configure(client, seq)
    stops = run_to_end(client, watched=("n",))
    assert [(s.name, s.values) for s in stops] == [("outer", {"n": "3"})]


def test_function_breakpoint_on_a_nested_function(client: DapClient) -> None:
    seq = begin(client, FUNCS, [os.path.dirname(FUNCS)])
    (bp,) = client.request("setFunctionBreakpoints", {"breakpoints": [{"name": "inner"}]})[
        "breakpoints"
    ]
    configure(client, seq)
    stops = run_to_end(client, watched=("m",))
    assert [(s.name, s.line, s.hit, s.values) for s in stops] == [
        ("outer.<locals>.inner", L(FUNCS, "inner"), [bp["id"]], {"m": "3"})
    ]


def test_two_function_breakpoints_on_the_same_function_both_work(client: DapClient) -> None:
    seq = begin(client, FUNCS, [os.path.dirname(FUNCS)])
    answer = client.request(
        "setFunctionBreakpoints",
        {
            "breakpoints": [
                {"name": "plain", "condition": "n == 1"},
                {"name": "__main__.plain", "condition": "n == 99"},
            ]
        },
    )["breakpoints"]
    configure(client, seq)
    stops = run_to_end(client, watched=("n",))
    assert [(s.name, s.hit, s.values) for s in stops] == [("plain", [answer[0]["id"]], {"n": "1"})]


# --- line shapes ----------------------------------------------------------------------------------


def test_breakpoints_on_awkward_lines_bind_and_stop_where_python_runs(
    client: DapClient,
) -> None:
    S = {
        m: L(SHAPES, m)
        for m in (
            "docstring",
            "decorated-body",
            "else",
            "else-body",
            "except-pass",
            "finally",
            "finally-body",
            "call-start",
            "call-middle",
            "call-end",
            "two-statements",
        )
    }
    requested = [
        S["docstring"],
        S["else"],
        S["except-pass"],
        S["finally"],
        S["call-middle"],
        S["call-end"],
        S["two-statements"],
    ]
    seq = begin(client, SHAPES)
    answer = set_bps(client, SHAPES, [{"line": n} for n in requested])
    assert [(bp["verified"], bp["line"]) for bp in answer] == [
        (True, S["decorated-body"]),  # a function's docstring is no code
        (True, S["else-body"]),  # `else:` has no code of its own
        (True, S["except-pass"]),  # `pass` in an except block does stop
        (True, S["finally-body"]),  # `finally:` neither
        (True, S["call-middle"]),  # an argument line of a call spanning lines
        (True, S["two-statements"]),  # the closing parenthesis: the next statement
        (True, S["two-statements"]),
    ]
    assert all("message" not in bp for bp in answer)
    ids = [bp["id"] for bp in answer]
    configure(client, seq)
    stops = run_to_end(client, watched=("flag", "result", "value", "a", "b", "x"))
    assert [(s.name, s.line, s.hit, s.values) for s in stops] == [
        ("<module>", S["call-middle"], [ids[4]], {}),
        # two statements on one line stop once, before the first
        ("<module>", S["two-statements"], [ids[5], ids[6]], {"value": "9"}),
        ("decorated", S["decorated-body"], [ids[0]], {"x": "1"}),
        ("branches", S["except-pass"], [ids[2]], {"flag": "True", "result": "'yes'"}),
        ("branches", S["finally-body"], [ids[3]], {"flag": "True", "result": "'yes'"}),
        ("branches", S["else-body"], [ids[1]], {"flag": "False"}),
        ("branches", S["except-pass"], [ids[2]], {"flag": "False", "result": "'no'"}),
        ("branches", S["finally-body"], [ids[3]], {"flag": "False", "result": "'no'"}),
    ]


def test_breakpoint_locations_list_only_lines_that_run(client: DapClient) -> None:
    seq = begin(client, SHAPES)

    def locations(line: int, end: int | None = None) -> list[int]:
        args: dict[str, Any] = {"source": {"path": SHAPES}, "line": line}
        if end is not None:
            args["endLine"] = end
        return [b["line"] for b in client.request("breakpointLocations", args)["breakpoints"]]

    start, end = L(SHAPES, "call-start"), L(SHAPES, "lambda-line")
    assert locations(start, end) == [
        start,
        start + 1,
        start + 2,
        start + 3,
        L(SHAPES, "two-statements"),
        end,
    ]
    for mark in ("else", "finally", "docstring", "call-end", "first-comment"):
        assert locations(L(SHAPES, mark)) == [], mark
    assert locations(L(SHAPES, "except-pass")) == [L(SHAPES, "except-pass")]
    assert locations(L(SHAPES, "decorator-line")) == [L(SHAPES, "decorator-line")]
    configure(client, seq)
    assert run_to_end(client) == []


@pytest.mark.parametrize(("path", "mark"), [(SHAPES, "first-comment"), (NESTED_END, "inner-end")])
def test_comment_after_a_functions_last_line_does_not_bind_elsewhere(
    client: DapClient, path: str, mark: str
) -> None:
    seq = begin(client, path)
    line = L(path, mark)
    (bp,) = set_bps(client, path, [{"line": line}])
    assert without_id(bp) == {
        "verified": False,
        "line": line,
        "source": source_of(path),
        "message": f"No code at or after line {line} in this scope: "
        "move the breakpoint to a line with a statement",
    }
    configure(client, seq)
    assert run_to_end(client) == []


# --- code that loads again, or from a string ------------------------------------------------------


def test_breakpoint_follows_a_module_through_reloads(client: DapClient, tmp_path: Path) -> None:
    module = tmp_path / "bpa_reloaded.py"
    module.write_text("def work(n):\n    return n + 1\n")
    seq = begin(client, RELOAD, [str(tmp_path)])
    (bp,) = set_bps(client, str(module), [{"line": 2}])
    assert without_id(bp) == {"verified": True, "line": 2, "source": source_of(str(module))}
    configure(client, seq)
    stops = run_to_end(client, watched=("n",))
    # the same code reloaded still stops; the rewritten file moves the breakpoint to the
    # line that now has code, and the editor is told
    assert [(s.name, s.line, s.hit, s.values) for s in stops] == [
        ("work", 2, [bp["id"]], {"n": "1"}),
        ("work", 2, [bp["id"]], {"n": "2"}),
        ("work", 3, [bp["id"]], {"n": "3"}),
    ]
    assert client.events("breakpoint") == [
        {
            "reason": "changed",
            "breakpoint": {
                "id": bp["id"],
                "verified": True,
                "line": 3,
                "source": source_of(str(module)),
            },
        }
    ]
    assert client.output("stdout") == "first 2\nsame 3\nchanged 103\n"


def test_breakpoint_in_code_execed_with_a_file_name(client: DapClient, tmp_path: Path) -> None:
    generated = tmp_path / "gen.py"
    generated.write_text("x = 1\nresult = x + 41\n")
    seq = begin(client, EXEC, [str(generated)])
    (bp,) = set_bps(client, str(generated), [{"line": 2}])
    assert bp["verified"] is True
    configure(client, seq)
    stops = run_to_end(client, watched=("x",))
    assert [(s.name, s.line, s.hit, s.values) for s in stops] == [
        ("<module>", 2, [bp["id"]], {"x": "1"})
    ]
    assert client.output("stdout") == "exec 42\n"


# --- breakpoints replaced and removed ---------------------------------------------------------------


def test_setting_a_file_again_replaces_its_breakpoints(client: DapClient) -> None:
    seq = begin(client, LOOP)
    set_bps(client, LOOP, [{"line": LOOP_LINE}, {"line": H[0]}])
    (after,) = set_bps(client, LOOP, [{"line": AFTER}])
    configure(client, seq)
    stops = run_to_end(client, watched=("total",))
    assert [(s.line, s.hit, s.values) for s in stops] == [(AFTER, [after["id"]], {"total": "45"})]


def test_breakpoints_removed_while_stopped_at_one(client: DapClient) -> None:
    seq = begin(client, LOOP)
    set_bps(client, LOOP, [{"line": LOOP_LINE}, {"line": AFTER}])
    configure(client, seq)
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert client.stack(tid)[0]["line"] == LOOP_LINE
    assert client.request("setBreakpoints", {"source": {"path": LOOP}, "breakpoints": []}) == {
        "breakpoints": []
    }
    # a step from the stop still works, and lands on the loop header
    client.request("next", {"threadId": tid})
    step = client.wait_event("stopped")
    assert step["reason"] == "step" and "hitBreakpointIds" not in step
    assert client.stack(tid)[0]["line"] == LOOP_LINE - 8
    client.request("continue", {"threadId": tid})
    assert run_to_end(client) == []
    assert client.output("stdout") == "total 45\n"


def test_breakpoints_on_the_same_line_have_distinct_ids(client: DapClient) -> None:
    seq = begin(client, LOOP)
    answer = set_bps(
        client,
        LOOP,
        [
            {"line": LOOP_LINE, "condition": "i == 2"},
            {"line": LOOP_LINE, "condition": "i == 7"},
            {"line": LOOP_LINE, "column": 5, "logMessage": "col {i}", "hitCondition": "9"},
        ],
    )
    assert [bp["verified"] for bp in answer] == [True, True, True]
    assert len({bp["id"] for bp in answer}) == 3
    configure(client, seq)
    stops = run_to_end(client, watched=("i",))
    assert [(s.values["i"], s.hit) for s in stops] == [
        ("2", [answer[0]["id"]]),
        ("7", [answer[1]["id"]]),
    ]


def test_a_thousand_breakpoints_at_once(client: DapClient, tmp_path: Path) -> None:
    many = tmp_path / "many.py"
    many.write_text("n = 0\n" + "n += 1\n" * 1000 + "print('n', n)\n")
    seq = begin(client, str(many))
    lines = list(range(2, 1002))
    answer = set_bps(client, str(many), [{"line": n, "condition": "n == 500"} for n in lines])
    assert [(bp["verified"], bp["line"]) for bp in answer] == [(True, n) for n in lines]
    assert len({bp["id"] for bp in answer}) == 1000
    configure(client, seq)
    stops = run_to_end(client, watched=("n",))
    # `n += 1` on line k runs with n == k - 2: n == 500 on line 502 only
    assert [(s.line, s.hit, s.values) for s in stops] == [(502, [answer[500]["id"]], {"n": "500"})]
    assert client.output("stdout") == "n 1000\n"


# --- the builtin breakpoint() -----------------------------------------------------------------------


def test_builtin_breakpoint_call_stops_in_the_editor(client: DapClient) -> None:
    seq = begin(client, BUILTIN)
    configure(client, seq)
    stops = run_to_end(client, watched=("n", "doubled"))
    assert [(s.reason, s.name, s.line, s.values) for s in stops] == [
        ("breakpoint", "compute", L(BUILTIN, "after-builtin"), {"n": "5", "doubled": "10"})
    ]
    assert client.output("stdout") == "result 11\n"
    assert "(Pdb)" not in client.output()
