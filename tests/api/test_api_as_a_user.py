"""The Python API used the way a test author or a tool writer would: the README's examples run
literally, every method of the user's sketch, the errors a user meets, the `with` block's
clean-up, values, run control, and several sessions and threads at once.

Tests marked `xfail(strict=True, reason="BUG: ...")` assert the correct behaviour of something
that is broken today.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import dap_server
from dap_server.api import (
    BreakpointTargetError,
    DebuggerError,
    DebuggerTimeout,
    EvaluationError,
    EvaluationTimeout,
    ExceptionCaught,
    NotStoppedError,
    ProgramExited,
    RequestFailed,
    SecurityPolicy,
    SecurityViolation,
    Session,
    StackFrame,
    Stop,
    TypedValue,
    Value,
)
from dap_server.state.policy import SecurityViolation as PolicySecurityViolation
from tests.support.programs import line_of, program

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = str(ROOT / "examples" / "inventory.py")
APP = program("api_user_app.py")
VALUES = program("api_user_values.py")
FOREVER = program("api_user_forever.py")
TWO_STOPS = program("api_user_two_stops.py")
ATTACH = program("api_user_attach.py")
T = 20.0  # the longest any wait here may take; every wait below is bounded


def at(path: str, marker: str) -> int:
    return line_of(path, marker)


# --- process helpers (no psutil: /proc) ---------------------------------------------------------


def alive(pid: int) -> bool:
    """True while `pid` is a live process (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def adapter_children() -> set[int]:
    """Live child processes of this process that run the adapter (`python -m dap_server`)."""
    me = str(os.getpid())
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me and b"dap_server" in cmdline:
            if alive(int(entry.name)):
                found.add(int(entry.name))
    return found


@pytest.fixture
def app() -> Iterator[Session]:
    with dap_server.session(program=APP) as s:
        yield s


# === 1. the README's examples, literally ==========================================================


def _readme_api_example() -> str:
    section = (ROOT / "README.md").read_text().split("## The Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    return code[1]


def test_readme_example_runs_literally_and_prints_what_its_comments_say(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(_readme_api_example(), "README.md", "exec"), {"__name__": "readme"})
    lines = out.getvalue().splitlines()
    assert len(lines) == 3, lines
    # {'self': Value(...), 'sku': 'C-3', 'amount': 4}
    assert re.fullmatch(
        r"\{'self': Value\(value=\"Inventory\(items=\{.*\}\)\", type='Inventory', "
        r"reference=\d+, expression='self'\), 'sku': 'C-3', 'amount': 4\}",
        lines[0],
    ), lines[0]
    assert lines[1:] == ["0", "4"]


def test_readme_example_comments_hold_step_by_step(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with dap_server.session(program="examples/inventory.py") as s:
        s.set_breakpoint("inventory.Inventory.restock")
        stop = s.run_until_breakpoint(timeout=T)
        assert (stop.reason, stop.function_name, stop.filename, stop.line) == (
            "function breakpoint",
            "Inventory.restock",
            INVENTORY,
            at(INVENTORY, "restock") - 1,
        )
        variables = s.get_local_variables()
        assert list(variables) == ["self", "sku", "amount"]
        assert isinstance(variables["self"], Value) and variables["self"].type == "Inventory"
        step = s.step_over(timeout=T)  # item = self.items[sku] has run
        assert step is not None and step.line == at(INVENTORY, "restock")
        assert s.evaluate("item.quantity") == 0
        step = s.step_over(timeout=T)  # item.quantity += amount has run
        assert step is not None and step.line == at(INVENTORY, "restock") + 1
        assert s.evaluate("item.quantity") == 4
        s.continue_execution()
        assert s.finish(timeout=T) == 0
        assert "stock value: 179.5\n" in s.output


def test_docs_in_process_example_returns_mains_value() -> None:
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import inventory  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(ROOT / "examples"))
    with dap_server.session() as s:
        s.set_breakpoint("inventory.Inventory.restock")
        run = s.run(inventory.main)  # returns at once; main() runs in a worker thread
        stop = s.run_until_breakpoint(timeout=T)
        assert stop.function_name == "Inventory.restock"
        assert not run.done()
        assert s.set_variable("amount", 40) == 40
        assert s.finish(timeout=T) == 611.5  # 480 + 99 + 32.5
        assert run.done() and run.result(timeout=1) == 611.5


def test_readme_security_violation_message_is_as_printed() -> None:
    # README: "SecurityViolation: file access refused by the security policy: open('/etc/passwd', 'r')"
    policy = SecurityPolicy(allow_file_access=False, max_execution_time=5)
    with dap_server.session(program=APP, security_policy=policy) as s:
        s.set_breakpoint("api_user_app.greet")
        s.run_until_breakpoint(timeout=T)
        with pytest.raises(SecurityViolation) as info:
            s.evaluate("open('/etc/passwd').read()")
        assert str(info.value) == (
            "SecurityViolation: file access refused by the security policy: open('/etc/passwd', 'r')"
        )
        assert (info.value.category, info.value.operation) == ("file", "open('/etc/passwd', 'r')")
        assert isinstance(info.value, DebuggerError)
        assert isinstance(info.value, PolicySecurityViolation)
        assert s.evaluate("2 + 2") == 4  # the session goes on


# === 2. the user's sketch: every method name ========================================================

SKETCH_SESSION_METHODS = [
    "set_breakpoint",
    "run_until_breakpoint",
    "get_local_variables",
    "get_stack_trace",
    "get_safe_variables",
    "evaluate_safe",
    "step_over",
    "step_into",
    "step_out",
    "continue_execution",
    "get_variable",
    "get_variable_with_type",
    "set_variable",
    "evaluate",
    "get_call_stack",
    "switch_to_frame",
    "add_watch",
    "get_watch_values",
    "set_exception_breakpoint",
    "run_until_exception",
    "get_current_file",
    "get_current_line",
    "log_session_info",
    "set_sensitive_patterns",
    "set_breakpoints",
    "disable_breakpoint",
    "enable_breakpoint",
    "remove_breakpoint",
    "clear_all_breakpoints",
    "get_current_frame",
    "get_global_variables",
]


@pytest.mark.parametrize(
    "name",
    [
        *SKETCH_SESSION_METHODS,
        "inspect_variables",
        "evaluate_expression",
    ],
)
def test_sketch_method_exists(name: str) -> None:
    assert callable(getattr(Session, name, None)), f"Session.{name} is missing"


@pytest.mark.parametrize(
    "name", ["session", "attach", "SecurityPolicy", "SecurityViolation", "ExceptionCaught"]
)
def test_sketch_module_names_exist(name: str) -> None:
    assert getattr(dap_server, name) is not None


def test_sketch_calls_bind_to_the_real_signatures() -> None:
    """Each call as the sketch writes it binds to the method's signature."""
    calls: list[tuple[str, tuple[object, ...], dict[str, object]]] = [
        ("set_breakpoint", ("my_module.Class.method",), {"line": 25}),
        ("set_breakpoint", ("my_module.process_item",), {"condition": "item.id > 1000"}),
        ("set_breakpoint", ("main.py:42",), {"condition": None}),
        ("evaluate", ("complex_calculation()",), {"timeout": 10}),
        ("evaluate", ("value * multiplier",), {"context": {"multiplier": 2}}),
        ("evaluate_safe", ("len(data)",), {"timeout": 5}),
        ("set_variable", ("total", 0), {}),
        ("set_exception_breakpoint", ("Exception",), {"on_raise": True}),
        ("switch_to_frame", (1,), {}),
        ("set_breakpoints", (["module1.function1"],), {}),
        ("set_sensitive_patterns", (["password", "token"],), {}),
    ]
    for name, args, kwargs in calls:
        inspect.signature(getattr(Session, name)).bind(None, *args, **kwargs)
    inspect.signature(Session).bind(security_policy=None)
    policy = SecurityPolicy(
        allow_file_access=False,
        allow_network_access=False,
        allow_system_calls=False,
        max_execution_time=30,
        memory_limit=100 * 1024 * 1024,
        log_all_operations=True,
    )
    assert policy.memory_limit == 100 * 1024 * 1024


def test_sketch_inspect_variables_returns_the_locals(app: Session) -> None:
    app.set_breakpoint("api_user_app.shout")
    app.run_until_breakpoint(timeout=T)
    assert app.inspect_variables() == {"word": "ada"}  # type: ignore[attr-defined]


def test_sketch_evaluate_expression_evaluates(app: Session) -> None:
    app.set_breakpoint("api_user_app.shout")
    app.run_until_breakpoint(timeout=T)
    assert app.evaluate_expression("word + '!'") == "ada!"  # type: ignore[attr-defined]


def test_sketch_attach_then_connect_from_another_process() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, ATTACH], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert proc.stdout is not None
        banner = proc.stdout.readline().split()
        assert banner[:1] == ["listening"], banner
        host, port, token = banner[1], int(banner[2]), banner[3]
        assert host == "127.0.0.1" and len(token) >= 20
        with dap_server.session(connect=(host, port), token=token) as s:
            s.set_breakpoint(f"{ATTACH}:{at(ATTACH, 'compute')}")
            stop = s.run_until_breakpoint(timeout=T)
            assert (stop.function_name, stop.line) == ("compute", at(ATTACH, "compute"))
            assert s.get_local_variables() == {"x": 21}
            s.step_over(timeout=T)
            assert s.get_variable("doubled") == 42
        # An attached program runs on after the session: it ends by itself.
        assert proc.wait(timeout=T) == 0
        assert proc.stdout.read() == "result 42\n"
    finally:
        proc.kill()
        proc.wait()


# === 3. errors a user meets ==========================================================================


def test_launching_a_missing_file_fails_at_once() -> None:
    before = adapter_children()
    started = time.monotonic()
    with pytest.raises(DebuggerError) as info:
        dap_server.session(program="tests/programs/api_user_no_such_file.py")
    assert str(info.value) == (
        f"session(): program {str(Path('tests/programs/api_user_no_such_file.py').resolve())!r} "
        "does not exist"
    )
    assert time.monotonic() - started < 5
    assert adapter_children() <= before


def test_a_program_with_a_syntax_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text('"""A broken program."""\n\ndef broken(:\n    return 1\n')
    with pytest.raises(RequestFailed) as info:
        with dap_server.session(program=broken) as s:
            s.run_until_breakpoint(timeout=T)
    assert str(info.value) == f"launch: cannot run {broken}: SyntaxError: invalid syntax (line 3)"
    with dap_server.session(program=broken) as s:
        with pytest.raises(BreakpointTargetError) as bp_info:
            s.set_breakpoint(f"{broken}:4")
        assert str(bp_info.value) == (f"cannot parse {broken}: invalid syntax (broken.py, line 3)")


def test_breakpoint_on_a_blank_line_moves_to_the_next_statement(app: Session) -> None:
    blank = at(APP, "loop-for") - 1
    assert Path(APP).read_text().splitlines()[blank - 1] == ""
    bp = app.set_breakpoint(APP, line=blank)
    assert (bp.verified, bp.line) == (False, blank)  # not sent before the program starts
    stop = app.run_until_breakpoint(timeout=T)
    assert (stop.function_name, stop.line) == ("loop_total", at(APP, "loop-for"))
    assert (bp.verified, bp.line) == (True, at(APP, "loop-for"))
    assert app.get_local_variables() == {"limit": 5, "total": 0}


def test_breakpoint_line_must_be_positive(app: Session) -> None:
    with pytest.raises(BreakpointTargetError, match="line must be a positive integer, not -1"):
        app.set_breakpoint(APP, line=-1)
    with pytest.raises(BreakpointTargetError, match="line must be a positive integer, not 0"):
        app.set_breakpoint(APP, line=0)


def test_file_breakpoint_at_line_zero_is_refused(app: Session) -> None:
    with pytest.raises(BreakpointTargetError, match="line must be a positive integer, not 0"):
        app.set_breakpoint(f"{APP}:0")


def test_breakpoint_condition_that_does_not_compile_is_refused(app: Session) -> None:
    with pytest.raises(DebuggerError, match="invalid syntax"):
        app.set_breakpoint(APP, line=at(APP, "loop"), condition="i ==")


def test_waiting_for_a_stop_when_the_program_ends(app: Session) -> None:
    started = time.monotonic()
    with pytest.raises(ProgramExited) as info:
        app.run_until_breakpoint(timeout=T)
    assert time.monotonic() - started < 10
    assert str(info.value) == (
        "run_until_breakpoint: the program finished without stopping (exit code 0)"
    )
    assert info.value.exit_code == 0 and app.exit_code == 0 and app.state == "finished"
    assert app.output.endswith("threads [4, 9]\n")
    with pytest.raises(ProgramExited, match="the program has finished"):
        app.run_until_breakpoint(timeout=T)
    with pytest.raises(NotStoppedError) as stopped:
        app.get_local_variables()
    assert str(stopped.value) == "get_local_variables: the program has finished (exit code 0)"


def test_a_failing_program_reports_its_exit_code() -> None:
    with dap_server.session(program=APP, args=["--crash"], stop_on_uncaught=False) as s:
        with pytest.raises(ProgramExited) as info:
            s.run_until_breakpoint(timeout=T)
        assert info.value.exit_code == 1
        assert str(info.value).endswith("(exit code 1)")
        assert "ValueError: age must not be negative: -9" in s.output


RUNNING = "the program is running; wait for it to stop (run_until_breakpoint()) or pause() it first"


def test_a_program_that_never_stops_times_out_and_can_be_inspected_after_pause() -> None:
    with dap_server.session(program=FOREVER) as s:
        started = time.monotonic()
        with pytest.raises(DebuggerTimeout) as info:
            s.run_until_breakpoint(timeout=0.5)
        assert 0.5 <= time.monotonic() - started < 5
        assert isinstance(info.value, TimeoutError)
        assert str(info.value) == (
            "run_until_breakpoint: the program did not stop within 0.5 s; it is still running "
            "(pause() stops it where it is)"
        )
        assert s.state == "running"
        for what, call in [
            ("get_local_variables", s.get_local_variables),
            ("get_variable", lambda: s.get_variable("ticks")),
            ("evaluate", lambda: s.evaluate("ticks")),
            ("evaluate_safe", lambda: s.evaluate_safe("ticks")),
            ("step_over", s.step_over),
            ("step_into", s.step_into),
            ("step_out", s.step_out),
            ("continue_execution", s.continue_execution),
            ("current_stop", s.current_stop),
            ("get_current_line", s.get_current_line),
            ("get_watch_values", s.get_watch_values),
        ]:
            with pytest.raises(NotStoppedError) as not_stopped:
                call()
            assert str(not_stopped.value) == f"{what}: {RUNNING}"
        with pytest.raises(DebuggerTimeout, match=r"^run_until_exception: the program did not"):
            s.run_until_exception(timeout=0.3)
        with pytest.raises(DebuggerTimeout) as finish_info:
            s.finish(timeout=0.3)
        assert str(finish_info.value) == "finish: the program did not end within 0.3 s"
        stop = s.pause(timeout=T)
        assert (stop.reason, stop.function_name, stop.filename) == ("pause", "<module>", FOREVER)
        assert stop.line in range(at(FOREVER, "tick") - 2, at(FOREVER, "tick") + 3)
        ticks = s.get_variable("ticks")
        assert isinstance(ticks, int) and ticks >= 1
        assert s.evaluate("__import__('os').getpid()") == stop.thread_id  # the main thread


def test_call_stack_methods_name_themselves_when_not_stopped() -> None:
    with dap_server.session(program=FOREVER) as s:
        with pytest.raises(NotStoppedError, match=r"^get_call_stack: the program has not started"):
            s.get_call_stack()
        with pytest.raises(NotStoppedError, match=r"^get_stack_trace: the program has not started"):
            s.get_stack_trace()


def test_using_a_session_after_it_ended(app: Session) -> None:
    app.set_breakpoint("api_user_app.shout")
    app.run_until_breakpoint(timeout=T)
    app.close()
    app.close()  # idempotent
    assert app.state == "finished"
    for call in (
        app.get_local_variables,
        lambda: app.evaluate("1"),
        app.step_over,
        app.continue_execution,
        lambda: app.pause(timeout=1),
    ):
        with pytest.raises(NotStoppedError, match="the program has finished"):
            call()
    with pytest.raises(ProgramExited, match=r"^run_until_breakpoint: the program has finished"):
        app.run_until_breakpoint(timeout=1)
    with pytest.raises(DebuggerError):
        app.set_breakpoint(f"{APP}:{at(APP, 'loop')}")


def test_evaluation_errors_reach_the_user(app: Session) -> None:
    app.set_breakpoint("api_user_app.greet")
    app.run_until_breakpoint(timeout=T)
    cases = [
        ("1/0", "ZeroDivisionError", "division by zero"),
        ("nope + 1", "NameError", "name 'nope' is not defined"),
        ("raise ValueError('test')", "ValueError", "test"),
        ("{}['k']", "KeyError", "'k'"),
        ("customer.missing", "AttributeError", "'Customer' object has no attribute 'missing'"),
        ("1 +", "SyntaxError", "invalid syntax"),
    ]
    for expression, type_name, message in cases:
        with pytest.raises(EvaluationError) as info:
            app.evaluate(expression)
        e = info.value
        assert (e.exception_type, e.exception_value, e.expression) == (
            type_name,
            message,
            expression,
        )
        assert str(e) == f"evaluating {expression!r} failed: {type_name}: {message}"
    with pytest.raises(EvaluationError) as safe:
        app.evaluate_safe("1/0")
    assert (safe.value.exception_type, safe.value.exception_value) == (
        "ZeroDivisionError",
        "division by zero",
    )
    with pytest.raises(DebuggerError) as missing:
        app.get_variable("custmer")
    assert str(missing.value).startswith(
        "get_variable: no variable 'custmer' in greet(); did you mean 'customer'"
    )
    with pytest.raises(DebuggerError, match=r"^not an expression: '1 \+': invalid syntax$"):
        app.add_watch("1 +")
    assert app.evaluate("customer.age + 1") == 37  # still stopped, still usable


def test_evaluation_timeout_interrupts_and_the_session_goes_on(app: Session) -> None:
    app.set_breakpoint("api_user_app.greet")
    app.run_until_breakpoint(timeout=T)
    started = time.monotonic()
    with pytest.raises(EvaluationTimeout) as info:
        app.evaluate("while True: pass", timeout=0.5)
    assert time.monotonic() - started < 5
    assert isinstance(info.value, TimeoutError)
    assert str(info.value) == (
        "evaluating 'while True: pass' failed: TimeoutError: evaluation did not finish "
        "within 0.5s and was interrupted"
    )
    assert app.evaluate("customer.name") == "ada"


def test_evaluate_safe_timeout_is_an_evaluation_timeout(app: Session) -> None:
    app.set_breakpoint("api_user_app.greet")
    app.run_until_breakpoint(timeout=T)
    with pytest.raises(EvaluationTimeout):
        app.evaluate_safe("sum(i for i in range(10**10))", timeout=0.5)


def test_evaluate_safe_timeout_gives_up_in_time(app: Session) -> None:
    app.set_breakpoint("api_user_app.greet")
    app.run_until_breakpoint(timeout=T)
    started = time.monotonic()
    with pytest.raises(EvaluationError, match=r"time limit of 0\.5 s"):
        app.evaluate_safe("sum(i for i in range(10**10))", timeout=0.5)
    assert time.monotonic() - started < 5
    assert app.evaluate_safe("len(customer.name)") == 3


# === 4. the session as a context manager ===============================================================


def test_with_block_ends_the_program_when_the_body_raises_while_stopped() -> None:
    before = adapter_children()
    pid = 0
    with pytest.raises(KeyError, match="from the test body"):
        with dap_server.session(program=FOREVER) as s:
            s.set_breakpoint(FOREVER, line=at(FOREVER, "tick"))
            s.run_until_breakpoint(timeout=T)
            pid = s.evaluate("__import__('os').getpid()")  # type: ignore[assignment]
            assert isinstance(pid, int) and alive(pid)
            assert adapter_children() - before
            raise KeyError("from the test body")
    assert not alive(pid), f"debuggee {pid} left running"
    assert adapter_children() <= before, "adapter left running"


def test_with_block_ends_the_program_when_the_body_raises_while_it_runs() -> None:
    before = adapter_children()
    pid = 0
    with pytest.raises(RuntimeError, match="body"):
        with dap_server.session(program=FOREVER) as s:
            s.set_breakpoint(FOREVER, line=at(FOREVER, "tick"))
            s.run_until_breakpoint(timeout=T)
            pid = s.evaluate("__import__('os').getpid()")  # type: ignore[assignment]
            s.clear_all_breakpoints()
            s.continue_execution()
            assert s.state == "running"
            raise RuntimeError("body")
    assert not alive(pid)
    assert adapter_children() <= before


def test_in_process_with_block_lets_the_function_finish_when_the_body_raises() -> None:
    sys.path.insert(0, str(Path(APP).parent))
    try:
        import api_user_app  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(Path(APP).parent))
    with pytest.raises(KeyError):
        with dap_server.session() as s:
            s.set_breakpoint("api_user_app.shout")
            run = s.run(api_user_app.greet, api_user_app.make_customer())
            s.run_until_breakpoint(timeout=T)
            raise KeyError("body")
    assert run.wait(T) and run.result(timeout=1) == "hello ADA!"
    with dap_server.session() as again:  # the engine was released
        assert again.state == "idle"


