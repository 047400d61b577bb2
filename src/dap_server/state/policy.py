"""SecurityPolicy: what code evaluated by the debugger may do, enforced by an audit hook.

Runs inside the debuggee: standard library only.

How it works. One audit hook (PEP 578) is added to the process the first time a policy is
enforced (`install_audit_hook`). Audit hooks cannot be removed, so the hook is built to be
dormant: while no guard is active anywhere it returns after reading one module global; while a
guard is active somewhere it also reads one ContextVar, and only the thread that entered
`guard(policy)` sees a policy there. Context variables are per thread, so the program's own
threads are never affected, even while the debugger evaluates something on another thread.

Inside the guard, the hook raises `SecurityViolation` for the events the policy refuses; an
exception raised by an audit hook aborts the operation before it happens (the file is not
opened, the socket not created, the process not started).

Event names were checked on CPython 3.12.1 and 3.13.0. The one difference that matters here:
starting a thread raises `_thread.start_new_thread` on 3.12 and `_thread.start_joinable_thread`
on 3.13 (both are refused, since a thread started under the guard would run outside it).

Limits, stated plainly:
* `max_execution_time` is not enforced by this module: the caller runs the evaluation with that
  deadline (the engine's run-on-thread deadline, or the safe evaluator's child timeout).
* `memory_limit` is enforced only where the evaluation runs in a forked child
  (`safe_eval`, RLIMIT_AS). In-process evaluation cannot cap one thread's allocations without
  slowing every thread (tracemalloc is process-wide), so it is not attempted there.
* An audit hook is a tripwire, not a sandbox: code running in the process can reach C-level
  functions that raise no event (writing to an already-open file or socket object, for one), or
  disable the guard through the interpreter's internals. `safe_eval` runs side-effect-free
  evaluation in a forked child so that such code only damages a disposable copy.
"""

from __future__ import annotations

import ast
import contextvars
import reprlib
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from typing import Any, Final

from dap_server.state.redaction import Redactor

__all__ = [
    "MUTATING_REQUESTS",
    "STRICT_POLICY",
    "SecurityPolicy",
    "SecurityViolation",
    "active_policy",
    "check_request_allowed",
    "classify_event",
    "guard",
    "install_audit_hook",
    "unguarded",
]


class SecurityViolation(Exception):
    """An operation refused by the security policy. `category` is "file", "network", "system"
    or "mutation"; `operation` is what was refused, as the user would have written it."""

    def __init__(self, category: str, operation: str, message: str | None = None) -> None:
        self.category = category
        self.operation = operation
        if message is None:
            message = f"{_CATEGORY_LABELS.get(category, category)} refused by the security policy: {operation}"
        super().__init__(message)

    def __str__(self) -> str:
        # "SecurityViolation: ..." is what the client shows, so the class name is part of it.
        return f"SecurityViolation: {self.args[0]}"


_CATEGORY_LABELS: Final = {
    "file": "file access",
    "network": "network access",
    "system": "process/system access",
}


