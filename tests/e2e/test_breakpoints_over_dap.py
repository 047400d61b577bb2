"""Line breakpoints as an editor sets them: through the real adapter, exact lines and names.

Where a breakpoint binds in every kind of scope, lines without code, lines and files that can
never bind, breakpoints in modules that load later, and breakpoints changed while the program
runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NamedTuple

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

SCOPES = program("bp_scopes.py")


def start(
    client: DapClient,
    prog: str,
    breakpoints: dict[str, list[int]],
    args: list[str] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """initialize, launch, setBreakpoints per file, configurationDone; the launch must succeed.

    Returns the breakpoints of each setBreakpoints response, by path.
    """
    client.initialize()
    seq = client.send_request("launch", {"program": prog, "args": args or []})
    client.wait_event("initialized")
    answers = {}
    for path, lines in breakpoints.items():
        answers[path] = client.request(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
        )["breakpoints"]
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    return answers


class Stop(NamedTuple):
    """One breakpoint stop: the top frame's name and line, the ids of the breakpoints hit, and
    the values (as shown) of the top frame's locals."""

    name: str
    line: int
    hit: list[int]
    values: dict[str, str]


def run_to_end(client: DapClient, limit: int = 40) -> list[Stop]:
    """Continues the program from each breakpoint stop until it exits with code 0."""
    stops: list[Stop] = []
    while len(stops) < limit:
        event = client.wait_any_event(("stopped", "exited"))
        if event["event"] == "exited":
            assert event["body"] == {"exitCode": 0}
            return stops
        body = event["body"]
        assert body["reason"] == "breakpoint", body
        top = client.stack(body["threadId"])[0]
        values = {name: v["value"] for name, v in client.locals(top["id"]).items()}
        stops.append(Stop(top["name"], top["line"], body.get("hitBreakpointIds", []), values))
        client.request("continue", {"threadId": body["threadId"]})
    raise AssertionError(f"still stopping after {limit} stops: {[(s.name, s.line) for s in stops]}")


def source_of(path: str) -> dict[str, str]:
    real = os.path.realpath(path)
    return {"name": os.path.basename(real), "path": real}


# --- every kind of scope ----------------------------------------------------------------------


def test_breakpoints_bind_and_stop_in_every_kind_of_scope(client: DapClient) -> None:
    marks = [
        "module",
        "class-body",
        "method",
        "function",
        "nested",
        "lambda",
        "lambda-one-line",
        "listcomp",
        "genexpr",
        "generator",
        "coroutine",
        "async-generator",
    ]
    lines = [line_of(SCOPES, m) for m in marks]
    answer = start(client, SCOPES, {SCOPES: lines})[SCOPES]
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answer] == [
        (True, n, source_of(SCOPES)) for n in lines
    ]
    assert all("message" not in bp for bp in answer)
    ids = {bp["id"]: bp["line"] for bp in answer}
    assert len(ids) == len(lines)

    stops = run_to_end(client)
    # every stop names the breakpoint of its own line, and only it
    assert [s.hit for s in stops] == [[i for i, n in ids.items() if n == s.line] for s in stops]
    L = {m: line_of(SCOPES, m) for m in marks}
    watched = {"k", "n", "v", "x", "y"}
    assert [
        (s.name, s.line, {k: v for k, v in s.values.items() if k in watched}) for s in stops
    ] == [
        ("<module>", L["module"], {}),
        ("Box", L["class-body"], {}),
        # a one-line lambda's line is also module code: it runs where the lambda is made
        ("<module>", L["lambda-one-line"], {}),
        ("Box.grow", L["method"], {"n": "2"}),
        ("outer", L["function"], {"x": "5"}),
        ("outer.<locals>.inner", L["nested"], {"y": "5"}),
        ("<lambda>", L["lambda"], {"v": "4"}),
        ("<lambda>", L["lambda-one-line"], {"v": "8"}),
        # list comprehensions are inlined (PEP 709, 3.12 and later): they run in `build`, one
        # stop per element; a generator expression keeps its own code and frame
        ("build", L["listcomp"], {"n": "2", "k": "0"}),
        ("build", L["listcomp"], {"n": "2", "k": "1"}),
        ("build.<locals>.<genexpr>", L["genexpr"], {"k": "0"}),
        ("build.<locals>.<genexpr>", L["genexpr"], {"k": "1"}),
        ("numbers", L["generator"], {}),
        ("coro", L["coroutine"], {"v": "1"}),
        ("agen", L["async-generator"], {}),
    ]
    out = client.output("stdout")
    assert out.splitlines() == [
        "grow 5",
        "outer 11",
        "twice 8",
        "halve 4.0",
        "build ([0, 1], 3)",
        "numbers [10]",
        "coro 2",
        "consume [5]",
    ]


