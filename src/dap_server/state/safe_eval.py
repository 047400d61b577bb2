"""Side-effect-free evaluation for hover, watch and `evaluate_safe`.

Runs inside the debuggee: standard library only, and everything the forked child needs is
imported here at module load, never in the child (see "fork safety" below).

Two ways, chosen by `method`:

**fork** (POSIX, the default where `os.fork` exists). The calling thread forks; the child gets a
copy-on-write snapshot of the program's memory, so whatever the expression does (`items.append`,
`obj.counter += 1`, `next(gen)`, a property with side effects, a global assignment) happens to
the copy. The child then: points fds 0-2 at /dev/null and closes every other fd except the result
pipe (so it cannot read the program's stdin, write to its files or talk on its sockets: a database
connection copied into the child is a closed fd there); unregisters sys.monitoring callbacks and
trace functions (a breakpoint hit in the child must not wait for a debugger that is not there);
sets RLIMIT_AS (memory cap on top of what the snapshot already maps) and RLIMIT_CPU; enforces the
strict policy (no file, network or process access) process-wide; evaluates; renders the result
to plain data (repr, type name, a bounded preview of children); redacts it; writes it as JSON to
the pipe; and leaves with `os._exit`, so no atexit handler, finalizer or buffered-file flush of
the program runs there. The parent waits on the pipe with the deadline, kills the child on
timeout and always reaps it.

**restricted** (fallback where fork is unavailable or fails). A small evaluator walks the AST and
allows only operations known to be free of side effects: names, attribute reads that find plain
data (never properties, `__getattr__` or unknown descriptors), subscripts of builtin containers,
arithmetic and comparisons on plain builtin data (with size bounds), comprehensions over builtin
containers, and calls to a short list of pure builtins and builtin-type methods whose receiver and
arguments are plain builtin data. Anything else is refused with a reason, e.g.
"refused: the expression could have side effects (call to 'append')".

Fork safety and honest limits of the fork way:
* fork copies only the calling thread. A lock another thread held at that moment stays held
  forever in the child (the import lock, a logging handler's lock if the program does not use
  the standard at-fork handlers, a stdout buffer lock, locks inside C libraries). The child
  therefore imports nothing, logs nothing and writes nothing but its pipe; an expression that
  needs such a lock (`print` while another thread was printing) blocks, and the deadline,
  always enforced, turns that into "evaluation exceeded its time limit".
* CPython 3.12+ warns "This process is multi-threaded, use of fork() may lead to deadlocks in the
  child" on every fork from a threaded process. The warning is about exactly the hazard above,
  which this module handles; shown to the user it would be noise in their program's stderr on
  every hover. It is ignored through a filter scoped to this module only (warnings raised by
  os.fork are attributed to the calling module), added without ever removing anyone else's
  filters.
* `os.register_at_fork(before=..., after_in_parent=...)` callbacks registered by the program run
  in the program on every fork; the standard library's own (threading, logging, random) are
  harmless. A SIGCHLD handler installed by the program sees the child exit.
* Memory shared with other processes (MAP_SHARED mmaps, multiprocessing shared memory) is
  shared with the child too: writes there are visible to the program.
* The child's address space cap is RLIMIT_AS relative to the snapshot's size; memory the
  expression allocates beyond `memory_limit` fails with MemoryError (reported as such), or
  kills the child if a C extension aborts on allocation failure.
"""

from __future__ import annotations

import ast
import gc
import io
import json
import math
import os
import resource
import select
import signal
import sys
import threading
import time
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, NoReturn

from dap_server.state.frame_scope import (
    call_in_scope,
    compile_in_scope,
    has_nested_scopes,
    parameter_names,
)
from dap_server.state.policy import (
    STRICT_POLICY,
    SecurityPolicy,
    SecurityViolation,
    enforce_process_wide,
    install_audit_hook,
    unguarded,
)
from dap_server.state.presentation import instance_dict
from dap_server.state.redaction import (
    REDACTED,
    Redactor,
    SensitiveValues,
    collect_sensitive_values,
)

__all__ = [
    "Method",
    "SafeChild",
    "SafeResult",
    "SideEffectFreeEvaluator",
    "evaluate_side_effect_free",
    "fork_available",
]

Method = Literal["auto", "fork", "restricted"]
ErrorKind = Literal[
    "exception", "syntax", "refused", "side_effects", "timeout", "memory", "crashed"
]

MAX_REPR: Final = 4096
MAX_CHILD_REPR: Final = 256
MAX_CHILDREN: Final = 100
_MAX_PAYLOAD: Final = 4 * 1024 * 1024
_MiB: Final = 1024 * 1024


@dataclass(frozen=True)
class SafeChild:
    """One entry of a result's shallow preview (a list item, a dict entry, an attribute)."""

    name: str
    value: str
    type_name: str
    expandable: bool = False


@dataclass(frozen=True)
class SafeResult:
    """A rendered, redacted result: plain data only, no live object."""

    ok: bool
    value: str = ""
    type_name: str = ""
    children: tuple[SafeChild, ...] = ()
    children_truncated: bool = False
    error: str | None = None
    error_kind: ErrorKind | None = None
    method: str = "fork"
    output: str = ""  # what the expression printed (redacted), never shown in the program

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def failure(cls, kind: ErrorKind, message: str, method: str) -> SafeResult:
        return cls(ok=False, error=message, error_kind=kind, method=method)


# -- entry point -------------------------------------------------------------------------------


def fork_available() -> bool:
    return hasattr(os, "fork") and sys.platform != "emscripten" and sys.platform != "wasi"


