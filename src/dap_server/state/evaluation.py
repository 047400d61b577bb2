"""`evaluate` for the repl / watch / hover / clipboard / variables contexts, and watch lists.

Runs inside the debuggee (standard library only). Compiling happens on the server thread;
running the code (and everything else that may be user code: `str()` of an exception, a repr)
happens through the injected runner, on the suspended thread, under a deadline.

What each context accepts:

* `repl`: expressions and statements (assignments, imports, multi-line blocks). A block whose
  last statement is an expression shows that expression's value, as the interactive
  interpreter does. Assignments to the frame's locals are written back through the
  `write_locals` callback (the engine knows how to write a suspended frame's locals on each
  Python version). In a coroutine frame, top-level `await` works: the code is compiled with
  `ast.PyCF_ALLOW_TOP_LEVEL_AWAIT` and the coroutine it returns is driven to completion on a
  private event loop (see `_drive`).
* `watch`, `hover` (the "safe" contexts) and `clipboard`, `variables`: expressions only.
  Safe contexts go through the `safe_evaluator` seam; see `SafeEvaluator`.

Secrets: every context but `repl` scrubs what it returns (result text, error message, and the
texts of the children listed from its variablesReference) with `SensitiveValues`: a text
containing the value of a sensitive name in scope, or any 4+ character piece of one, becomes
"[REDACTED]". Name-based redaction alone would let `str(password)` or
`getattr(obj, "pass" + "word")` through in the clipboard and variables contexts, which run
unrestricted. The console (`repl`) is not scrubbed, by design: it runs arbitrary code, so it
can always copy a secret somewhere else first (documented in the README's safety section).

Errors raise `EvaluationError` whose message is the readable "TypeError: ..." text; the
debuggee server turns it into an error response. The result is the body of an `evaluate`
response: `result`, `type`, `variablesReference`, and `namedVariables`/`indexedVariables`/
`presentationHint` when relevant.
"""

from __future__ import annotations

import ast
import threading
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from .frame_scope import (
    assigned,
    call_in_scope,
    compile_in_scope,
    has_nested_scopes,
    parameter_names,
)
from .presentation import Budget, UserCall, format_seconds
from .redaction import NamePolicy, SensitiveValues, collect_sensitive_values
from .variables import Scrub, VariableStore

__all__ = [
    "CONTEXTS",
    "SAFE_CONTEXTS",
    "EvalRequest",
    "EvaluationError",
    "Evaluator",
    "PreRendered",
    "SafeEvaluator",
    "WatchList",
    "WriteLocals",
    "default_evaluate",
    "expression_names",
]

CONTEXTS: Final = frozenset({"repl", "watch", "hover", "clipboard", "variables"})
SAFE_CONTEXTS: Final = frozenset({"watch", "hover"})

_CO_COROUTINE: Final = 0x80
_CO_ITERABLE_COROUTINE: Final = 0x100
_CO_ASYNC_GENERATOR: Final = 0x200
_ASYNC_FRAME_FLAGS: Final = _CO_COROUTINE | _CO_ITERABLE_COROUTINE | _CO_ASYNC_GENERATOR

_FILENAME: Final = "<debug console>"


class EvaluationError(Exception):
    """The evaluation failed; `str(exc)` is the message for the user ("NameError: ...")."""


# Writes changed locals back into a suspended frame. Called inside the runner, i.e. on the
# suspended thread, right after the code ran: (frame, {name: new value}).
WriteLocals = Callable[[types.FrameType, Mapping[str, object]], None]


@dataclass(frozen=True)
class PreRendered:
    """A result that is already text (a forked child's repr): shown as is, not expandable."""

    value: str
    type: str = ""


@dataclass(frozen=True)
class EvalRequest:
    """What a `SafeEvaluator` gets.

    `code` is `expression` compiled in "eval" mode. `call_user(fn, timeout)` runs `fn` on the
    suspended thread and returns a `UserCallResult` (value, error text, or timed out).
    """

    expression: str
    code: types.CodeType
    frame: types.FrameType
    globals: dict[str, Any]
    locals: dict[str, Any]
    context: str
    timeout: float
    call_user: UserCall


