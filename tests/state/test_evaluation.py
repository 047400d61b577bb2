"""evaluate in each context, statements, write-back, errors, top-level await, watches."""

from __future__ import annotations

import asyncio
import sys
import threading
import types
from collections.abc import Mapping
from typing import Any

import pytest

from dap_server.state import (
    EvalRequest,
    EvaluationError,
    Evaluator,
    PreRendered,
    VariableStore,
    WatchList,
)
from dap_server.state.redaction import Redactor

from .helpers import FakeRedactor, ThreadRunner, frame_of, make_store


class Recorder:
    def __init__(self) -> None:
        self.writes: list[dict[str, object]] = []
        self.threads: list[int] = []

    def __call__(self, frame: types.FrameType, changed: Mapping[str, object]) -> None:
        self.writes.append(dict(changed))
        self.threads.append(threading.get_ident())


def make(**kw: Any) -> tuple[Evaluator, VariableStore, Recorder]:
    runner = kw.pop("runner", None)
    store = make_store(runner, **kw) if runner is not None else make_store(**kw)
    rec = Recorder()
    return Evaluator(store, write_locals=rec), store, rec


def test_expression_in_each_context() -> None:
    ev, _, _ = make()
    frame, snap = frame_of(x=1, s="a" * 3000)
    for context in ("repl", "watch", "hover", "clipboard", "variables"):
        assert ev.evaluate("x + 1", frame, snap, context) == {
            "result": "2",
            "type": "int",
            "variablesReference": 0,
            "presentationHint": {"kind": "data"},
        }
    assert ev.evaluate("s", frame, snap, "hover")["result"].endswith("'... (3,000 chars)")
    assert ev.evaluate("s", frame, snap, "clipboard")["result"] == repr("a" * 3000)


def test_structured_result_is_expandable_with_evaluate_names() -> None:
    ev, store, _ = make()
    frame, snap = frame_of(data={"k": [1, 2]})
    body = ev.evaluate("data['k']", frame, snap, "watch")
    assert body["result"] == "[1, 2]"
    assert body["indexedVariables"] == 2
    kids = store.variables(body["variablesReference"])
    assert [(c["evaluateName"], c["value"]) for c in kids] == [
        ("data['k'][0]", "1"),
        ("data['k'][1]", "2"),
    ]
    body = ev.evaluate("[3] * 2", frame, snap, "repl")
    assert store.variables(body["variablesReference"])[0]["evaluateName"] == "([3] * 2)[0]"


def test_statements_in_repl_write_locals_back() -> None:
    ev, _, rec = make()
    frame, snap = frame_of(x=2, total=0)
    assert ev.evaluate("y = x * 21", frame, snap, "repl") == {
        "result": "",
        "variablesReference": 0,
    }
    assert rec.writes == [{"y": 42}]
    assert snap["y"] == 42  # the next evaluation at this stop sees it
    assert ev.evaluate("y", frame, snap, "repl")["result"] == "42"

    ev.evaluate("import math", frame, snap, "repl")
    assert rec.writes[-1] == {"math": sys.modules["math"]}

    ev.evaluate("for i in range(4):\n    total += i\n", frame, snap, "repl")
    assert rec.writes[-1] == {"total": 6, "i": 3}

    # A trailing expression is the result, as in the interactive interpreter.
    assert ev.evaluate("a = 5\na * 2", frame, snap, "repl")["result"] == "10"
    # Assignments made before an error are still written back.
    with pytest.raises(EvaluationError, match="ZeroDivisionError: division by zero"):
        ev.evaluate("b = 1\n1 / 0", frame, snap, "repl")
    assert rec.writes[-1] == {"b": 1}


def test_write_back_runs_on_the_suspended_thread() -> None:
    runner = ThreadRunner()
    ev, _, rec = make(runner=runner)
    frame, snap = frame_of(x=1)
    ev.evaluate("x = 5", frame, snap, "repl")
    assert rec.writes == [{"x": 5}]
    assert rec.threads[0] != threading.get_ident()


def test_module_level_frame_assigns_globals_directly() -> None:
    ev, _, rec = make()
    ns: dict[str, Any] = {}
    exec("import sys\nf = sys._getframe()\nz = 1", ns)
    frame = ns["f"]
    ev.evaluate("z = 99", frame, frame.f_globals, "repl")
    assert ns["z"] == 99
    assert rec.writes == []


