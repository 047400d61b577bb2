"""Side-effect-free evaluation: the program's state is untouched whatever the expression does."""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dap_server.state.redaction import REDACTED, Redactor
from dap_server.state.safe_eval import Method, SafeResult, evaluate_side_effect_free, fork_available

METHODS = ["fork", "restricted"] if fork_available() else ["restricted"]
needs_fork = pytest.mark.skipif(not fork_available(), reason="needs os.fork")


class Counter:
    def __init__(self) -> None:
        self.counter = 0
        self.name = "widget"

    @property
    def bump(self) -> int:
        self.counter += 1
        return self.counter

    def reset(self) -> None:
        self.counter = 0


def numbers() -> Iterator[int]:
    yield 1
    yield 2
    yield 3


def make_namespace() -> dict[str, Any]:
    return {
        "__builtins__": __builtins__,
        "data": [1, 2, 3],
        "items": ["a", "b"],
        "mapping": {"host": "db.local", "port": 5432},
        "obj": Counter(),
        "gen": numbers(),
        "db_password": "hunter2-very-secret",
        "config": {"password": "s3cret-value-42", "user": "bob"},
    }


def snapshot(ns: dict[str, Any]) -> dict[str, Any]:
    obj, gen = ns["obj"], ns["gen"]
    plain = {k: copy.deepcopy(v) for k, v in ns.items() if k not in ("obj", "gen", "__builtins__")}
    frame = gen.gi_frame
    plain["obj"] = dict(vars(obj))
    plain["gen"] = (gen.gi_running, frame.f_lasti if frame is not None else None)
    plain["names"] = sorted(ns)
    return plain


def evaluate(expr: str, ns: dict[str, Any], method: str, **kw: Any) -> SafeResult:
    kw.setdefault("timeout", 5.0)
    return evaluate_side_effect_free(
        expr, ns, {}, redactor=kw.pop("redactor", Redactor()), method=cast(Method, method), **kw
    )


@pytest.mark.parametrize("method", METHODS)
def test_pure_expressions_give_correct_results(method: str) -> None:
    ns = make_namespace()
    assert evaluate("len(data)", ns, method).value == "3"
    assert evaluate("data[1] * 10 + 1", ns, method).value == "21"
    assert evaluate("mapping['host'].upper()", ns, method).value == "'DB.LOCAL'"
    assert evaluate("[x * 2 for x in data if x > 1]", ns, method).value == "[4, 6]"
    assert evaluate("obj.name", ns, method).value == "'widget'"
    assert evaluate("isinstance(data, list) and sorted(data, reverse=True)", ns, method).value == (
        "[3, 2, 1]"
    )
    result = evaluate("mapping", ns, method)
    assert result.ok and result.type_name == "dict"
    assert [(c.name, c.value) for c in result.children] == [
        ("host", "'db.local'"),
        ("port", "5432"),
    ]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "expr",
    [
        "items.append(1)",
        "obj.counter += 1",
        "next(gen)",
        "obj.bump",
        "mapping.clear()",
        "data.pop()",
        "global_var = 1",
        "del mapping['host']",
        "obj.reset() or setattr(obj, 'name', 'x')",
    ],
)
def test_side_effects_never_reach_the_program(method: str, expr: str) -> None:
    ns = make_namespace()
    ns["obj"].counter = 7
    before = snapshot(ns)
    result = evaluate(expr, ns, method)
    assert snapshot(ns) == before
    assert next(ns["gen"]) == 1
    if method == "restricted":
        assert not result.ok and result.error_kind == "side_effects", result
        assert result.error is not None and result.error.startswith("refused: ")


def test_restricted_says_which_call_was_refused() -> None:
    result = evaluate("items.append(1)", make_namespace(), "restricted")
    assert result.error == "refused: the expression could have side effects (call to 'append')"
    result = evaluate("obj.bump", make_namespace(), "restricted")
    assert result.error == "refused: the expression could have side effects (property 'bump')"


@needs_fork
def test_fork_evaluation_sees_its_own_side_effects_only() -> None:
    ns = make_namespace()
    result = evaluate("items.append('c'); obj.bump; (items, obj.counter, next(gen))", ns, "fork")
    assert result.value == "(['a', 'b', 'c'], 1, 1)"
    assert ns["items"] == ["a", "b"] and ns["obj"].counter == 0 and next(ns["gen"]) == 1


@needs_fork
def test_file_writes_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    ns = make_namespace()
    ns["target"] = str(target)
    result = evaluate("open(target, 'w').write('x')", ns, "fork")
    assert result.error_kind == "refused"
    assert result.error == (
        f"SecurityViolation: file access refused by the security policy: open({str(target)!r}, 'w')"
    )
    assert not target.exists()


@needs_fork
def test_inherited_files_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "log.txt"
    with open(target, "w") as f:
        ns = make_namespace()
        ns["f"] = f
        result = evaluate("f.write('from the child'); f.flush()", ns, "fork")
        assert not result.ok
    assert target.read_text() == ""


@needs_fork
def test_print_does_not_reach_the_program_output(capfd: pytest.CaptureFixture[str]) -> None:
    result = evaluate("print('hello from the child') or 5", make_namespace(), "fork")
    assert result.value == "5"
    assert result.output == "hello from the child\n"
    assert "hello from the child" not in capfd.readouterr().out


@needs_fork
def test_time_limit() -> None:
    result = evaluate("while True: pass", make_namespace(), "fork", timeout=1.0)
    assert result.error_kind == "timeout"
    assert result.error == "evaluation exceeded its time limit of 1.0 s"


