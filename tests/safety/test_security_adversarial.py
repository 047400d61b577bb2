"""Adversarial checks of the README's "Security model", in process (fast).

Each test is an attacker's or a careless user's expression against the real `Evaluator` with
the real `SideEffectFreeEvaluator` and `Redactor`, as the debuggee session wires them: the
promises are that hover/watch never change the program and never show a secret in scope,
whether it is named or reached reflectively (README: "an expression that names a sensitive
value ... or reaches the namespace reflectively (`locals()`, `vars()`, `__dict__`, computed
`getattr`) is refused").
"""

from __future__ import annotations

import base64
import builtins
import collections
import dataclasses
import gc
import inspect
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from dap_server.state import Presenter, UserCall
from dap_server.state.evaluation import EvaluationError, Evaluator
from dap_server.state.redaction import REDACTED, Redactor
from dap_server.state.safe_eval import SideEffectFreeEvaluator, fork_available
from dap_server.state.variables import VariableStore

pytestmark = pytest.mark.skipif(not fork_available(), reason="the safe contexts fork here")

SECRET = "Local-Pw-4417xyz"
HOLDER_SECRET = "Holder-Pw-8812abc"
TUPLE_SECRET = "Tuple-Pw-5521def"
DICT_SECRET = "Dict-Pw-3391ghi"
DC_SECRET = "Dataclass-Pw-7782"
ALL_SECRETS = (SECRET, HOLDER_SECRET, TUPLE_SECRET, DICT_SECRET, DC_SECRET)

# Live-process side effects the evaluator itself triggers land here.
LIVE_CALLS: list[str] = []


class Tag:
    """A dict key that compares equal to its name (a common pattern: str-like enum keys)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        LIVE_CALLS.append("Tag.__eq__")
        return getattr(other, "name", other) == self.name

    def __repr__(self) -> str:
        return f"Tag({self.name!r})"


class Holder:
    pass


Creds = collections.namedtuple("Creds", "user password")


@dataclasses.dataclass
class DbConfig:
    host: str
    password: str


class LeakyError(Exception):
    def __init__(self, secret: str) -> None:
        super().__init__("bad credentials")
        self.secret = secret

    def __repr__(self) -> str:
        return f"LeakyError({self.secret!r})"

    def __str__(self) -> str:
        return f"login failed with {self.secret}"


def program_frame() -> tuple[types.FrameType, dict[str, Any]]:
    """Run with a program's own globals (see `Stopped`): a stopped frame holding secrets."""
    password = "Local-Pw-4417xyz"
    holder = Holder()
    holder.password = "Holder-Pw-8812abc"  # type: ignore[attr-defined]
    creds = Creds("bob", "Tuple-Pw-5521def")
    config = {"db": {"password": "Dict-Pw-3391ghi", "user": "orders"}}
    db = DbConfig("db.local", "Dataclass-Pw-7782")
    tags = {Tag("red"): 1, Tag("blue"): 2}
    items = [3, 1, 2]
    frame = sys._getframe()
    assert password and holder and creds and config and db and tags and items
    return frame, dict(frame.f_locals)


class Stopped:
    """A suspended frame with secrets in scope, and an evaluator wired like the session's."""

    def __init__(self) -> None:
        self.redactor = Redactor()
        presenter = Presenter(UserCall(lambda fn, timeout: fn()), self.redactor)
        self.store = VariableStore(presenter)
        self.evaluator = Evaluator(
            self.store, safe_evaluator=SideEffectFreeEvaluator(self.redactor), timeout=10.0
        )
        # The frame runs in a module namespace of its own, like a program's: the test module's
        # globals reach pytest's session, whose strings would count as secrets in scope.
        program_globals: dict[str, Any] = {
            "__builtins__": builtins,
            "__name__": "program",
            **{m.__name__: m for m in (base64, builtins, dataclasses, gc, inspect, os, sys)},
            **{c.__name__: c for c in (Creds, DbConfig, Holder, LeakyError, Tag)},
            "LIVE_CALLS": LIVE_CALLS,
        }
        self.frame, self.ns = types.FunctionType(program_frame.__code__, program_globals)()

    def run(self, expression: str, context: str = "hover") -> str:
        """The text the user sees: the result, or "ERR " and the error message."""
        try:
            body = self.evaluator.evaluate(expression, self.frame, dict(self.ns), context)
        except EvaluationError as exc:
            return f"ERR {exc}"
        return str(body["result"])