# === 5. values ===========================================================================================


def test_plain_values_come_back_as_python_values(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "values"))
    app.run_until_breakpoint(timeout=T)
    variables = app.get_local_variables()
    assert list(variables) == [
        "count",
        "ratio",
        "title",
        "numbers",
        "mapping",
        "nothing",
        "flag",
        "pair",
        "customer",
        "db_password",
        "api_token",
    ]
    plain = {k: variables[k] for k in list(variables)[:8]}
    assert plain == {
        "count": 7,
        "ratio": 2.5,
        "title": "inventory",
        "numbers": [1, 2, 3],
        "mapping": {"a": 1, "b": [2, 3]},
        "nothing": None,
        "flag": True,
        "pair": (1, "x"),
    }
    assert type(variables["flag"]) is bool and type(variables["pair"]) is tuple
    typed = app.get_variable_with_type("numbers")
    assert isinstance(typed, TypedValue)
    assert (typed.value, typed.type, typed.text, typed.redacted) == (
        [1, 2, 3],
        "list",
        "[1, 2, 3]",
        False,
    )
    assert app.get_variable_with_type("count").to_dict() == {
        "value": 7,
        "type": "int",
        "text": "7",
    }
    assert app.evaluate("numbers + [4]") == [1, 2, 3, 4]
    assert app.evaluate("b'ab'") == b"ab" and app.evaluate("{1, 2}") == {1, 2}
    assert app.evaluate("10**30") == 10**30 and app.evaluate("'é😀\\n'") == "é😀\n"