@dataclass(frozen=True)
class SecurityPolicy:
    """What evaluated code may do. Defaults allow everything (a plain debugger)."""

    allow_file_access: bool = True
    allow_network_access: bool = True
    allow_system_calls: bool = True
    max_execution_time: float | None = None
    memory_limit: int | None = None
    log_all_operations: bool = False
    observe: bool = False

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("max_execution_time", "memory_limit"):
                ok = value is None or (
                    isinstance(value, int | float) and not isinstance(value, bool) and value > 0
                )
                if f.name == "memory_limit":
                    ok = ok and (value is None or isinstance(value, int))
                if not ok:
                    raise ValueError(
                        f"security policy: {f.name} must be a positive "
                        f"{'integer (bytes)' if f.name == 'memory_limit' else 'number (seconds)'}"
                        f" or null, not {value!r}"
                    )
            elif not isinstance(value, bool):
                raise ValueError(f"security policy: {f.name} must be true or false, not {value!r}")

    @property
    def restricts_anything(self) -> bool:
        """True if the audit hook has something to refuse under this policy."""
        return not (
            self.allow_file_access and self.allow_network_access and self.allow_system_calls
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SecurityPolicy:
        """Build from a launch/attach option. Accepts snake_case and camelCase keys
        (`allow_file_access` or `allowFileAccess`); unknown keys are an error, so a typo cannot
        silently leave a permission on."""
        known = {f.name: f.name for f in fields(cls)}
        known.update({_camel(name): name for name in list(known)})
        kwargs: dict[str, Any] = {}
        unknown = []
        for key, value in data.items():
            name = known.get(key)
            if name is None:
                unknown.append(key)
            else:
                kwargs[name] = value
        if unknown:
            raise ValueError(
                f"security policy: unknown option(s) {', '.join(sorted(map(repr, unknown)))}; "
                f"known: {', '.join(_camel(f.name) for f in fields(cls))}"
            )
        return cls(**kwargs)

    def to_dict(self, *, camel_case: bool = False) -> dict[str, Any]:
        data = asdict(self)
        return {_camel(k): v for k, v in data.items()} if camel_case else data


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


# What side-effect-free evaluation always runs under, whatever the session's policy.
STRICT_POLICY: Final = SecurityPolicy(
    allow_file_access=False, allow_network_access=False, allow_system_calls=False
)

# -- mutating requests (observe mode) ---------------------------------------------------------

MUTATING_REQUESTS: Final = frozenset(
    {"setVariable", "setExpression", "goto", "restartFrame", "restart", "setDataBreakpoints"}
)


def check_request_allowed(
    policy: SecurityPolicy, command: str, arguments: Mapping[str, Any] | None = None
) -> None:
    """Raise SecurityViolation if `command` may change the program and the policy observes only.

    In observe mode, `evaluate` is allowed (the caller must evaluate it side-effect-free), except
    REPL input that is a statement rather than an expression.
    """
    if not policy.observe:
        return
    if command in MUTATING_REQUESTS:
        raise SecurityViolation(
            "mutation",
            command,
            f"'{command}' refused: the session is in observe mode, which never changes the program",
        )
    if command == "evaluate" and arguments is not None and arguments.get("context") == "repl":
        expression = arguments.get("expression", "")
        if isinstance(expression, str) and not _is_expression(expression):
            raise SecurityViolation(
                "mutation",
                "evaluate",
                "statements are refused: the session is in observe mode, which never changes "
                "the program (expressions are evaluated without side effects)",
            )


# Builtins a guarded breakpoint expression may call: they compute from their arguments and
# change nothing (no iteration: `list(it)` would consume the program's iterator).
_PURE_BUILTINS: Final = frozenset(
    {
        "len",
        "isinstance",
        "issubclass",
        "type",
        "abs",
        "bool",
        "int",
        "float",
        "str",
        "repr",
        "round",
        "hasattr",
        "getattr",
        "callable",
        "id",
        "hash",
    }
)
_NOT_A_READ = (
    ast.NamedExpr,
    ast.Lambda,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
)


def breakpoint_expression_problem(policy: SecurityPolicy, expression: str) -> str | None:
    """Why a breakpoint condition, a logpoint's `{expression}` or an exception filter's
    condition may not be set under `policy`, or None.

    The engine evaluates these in the program at full speed, on its monitoring callbacks,
    outside any guard. So under observe mode (nothing may change the program) or a policy that
    restricts anything (files, network, processes), they may only read: names, attributes,
    items, operators, comparisons and a few builtins that change nothing (`len`,
    `isinstance`...). The program's own methods a read may run (properties, `__eq__`) are the
    program's, as in the Variables view.
    """
    if not (policy.observe or policy.restricts_anything):
        return None
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return None  # the engine refuses it, with the reason
    why = "the session is in observe mode" if policy.observe else "the security policy restricts it"
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in _PURE_BUILTINS
        ):
            return (
                f"{expression!r} calls {ast.unparse(node.func)!r}, and {why}: breakpoint "
                "expressions may only read (names, attributes, items, operators and "
                f"{', '.join(sorted(_PURE_BUILTINS))})"
            )
        if isinstance(node, _NOT_A_READ):
            return (
                f"{expression!r} is not a plain read ({type(node).__name__}), and {why}: "
                "breakpoint expressions may only read"
            )
    return None