@pytest.fixture
def stopped() -> Stopped:
    LIVE_CALLS.clear()
    return Stopped()


def leaked(text: str) -> list[str]:
    """Secrets (as is, reversed, upper-cased, base64) visible in `text`."""
    found = []
    for secret in ALL_SECRETS:
        forms = (
            secret,
            secret[::-1],
            secret.upper(),
            base64.b64encode(secret.encode()).decode(),
            " ".join(secret),
        )
        if any(form in text for form in forms):
            found.append(secret)
    return found


# --- derived secrets: refused or hidden ---------------------------------------------------------------

DERIVED = [
    "password",
    "password[::-1]",
    "password.upper()",
    "' '.join(password)",
    "base64.b64encode(password.encode())",
    "[c for c in password]",
    "{k: v for k, v in config['db'].items()}",
    "str(config)",
    "f'{password}'",
    "f'{password!r:>40}'",
    "repr(holder)",
    "getattr(holder, 'pass' + 'word')",
    "getattr(holder, 'password')",
    "vars(holder)",
    "holder.__dict__",
    "locals()",
    "globals()",
    "sys._getframe().f_locals",
    "sys._getframe(0).f_back.f_locals",
    "int(password)",
    "config[password]",
    "creds.password",
    "creds._asdict()",
    "str(creds)",
    "db",
    "repr(db)",
    "dataclasses.asdict(db)",
    "db.password[::-1]",
    "config['db']['password'][::-1]",
    "config['db'].get('password')",
    "repr(LeakyError(password))",
    "LeakyError(password)",
    "int(holder.password)",
    "gc.get_referents(holder)",
    "inspect.currentframe().f_locals",
    "[f.frame.f_locals for f in inspect.stack()]",
    "eval('pass' + 'word')",
]


@pytest.mark.parametrize("context", ["hover", "watch"])
@pytest.mark.parametrize("expression", DERIVED)
def test_derived_secret_never_shown_in_safe_contexts(
    stopped: Stopped, expression: str, context: str
) -> None:
    shown = stopped.run(expression, context)
    assert not leaked(shown), (expression, shown)


@pytest.mark.parametrize(
    "expression",
    ["password", "str(password)", "int(password)", "config[password]", "holder.password",
     "str(config)", "repr(holder.__dict__)", "getattr(holder, 'pass' + 'word')", "vars(holder)",
     "LeakyError(password)", "str(LeakyError(password))", "dataclasses.asdict(db)"],
)  # fmt: skip
def test_clipboard_and_variables_contexts_hide_untransformed_secrets(
    stopped: Stopped, expression: str
) -> None:
    for context in ("clipboard", "variables"):
        shown = stopped.run(expression, context)
        assert not [s for s in ALL_SECRETS if s in shown], (expression, context, shown)


def test_named_secret_is_refused_with_the_documented_message(stopped: Stopped) -> None:
    assert stopped.run("password[::-1]") == (
        "ERR refused: the expression uses 'password', whose name is sensitive"
    )
    assert stopped.run("vars(holder)") == "ERR refused: 'vars' could reveal redacted values"
    assert stopped.run("getattr(holder, 'pass' + 'word')") == (
        "ERR refused: 'getattr' with a computed attribute name could reveal redacted values"
    )
    assert stopped.run("config['db']['password']") == (
        "ERR refused: the expression reads the key 'password', whose name is sensitive"
    )


def test_error_message_quoting_the_secret_is_hidden_in_clipboard(stopped: Stopped) -> None:
    shown = stopped.run("int(password)", "clipboard")
    assert shown == f"ERR {REDACTED}", shown


# The README promises that computed getattr is refused; spelling `getattr` differently is the
# same computed getattr, and the result can be transformed so that the value scrub misses it.
def test_computed_getattr_through_builtins_module_is_refused(stopped: Stopped) -> None:
    shown = stopped.run("builtins.getattr(holder, 'pass' + 'word')[::-1]")
    assert not leaked(shown), shown


def test_computed_getattr_through_an_alias_is_refused(stopped: Stopped) -> None:
    shown = stopped.run("(g := getattr)(holder, 'pass' + 'word')[::-1]")
    assert not leaked(shown), shown