def test_objects_are_snapshots_that_expand(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "values"))
    app.run_until_breakpoint(timeout=T)
    customer = app.get_variable("customer")
    assert isinstance(customer, Value)
    text = "Customer(name='ada', age=36, address=Address(city='London', zip_code='N1'), tags=['vip', 'early'])"
    assert (str(customer), customer.value, customer.type, customer.redacted) == (
        text,
        text,
        "Customer",
        False,
    )
    assert customer.expression == "customer" and customer.reference > 0
    assert repr(customer).startswith(f"Value(value={text!r}, type='Customer'")
    # Reading the same object twice gives equal snapshots (usable in assertions).
    assert app.get_variable("customer") == customer
    children = app.get_children(customer)
    assert list(children) == ["name", "age", "address", "tags"]
    assert (children["name"], children["age"], children["tags"]) == ("ada", 36, ["vip", "early"])
    address = children["address"]
    assert isinstance(address, Value) and address.type == "Address"
    assert app.get_children(address) == {"city": "London", "zip_code": "N1"}
    assert app.get_variable("customer.address.city") == "London"
    assert app.get_variable("customer.tags[1]") == "early"
    assert app.get_variable("mapping['b'][0]") == 2
    long_text = app.evaluate("'x' * 5000")
    assert isinstance(long_text, Value) and long_text.type == "str"  # cut short: not a guess
    assert long_text.value.endswith("... (5,000 chars)")
    app.step_over(timeout=T)
    with pytest.raises(RequestFailed) as stale:  # a snapshot of a past stop cannot be expanded
        app.get_children(customer)
    assert str(stale.value) == (
        f"variables: variablesReference {customer.reference} is no longer valid: "
        "the program has resumed since it was issued"
    )


