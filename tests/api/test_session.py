"""Every method of the session API against real code, in process and out of process, with
exact values. `target` (conftest) opens the session in either mode."""

from __future__ import annotations

import re

import pytest

from dap_server.api import (
    BreakpointTargetError,
    DebuggerTimeout,
    EvaluationError,
    EvaluationTimeout,
    ExceptionCaught,
    NotStoppedError,
    ProgramExited,
    SecurityPolicy,
    SecurityViolation,
    StackFrame,
    Value,
)
from tests.api.conftest import TARGET, TIMEOUT, Target, line


def test_function_breakpoint_stops_with_exact_locals(target: Target) -> None:
    s = target.open()
    bp = s.set_breakpoint(f"{target.module}.calculate_total")
    stop = target.start(s)
    assert (stop.reason, stop.function_name, stop.line) == (
        "function breakpoint",
        "calculate_total",
        line("total-start"),
    )
    assert stop.filename == TARGET
    assert bp.verified and bp.line == line("total-start")
    assert s.get_local_variables() == {"items": [3, 4], "tax": 0.5}
    assert s.get_current_file() == TARGET
    assert s.get_current_line() == line("total-start")
    assert s.state == "stopped"


def test_method_breakpoint_with_line_hits_each_call(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(f"{target.module}.Cart.add", line=line("cart-add"))
    target.start(s)
    assert s.get_variable("price") == 3
    assert s.get_variable("self.owner.name") == "ada"
    items = s.get_variable_with_type("self.items")
    assert (items.value, items.type) == ([], "list")
    cart = s.get_variable_with_type("self")
    assert cart.type == "Cart" and isinstance(cart.value, Value)
    stop = s.run_until_breakpoint(timeout=TIMEOUT)
    assert stop.line == line("cart-add")
    assert s.get_variable("price") == 4
    assert s.get_variable("self.items") == [3]
    assert s.get_variable("self.items[0]") == 3


def test_module_line_breakpoint_with_condition(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("total-loop"), condition="item == 4")
    stop = target.start(s)
    assert (stop.reason, stop.line) == ("breakpoint", line("total-loop"))
    assert s.get_local_variables() == {"items": [3, 4], "tax": 0.5, "total": 3, "item": 4}


def test_file_breakpoint_and_hit_condition(target: Target) -> None:
    s = target.open()
    bp = s.set_breakpoint(f"{TARGET}:{line('cart-add')}", hit_condition="2")
    assert bp.kind == "line" and bp.path == TARGET
    target.start(s)
    assert s.get_variable("price") == 4


def test_stepping_over_into_and_out(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(f"{target.module}.middle")
    stop = target.start(s)
    assert (stop.function_name, stop.line) == ("middle", line("middle-call"))
    stop_in = s.step_into(timeout=TIMEOUT)
    assert stop_in is not None
    assert (stop_in.reason, stop_in.function_name, stop_in.line) == (
        "step",
        "deep_function",
        line("deep"),
    )
    assert s.get_local_variables() == {"n": 2}
    over = s.step_over(timeout=TIMEOUT)
    assert over is not None and over.line == line("deep") + 1
    assert s.get_local_variables() == {"n": 2, "marker": 20}
    out = s.step_out(timeout=TIMEOUT)
    assert out is not None and out.function_name == "middle"
    assert s.get_variable("value") == 20


def test_call_stack_navigation(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    stack = s.get_call_stack()
    assert [f.function_name for f in stack[:4]] == ["deep_function", "middle", "outer", "main"]
    assert all(isinstance(f, StackFrame) for f in stack)
    assert [f.line for f in stack[:3]] == [line("deep"), line("middle-call"), line("outer-call")]
    assert stack[0].local_variables == {"n": 2}
    assert stack[2].local_variables == {"n": 1, "base": 1}
    assert stack[0].filename == TARGET
    s.switch_to_frame(1)
    assert s.get_local_variables() == {"n": 1}
    assert s.get_current_frame().function_name == "middle"
    assert s.get_current_line() == line("middle-call")
    assert s.evaluate("n + 100") == 101
    s.switch_to_frame(0)
    assert s.get_current_frame().local_variables == {"n": 2}
    trace = s.get_stack_trace()
    assert trace.splitlines()[-2:] == [
        f'  File "{TARGET}", line {line("deep")}, in deep_function',
        "    marker = n * 10  # @deep",
    ]
    with pytest.raises(Exception, match="there is no frame 99"):
        s.switch_to_frame(99)


def test_globals(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    g = s.get_global_variables()
    assert g["GREETING"] == "hello"
    assert isinstance(g["User"], Value) and g["User"].type == "type"
    assert not any(k.startswith("__") for k in g)
    assert s.get_variable("GREETING") == "hello"


def test_evaluate(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("total-result"))
    target.start(s)
    assert s.evaluate("total * 2") == 14
    assert s.evaluate("items + [1]") == [3, 4, 1]
    assert s.evaluate("total * multiplier", context={"multiplier": 3}) == 21
    assert s.evaluate("{'k': total}") == {"k": 7}
    assert s.evaluate("extra = 5") is None
    assert s.evaluate("extra") == 5
    user = s.evaluate("User('bob')")
    assert (
        isinstance(user, Value)
        and user.type == "User"
        and user.value == "User(name='bob', is_active=True)"
    )
    with pytest.raises(EvaluationError) as info:
        s.evaluate("undefined_name + 1")
    assert info.value.exception_type == "NameError"
    assert "undefined_name" in info.value.exception_value


def test_evaluate_safe_leaves_state_unchanged(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("total-result"))
    target.start(s)
    assert s.evaluate_safe("len(items)") == 2
    try:
        s.evaluate_safe("items.append(9)")
    except EvaluationError:
        pass  # refused is fine; changing the program is not
    assert s.get_variable("items") == [3, 4]


def test_set_variable(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("total-result"))
    target.start(s)
    assert s.set_variable("total", 0) == 0
    assert s.get_variable("total") == 0
    assert s.set_variable("tax", expression="tax * 2") == 1.0
    s.step_over(timeout=TIMEOUT)
    assert s.get_variable("result") == 0.0
    assert s.set_variable("items[0]", 30) == 30
    assert s.get_variable("items") == [30, 4]


def test_watches(target: Target) -> None:
    s = target.open()
    s.add_watch("total")
    s.add_watch("len(items)")
    s.add_watch("missing_name")
    s.set_breakpoint(target.module, line=line("total-loop"))
    target.start(s)
    values = s.get_watch_values()
    assert list(values) == ["total", "len(items)", "missing_name"]
    assert values["total"] == 0 and values["len(items)"] == 2
    assert isinstance(values["missing_name"], EvaluationError)
    s.continue_execution()
    s.run_until_breakpoint(timeout=TIMEOUT)
    assert s.get_watch_values()["total"] == 3
    s.remove_watch("missing_name")
    assert list(s.get_watch_values()) == ["total", "len(items)"]


def test_exception_breakpoint_on_raise(target: Target) -> None:
    s = target.open()
    s.set_exception_breakpoint("ValueError", on_raise=True)
    target.begin(s)
    with pytest.raises(ExceptionCaught) as info:
        s.run_until_exception(timeout=TIMEOUT)
    e = info.value
    assert (e.exception_type, e.exception_value) == ("ValueError", "x too big: 5")
    assert (e.filename, e.line, e.uncaught) == (TARGET, line("raise"), False)
    assert s.get_local_variables() == {"x": 5}
    assert s.finish(timeout=TIMEOUT) == 0


def test_uncaught_exception(target: Target) -> None:
    s = target.open("--crash")
    target.begin(s)
    with pytest.raises(ExceptionCaught) as info:
        s.run_until_breakpoint(timeout=TIMEOUT)
    e = info.value
    assert (e.exception_type, e.exception_value, e.line, e.uncaught) == (
        "ValueError",
        "x too big: 7",
        line("raise"),
        True,
    )
    assert s.get_local_variables() == {"x": 7}


def test_handled_exception_does_not_stop_without_on_raise(target: Target) -> None:
    s = target.open()
    s.set_exception_breakpoint("ValueError")
    target.begin(s)
    s.run_until_exception(timeout=TIMEOUT)  # returns: the ValueError is handled
    assert s.state == "finished"


def test_exception_breakpoint_by_unrelated_type_does_not_stop(target: Target) -> None:
    s = target.open(stop_on_uncaught=False)
    s.set_exception_breakpoint("KeyError", on_raise=True)
    target.begin(s)
    s.run_until_exception(timeout=TIMEOUT)
    assert s.state == "finished"


def test_sensitive_values_are_redacted(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("login"))
    target.start(s)
    variables = s.get_local_variables()
    assert isinstance(variables["password"], Value) and variables["password"].redacted
    assert str(variables["api_token"]) == "[REDACTED]"
    assert variables["user_name"] == "ada" and variables["data"] == [1, 2, 3]
    safe = s.get_safe_variables()
    assert "password" not in safe and "api_token" not in safe
    assert safe["user_name"] == "ada"
    with pytest.raises(EvaluationError, match="sensitive"):
        s.evaluate_safe("password[1:]")  # derived values of a secret are refused too


def test_custom_sensitive_patterns(target: Target) -> None:
    s = target.open()
    s.set_sensitive_patterns(["user", "data"])
    s.set_breakpoint(target.module, line=line("login"))
    target.start(s)
    variables = s.get_local_variables()
    assert str(variables["user_name"]) == "[REDACTED]"
    assert str(variables["data"]) == "[REDACTED]"
    assert "user_name" not in s.get_safe_variables()


def test_security_policy_refuses_file_access(target: Target) -> None:
    policy = SecurityPolicy(allow_file_access=False, max_execution_time=5)
    s = target.open(security_policy=policy)
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    with pytest.raises(SecurityViolation) as info:
        s.evaluate("open('/etc/hostname').read()")
    assert info.value.category == "file"
    assert s.evaluate("n * 3") == 6
    assert s.session_info()["security_policy"]["allow_file_access"] is False


def test_evaluation_time_limit(target: Target) -> None:
    s = target.open(security_policy=SecurityPolicy(max_execution_time=0.5))
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    with pytest.raises(EvaluationTimeout):
        s.evaluate("while True: pass")
    assert s.evaluate("n") == 2  # the program is still there and stopped


def test_batch_breakpoint_management(target: Target) -> None:
    s = target.open()
    bps = s.set_breakpoints(
        [
            f"{target.module}.calculate_total",
            {"target": f"{target.module}.deep_function"},
            {"target": TARGET, "line": line("login"), "condition": "user_name == 'ada'"},
        ]
    )
    assert [b.kind for b in bps] == ["function", "function", "line"]
    s.disable_breakpoint(f"{target.module}.calculate_total")
    stop = target.start(s)
    assert stop.function_name == "deep_function"
    s.enable_breakpoint(f"{target.module}.calculate_total")
    s.remove_breakpoint(f"{target.module}.deep_function")
    assert [b.target for b in s.get_breakpoints()] == [
        f"{target.module}.calculate_total",
        f"{TARGET}:{line('login')}",
    ]
    stop = s.run_until_breakpoint(timeout=TIMEOUT)
    assert stop.function_name == "login"
    s.clear_all_breakpoints()
    assert s.get_breakpoints() == []
    assert s.finish(timeout=TIMEOUT) == 0


def test_misuse_gets_clear_errors(target: Target) -> None:
    s = target.open()
    with pytest.raises(NotStoppedError, match="not started"):
        s.get_local_variables()
    with pytest.raises(NotStoppedError, match="not started"):
        s.step_over()
    with pytest.raises(BreakpointTargetError) as info:
        s.set_breakpoint(f"{target.module}.calculate_totl")
    assert info.value.suggestions == [f"{target.module}.calculate_total"]
    with pytest.raises(
        BreakpointTargetError, match=re.escape("no module or function named 'nosuch_module.f'")
    ):
        s.set_breakpoint("nosuch_module.f")
    with pytest.raises(BreakpointTargetError, match="outside calculate_total"):
        s.set_breakpoint(f"{target.module}.calculate_total", line=line("deep"))
    with pytest.raises(BreakpointTargetError, match="past the end"):
        s.set_breakpoint(f"{TARGET}:9999")
    with pytest.raises(BreakpointTargetError, match="no file"):
        s.set_breakpoint("tests/api/target_cod.py:3")
    with pytest.raises(BreakpointTargetError, match="no breakpoint"):
        s.disable_breakpoint("never.set")
    target.begin(s)
    with pytest.raises(ProgramExited):
        s.run_until_breakpoint(timeout=TIMEOUT)
    with pytest.raises(NotStoppedError, match="finished"):
        s.get_local_variables()


def test_timeout_then_pause(target: Target) -> None:
    s = target.open("--wait")
    target.begin(s)
    with pytest.raises(DebuggerTimeout, match=re.escape("did not stop within 0.3 s")):
        s.run_until_breakpoint(timeout=0.3)
    with pytest.raises(NotStoppedError, match="running"):
        s.get_local_variables()
    stop = s.pause(timeout=TIMEOUT)
    assert stop.reason == "pause" and stop.function_name == "wait_a_while"
    assert isinstance(s.get_variable("ticks"), int)


def test_session_info(target: Target) -> None:
    s = target.open()
    s.add_watch("n")
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    info = s.log_session_info()
    assert info["state"] == "stopped"
    assert info["location"] == f"{TARGET}:{line('deep')} in deep_function"
    assert info["watches"] == ["n"]
    assert info["breakpoints"] == [f"{target.module}.deep_function [verified]"]


def test_finish_returns_the_outcome(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(f"{target.module}.deep_function")
    target.start(s)
    assert s.finish(timeout=TIMEOUT) == 0
    assert s.state == "finished"


def test_set_variable_after_reading_locals(target: Target) -> None:
    s = target.open()
    s.set_breakpoint(target.module, line=line("total-result"))
    target.start(s)
    assert s.get_local_variables()["total"] == 7
    s.set_variable("total", 1000)
    assert s.get_variable("total") == 1000
    assert s.get_local_variables()["total"] == 1000
    s.step_over(timeout=TIMEOUT)
    assert s.get_variable("result") == 1500.0