# --- lines without code, lines and files that can never bind ----------------------------------

BINDING = program("bp_binding.py")


def no_code_message(line: int) -> str:
    return (
        f"No code at or after line {line} in this scope: "
        "move the breakpoint to a line with a statement"
    )


def test_line_without_code_binds_to_the_next_line_with_code(client: DapClient) -> None:
    comment = line_of(BINDING, "comment")
    blank_before, blank_after = comment - 1, comment + 1
    assert Path(BINDING).read_text().splitlines()[blank_before - 1] == ""
    assert Path(BINDING).read_text().splitlines()[blank_after - 1] == ""
    after_code = line_of(BINDING, "after-code")
    past_end = len(Path(BINDING).read_text().splitlines()) + 10
    answer = start(
        client, BINDING, {BINDING: [blank_before, comment, blank_after, after_code, past_end]}
    )[BINDING]
    next_code = line_of(BINDING, "next-code")
    assert [{k: v for k, v in bp.items() if k != "id"} for bp in answer] == [
        {"verified": True, "line": next_code, "source": source_of(BINDING)},
        {"verified": True, "line": next_code, "source": source_of(BINDING)},
        {"verified": True, "line": next_code, "source": source_of(BINDING)},
        {
            "verified": False,
            "line": after_code,
            "source": source_of(BINDING),
            "message": no_code_message(after_code),
        },
        {
            "verified": False,
            "line": past_end,
            "source": source_of(BINDING),
            "message": no_code_message(past_end),
        },
    ]
    stops = run_to_end(client)
    # one stop for the three breakpoints that share the line, before `b = 2` ran
    assert [(s.name, s.line, sorted(s.hit), s.values) for s in stops] == [
        ("total", next_code, sorted(bp["id"] for bp in answer[:3]), {"a": "1"}),
    ]
    assert client.output("stdout") == "total 3\n"


def test_breakpoint_in_a_file_that_does_not_exist_is_unverified(
    client: DapClient, tmp_path: Path
) -> None:
    missing = str(tmp_path / "nowhere" / "missing.py")
    answer = start(client, BINDING, {missing: [3], BINDING: [line_of(BINDING, "next-code")]})
    assert [{k: v for k, v in bp.items() if k != "id"} for bp in answer[missing]] == [
        {
            "verified": False,
            "line": 3,
            "source": source_of(missing),
            "message": f"File not found on the debuggee side: {os.path.realpath(missing)}",
        }
    ]
    # the other file's breakpoint is unaffected, and the program runs to its end
    stops = run_to_end(client)
    assert [(s.name, s.line) for s in stops] == [("total", line_of(BINDING, "next-code"))]
    assert client.events("breakpoint") == []