def _is_expression(source: str) -> bool:
    try:
        compile(source, "<observe-check>", "eval", dont_inherit=True)
    except SyntaxError:
        return False
    return True


# -- event classification ----------------------------------------------------------------------

# Exact event names and name prefixes per category (CPython's audit events table, checked by
# running each operation on 3.12 and 3.13 with a recording hook).
_FILE_EVENTS: Final = frozenset(
    {
        "open",  # builtins.open, io.open, os.open, io.open_code (import reads .py/.pyc too)
        "os.listdir",
        "os.scandir",
        "os.fwalk",
        "os.walk",
        "os.chdir",
        "os.chflags",
        "os.chmod",
        "os.chown",
        "os.link",
        "os.mkdir",
        "os.remove",
        "os.rename",
        "os.rmdir",
        "os.symlink",
        "os.truncate",
        "os.utime",
        "os.listxattr",
        "os.getxattr",
        "os.setxattr",
        "os.removexattr",
        "os.startfile",
        "mmap.__new__",
        "sqlite3.connect",
        "sqlite3.connect/handle",
        "tempfile.mkstemp",
        "tempfile.mkdtemp",
        "fcntl.fcntl",
        "fcntl.ioctl",
        "fcntl.flock",
        "fcntl.lockf",
        "pathlib.Path.glob",
        "pathlib.Path.rglob",
    }
)
_FILE_PREFIXES: Final = ("shutil.", "glob.")
_NETWORK_PREFIXES: Final = (
    "socket.",
    "http.client.",
    "ftplib.",
    "smtplib.",
    "poplib.",
    "imaplib.",
    "nntplib.",
    "telnetlib.",
    "urllib.",
    "webbrowser.",
    "ssl.",
)
_SYSTEM_EVENTS: Final = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.spawn",
        "os.posix_spawn",
        "os.fork",
        "os.forkpty",
        "os.kill",
        "os.killpg",
        "os.putenv",
        "os.unsetenv",
        "os.add_dll_directory",
        "os.unshare",
        "os.setns",
        "pty.spawn",
        "signal.pthread_kill",
        "resource.setrlimit",
        "resource.prlimit",
        # A thread started under the guard would run outside it (3.12 / 3.13 names).
        "_thread.start_new_thread",
        "_thread.start_joinable_thread",
        # Tracing and monitoring changes would alter how the program runs afterwards.
        "sys.settrace",
        "sys.setprofile",
        "sys.monitoring.register_callback",
        "sys.remote_exec",
    }
)
_SYSTEM_PREFIXES: Final = ("ctypes.", "_winapi.", "winreg.", "msvcrt.", "_posixsubprocess.")


def classify_event(event: str) -> str | None:
    """ "file", "network", "system" or None for an audit event name."""
    if event in _FILE_EVENTS or event.startswith(_FILE_PREFIXES):
        return "file"
    if event.startswith(_NETWORK_PREFIXES):
        return "network"
    if event in _SYSTEM_EVENTS or event.startswith(_SYSTEM_PREFIXES):
        return "system"
    return None


_repr = reprlib.Repr()
_repr.maxstring = 120
_repr.maxother = 60
_repr.maxlist = 8
_redactor_for_messages = Redactor()