def test_namespace_through_inspect_getargvalues_is_refused(stopped: Stopped) -> None:
    shown = stopped.run(
        "[v[::-1] for v in inspect.getargvalues(inspect.currentframe()).locals.values()"
        " if type(v) is str]"
    )
    assert not leaked(shown), shown


def test_namespace_through_inspect_getargvalues_untransformed_is_hidden(stopped: Stopped) -> None:
    shown = stopped.run("inspect.getargvalues(inspect.currentframe()).locals")
    assert not [s for s in ALL_SECRETS if s in shown], shown


# --- side effects: the program's state never changes ----------------------------------------------------


def test_hover_dict_lookup_runs_no_user_eq_in_the_program(stopped: Stopped) -> None:
    assert stopped.run("tags['red']") == "1"
    assert LIVE_CALLS == []


def test_hover_membership_in_dict_with_user_keys_runs_no_user_eq(stopped: Stopped) -> None:
    # `in` goes through the fork (the restricted evaluator refuses non-plain dicts).
    assert stopped.run("'red' in tags") == "True"
    assert LIVE_CALLS == []


@pytest.mark.parametrize(
    "expression",
    [
        "items.sort()",
        "sorted(items, key=lambda x: items.append(x) or x)",
        "items.sort(key=lambda x: -x)",
        "object.__setattr__(holder, 'flag', 1)",
        "setattr(holder, 'flag', 1)",
        "[setattr(Holder, 'flag', 1)]",
        "(items := [])",
        "config.clear()",
        "config['db'].update(user='x')",
        "[items.pop() for _ in range(2)]",
        "tags.popitem()",
        "exec('items.append(9)')",
        "__import__('builtins').exec('items.append(9)')",
    ],
)
def test_hover_leaves_the_program_unchanged(stopped: Stopped, expression: str) -> None:
    items = stopped.ns["items"]
    holder = stopped.ns["holder"]
    config = stopped.ns["config"]
    stopped.run(expression)
    assert items == [3, 1, 2]
    assert not hasattr(holder, "flag") and not hasattr(Holder, "flag")
    assert config == {"db": {"password": DICT_SECRET, "user": "orders"}}
    assert len(stopped.ns["tags"]) == 2


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('true')",
         "SecurityViolation: process/system access refused by the security policy: "
         "os.system('true')"),
        ("open('/etc/passwd').read()",
         "SecurityViolation: file access refused by the security policy: "
         "open('/etc/passwd', 'r')"),
        ("__import__('os').kill(__import__('os').getppid(), 0)",
         "SecurityViolation: process/system access refused by the security policy: os.kill("),
        ("__import__('subprocess').run(['true'])",
         "SecurityViolation: process/system access refused by the security policy: "),
        ("__import__('socket').socket()",
         "SecurityViolation: network access refused by the security policy: socket.socket()"),
        ("__import__('os').remove('/tmp/sec-adversarial-nonexistent')",
         "SecurityViolation: file access refused by the security policy: os.remove("),
    ],
)  # fmt: skip
def test_hover_refuses_files_processes_and_sockets(
    stopped: Stopped, expression: str, message: str
) -> None:
    assert stopped.run(expression).startswith(f"ERR {message}")


def test_hover_cannot_write_a_file(stopped: Stopped, tmp_path: Path) -> None:
    target = tmp_path / "written"
    shown = stopped.run(f"__import__('pathlib').Path({str(target)!r}).write_text('x')")
    assert shown.startswith("ERR SecurityViolation: file access refused"), shown
    assert not target.exists()


def test_breakpoint_call_in_hover_neither_hangs_nor_stops(stopped: Stopped) -> None:
    shown = stopped.run("breakpoint()")
    assert shown.startswith("ERR "), shown  # pdb cannot even be imported under the policy


def test_hover_cannot_signal_the_program(stopped: Stopped) -> None:
    import signal

    received: list[int] = []
    previous = signal.signal(signal.SIGUSR1, lambda signum, _frame: received.append(signum))
    try:
        stopped.run(
            "__import__('signal').pidfd_send_signal("
            "__import__('os').pidfd_open(__import__('os').getppid()), "
            "__import__('signal').SIGUSR1)"
        )
        # The handler runs at the next bytecode boundary of the main thread (this one).
        for _ in range(1000):
            pass
        assert received == []
    finally:
        signal.signal(signal.SIGUSR1, previous)