def evaluate_side_effect_free(
    code_or_expr: str,
    globals_: dict[str, Any],
    locals_: Mapping[str, Any],
    *,
    timeout: float,
    memory_limit: int | None = None,
    policy: SecurityPolicy | None = None,
    redactor: Redactor,
    method: Method = "auto",
) -> SafeResult:
    """Evaluate `code_or_expr` so that the program's state cannot change.

    `code_or_expr` is an expression, or statements whose last one may be an expression (its value
    is the result). `timeout` (seconds) and `memory_limit` (bytes) are tightened by the policy's
    `max_execution_time` / `memory_limit` when those are smaller. File, network and process
    access are always refused here, whatever `policy` allows: reading a FIFO or a socket is a
    side effect too.
    """
    if policy is not None:
        if policy.max_execution_time is not None:
            timeout = min(timeout, policy.max_execution_time)
        if policy.memory_limit is not None:
            memory_limit = (
                policy.memory_limit
                if memory_limit is None
                else min(memory_limit, policy.memory_limit)
            )
    chosen = method
    if chosen == "auto":
        chosen = "fork" if fork_available() else "restricted"

    reason = redactor.taint_check(code_or_expr, (*locals_.keys(), *globals_.keys()))
    if reason is not None:
        return SafeResult.failure("refused", reason, chosen)
    try:
        compiled = _compile(code_or_expr)
    except SyntaxError as exc:
        return SafeResult.failure("syntax", f"SyntaxError: {exc.msg}", chosen)

    if chosen == "fork":
        result = _evaluate_in_child(
            compiled,
            globals_,
            locals_,
            timeout=timeout,
            memory_limit=memory_limit,
            redactor=redactor,
        )
        if result is not None:
            return result
        # fork itself failed (EAGAIN, ENOMEM): fall through to the restricted evaluator.
    return _evaluate_restricted(code_or_expr, globals_, locals_, redactor=redactor)


@dataclass(frozen=True)
class _Compiled:
    body: types.CodeType | None  # statements before the final expression
    expr: types.CodeType | None  # the final expression, whose value is the result
    source: str = ""


def _compile(source: str) -> _Compiled:
    tree = ast.parse(source, "<evaluate>", mode="exec")
    body: types.CodeType | None = None
    expr: types.CodeType | None = None
    statements = tree.body
    if statements and isinstance(statements[-1], ast.Expr):
        last = statements[-1]
        expr = compile(ast.Expression(last.value), "<evaluate>", "eval", dont_inherit=True)
        statements = statements[:-1]
    if statements:
        body = compile(
            ast.Module(statements, type_ignores=[]), "<evaluate>", "exec", dont_inherit=True
        )
    return _Compiled(body, expr, source)


# -- the fork way: parent side ----------------------------------------------------------------

_FORK_WARNING_MESSAGE: Final = (
    r"This process \(pid=\d+\) is multi-threaded, use of fork\(\) may lead to deadlocks"
)


def _ensure_fork_warning_filter() -> None:
    # Checked on every call because test runners and `warnings.catch_warnings` users restore the
    # filter list wholesale. Only ever inserts this one module-scoped filter.
    for f in warnings.filters:
        if (
            f[0] == "ignore"
            and f[2] is DeprecationWarning
            and getattr(f[1], "pattern", None) == _FORK_WARNING_MESSAGE
            and getattr(f[3], "pattern", None) == __name__
        ):
            return
    warnings.filterwarnings(
        "ignore", message=_FORK_WARNING_MESSAGE, category=DeprecationWarning, module=__name__
    )


# True on the thread forking a child for an evaluation, while it forks. The process's fork hooks
# run in the child before os.fork returns there; `forking_for_evaluation` tells them that this
# child is no program's: the debuggee's hook would otherwise make it a debug session of its own.
_evaluation_fork = threading.local()


def forking_for_evaluation() -> bool:
    """In a fork hook: whether this fork is the child of an evaluation."""
    return bool(getattr(_evaluation_fork, "active", False))


def _evaluate_in_child(
    compiled: _Compiled,
    globals_: dict[str, Any],
    locals_: Mapping[str, Any],
    *,
    timeout: float,
    memory_limit: int | None,
    redactor: Redactor,
) -> SafeResult | None:
    install_audit_hook()  # in the parent, once, so that no child pays for adding it
    _ensure_fork_warning_filter()
    read_fd, write_fd = os.pipe()
    # The session's policy guard covers whatever the debugger runs on this thread, and a policy
    # refusing process access would refuse this fork; but the fork is the debugger's own doing,
    # and the child runs under the strict policy process-wide. Inside the child the thread's
    # guard is lifted too, so that setting it up (/dev/null, /proc/self/statm) is not refused.
    with unguarded():
        _evaluation_fork.active = True
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return None
        finally:
            _evaluation_fork.active = False  # in the parent; the child never gets here
        if pid == 0:  # pragma: no cover - runs in the child, which never returns here
            try:
                os.close(read_fd)
                _child_main(write_fd, compiled, globals_, locals_, timeout, memory_limit, redactor)
            finally:
                os._exit(70)

    os.close(write_fd)
    deadline = time.monotonic() + timeout
    timed_out = False
    try:
        data, timed_out = _read_until(read_fd, deadline)
    finally:
        os.close(read_fd)
        status = _reap(pid, kill=timed_out)
    if timed_out:
        return SafeResult.failure(
            "timeout", f"evaluation exceeded its time limit of {float(timeout)} s", "fork"
        )
    if status is not None and os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU:
            return SafeResult.failure(
                "timeout", f"evaluation exceeded its time limit of {float(timeout)} s", "fork"
            )
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        return SafeResult.failure("crashed", f"evaluation crashed ({name})", "fork")
    try:
        payload = json.loads(data.decode("utf-8"))
    except ValueError:
        return SafeResult.failure("crashed", "evaluation ended without a result", "fork")
    return _result_from_payload(payload, memory_limit)