def describe_operation(event: str, args: tuple[object, ...]) -> str:
    """The refused operation as the user would have written it, secrets hidden."""
    if event == "open" and args:
        path, mode = args[0], args[1] if len(args) > 1 else None
        flags = args[2] if len(args) > 2 else None
        shown = (
            f"open({_repr.repr(path)}, {_repr.repr(mode)})"
            if mode is not None
            else (f"os.open({_repr.repr(path)}, flags={flags})")
        )
    elif event == "subprocess.Popen" and len(args) >= 2:
        # (executable, args, cwd, env): never show env, it is where secrets live.
        shown = f"subprocess.Popen({_repr.repr(args[1])})"
    elif event == "socket.__new__":
        shown = "socket.socket()"
    elif event.startswith("socket.") and len(args) >= 2 and not isinstance(args[0], str | bytes):
        # (socket, address...): the socket object's repr says nothing useful.
        shown = f"{event}({', '.join(_repr.repr(a) for a in args[1:])})"
    elif event == "os.system" and args:
        command = args[0]
        if isinstance(command, bytes):
            command = command.decode("utf-8", "replace")
        shown = f"os.system({_repr.repr(command)})"
    elif event.startswith("_thread.start"):
        shown = "starting a thread"
    else:
        shown = f"{event}({', '.join(_repr.repr(a) for a in args)})"
    return _redactor_for_messages.redact_text(shown)


# -- the hook ----------------------------------------------------------------------------------

_current: contextvars.ContextVar[SecurityPolicy | None] = contextvars.ContextVar(
    "dap_server_security_policy", default=None
)
# Number of guards active in the whole process. The hook's fast path is this one global read.
_active_guards = 0
# Set only in a forked evaluation child: the policy then applies to the whole (one-thread)
# process, whatever the context.
_process_policy: SecurityPolicy | None = None
_install_lock = threading.Lock()
_installed = False


def _audit_hook(event: str, args: tuple[object, ...]) -> None:
    if _active_guards == 0 and _process_policy is None:
        return
    policy = _process_policy or _current.get()
    if policy is None:
        return
    category = classify_event(event)
    if category is None:
        return
    if category == "file":
        allowed = policy.allow_file_access
    elif category == "network":
        allowed = policy.allow_network_access
    else:
        allowed = policy.allow_system_calls
    if not allowed:
        raise SecurityViolation(category, describe_operation(event, args))


def install_audit_hook() -> None:
    """Add the (dormant) hook to the process, once. Safe to call from any thread."""
    global _installed
    if _installed:
        return
    with _install_lock:
        if not _installed:
            sys.addaudithook(_audit_hook)
            _installed = True


def active_policy() -> SecurityPolicy | None:
    """The policy enforced on the calling thread right now, if any."""
    return _process_policy or _current.get()


@contextmanager
def guard(policy: SecurityPolicy) -> Iterator[SecurityPolicy]:
    """Enforce `policy` on the calling thread for the duration of the block.

    Nested guards apply the innermost policy. Code started on other threads from inside the
    block is not covered, which is why starting a thread is refused when anything is.
    """
    global _active_guards
    install_audit_hook()
    token = _current.set(policy)
    # The counter is read without the lock by the hook; a stale read only costs one ContextVar
    # lookup, never a wrong decision (the ContextVar is the truth).
    with _install_lock:
        _active_guards += 1
    try:
        yield policy
    finally:
        with _install_lock:
            _active_guards -= 1
        _current.reset(token)


@contextmanager
def unguarded() -> Iterator[None]:
    """The debugger's own operations inside a guard (forking the side-effect-free evaluation
    child, killing it at its deadline) are not code it evaluates: the calling thread's guard is
    lifted for the block. Never wrap user code in this."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def enforce_process_wide(policy: SecurityPolicy) -> None:
    """Apply `policy` to every thread of this process from now on. For the forked evaluation
    child only, which has a single thread and exits when done; there is no way back."""
    global _process_policy
    install_audit_hook()
    _process_policy = policy