def test_secrets_are_redacted_snapshots(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "values"))
    app.run_until_breakpoint(timeout=T)
    variables = app.get_local_variables()
    for name in ("db_password", "api_token"):
        value = variables[name]
        assert value == Value("[REDACTED]", "str", 0, name)
        assert isinstance(value, Value) and value.redacted and str(value) == dap_server.REDACTED
    typed = app.get_variable_with_type("db_password")
    assert typed.redacted and typed.text == "[REDACTED]" and typed.type == "str"
    safe = app.get_safe_variables()
    assert "db_password" not in safe and "api_token" not in safe
    assert safe["count"] == 7 and len(safe) == 9
    with pytest.raises(EvaluationError, match="whose name is sensitive"):
        app.evaluate_safe("db_password[:4]")
    nested = app.evaluate("{'password': 'abc12345', 'user': 'x'}")
    assert nested == Value(
        "{'password': [REDACTED], 'user': 'x'}",
        "dict",
        nested.reference if isinstance(nested, Value) else -1,
        "{'password': 'abc12345', 'user': 'x'}",
    )


def test_nested_secret_in_a_dict_path() -> None:
    with dap_server.session(program=VALUES) as s:
        s.set_breakpoint(VALUES, line=at(VALUES, "inspect"))
        s.run_until_breakpoint(timeout=T)
        assert s.get_variable("settings['db']['host']") == "localhost"
        password = s.get_variable("settings['db']['password']")
        assert isinstance(password, Value) and password.redacted
        settings = s.get_variable("settings")
        assert isinstance(settings, Value)
        assert (
            settings.value
            == "{'db': {'host': 'localhost', 'password': [REDACTED]}, 'debug': False}"
        )
        assert str(s.get_variable("secret_key")) == "[REDACTED]"
        assert s.get_variable("tree.child.name") == "leaf"
        assert s.get_variable("matrix[1][0]") == 3
        assert s.get_variable("matrix[-1]") == [3, 4]
        assert s.get_variable("lookalike[1]") == "int one"
        assert s.evaluate("lookalike['1']") == "str one"