def _read_until(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Read `fd` to EOF or until the deadline; (data, timed_out)."""
    chunks: list[bytes] = []
    size = 0
    poller = select.poll()  # not select(): fds above FD_SETSIZE are common in big programs
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return b"".join(chunks), True
        if not poller.poll(max(1, math.ceil(remaining * 1000))):
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks), False
        size += len(chunk)
        if size > _MAX_PAYLOAD:
            return b"", False
        chunks.append(chunk)


def _reap(pid: int, *, kill: bool) -> int | None:
    if kill:
        try:
            with unguarded():  # our own child, past its deadline
                os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        # The program reaps children itself (SIGCHLD handler, or SIGCHLD ignored).
        return None
    return status


def _result_from_payload(payload: dict[str, Any], memory_limit: int | None) -> SafeResult:
    kind = payload.get("error_kind")
    if kind == "memory":
        limit = f" of {_format_bytes(memory_limit)}" if memory_limit else ""
        return SafeResult.failure("memory", f"evaluation exceeded its memory limit{limit}", "fork")
    children = tuple(SafeChild(**c) for c in payload.get("children", ()))
    return SafeResult(
        ok=bool(payload.get("ok")),
        value=payload.get("value", ""),
        type_name=payload.get("type_name", ""),
        children=children,
        children_truncated=bool(payload.get("children_truncated")),
        error=payload.get("error"),
        error_kind=kind,
        method="fork",
        output=payload.get("output", ""),
    )


def _format_bytes(n: int) -> str:
    if n % _MiB == 0:
        return f"{n // _MiB} MB"
    if n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


# -- the fork way: child side -----------------------------------------------------------------

# Computed at import: the child must not discover anything that could import or allocate much.
_MONITORING_EVENTS: Final = tuple(
    value
    for name, value in vars(sys.monitoring.events).items()
    if name.isupper() and isinstance(value, int) and value and value & (value - 1) == 0
)


def _child_main(  # pragma: no cover - runs in the forked child
    write_fd: int,
    compiled: _Compiled,
    globals_: dict[str, Any],
    locals_: Mapping[str, Any],
    timeout: float,
    memory_limit: int | None,
    redactor: Redactor,
) -> NoReturn:
    try:
        payload = _child_evaluate(
            write_fd, compiled, globals_, locals_, timeout, memory_limit, redactor
        )
        data = json.dumps(payload).encode("utf-8")
    except MemoryError:
        data = b'{"ok": false, "error_kind": "memory", "error": "memory"}'
    except BaseException as exc:  # anything at all: report it, never unwind into the program
        message = redactor.redact_text(f"evaluation failed: {type(exc).__name__}")
        data = json.dumps({"ok": False, "error_kind": "crashed", "error": message}).encode()
    view = memoryview(data)
    while view:
        written = os.write(write_fd, view)
        view = view[written:]
    os._exit(0)


def _child_evaluate(  # pragma: no cover - runs in the forked child
    write_fd: int,
    compiled: _Compiled,
    globals_: dict[str, Any],
    locals_: Mapping[str, Any],
    timeout: float,
    memory_limit: int | None,
    redactor: Redactor,
) -> dict[str, Any]:
    gc.disable()  # no cyclic finalizers of the program's objects in here
    address_space = _current_address_space()
    _isolate_fds(write_fd)
    for tool in range(6):
        # A breakpoint hit here must not wait for a debugger server that does not exist.
        for event in _MONITORING_EVENTS:
            try:
                sys.monitoring.register_callback(tool, event, None)
            except ValueError:
                pass
    sys.settrace(None)
    sys.setprofile(None)
    captured = io.StringIO()
    sys.stdout = sys.stderr = captured
    sys.stdin = io.StringIO("")
    _set_limits(timeout, memory_limit, address_space)
    enforce_process_wide(STRICT_POLICY)
    _disarm_unaudited()

    # Values of sensitive names, from the snapshot as it was before the expression ran.
    secrets = _secrets_in_scope(locals_, globals_, redactor)

    def clean(text: str) -> str:
        return secrets.scrub(redactor.redact_text(text)) if redactor.enabled else text

    namespace: Mapping[str, Any] = dict(locals_) if not isinstance(locals_, dict) else locals_
    try:
        if namespace is not globals_ and has_nested_scopes(compiled.body, compiled.expr):
            # A generator expression or lambda must see the frame's locals too (frame_scope).
            names = parameter_names(namespace)
            code = compile_in_scope(compiled.source, names, filename="<evaluate>")
            _result, out = call_in_scope(code, globals_, namespace, names)
            value = out.get("value")
        else:
            if compiled.body is not None:
                exec(compiled.body, globals_, namespace)
            value = eval(compiled.expr, globals_, namespace) if compiled.expr is not None else None
    except MemoryError:
        raise
    except SecurityViolation as exc:
        return {"ok": False, "error_kind": "refused", "error": clean(str(exc)), "output": ""}
    except BaseException as exc:  # the user's exception is the result
        return {
            "ok": False,
            "error_kind": "exception",
            "error": clean(_format_exception(exc)),
            "output": clean(captured.getvalue()[:MAX_REPR]),
        }
    rendered = _render(value, redactor, clean, live=True)
    rendered["ok"] = True
    rendered["output"] = clean(captured.getvalue()[:MAX_REPR])
    return rendered


# Calls that reach other processes (the debugged program first: the child knows its pid)
# without raising an audit event, so the policy's hook cannot refuse them.
_UNAUDITED: Final = (
    (os, "pidfd_open"),
    (signal, "pidfd_send_signal"),
    (os, "setpriority"),
    (os, "sched_setaffinity"),
    (os, "sched_setscheduler"),
    (os, "sched_setparam"),
)


def _disarm_unaudited() -> None:  # pragma: no cover - child
    for module, name in _UNAUDITED:
        if hasattr(module, name):

            def refused(*_args: object, _name: str = f"{module.__name__}.{name}") -> NoReturn:
                raise SecurityViolation("system", _name)

            setattr(module, name, refused)


def _current_address_space() -> int | None:  # pragma: no cover - child
    # /proc/self/statm, first field: total program size in pages. os-level calls only.
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        return None
    try:
        pages = int(os.read(fd, 200).split()[0])
    finally:
        os.close(fd)
    return pages * os.sysconf("SC_PAGE_SIZE")


def _isolate_fds(keep: int) -> None:  # pragma: no cover - child
    null = os.open(os.devnull, os.O_RDWR)
    for target in (0, 1, 2):
        os.dup2(null, target)
    os.closerange(3, keep)
    os.closerange(keep + 1, max(keep + 2, os.sysconf("SC_OPEN_MAX")))


def _set_limits(
    timeout: float, memory_limit: int | None, address_space: int | None
) -> None:  # pragma: no cover
    cpu = math.ceil(timeout) + 1
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or cpu < hard:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    if memory_limit is not None and address_space is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = address_space + memory_limit
        if hard == resource.RLIM_INFINITY or cap < hard:
            resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _format_exception(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:MAX_REPR]


# -- rendering ---------------------------------------------------------------------------------


def _render(
    value: object, redactor: Redactor, clean: Callable[[str], str], *, live: bool
) -> dict[str, Any]:
    """Plain-data form of `value`. `live` allows running the value's own code (`__repr__`,
    properties): true in the forked child only."""
    repr_of = _live_repr if live else _static_repr
    children: list[dict[str, Any]] = []
    truncated = False
    for index, (name, child) in enumerate(_preview_children(value, live)):
        if index >= MAX_CHILDREN:
            truncated = True
            break
        if redactor.enabled and redactor.is_sensitive_name(name):
            shown = REDACTED
        else:
            shown = clean(repr_of(child, MAX_CHILD_REPR))
        children.append(
            {
                "name": name,
                "value": shown,
                "type_name": type(child).__name__,
                "expandable": shown != REDACTED and _is_expandable(child),
            }
        )
    return {
        "value": clean(repr_of(value, MAX_REPR)),
        "type_name": type(value).__name__,
        "children": children,
        "children_truncated": truncated,
    }


def _live_repr(value: object, limit: int) -> str:  # pragma: no cover - child
    try:
        text = repr(value)
    except Exception as exc:
        text = f"<repr failed: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_expandable(value: object) -> bool:
    kind = type(value)
    if kind in _SCALARS:
        return False
    if kind in (list, tuple, dict, set, frozenset):
        return bool(value)
    return instance_dict(value) is not None


def _preview_children(value: object, live: bool) -> Iterator[tuple[str, object]]:
    kind = type(value)
    if kind is dict:
        assert isinstance(value, dict)
        for key, item in value.items():
            yield (key if isinstance(key, str) else _static_repr(key, 80)), item
    elif kind in (list, tuple):
        assert isinstance(value, list | tuple)
        for index, item in enumerate(value):
            yield str(index), item
    elif kind in (set, frozenset):
        assert isinstance(value, set | frozenset)
        for index, item in enumerate(value):
            yield str(index), item
    elif kind not in _SCALARS and not isinstance(value, type | types.ModuleType):
        attrs = instance_dict(value)
        if attrs is not None:
            yield from list(attrs.items())


# -- the restricted way ------------------------------------------------------------------------

_SCALARS: Final[frozenset[type]] = frozenset(
    {int, float, complex, bool, str, bytes, type(None), type(Ellipsis), range}
)
_DICT_VIEWS: Final[frozenset[type]] = frozenset(
    {type({}.keys()), type({}.values()), type({}.items())}
)
_CONTAINERS: Final[frozenset[type]] = frozenset({list, tuple, dict, set, frozenset, *_DICT_VIEWS})
_PLAIN_BUDGET: Final = 10_000
_MAX_SIZE: Final = 1_000_000


class _Refused(Exception):
    """The restricted evaluator will not do this; the message says what."""


def _check_plain(value: object, budget: list[int]) -> bool:
    """True if `value` is builtin data all the way down (so operating on it runs no user code)."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Refused("the value is too large to check for side effects")
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is list or kind is tuple or kind is set or kind is frozenset or kind in _DICT_VIEWS:
        assert isinstance(value, Iterable)
        return all(_check_plain(v, budget) for v in value)
    if kind is dict:
        assert isinstance(value, dict)
        return all(_check_plain(k, budget) and _check_plain(v, budget) for k, v in value.items())
    return False