def test_statements_only_in_repl() -> None:
    ev, _, _ = make()
    frame, snap = frame_of(x=1)
    for context in ("watch", "hover", "clipboard", "variables"):
        with pytest.raises(EvaluationError, match=r"^SyntaxError: invalid syntax"):
            ev.evaluate("y = 1", frame, snap, context)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("undefined_name", "NameError: name 'undefined_name' is not defined"),
        ("1 / 0", "ZeroDivisionError: division by zero"),
        ("'a' + 1", 'TypeError: can only concatenate str (not "int") to str'),
        ("x +", "SyntaxError: invalid syntax"),
        ("raise SystemExit(3)", "SystemExit: 3"),
        ("{}['k']", "KeyError: 'k'"),
    ],
)
def test_errors_are_readable(expression: str, message: str) -> None:
    ev, _, _ = make()
    frame, snap = frame_of(x=1)
    with pytest.raises(EvaluationError) as info:
        ev.evaluate(expression, frame, snap, "repl")
    assert str(info.value) == message


def test_evaluation_deadline() -> None:
    release = threading.Event()
    ev, _, _ = make(runner=ThreadRunner())
    frame, snap = frame_of(ev_=release)
    try:
        with pytest.raises(EvaluationError) as info:
            ev.evaluate("ev_.wait(10)", frame, snap, "repl", timeout=0.2)
        assert str(info.value) == (
            "TimeoutError: evaluation did not finish within 0.2s and was interrupted"
        )
        # The session goes on.
        assert ev.evaluate("1 + 1", frame, snap, "repl")["result"] == "2"
    finally:
        release.set()


def _coroutine_frame() -> types.FrameType:
    async def suspended_here() -> types.FrameType:
        local_value = 7  # noqa: F841 - read by the evaluations
        return sys._getframe()

    return asyncio.run(suspended_here())


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_top_level_await_in_a_coroutine_frame() -> None:
    ev, _, rec = make()
    frame = _coroutine_frame()
    snap = dict(frame.f_locals)
    snap["_answer"] = _answer
    body = ev.evaluate("await _answer() + local_value", frame, snap, "repl")
    assert body["result"] == "49"
    ev.evaluate(
        "r = await asyncio.sleep(0.01, 'slept')", frame, snap | {"asyncio": asyncio}, "repl"
    )
    assert rec.writes[-1]["r"] == "slept"


def test_await_outside_a_coroutine_frame_is_a_syntax_error() -> None:
    ev, _, _ = make()
    frame, snap = frame_of(x=1)
    with pytest.raises(EvaluationError, match="SyntaxError: 'await' outside function"):
        ev.evaluate("await x", frame, snap, "repl")


def test_sensitive_results_are_redacted() -> None:
    ev, _, _ = make(redactor=FakeRedactor())

    class Acct:
        password = "pw"

    frame, snap = frame_of(password="hunter2", acct=Acct(), cfg={"token": [1]}, s="sk-abcdefghijk")
    for expression in ("password", "acct.password", "cfg['token']"):
        body = ev.evaluate(expression, frame, snap, "hover")
        assert (body["result"], body["variablesReference"]) == ("[REDACTED]", 0), expression
    assert ev.evaluate("s", frame, snap, "repl")["result"] == "'[REDACTED]'"
    assert ev.evaluate("cfg", frame, snap, "repl")["result"] == "{'token': [REDACTED]}"


def test_hex_value_format() -> None:
    ev, _, _ = make()
    frame, snap = frame_of(n=255)
    assert ev.evaluate("n", frame, snap, "watch", {"hex": True})["result"] == "0xff"


def test_safe_evaluator_seam_for_hover_and_watch() -> None:
    seen: list[EvalRequest] = []

    def safe(request: EvalRequest) -> object:
        seen.append(request)
        if request.expression == "refuse":
            raise EvaluationError("SecurityViolation: refused")
        if request.expression == "text":
            return PreRendered("rendered elsewhere", "str")
        return eval(request.code, request.globals, request.locals)

    store = make_store()
    ev = Evaluator(store, safe_evaluator=safe)
    frame, snap = frame_of(x=3)
    assert ev.evaluate("x * 2", frame, snap, "hover")["result"] == "6"
    assert ev.evaluate("text", frame, snap, "watch") == {
        "result": "rendered elsewhere",
        "type": "str",
        "variablesReference": 0,
    }
    with pytest.raises(EvaluationError, match="SecurityViolation: refused"):
        ev.evaluate("refuse", frame, snap, "watch")
    assert [r.context for r in seen] == ["hover", "watch", "watch"]
    # repl and clipboard do not go through the safe evaluator.
    ev.evaluate("x", frame, snap, "repl")
    ev.evaluate("x", frame, snap, "clipboard")
    assert len(seen) == 3