def test_get_variable_tells_string_keys_from_int_keys() -> None:
    with dap_server.session(program=VALUES) as s:
        s.set_breakpoint(VALUES, line=at(VALUES, "inspect"))
        s.run_until_breakpoint(timeout=T)
        assert s.get_variable("lookalike[1]") == "int one"
        assert s.get_variable("lookalike['1']") == "str one"
        assert s.get_variable("flags['True']") == "str key"


# === 6. stepping and run control ==========================================================================


def test_step_into_over_and_out_with_exact_stops(app: Session) -> None:
    bp = app.set_breakpoint("api_user_app.greet")
    stop = app.run_until_breakpoint(timeout=T)
    assert isinstance(stop, Stop)
    assert (stop.reason, stop.function_name, stop.filename, stop.line) == (
        "function breakpoint",
        "greet",
        APP,
        at(APP, "greet-first"),
    )
    assert stop.hit_breakpoint_ids == (bp.id,)
    assert stop.thread_id == app.evaluate("__import__('os').getpid()")  # the main thread
    assert str(stop) == f"function breakpoint in greet() at {APP}:{at(APP, 'greet-first')}"
    over = app.step_over(timeout=T)
    assert over is not None
    assert (over.reason, over.function_name, over.line) == ("step", "greet", at(APP, "greet-call"))
    into = app.step_into(timeout=T)
    assert into is not None
    assert (into.function_name, into.line) == ("shout", at(APP, "shout"))
    assert app.get_local_variables() == {"word": "ada"}
    stack = app.get_call_stack()
    assert all(isinstance(f, StackFrame) for f in stack)
    assert [(f.function_name, f.line) for f in stack] == [
        ("shout", at(APP, "shout")),
        ("greet", at(APP, "greet-call")),
        ("main", at(APP, "main-greet")),
        ("<module>", at(APP, "main-call")),
    ]
    assert app.switch_to_frame(1).function_name == "greet"
    assert app.get_variable("prefix") == "hello"
    assert app.get_current_line() == at(APP, "greet-call")
    app.switch_to_frame(0)
    out = app.step_out(timeout=T)
    assert out is not None
    assert (out.function_name, out.line) == ("greet", at(APP, "greet-after"))
    assert app.get_variable("text") == "ADA!"
    assert app.get_current_file() == APP