class SafeEvaluator(Protocol):
    """The seam for side-effect-free evaluation (hover, watch, `evaluate_safe`).

    Called on the server thread for expressions in `Evaluator.safe_contexts`. Returns the value
    (a live object, rendered and made expandable as usual) or a `PreRendered` text, or raises
    `EvaluationError` with the message to show. It must run any user code through
    `request.call_user`. The default, `default_evaluate`, evaluates normally: no protection at
    all beyond the deadline. `state.safe_eval` provides the real one.
    """

    def __call__(self, request: EvalRequest, /) -> object: ...


def default_evaluate(request: EvalRequest) -> object:
    """Evaluate `request.code` on the suspended thread, nothing more."""
    code, g, loc = request.code, request.globals, request.locals
    result = request.call_user(lambda: eval(code, g, loc), request.timeout)
    if result.timed_out:
        raise EvaluationError(_timeout_message(request.timeout))
    if result.error is not None:
        raise EvaluationError(result.error)
    return result.value


def _timeout_message(timeout: float) -> str:
    return f"TimeoutError: evaluation did not finish within {format_seconds(timeout)} and was interrupted"


def _syntax_message(exc: SyntaxError) -> str:
    msg = exc.msg or "invalid syntax"
    where = f" (line {exc.lineno})" if exc.lineno and exc.lineno > 1 else ""
    return f"{type(exc).__name__}: {msg}{where}"


def expression_names(expression: str) -> list[str]:
    """The names an expression ends with, for redaction: `a.b['c']` gives ["c", "b", "a"]...

    Only the final component matters for what is shown; callers check the first entry.
    """
    try:
        node: ast.AST = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return []
    names: list[str] = []
    while True:
        if isinstance(node, ast.Name):
            names.append(node.id)
            return names
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            key = node.slice
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                names.append(key.value)
            node = node.value
        else:
            return names


@dataclass
class _Compiled:
    body: types.CodeType | None  # statements ("exec"), if any
    value: types.CodeType | None  # the expression whose value is the result, if any
    is_async: bool
    source: str = ""