def _is_plain(value: object) -> bool:
    return _check_plain(value, [_PLAIN_BUDGET])


def _require_plain_keys(mapping: dict[Any, Any]) -> None:
    if len(mapping) > _PLAIN_BUDGET:
        raise _Refused("the dict is too large to check its keys for side effects")
    for k in mapping:
        if type(k) not in _SCALARS and not (type(k) is tuple and _is_plain(k)):
            raise _Refused(
                f"the expression could have side effects (a key of type '{type(k).__name__}')"
            )


def _require_plain(value: object, what: str) -> None:
    if not _is_plain(value):
        raise _Refused(
            f"the expression could have side effects ({what} on '{type(value).__name__}')"
        )


def _static_repr(value: object, limit: int) -> str:
    """repr without running any user code: plain data as Python shows it, builtin containers
    element by element, other objects as `<Type object at 0x...>` unless their repr is object's."""
    parts: list[str] = []
    _static_repr_into(value, parts, [limit], depth=0)
    text = "".join(parts)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _static_repr_into(value: object, out: list[str], room: list[int], depth: int) -> None:
    if room[0] <= 0:
        return
    kind = type(value)
    if kind in _SCALARS:
        text = repr(value)
    elif kind in (list, tuple, set, frozenset, dict) and depth < 4:
        assert isinstance(value, list | tuple | set | frozenset | dict)
        brackets = {list: "[]", tuple: "()", dict: "{}", set: "{}", frozenset: "{}"}[kind]
        opener, closer = brackets[0], brackets[1]
        if kind is frozenset:
            out.append("frozenset(")
        out.append(opener)
        items: Iterable[Any] = value.items() if isinstance(value, dict) else value
        for i, item in enumerate(items):
            if room[0] <= 0:
                break
            if i:
                out.append(", ")
            if isinstance(value, dict):
                _static_repr_into(item[0], out, room, depth + 1)
                out.append(": ")
                _static_repr_into(item[1], out, room, depth + 1)
            else:
                _static_repr_into(item, out, room, depth + 1)
        if kind is tuple and len(value) == 1:
            out.append(",")
        out.append(closer)
        if kind is frozenset:
            out.append(")")
        return
    elif isinstance(value, type):
        text = f"<class '{value.__module__}.{value.__qualname__}'>"
    elif isinstance(value, types.ModuleType):
        text = f"<module '{value.__name__}'>"
    else:
        text = f"<{kind.__module__}.{kind.__qualname__} object at {id(value):#x}>"
    room[0] -= len(text)
    out.append(text)