def test_breakpoint_in_a_file_that_does_not_compile_is_unverified(
    client: DapClient, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("def broken(:\n    pass\n")
    answer = start(client, BINDING, {str(broken): [2]})
    assert [{k: v for k, v in bp.items() if k != "id"} for bp in answer[str(broken)]] == [
        {
            "verified": False,
            "line": 2,
            "source": source_of(str(broken)),
            "message": "The file does not compile (invalid syntax at line 1): fix it; the "
            "breakpoint binds when its code loads",
        }
    ]
    assert run_to_end(client) == []


def test_breakpoint_past_the_end_binds_once_the_file_is_edited(
    client: DapClient, tmp_path: Path
) -> None:
    edited = tmp_path / "edited.py"
    edited.write_text("x = 1\n")
    args = {"source": {"path": str(edited)}, "breakpoints": [{"line": 3}]}
    client.initialize()
    seq = client.send_request("launch", {"program": BINDING})
    client.wait_event("initialized")
    (bp,) = client.request("setBreakpoints", args)["breakpoints"]
    assert (bp["verified"], bp["line"], bp["message"]) == (False, 3, no_code_message(3))
    edited.write_text("x = 1\n\ny = 2\n")  # the editor saved code at line 3
    (bp,) = client.request("setBreakpoints", args)["breakpoints"]
    assert {k: v for k, v in bp.items() if k != "id"} == {
        "verified": True,
        "line": 3,
        "source": source_of(str(edited)),
    }
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    assert run_to_end(client) == []


# --- late binding: modules that load after the breakpoints are set -----------------------------

LATE_MAIN = program("bp_late_main.py")
LATE_MODULE = program("bp_late_module.py")
TEMPLATE = program("bp_late_template.py")


def test_breakpoints_in_modules_imported_later_bind_when_they_load(
    client: DapClient, tmp_path: Path
) -> None:
    generated = str(tmp_path / "bp_generated.py")
    first, work, triple = (
        line_of(LATE_MAIN, "first-stop"),
        line_of(LATE_MODULE, "work"),
        line_of(TEMPLATE, "triple"),
    )
    answers = start(
        client,
        LATE_MAIN,
        {LATE_MAIN: [first], LATE_MODULE: [work], generated: [triple]},
        args=[str(tmp_path)],
    )
    # A module on disk that is not imported yet: verified at once, from its source.
    (late,) = answers[LATE_MODULE]
    assert {k: v for k, v in late.items() if k != "id"} == {
        "verified": True,
        "line": work,
        "source": source_of(LATE_MODULE),
    }
    # A file that does not exist yet: unverified, with the reason.
    (pending,) = answers[generated]
    assert {k: v for k, v in pending.items() if k != "id"} == {
        "verified": False,
        "line": triple,
        "source": source_of(generated),
        "message": f"File not found on the debuggee side: {os.path.realpath(generated)}",
    }

    stopped = client.wait_event("stopped")
    assert stopped["hitBreakpointIds"] == [answers[LATE_MAIN][0]["id"]]
    tid = stopped["threadId"]
    top = client.stack(tid)[0]
    assert (top["name"], top["line"]) == ("<module>", first)
    values = client.locals(top["id"])
    # neither module is loaded yet, and the generated file is not written yet
    assert (values["loaded"]["value"], values["generated_exists"]["value"]) == ("False", "False")
    client.request("continue", {"threadId": tid})

    stopped = client.wait_event("stopped")
    assert stopped["hitBreakpointIds"] == [late["id"]]
    top = client.stack(tid)[0]
    assert (top["name"], top["line"]) == ("work", work)
    assert {k: v["value"] for k, v in client.locals(top["id"]).items()} == {"n": "7"}
    # it bound where its source said: nothing new for the editor
    assert client.events("breakpoint") == []
    client.request("continue", {"threadId": tid})

    # The generated file loads: the editor is told its breakpoint is now verified, then it stops.
    changed = client.wait_event("breakpoint")
    assert changed == {
        "reason": "changed",
        "breakpoint": {
            "id": pending["id"],
            "verified": True,
            "line": triple,
            "source": source_of(generated),
        },
    }
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    assert stopped["hitBreakpointIds"] == [pending["id"]]
    top = client.stack(tid)[0]
    assert (top["name"], top["line"]) == ("triple", triple)
    assert {k: v["value"] for k, v in client.locals(top["id"]).items()} == {"v": "4"}
    client.request("continue", {"threadId": tid})

    assert run_to_end(client) == []
    # the editor heard of the change before the stop that needed it
    assert [m["event"] for m in client.messages if m.get("event") in ("breakpoint", "stopped")] == [
        "stopped",
        "stopped",
        "breakpoint",
        "stopped",
    ]
    assert client.output("stdout").splitlines() == [
        "before False False",
        "work 21",
        "triple 12",
    ]


# --- breakpoints changed while the program runs -------------------------------------------------

RUNNING = program("bp_running.py")


def test_breakpoints_set_and_cleared_while_running_take_effect_at_once(
    client: DapClient, tmp_path: Path
) -> None:
    flag = tmp_path / "stop-looping"
    tick, loop_call = line_of(RUNNING, "tick"), line_of(RUNNING, "loop-call")
    start(client, RUNNING, {}, args=[str(flag)])
    # The loop runs, with no breakpoint anywhere.
    client.wait_event("output", where=lambda b: b.get("output") == "looping\n")
    answer = client.request(
        "setBreakpoints", {"source": {"path": RUNNING}, "breakpoints": [{"line": tick}]}
    )["breakpoints"]
    assert [{k: v for k, v in bp.items() if k != "id"} for bp in answer] == [
        {"verified": True, "line": tick, "source": source_of(RUNNING)}
    ]
    stopped = client.wait_event("stopped")
    assert (stopped["reason"], stopped["hitBreakpointIds"]) == ("breakpoint", [answer[0]["id"]])
    tid = stopped["threadId"]
    frames = client.stack(tid)
    assert [(f["name"], f["line"]) for f in frames] == [("tick", tick), ("<module>", loop_call)]
    assert list(client.locals(frames[0]["id"])) == ["n"]  # `value = n + 1` has not run yet
    assert not flag.exists()

    # Cleared: the line runs a thousand more times once the flag is there, and never stops.
    assert client.request("setBreakpoints", {"source": {"path": RUNNING}, "breakpoints": []}) == {
        "breakpoints": []
    }
    flag.write_text("")
    client.request("continue", {"threadId": tid})
    assert run_to_end(client) == []
    assert len(client.events("stopped")) == 1
    assert client.output("stdout") == "looping\nafter the flag 1000\n"