class Evaluator:
    """`evaluate` requests against a suspended frame."""

    def __init__(
        self,
        store: VariableStore,
        *,
        write_locals: WriteLocals | None = None,
        safe_evaluator: SafeEvaluator | None = None,
        safe_contexts: frozenset[str] = SAFE_CONTEXTS,
        timeout: float = 5.0,
    ) -> None:
        self.store = store
        self.presenter = store.presenter
        self.call_user: UserCall = store.presenter.call_user
        self.write_locals = write_locals
        self.safe_evaluator: SafeEvaluator = (
            safe_evaluator if safe_evaluator is not None else default_evaluate
        )
        self.safe_contexts = safe_contexts
        self.timeout = timeout

    def evaluate(
        self,
        expression: str,
        frame: types.FrameType,
        locals_snapshot: Mapping[str, object],
        context: str = "repl",
        fmt: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
        budget: Budget | None = None,
        origin: object = None,
    ) -> dict[str, Any]:
        """The `evaluate` response body. Raises EvaluationError. `origin`: the caller's token
        for the frame, given back by `VariableStore.origin` for the result's children."""
        if context not in CONTEXTS:
            context = "repl"  # the spec allows other strings; treat them as the console
        timeout = self.timeout if timeout is None else timeout
        # A safe context (hover, watch, and the console too in observe mode) takes expressions
        # only, without await: both would run code the safe evaluator cannot vet.
        safe = context in self.safe_contexts
        compiled = self._compile(
            expression, frame, statements=context == "repl" and not safe, allow_await=not safe
        )
        g = frame.f_globals
        # Module-level frames: pass frame.f_globals as the snapshot; the code then runs in the
        # real namespace and nothing needs writing back.
        module_level = locals_snapshot is g
        # Collected before the code runs: what it computes must not reveal what was there.
        scrub = self._scrubber(context, locals_snapshot, g)
        ns: dict[str, Any] = g if module_level else dict(locals_snapshot)
        try:
            return self._evaluate(
                expression,
                compiled,
                frame,
                g,
                ns,
                locals_snapshot,
                module_level,
                context,
                safe,
                fmt,
                timeout,
                budget,
                scrub,
                origin,
            )
        except EvaluationError as exc:
            if scrub is None:
                raise
            # `int(password)` fails with the value in its message.
            raise EvaluationError(scrub(str(exc))) from None

    def _scrubber(
        self, context: str, locals_: Mapping[str, object], globals_: Mapping[str, object]
    ) -> Scrub | None:
        """`SensitiveValues.scrub` for the values of sensitive names in scope, or None (repl,
        redaction off, no such value)."""
        redactor = self.presenter.redactor
        if context == "repl" or not redactor.enabled:
            return None
        policy: NamePolicy = redactor
        shown_names: list[str] = []
        values = collect_sensitive_values((locals_, globals_), policy, names_out=shown_names)
        secrets = SensitiveValues(values, public=shown_names)
        return secrets.scrub if secrets else None

    def _evaluate(
        self,
        expression: str,
        compiled: _Compiled,
        frame: types.FrameType,
        g: dict[str, Any],
        ns: dict[str, Any],
        locals_snapshot: Mapping[str, object],
        module_level: bool,
        context: str,
        safe: bool,
        fmt: Mapping[str, Any] | None,
        timeout: float,
        budget: Budget | None,
        scrub: Scrub | None,
        origin: object,
    ) -> dict[str, Any]:
        if safe:
            assert compiled.value is not None and compiled.body is None
            value = self.safe_evaluator(
                EvalRequest(
                    expression, compiled.value, frame, g, ns, context, timeout, self.call_user
                )
            )
        else:
            value = self._run(compiled, frame, g, ns, locals_snapshot, module_level, timeout)
            if compiled.value is None:
                return {"result": "", "variablesReference": 0}

        if isinstance(value, PreRendered):
            text = self.presenter.redact(value.value)
            body: dict[str, Any] = {
                "result": text if scrub is None else scrub(text),
                "variablesReference": 0,
            }
            if value.type:
                body["type"] = value.type
            return body
        names = expression_names(expression)
        sensitive = bool(names) and self.presenter.is_sensitive(names[0])
        fields = self.store.value_fields(
            value,
            # The children's evaluateNames build on it: only an expression that reads (a name,
            # its attributes and items), never one that would run again (`stack.pop()`).
            expression.strip() if compiled.body is None and _only_reads(expression) else None,
            context=context,
            fmt=fmt,
            budget=budget,
            sensitive=sensitive,
            scrub=scrub,
            origin=origin,
        )
        fields["result"] = fields.pop("value")
        return fields

    # -- compile ------------------------------------------------------------------------------

    def _compile(
        self, source: str, frame: types.FrameType, *, statements: bool, allow_await: bool
    ) -> _Compiled:
        is_async_frame = allow_await and bool(frame.f_code.co_flags & _ASYNC_FRAME_FLAGS)
        flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if is_async_frame else 0
        try:
            code = compile(source.strip(), _FILENAME, "eval", flags, dont_inherit=True)
            return _Compiled(None, code, _is_async(code), source)
        except SyntaxError as exc:
            if not statements:
                raise EvaluationError(_syntax_message(exc)) from None
        try:
            tree = compile(source, _FILENAME, "exec", flags | ast.PyCF_ONLY_AST, dont_inherit=True)
        except SyntaxError as exc:
            raise EvaluationError(_syntax_message(exc)) from None
        assert isinstance(tree, ast.Module)
        last: ast.expr | None = None
        tail = tree.body[-1] if tree.body else None
        if isinstance(tail, ast.Expr):
            # Like the interactive interpreter: a trailing expression is the result.
            tree.body.pop()
            last = tail.value
        try:
            # Some errors ('await' outside a function...) only show when compiling the AST.
            body_code = (
                compile(tree, _FILENAME, "exec", flags, dont_inherit=True) if tree.body else None
            )
            value_code = (
                compile(ast.Expression(last), _FILENAME, "eval", flags, dont_inherit=True)
                if last is not None
                else None
            )
        except SyntaxError as exc:
            raise EvaluationError(_syntax_message(exc)) from None
        is_async = any(c is not None and _is_async(c) for c in (body_code, value_code))
        return _Compiled(body_code, value_code, is_async, source)

    # -- run ----------------------------------------------------------------------------------

    def _run(
        self,
        compiled: _Compiled,
        frame: types.FrameType,
        g: dict[str, Any],
        ns: dict[str, Any],
        snapshot: Mapping[str, object],
        module_level: bool,
        timeout: float,
    ) -> object:
        write_locals = self.write_locals
        in_scope: types.CodeType | None = None
        names: list[str] = []
        if not module_level and has_nested_scopes(compiled.body, compiled.value):
            # A generator expression or lambda must see the frame's locals too (frame_scope).
            names = parameter_names(ns)
            in_scope = compile_in_scope(
                compiled.source, names, filename=_FILENAME, is_async=compiled.is_async
            )

        def run() -> object:
            value: object = None
            scope = ns
            try:
                if in_scope is not None:
                    result, out = call_in_scope(in_scope, g, ns, names)
                    try:
                        _finish(result)
                    finally:
                        scope = assigned(out)
                    value = out.get("value")
                else:
                    if compiled.body is not None:
                        _finish(eval(compiled.body, g, ns))
                    if compiled.value is not None:
                        value = _finish(eval(compiled.value, g, ns))
            finally:
                # Write back even after an error: `a = 1; 1/0` assigned `a` before failing.
                if not module_level:
                    changed = {
                        k: v for k, v in scope.items() if k not in snapshot or snapshot[k] is not v
                    }
                    if changed:
                        if write_locals is not None:
                            write_locals(frame, changed)
                        if isinstance(snapshot, dict):
                            # Later evaluations at this stop see the new values even where
                            # the frame itself cannot be written.
                            snapshot.update(changed)
            return value

        result = self.call_user(run, timeout)
        if result.timed_out:
            raise EvaluationError(_timeout_message(timeout))
        if result.error is not None:
            raise EvaluationError(result.error)
        return result.value