def _secrets_in_scope(
    locals_: Mapping[str, Any], globals_: Mapping[str, Any], redactor: Redactor
) -> SensitiveValues:
    """The values of sensitive names in scope, minus the names the Variables view shows anyway
    (see `SensitiveValues`); empty when redaction is off."""
    if not redactor.enabled:
        return SensitiveValues()
    shown: list[str] = []
    values = collect_sensitive_values((locals_, globals_), redactor, names_out=shown)
    return SensitiveValues(values, public=shown)


def _evaluate_restricted(
    source: str, globals_: dict[str, Any], locals_: Mapping[str, Any], *, redactor: Redactor
) -> SafeResult:
    try:
        tree = ast.parse(source, "<evaluate>", mode="eval")
    except SyntaxError:
        return SafeResult.failure(
            "side_effects", "refused: statements could have side effects", "restricted"
        )
    secrets = _secrets_in_scope(locals_, globals_, redactor)

    def clean(text: str) -> str:
        return secrets.scrub(redactor.redact_text(text)) if redactor.enabled else text

    evaluator = _Restricted(globals_, locals_)
    try:
        value = evaluator.eval(tree.body)
    except _Refused as exc:
        return SafeResult.failure("side_effects", f"refused: {exc}", "restricted")
    except Exception as exc:
        return SafeResult.failure("exception", clean(_format_exception(exc)), "restricted")
    rendered = _render(value, redactor, clean, live=False)
    return SafeResult(
        ok=True,
        value=rendered["value"],
        type_name=rendered["type_name"],
        children=tuple(SafeChild(**c) for c in rendered["children"]),
        children_truncated=rendered["children_truncated"],
        method="restricted",
    )


def _bounded_pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and a.bit_length() * b > 8 * _MAX_SIZE:
        raise _Refused("the result would be too large")
    return a**b


def _bounded_mul(a: Any, b: Any) -> Any:
    for seq, n in ((a, b), (b, a)):
        if (
            isinstance(seq, str | bytes | list | tuple)
            and isinstance(n, int)
            and len(seq) * n > _MAX_SIZE
        ):
            raise _Refused("the result would be too large")
    return a * b


def _bounded_lshift(a: Any, b: Any) -> Any:
    if isinstance(b, int) and b > 8 * _MAX_SIZE:
        raise _Refused("the result would be too large")
    return a << b