def test_watches_are_isolated_from_each_others_errors() -> None:
    ev, _, _ = make()
    watches = WatchList(ev)
    for expression in ("total", "1 / 0", "len(items)", "total"):
        watches.add(expression)
    assert watches.expressions == ["total", "1 / 0", "len(items)"]
    frame, snap = frame_of(total=10, items=[1, 2, 3])
    assert watches.evaluate_all(frame, snap) == [
        {
            "expression": "total",
            "result": "10",
            "type": "int",
            "variablesReference": 0,
            "presentationHint": {"kind": "data"},
        },
        {
            "expression": "1 / 0",
            "result": "ZeroDivisionError: division by zero",
            "variablesReference": 0,
            "error": True,
        },
        {
            "expression": "len(items)",
            "result": "3",
            "type": "int",
            "variablesReference": 0,
            "presentationHint": {"kind": "data"},
        },
    ]
    assert watches.remove("1 / 0") is True
    assert watches.remove("missing") is False
    frame, snap = frame_of(total=11, items=[])
    assert [w["result"] for w in watches.evaluate_all(frame, snap)] == ["11", "0"]


def test_watch_timeout_does_not_stop_the_others() -> None:
    release = threading.Event()
    ev, _, _ = make(runner=ThreadRunner())
    ev.timeout = 0.2
    watches = WatchList(ev)
    watches.add("gate.wait(10)")
    watches.add("n")
    frame, snap = frame_of(gate=release, n=5)
    try:
        results = watches.evaluate_all(frame, snap)
    finally:
        release.set()
    assert results[0]["error"] is True
    assert results[0]["result"].startswith("TimeoutError: evaluation did not finish within 0.2s")
    assert results[1]["result"] == "5"


def test_console_in_safe_mode_refuses_statements_and_await() -> None:
    ran: list[str] = []

    def safe(request: EvalRequest) -> object:
        ran.append(request.expression)
        return eval(request.code, request.globals, request.locals)

    store = make_store()
    ev = Evaluator(store, safe_evaluator=safe, safe_contexts=frozenset({"hover", "watch", "repl"}))
    frame, snap = frame_of(x=1)
    with pytest.raises(EvaluationError, match="SyntaxError: invalid syntax"):
        ev.evaluate("x = 2", frame, snap, "repl")
    coro_frame = _coroutine_frame()
    with pytest.raises(EvaluationError, match="SyntaxError: 'await' outside function"):
        ev.evaluate("await _answer()", coro_frame, {"_answer": _answer}, "repl")
    assert ev.evaluate("x + 1", frame, snap, "repl")["result"] == "2"
    assert ran == ["x + 1"]
    assert snap == {"x": 1}


# --- secrets in results outside the console ------------------------------------------------

SECRET = "hunter2secret"


class Holder:
    def __init__(self, password: str) -> None:
        self.password = password

    @property
    def label(self) -> str:
        return f"label {self.password}"


def secret_frame() -> tuple[types.FrameType, dict[str, object]]:
    return frame_of(password=SECRET, obj=Holder(SECRET), n=7)


@pytest.mark.parametrize("context", ["clipboard", "variables", "watch", "hover"])
@pytest.mark.parametrize(
    "expression",
    [
        "str(password)",
        "getattr(obj, 'pass' + 'word')",
        "password[2:8]",  # a 4+ character piece of the value
        "{password: 1}",  # as a key
        "[obj.label]",
        "password.upper().lower()",
    ],
)
def test_results_containing_a_secret_are_hidden_outside_the_console(
    context: str, expression: str
) -> None:
    ev, _, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    body = ev.evaluate(expression, frame, snap, context)
    assert (body["result"], body["variablesReference"]) == ("[REDACTED]", 0)