@needs_fork
def test_time_limit_from_policy() -> None:
    from dap_server.state.policy import SecurityPolicy

    result = evaluate(
        "while True: pass", make_namespace(), "fork", timeout=30.0,
        policy=SecurityPolicy(max_execution_time=0.5),
    )  # fmt: skip
    assert result.error == "evaluation exceeded its time limit of 0.5 s"


@needs_fork
def test_memory_limit() -> None:
    result = evaluate(
        "b'x' * (1024 * 1024 * 1024)", make_namespace(), "fork", memory_limit=100 * 1024 * 1024
    )
    assert result.error_kind == "memory"
    assert result.error == "evaluation exceeded its memory limit of 100 MB"


def test_restricted_refuses_huge_results() -> None:
    result = evaluate("'x' * 10**9", make_namespace(), "restricted")
    assert result.error == "refused: the result would be too large"


@pytest.mark.parametrize("method", METHODS)
def test_results_are_redacted(method: str) -> None:
    ns = make_namespace()
    result = evaluate("config", ns, method)
    assert result.value == f"{{'password': '{REDACTED}', 'user': 'bob'}}"
    assert [(c.name, c.value) for c in result.children] == [
        ("password", REDACTED),
        ("user", "'bob'"),
    ]
    refused = evaluate("db_password[0:5]", ns, method)
    assert refused.error == "refused: the expression uses 'db_password', whose name is sensitive"


@needs_fork
def test_derived_values_are_recognised() -> None:
    # The secret is reached without naming it: caught by value in the result.
    ns = make_namespace()
    assert evaluate("list(config.values())[0]", ns, "fork").value == REDACTED
    assert evaluate("list(config.values())[0][2:9]", ns, "fork").value == REDACTED


@needs_fork
def test_exception_messages_are_redacted() -> None:
    ns = make_namespace()
    result = evaluate("int(list(config.values())[0])", ns, "fork")
    assert result.error_kind == "exception"
    assert result.error == REDACTED


@needs_fork
def test_fork_from_a_multithreaded_program_works() -> None:
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait, daemon=True)
    worker.start()
    try:
        result = evaluate("sum(data)", make_namespace(), "fork")
    finally:
        stop.set()
        worker.join()
    assert result.value == "6"


@needs_fork
def test_no_child_is_left_behind() -> None:
    for _ in range(5):
        evaluate("len(data)", make_namespace(), "fork")
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


# -- fuzz: many generated expressions, the namespace never changes -----------------------------

_ATOMS = st.sampled_from(
    [
        "data", "items", "mapping", "obj", "gen", "obj.counter", "obj.name", "mapping['host']",
        "data[0]", "len(items)", "1", "'s'", "None",
    ]
)  # fmt: skip
_MUTATIONS = st.sampled_from(
    [
        "items.append(1)", "items.extend([1, 2])", "items.pop()", "items.clear()", "items.sort()",
        "data.insert(0, 9)", "data.reverse()", "mapping.clear()", "mapping.update(x=1)",
        "mapping.pop('host')", "mapping.setdefault('k', 1)", "next(gen)", "list(gen)",
        "obj.bump", "obj.reset()", "setattr(obj, 'counter', 99)", "obj.__dict__.clear()",
        "delattr(obj, 'name')", "gen.close()", "vars(obj).update(counter=5)",
    ]
)  # fmt: skip
_STATEMENTS = st.sampled_from(
    [
        "items += [1]", "obj.counter += 1", "del data[0]", "mapping['host'] = 'evil'",
        "global data; data = []", "obj.name = 'x'", "items[:] = []",
    ]
)  # fmt: skip


@st.composite
def expressions(draw: st.DrawFn) -> str:
    def expr(depth: int) -> str:
        kind = draw(st.integers(0, 5 if depth < 2 else 1))
        if kind == 0:
            return draw(_ATOMS)
        if kind == 1:
            return draw(_MUTATIONS)
        if kind == 2:
            return f"({expr(depth + 1)}, {expr(depth + 1)})"
        if kind == 3:
            return f"({expr(depth + 1)} or {expr(depth + 1)})"
        if kind == 4:
            return f"[{expr(depth + 1)} for _ in range(2)]"
        return f"str({expr(depth + 1)})"

    source = expr(0)
    if draw(st.booleans()):
        source = f"{draw(_STATEMENTS)}; {source}"
    return source


@settings(
    max_examples=120 if fork_available() else 300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(source=expressions(), method=st.sampled_from(METHODS))
def test_fuzz_namespace_never_changes(source: str, method: str) -> None:
    ns = make_namespace()
    before = snapshot(ns)
    result = evaluate(source, ns, method, timeout=5.0)
    assert result.error_kind not in ("timeout", "crashed"), (source, result)
    assert snapshot(ns) == before, source
    assert next(ns["gen"]) == 1
    if result.ok:
        assert "hunter2" not in result.value and "s3cret" not in result.value


def test_side_effect_free_evaluator_plugs_into_the_evaluation_seam() -> None:
    from types import SimpleNamespace

    from dap_server.state.evaluation import EvaluationError, PreRendered
    from dap_server.state.presentation import UserCallResult
    from dap_server.state.safe_eval import SideEffectFreeEvaluator

    def call_user(fn: Any, timeout: float) -> UserCallResult:
        return UserCallResult(value=fn())

    ns = make_namespace()
    evaluator = SideEffectFreeEvaluator(Redactor())

    def request(expression: str) -> Any:
        return SimpleNamespace(
            expression=expression, globals=ns, locals={}, timeout=5.0, call_user=call_user
        )

    assert evaluator(request("len(data)")) == PreRendered("3", "int")
    with pytest.raises(EvaluationError, match="whose name is sensitive"):
        evaluator(request("db_password"))
    evaluator(request("items.append(1)"))
    assert ns["items"] == ["a", "b"]