_BINOPS: Final[dict[type[ast.operator], Callable[[Any, Any], Any]]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: _bounded_mul,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
    ast.Pow: _bounded_pow,
    ast.LShift: _bounded_lshift,
    ast.RShift: lambda a, b: a >> b,
    ast.BitOr: lambda a, b: a | b,
    ast.BitXor: lambda a, b: a ^ b,
    ast.BitAnd: lambda a, b: a & b,
}
_UNARYOPS: Final[dict[type[ast.unaryop], Callable[[Any], Any]]] = {
    ast.UAdd: lambda a: +a,
    ast.USub: lambda a: -a,
    ast.Invert: lambda a: ~a,
}
_CMPOPS: Final[dict[type[ast.cmpop], Callable[[Any, Any], bool]]] = {
    ast.Eq: lambda a, b: bool(a == b),
    ast.NotEq: lambda a, b: bool(a != b),
    ast.Lt: lambda a, b: bool(a < b),
    ast.LtE: lambda a, b: bool(a <= b),
    ast.Gt: lambda a, b: bool(a > b),
    ast.GtE: lambda a, b: bool(a >= b),
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

# Builtins callable with plain-data arguments (they run no user code on such data).
_PURE_BUILTINS: Final[frozenset[str]] = frozenset(
    {
        "abs", "all", "any", "ascii", "bin", "bool", "chr", "complex", "dict", "divmod", "float",
        "format", "frozenset", "hash", "hex", "int", "list", "max", "min", "oct", "ord", "pow",
        "range", "repr", "round", "set", "sorted", "str", "sum", "tuple",
    }
)  # fmt: skip
# Builtins safe on any argument: they only look at the object's type or identity.
_TYPE_BUILTINS: Final[frozenset[str]] = frozenset(
    {"len", "type", "isinstance", "issubclass", "id", "callable"}
)
# Methods of builtin types that never mutate their receiver.
_PURE_METHODS: Final[dict[type, frozenset[str]]] = {
    str: frozenset(
        name for name in dir(str) if not name.startswith("_") and name not in ("format", "format_map")
    ),
    bytes: frozenset(name for name in dir(bytes) if not name.startswith("_")),
    int: frozenset({"bit_length", "bit_count", "to_bytes", "conjugate", "as_integer_ratio"}),
    float: frozenset({"is_integer", "hex", "conjugate", "as_integer_ratio"}),
    list: frozenset({"index", "count", "copy"}),
    tuple: frozenset({"index", "count"}),
    dict: frozenset({"get", "keys", "values", "items", "copy"}),
    set: frozenset({"copy", "difference", "intersection", "isdisjoint", "issubset", "issuperset", "symmetric_difference", "union"}),
    frozenset: frozenset({"copy", "difference", "intersection", "isdisjoint", "issubset", "issuperset", "symmetric_difference", "union"}),
}  # fmt: skip
_SAFE_DUNDERS: Final = frozenset({"__class__", "__name__", "__qualname__", "__module__", "__doc__"})
_BUILTIN_DESCRIPTORS: Final = (
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.ClassMethodDescriptorType,
    types.BuiltinFunctionType,
)


class _Restricted:
    """Walks an expression AST allowing only side-effect-free operations."""

    def __init__(self, globals_: Mapping[str, Any], locals_: Mapping[str, Any]) -> None:
        self._globals = globals_
        self._locals = locals_
        self._scopes: list[dict[str, Any]] = []  # comprehension variables
        builtins_ = globals_.get("__builtins__", __builtins__)
        self._builtins: Mapping[str, Any] = (
            builtins_ if isinstance(builtins_, dict) else vars(builtins_)
        )

    def eval(self, node: ast.expr) -> Any:
        handler = getattr(self, f"_{type(node).__name__}", None)
        if handler is None:
            raise _Refused(f"the expression could have side effects ({_describe(node)})")
        return handler(node)

    # names and constants
    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        for scope in reversed(self._scopes):
            if node.id in scope:
                return scope[node.id]
        if node.id in self._locals:
            return self._locals[node.id]
        if node.id in self._globals:
            return self._globals[node.id]
        if node.id in self._builtins:
            return self._builtins[node.id]
        raise NameError(f"name '{node.id}' is not defined")

    # containers
    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.eval(e) for e in node.elts)

    def _List(self, node: ast.List) -> Any:
        return [self.eval(e) for e in node.elts]

    def _Set(self, node: ast.Set) -> Any:
        items = [self.eval(e) for e in node.elts]
        for item in items:
            _require_plain(item, "hashing")
        return set(items)

    def _Dict(self, node: ast.Dict) -> Any:
        result = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:
                raise _Refused("the expression could have side effects (** in a dict display)")
            key = self.eval(key_node)
            _require_plain(key, "hashing")
            result[key] = self.eval(value_node)
        return result

    # operators
    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.eval(node.left), self.eval(node.right)
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise _Refused("the expression could have side effects (operator)")
        _require_plain(left, "an operator")
        _require_plain(right, "an operator")
        return op(left, right)

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        operand = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            return not self._truth(operand)
        _require_plain(operand, "an operator")
        return _UNARYOPS[type(node.op)](operand)

    def _truth(self, value: Any) -> bool:
        if type(value) in _SCALARS or type(value) in _CONTAINERS:
            return bool(value)  # builtin truth: no user __bool__/__len__
        raise _Refused(
            f"the expression could have side effects (truth value of '{type(value).__name__}')"
        )

    def _BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.eval(operand)
            if self._truth(value) != is_and:
                return value
        return value

    def _Compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        for op_node, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.eval(right_node)
            if isinstance(op_node, ast.Is):
                ok = left is right
            elif isinstance(op_node, ast.IsNot):
                ok = left is not right
            else:
                _require_plain(left, "a comparison")
                _require_plain(right, "a comparison")
                ok = _CMPOPS[type(op_node)](left, right)
            if not ok:
                return False
            left = right
        return True

    def _IfExp(self, node: ast.IfExp) -> Any:
        return self.eval(node.body) if self._truth(self.eval(node.test)) else self.eval(node.orelse)

    # access
    def _Attribute(self, node: ast.Attribute) -> Any:
        return _static_getattr(self.eval(node.value), node.attr)

    def _Subscript(self, node: ast.Subscript) -> Any:
        container = self.eval(node.value)
        key = self.eval(node.slice)
        kind = type(container)
        if kind not in (list, tuple, str, bytes, dict, range):
            raise _Refused(f"the expression could have side effects (indexing '{kind.__name__}')")
        if type(key) is slice:
            for part in (key.start, key.stop, key.step):
                if part is not None and type(part) is not int:
                    raise _Refused("the expression could have side effects (slice bounds)")
        else:
            _require_plain(key, "indexing")
            if kind is dict:
                # A lookup compares the key with stored keys of the same hash: a stored key of
                # the program's own class would run its __eq__.
                _require_plain_keys(container)
        return container[key]

    def _Slice(self, node: ast.Slice) -> Any:
        parts = [None if p is None else self.eval(p) for p in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def _JoinedStr(self, node: ast.JoinedStr) -> Any:
        pieces = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                pieces.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                item = self.eval(value.value)
                _require_plain(item, "formatting")
                spec = self.eval(value.format_spec) if value.format_spec is not None else ""
                conv = {-1: item, 115: str(item), 114: repr(item), 97: ascii(item)}[
                    value.conversion
                ]
                pieces.append(format(conv, spec))
            else:
                raise _Refused("the expression could have side effects (f-string)")
        return "".join(pieces)

    # calls
    def _Call(self, node: ast.Call) -> Any:
        func = self.eval(node.func)
        name = _call_name(node.func)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise _Refused(f"the expression could have side effects (call to '{name}')")
            args.append(self.eval(arg))
        kwargs = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise _Refused(f"the expression could have side effects (call to '{name}')")
            kwargs[kw.arg] = self.eval(kw.value)
        builtin_name = self._builtin_name(func)
        if builtin_name in _TYPE_BUILTINS:
            return self._type_builtin(builtin_name, func, args, kwargs)
        if builtin_name in _PURE_BUILTINS and set(kwargs) <= {
            "reverse",
            "default",
            "start",
            "base",
        }:
            for value in (*args, *kwargs.values()):
                _require_plain(value, f"call to '{name}'")
            if builtin_name == "pow" and len(args) == 2:
                return _bounded_pow(args[0], args[1])
            return func(*args, **kwargs)
        receiver = getattr(func, "__self__", None)
        if (
            isinstance(func, types.BuiltinMethodType | types.MethodWrapperType)
            and type(receiver) in _PURE_METHODS
            and getattr(func, "__name__", "") in _PURE_METHODS[type(receiver)]
            and not kwargs
        ):
            _require_plain(receiver, f"call to '{name}'")
            for value in args:
                _require_plain(value, f"call to '{name}'")
            return func(*args)
        raise _Refused(f"the expression could have side effects (call to '{name}')")

    def _builtin_name(self, func: Any) -> str | None:
        name = getattr(func, "__name__", None)
        if isinstance(name, str) and self._builtins.get(name) is func:
            return name
        return None

    def _type_builtin(self, name: str, func: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if kwargs:
            raise _Refused(f"the expression could have side effects (call to '{name}')")
        if name == "len":
            (obj,) = args
            if type(obj) in _CONTAINERS or type(obj) in (str, bytes, range):
                return len(obj)
            raise _Refused(
                f"the expression could have side effects (len of '{type(obj).__name__}')"
            )
        if name in ("isinstance", "issubclass"):
            obj, classes = args
            targets = classes if type(classes) is tuple else (classes,)
            if not all(isinstance(c, type) and type(c) is type for c in targets):
                raise _Refused(f"the expression could have side effects (call to '{name}')")
            subject = type(obj) if name == "isinstance" else obj
            if not isinstance(subject, type):
                raise TypeError("issubclass() arg 1 must be a class")
            return any(c in subject.__mro__ for c in targets)
        if name == "type" and len(args) == 1:
            return type(args[0])
        if name in ("id", "callable") and len(args) == 1:
            return func(args[0])
        raise _Refused(f"the expression could have side effects (call to '{name}')")

    # comprehensions over builtin containers
    def _comprehension(self, generators: list[ast.comprehension], emit: Callable[[], None]) -> None:
        def loop(index: int) -> None:
            if index == len(generators):
                emit()
                return
            gen = generators[index]
            if gen.is_async:
                raise _Refused("the expression could have side effects (async comprehension)")
            iterable = self.eval(gen.iter)
            if type(iterable) not in _CONTAINERS and type(iterable) not in (str, bytes, range):
                raise _Refused(
                    f"the expression could have side effects (iterating '{type(iterable).__name__}')"
                )
            items = list(iterable)
            if len(items) > _MAX_SIZE:
                raise _Refused("the result would be too large")
            for item in items:
                self._bind(gen.target, item)
                if all(self._truth(self.eval(cond)) for cond in gen.ifs):
                    loop(index + 1)

        self._scopes.append({})
        try:
            loop(0)
        finally:
            self._scopes.pop()

    def _bind(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self._scopes[-1][target.id] = value
        elif isinstance(target, ast.Tuple | ast.List) and type(value) in (tuple, list):
            if len(target.elts) != len(value):
                raise ValueError("wrong number of values to unpack")
            for t, v in zip(target.elts, value, strict=True):
                self._bind(t, v)
        else:
            raise _Refused("the expression could have side effects (unpacking)")

    def _ListComp(self, node: ast.ListComp) -> Any:
        out: list[Any] = []
        self._comprehension(node.generators, lambda: out.append(self.eval(node.elt)))
        return out

    def _GeneratorExp(self, node: ast.GeneratorExp) -> Any:
        # Evaluated eagerly into a tuple: a live generator would have to be stepped later.
        return tuple(self._ListComp(ast.ListComp(node.elt, node.generators)))

    def _SetComp(self, node: ast.SetComp) -> Any:
        items = self._ListComp(ast.ListComp(node.elt, node.generators))
        for item in items:
            _require_plain(item, "hashing")
        return set(items)

    def _DictComp(self, node: ast.DictComp) -> Any:
        out: dict[Any, Any] = {}

        def emit() -> None:
            key = self.eval(node.key)
            _require_plain(key, "hashing")
            out[key] = self.eval(node.value)

        self._comprehension(node.generators, emit)
        return out


def _call_name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return type(func).__name__


def _describe(node: ast.AST) -> str:
    return {
        "NamedExpr": "assignment expression",
        "Lambda": "lambda",
        "Await": "await",
        "Yield": "yield",
        "YieldFrom": "yield",
        "Starred": "unpacking",
    }.get(type(node).__name__, type(node).__name__)


def _static_getattr(obj: Any, name: str) -> Any:
    """`obj.name` when it can be read without running user code, else _Refused."""
    if name.startswith("__") and name.endswith("__") and name not in _SAFE_DUNDERS:
        raise _Refused(f"the expression could have side effects (attribute '{name}')")
    if name == "__class__":
        return type(obj)
    if isinstance(obj, types.ModuleType):
        attrs = object.__getattribute__(obj, "__dict__")
        if name in attrs:
            return attrs[name]
        raise _Refused(f"the expression could have side effects (module attribute '{name}')")
    if isinstance(obj, type):
        return _class_getattr(obj, name)
    kind = type(obj)
    getattribute: object = kind.__getattribute__
    if getattribute is not object.__getattribute__ and kind.__module__ != "builtins":
        raise _Refused(
            f"the expression could have side effects (custom __getattribute__ of '{kind.__name__}')"
        )
    class_attr: Any = None
    owner: type | None = None
    for klass in kind.__mro__:
        if name in klass.__dict__:
            class_attr, owner = klass.__dict__[name], klass
            break
    if owner is not None:
        attr_type = type(class_attr)
        is_data = hasattr(attr_type, "__set__") or hasattr(attr_type, "__delete__")
        if is_data:
            if attr_type is types.MemberDescriptorType or (
                attr_type is types.GetSetDescriptorType and owner.__module__ == "builtins"
            ):
                return class_attr.__get__(obj, kind)
            raise _Refused(f"the expression could have side effects (property '{name}')")
    attrs = instance_dict(obj)
    if attrs is not None and name in attrs:
        return attrs[name]
    if owner is not None:
        if isinstance(class_attr, types.FunctionType):
            return types.MethodType(class_attr, obj)
        if isinstance(class_attr, _BUILTIN_DESCRIPTORS):
            return _bind_builtin(class_attr, obj, kind)
        if isinstance(class_attr, staticmethod):
            return class_attr.__func__
        if isinstance(class_attr, classmethod):
            return types.MethodType(class_attr.__func__, kind)
        if hasattr(type(class_attr), "__get__"):
            raise _Refused(f"the expression could have side effects (descriptor '{name}')")
        return class_attr
    if "__getattr__" in dir(kind):
        raise _Refused(f"the expression could have side effects (__getattr__ of '{kind.__name__}')")
    raise AttributeError(f"'{kind.__name__}' object has no attribute '{name}'")


def _class_getattr(cls: type, name: str) -> Any:
    if name in ("__name__", "__qualname__", "__module__", "__doc__"):
        return type.__getattribute__(cls, name)
    for klass in cls.__mro__:
        if name in klass.__dict__:
            attr = klass.__dict__[name]
            if isinstance(attr, staticmethod):
                return attr.__func__
            if isinstance(attr, classmethod):
                return types.MethodType(attr.__func__, cls)
            if isinstance(attr, types.FunctionType | property) or not hasattr(
                type(attr), "__get__"
            ):
                return attr
            if isinstance(attr, _BUILTIN_DESCRIPTORS):
                return _bind_builtin(attr, None, cls)
            raise _Refused(f"the expression could have side effects (descriptor '{name}')")
    raise AttributeError(f"type object '{cls.__name__}' has no attribute '{name}'")


_NOT_READ: Final = object()


def _reads_only(node: ast.expr) -> bool:
    """A name followed by attributes and subscripts by constants: `a.b["c"][0]`."""
    while True:
        if isinstance(node, ast.Name):
            return True
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            node = node.value
        else:
            return False


def _global_read(node: ast.expr) -> str | None:
    """The name in `globals()["name"]`, or None for any other expression."""
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.slice, ast.Constant)
        and isinstance(node.slice.value, str)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id == "globals"
        and not node.value.args
        and not node.value.keywords
    ):
        return node.slice.value
    return None


def _bind_builtin(descriptor: Any, obj: object, owner: type) -> Any:
    # Builtin method descriptors bind without running Python code; builtin functions stored
    # on a class do not bind at all.
    get = getattr(type(descriptor), "__get__", None)
    return descriptor if get is None else get(descriptor, obj, owner)


class SideEffectFreeEvaluator:
    """The `state.evaluation.SafeEvaluator` seam backed by `evaluate_side_effect_free`.

    An expression that only reads (`data`, `self.items[0]`, `cfg["port"]`) and that the
    restricted evaluator can follow without running any code of the program is read here, in
    the live process: its value comes back as the live object, expandable in the editor like a
    variable. Anything else is forked: the fork happens on the suspended thread (through
    `request.call_user`), so the child's only thread is the one whose thread-locals and context
    variables the expression expects, and the result comes back as `PreRendered` text.
    """

    def __init__(
        self,
        redactor: Redactor,
        *,
        policy: SecurityPolicy | None = None,
        memory_limit: int | None = None,
        method: Method = "auto",
    ) -> None:
        self.redactor = redactor
        self.policy = policy
        self.memory_limit = memory_limit
        self.method = method

    def __call__(self, request: Any, /) -> object:
        from dap_server.state.evaluation import EvaluationError, PreRendered

        live = self._read_live(request.expression, request.globals, request.locals)
        if live is not _NOT_READ:
            return live

        def run() -> SafeResult:
            return evaluate_side_effect_free(
                request.expression,
                request.globals,
                request.locals,
                timeout=request.timeout,
                memory_limit=self.memory_limit,
                policy=self.policy,
                redactor=self.redactor,
                method=self.method,
            )

        # The child enforces the deadline itself; the margin covers fork and reaping.
        outcome = request.call_user(run, request.timeout + 2.0)
        if outcome.timed_out:
            raise EvaluationError(
                f"evaluation exceeded its time limit of {float(request.timeout)} s"
            )
        if outcome.error is not None:
            raise EvaluationError(outcome.error)
        result: SafeResult = outcome.value
        if not result.ok:
            raise EvaluationError(result.error or "evaluation failed")
        return PreRendered(result.value, result.type_name)

    def _read_live(
        self, expression: str, globals_: dict[str, Any], locals_: Mapping[str, Any]
    ) -> object:
        """The live value of an expression that only reads, or _NOT_READ (then the usual path
        evaluates it, and says why it cannot when it cannot)."""
        try:
            tree = ast.parse(expression.strip(), "<evaluate>", mode="eval")
        except SyntaxError:
            return _NOT_READ
        shadowed = _global_read(tree.body) if "globals" not in locals_ else None
        if shadowed is not None:
            # `globals()["name"]`: the evaluateName of a global a local of the frame shadows.
            if self.redactor.is_sensitive_name(shadowed) or shadowed not in globals_:
                return _NOT_READ
            return globals_[shadowed]
        if not _reads_only(tree.body):
            return _NOT_READ
        if self.redactor.taint_check(expression, (*locals_.keys(), *globals_.keys())):
            return _NOT_READ
        try:
            return _Restricted(globals_, locals_).eval(tree.body)
        except Exception:  # refused, or an error the usual path reports in its own words
            return _NOT_READ