def test_the_console_still_shows_a_derived_secret() -> None:
    # By design (README, safety): the console runs arbitrary code, it could copy it anyway.
    ev, _, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    assert ev.evaluate("str(password)", frame, snap, "repl")["result"] == f"'{SECRET}'"
    assert ev.evaluate("password", frame, snap, "repl")["result"] == "[REDACTED]"  # by name


def test_harmless_results_and_short_pieces_are_shown() -> None:
    ev, _, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    assert ev.evaluate("n * 6", frame, snap, "clipboard")["result"] == "42"
    # Fewer than 4 characters are not recognisable (documented in SensitiveValues).
    assert ev.evaluate("str(password)[:3]", frame, snap, "clipboard")["result"] == "'hun'"
    # Redaction switched off: nothing is scrubbed.
    off = Redactor()
    off.enabled = False
    ev_off, _, _ = make(redactor=off)
    assert ev_off.evaluate("str(password)", frame, snap, "clipboard")["result"] == f"'{SECRET}'"


def test_error_message_carrying_a_secret_is_hidden() -> None:
    ev, _, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    with pytest.raises(EvaluationError) as info:
        ev.evaluate("int(password)", frame, snap, "variables")
    assert str(info.value) == "[REDACTED]"
    with pytest.raises(EvaluationError, match=SECRET):
        ev.evaluate("int(password)", frame, snap, "repl")


def test_children_of_a_result_are_scrubbed_too() -> None:
    ev, store, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    # The preview stops at 100 items, so the text is clean; item 150 is the secret.
    body = ev.evaluate("list(range(150)) + [str(password)]", frame, snap, "variables")
    assert body["result"].endswith(", ...] (151 items)")
    ref = body["variablesReference"]
    assert ref and body["indexedVariables"] == 151
    assert [
        (c["name"], c["value"], c["variablesReference"])
        for c in store.variables(ref, start=149, count=2)
    ] == [("149", "149", 0), ("150", "[REDACTED]", 0)]
    # Range groups (a client without paging) and lazy properties inherit the scrubbing.
    store.supports_paging = False
    store.range_size = 100
    body = ev.evaluate("[obj] * 150", frame, snap, "variables")
    groups = store.variables(body["variablesReference"])
    assert [g["name"] for g in groups] == ["[0..99]", "[100..149]"]
    first = store.variables(groups[0]["variablesReference"])[0]
    members = {v["name"]: v for v in store.variables(first["variablesReference"])}
    assert members["password"]["value"] == "[REDACTED]"  # by name, as everywhere
    (label,) = store.variables(members["label"]["variablesReference"])
    assert (label["name"], label["value"]) == ("label", "[REDACTED]")


def test_a_value_listed_plainly_and_as_an_evaluation_result_are_separate_nodes() -> None:
    ev, store, _ = make(redactor=Redactor())
    frame, snap = secret_frame()
    items = ["a", SECRET.upper()]  # not a secret by value (case differs), shown in Locals
    snap["items"] = items
    plain = store.register(items, "items")
    body = ev.evaluate("items", frame, snap, "variables")
    assert body["variablesReference"] not in (0, plain)


def test_structured_results_naming_keys_a_secret_contains_are_shown() -> None:
    # "user" and "token" are pieces of the secret, but also names the Variables view shows
    # anyway: a result mentioning them is not hidden, while the secret's own pieces still are.
    ev, _, _ = make(redactor=Redactor())
    users = [{"user": "ada", "token": "user-token-ada-1111"}]
    frame, snap = frame_of(users=users)
    assert ev.evaluate("users", frame, snap, "clipboard")["result"] == (
        "[{'user': 'ada', 'token': [REDACTED]}]"
    )
    assert ev.evaluate("users[0]['to' + 'ken']", frame, snap, "clipboard")["result"] == (
        "[REDACTED]"
    )
    assert ev.evaluate("users[0]['to' + 'ken'][-7:]", frame, snap, "clipboard")["result"] == (
        "[REDACTED]"
    )


def test_a_secret_after_a_huge_container_is_still_found() -> None:
    # The walk for sensitive values is breadth first and bounded by its budget: a million-item
    # list earlier in the namespace does not use it all up before `password` is looked at.
    ev, _, _ = make(redactor=Redactor())
    frame, snap = frame_of(big=list(range(1_000_000)), deep=[[[["x"] * 50_000]]], password=SECRET)
    assert ev.evaluate("str(password)", frame, snap, "clipboard")["result"] == "[REDACTED]"