def test_step_out_stops_in_the_caller_on_the_last_line() -> None:
    with dap_server.session(program=VALUES) as s:
        s.set_breakpoint(VALUES, line=at(VALUES, "inspect"))
        s.run_until_breakpoint(timeout=T)
        out = s.step_out(timeout=T)
        assert out is not None, "the program ran to its end"
        assert (out.function_name, out.line) == ("<module>", at(VALUES, "last-call"))


def test_conditional_and_hit_count_breakpoints(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "loop"), condition="i == 3")
    app.run_until_breakpoint(timeout=T)
    assert app.get_local_variables() == {"limit": 5, "total": 3, "i": 3}
    with pytest.raises(ProgramExited):  # i == 3 happens once
        app.run_until_breakpoint(timeout=T)
    with dap_server.session(program=APP, args=["--crash"]) as s:
        s.set_breakpoint("api_user_app.validate", condition="age < -5")
        stop = s.run_until_breakpoint(timeout=T)
        assert stop.function_name == "validate" and s.get_local_variables() == {"age": -9}
    with dap_server.session(program=APP) as s:
        s.set_breakpoint(APP, line=at(APP, "loop"), hit_condition=">= 4")
        s.run_until_breakpoint(timeout=T)
        assert s.get_variable("i") == 3  # the 4th hit
        s.run_until_breakpoint(timeout=T)
        assert s.get_variable("i") == 4