# What makes evaluating an expression again do something again: calls (`stack.pop()`), awaits,
# assignments, and iterations (a comprehension consumes a generator).
_NOT_REPEATABLE = (
    ast.Call,
    ast.Await,
    ast.NamedExpr,
    ast.Yield,
    ast.YieldFrom,
    ast.Lambda,
    ast.GeneratorExp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
)


def _only_reads(expression: str) -> bool:
    """True if evaluating the expression again just reads again (`cfg.items[0]`, `[3] * 2`):
    then its result's children may be reached through it (their evaluateNames)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return False
    return not any(isinstance(node, _NOT_REPEATABLE) for node in ast.walk(tree))


def _is_async(code: types.CodeType) -> bool:
    return bool(code.co_flags & _CO_COROUTINE)


def _finish(result: object) -> object:
    """Drive the coroutine that top-level-await code returns; other values pass through."""
    if type(result) is types.CoroutineType:
        return _drive(result)
    return result


def _drive(coro: types.CoroutineType[Any, Any, object]) -> object:
    """Run `coro` to completion on the suspended thread.

    The program's own event loop is stopped (its thread is suspended inside it), so the
    coroutine runs on a private loop. What it awaits must not need the program's loop: a
    future or task of the program's loop never completes here and the evaluation runs into
    its deadline (reported, the thread stays usable). `asyncio` is imported here only, and
    only when it is already loaded in practice (an async frame means the program uses it).
    """
    import asyncio
    import asyncio.events as events

    running = events._get_running_loop()
    events._set_running_loop(None)
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        try:
            loop.close()
        finally:
            events._set_running_loop(running)


# --------------------------------------------------------------------------------------------
# Watches


class WatchList:
    """The watch expressions of a session (used by the Python API), evaluated at each stop.

    Each watch is evaluated on its own: one that raises or times out reports its error and the
    others are still evaluated.
    """

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self._lock = threading.Lock()
        self._expressions: list[str] = []

    @property
    def expressions(self) -> list[str]:
        with self._lock:
            return list(self._expressions)

    def add(self, expression: str) -> None:
        with self._lock:
            if expression not in self._expressions:
                self._expressions.append(expression)

    def remove(self, expression: str) -> bool:
        with self._lock:
            try:
                self._expressions.remove(expression)
            except ValueError:
                return False
            return True

    def clear(self) -> None:
        with self._lock:
            self._expressions.clear()

    def evaluate_all(
        self,
        frame: types.FrameType,
        locals_snapshot: Mapping[str, object],
        fmt: Mapping[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        """One dict per watch, in order: `expression`, `result`, `type`, `variablesReference`,
        plus `error: True` (and the message as `result`) when it failed."""
        out: list[dict[str, Any]] = []
        for expression in self.expressions:
            entry: dict[str, Any] = {"expression": expression}
            try:
                entry.update(
                    self.evaluator.evaluate(expression, frame, locals_snapshot, "watch", fmt)
                )
            except EvaluationError as exc:
                entry.update({"result": str(exc), "variablesReference": 0, "error": True})
            except Exception as exc:  # a bug of ours must not hide the other watches
                entry.update(
                    {
                        "result": f"internal error: {type(exc).__name__}: {exc}",
                        "variablesReference": 0,
                        "error": True,
                    }
                )
            out.append(entry)
        return out