def test_logpoint_logs_redacted_and_does_not_stop() -> None:
    seen: list[tuple[str, str]] = []
    with dap_server.session(program=APP, on_output=lambda c, t: seen.append((c, t))) as s:
        s.set_breakpoint(
            APP, line=at(APP, "values"), log_message="count={count} title={title} pw={db_password}"
        )
        with pytest.raises(ProgramExited):
            s.run_until_breakpoint(timeout=T)
    assert ("console", "count=7 title=inventory pw=[REDACTED]\n") in seen
    assert "count=7" not in s.output  # output is the program's own stdout/stderr


def test_logpoint_on_a_function_target_does_not_stop() -> None:
    # docs/api.md: s.set_breakpoint("app.handler", log_message="got {request.path}")  # a logpoint
    seen: list[tuple[str, str]] = []
    with dap_server.session(program=APP, on_output=lambda c, t: seen.append((c, t))) as s:
        s.set_breakpoint("api_user_app.shout", log_message="shouting {word}")
        with pytest.raises(ProgramExited):
            s.run_until_breakpoint(timeout=T)
    assert ("console", "shouting ada\n") in seen


def test_exception_breakpoints(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "loop"))  # passed over by run_until_exception
    app.set_exception_breakpoint("ValueError", on_raise=True)
    with pytest.raises(ExceptionCaught) as info:
        app.run_until_exception(timeout=T)
    e = info.value
    assert (e.exception_type, e.exception_value, e.filename, e.line, e.uncaught) == (
        "ValueError",
        "age must not be negative: -3",
        APP,
        at(APP, "raise"),
        False,
    )
    assert e.thread_id == app.current_stop().thread_id
    assert str(e) == (
        f"stopped at exception ValueError: age must not be negative: -3 at {APP}:{at(APP, 'raise')}"
    )
    stop = app.current_stop()
    assert (stop.reason, stop.function_name) == ("exception", "validate")
    assert app.get_local_variables() == {"age": -3}
    app.continue_execution()
    assert app.finish(timeout=T) == 0
    assert "rejected age must not be negative: -3\n" in app.output


def test_uncaught_exception_stops_with_its_traceback() -> None:
    with dap_server.session(program=APP, args=["--crash"]) as s:
        s.set_breakpoint("api_user_app.shout")
        with pytest.raises(ExceptionCaught) as info:
            s.run_until_exception(timeout=T)
        e = info.value
        assert (e.exception_type, e.exception_value, e.line, e.uncaught) == (
            "ValueError",
            "age must not be negative: -9",
            at(APP, "raise"),
            True,
        )
        trace = e.stack_trace.splitlines()
        where = trace.index(f'  File "{APP}", line {at(APP, "raise")}, in validate')
        assert (
            trace[where + 1] == '    raise ValueError(f"age must not be negative: {age}")  # @raise'
        )
        caller = trace.index(f'  File "{APP}", line {at(APP, "crash")}, in main')
        assert caller < where and trace[caller + 1] == "    validate(-9)  # @crash"
        assert s.get_local_variables() == {"age": -9}
        assert s.finish(timeout=T) == 1


def test_stop_on_entry() -> None:
    with dap_server.session(program=VALUES, stop_on_entry=True) as s:
        stop = s.run_until_breakpoint(timeout=T)
        assert (stop.reason, stop.function_name, stop.line, stop.filename) == (
            "entry",
            "<module>",
            1,
            VALUES,
        )
        assert s.finish(timeout=T) == 0
        assert s.output == "total 4\n"


# === 7. two sessions, threads ===============================================================================


def test_two_programs_debugged_at_once() -> None:
    with dap_server.session(program=APP) as a, dap_server.session(program=VALUES) as b:
        a.set_breakpoint("api_user_app.shout")
        b.set_breakpoint(VALUES, line=at(VALUES, "inspect"))
        stop_a = a.run_until_breakpoint(timeout=T)
        stop_b = b.run_until_breakpoint(timeout=T)
        assert (stop_a.function_name, stop_a.filename) == ("shout", APP)
        assert (stop_b.function_name, stop_b.filename) == ("inspect", VALUES)
        assert stop_a.thread_id != stop_b.thread_id  # two processes
        assert a.get_local_variables() == {"word": "ada"}
        assert b.get_variable("matrix") == [[1, 2], [3, 4]]
        step_a = a.step_over(timeout=T)
        assert step_a is not None and step_a.line == at(APP, "shout") + 1
        assert b.current_stop().line == at(VALUES, "inspect")  # b did not move
        assert a.get_variable("loud") == "ADA"
        with pytest.raises(DebuggerError):
            b.get_variable("loud")
        assert b.finish(timeout=T) == 0
        assert a.state == "stopped"
        assert a.finish(timeout=T) == 0
        assert b.output == "total 4\n"
        assert a.output.startswith("hello ADA!\n") and "total 4" not in a.output


def test_an_in_process_and_a_launched_session_at_once() -> None:
    sys.path.insert(0, str(Path(APP).parent))
    try:
        import api_user_app
    finally:
        sys.path.remove(str(Path(APP).parent))
    with dap_server.session() as here, dap_server.session(program=VALUES) as there:
        here.set_breakpoint("api_user_app.shout")
        there.set_breakpoint(VALUES, line=at(VALUES, "inspect"))
        run = here.run(api_user_app.shout, "hey")
        assert here.run_until_breakpoint(timeout=T).function_name == "shout"
        assert there.run_until_breakpoint(timeout=T).function_name == "inspect"
        assert here.get_local_variables() == {"word": "hey"}
        assert there.get_variable("tree.name") == "root"
        assert here.finish(timeout=T) == "HEY!"
        assert there.finish(timeout=T) == 0
        assert run.done()


def test_worker_threads_stop_with_their_own_thread_ids(app: Session) -> None:
    app.set_breakpoint(APP, line=at(APP, "worker"))
    seen = []
    main_thread = None
    for _ in range(2):
        stop = app.run_until_breakpoint(timeout=T)
        assert (stop.function_name, stop.line) == ("worker", at(APP, "worker"))
        n = app.get_variable("n")
        native = app.get_variable("native_id")
        assert stop.thread_id == native
        main_thread = app.evaluate("__import__('os').getpid()")
        seen.append((n, stop.thread_id))
    assert [n for n, _ in seen] == [2, 3]
    assert len({t for _, t in seen} | {main_thread}) == 3
    assert app.finish(timeout=T) == 0
    assert "threads [4, 9]\n" in app.output


def test_in_process_threads_started_by_the_function_stop_too() -> None:
    sys.path.insert(0, str(Path(APP).parent))
    try:
        import api_user_app
    finally:
        sys.path.remove(str(Path(APP).parent))
    with dap_server.session() as s:
        s.set_breakpoint("api_user_app.worker")
        s.run(api_user_app.run_threads)
        stop = s.run_until_breakpoint(timeout=T)
        assert stop.function_name == "worker" and s.get_variable("n") == 2
        assert s.finish(timeout=T) == [4, 9]


def test_a_second_stopped_thread_does_not_hijack_the_current_stop() -> None:
    with dap_server.session(program=TWO_STOPS) as s:
        s.set_breakpoint("api_user_two_stops.first")
        s.set_breakpoint("api_user_two_stops.second")
        stop = s.run_until_breakpoint(timeout=T)
        assert (stop.function_name, s.get_local_variables()) == ("first", {"tag": "w"})
        # Lets the main thread run on into its own breakpoint, and returns once it is held there.
        assert s.evaluate("main_is_held()") is True
        # The user is still at the stop they were given: the worker in first().
        assert s.current_stop().function_name == "first"
        assert s.get_local_variables() == {"tag": "w"}
        step = s.step_over(timeout=T)
        assert step is not None and (step.function_name, step.line) == (
            "first",
            at(TWO_STOPS, "first") + 1,
        )
        # The main thread's stop is reported next.
        assert s.run_until_breakpoint(timeout=T).function_name == "second"
        assert s.finish(timeout=T) == 0
