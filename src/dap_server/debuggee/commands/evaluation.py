"""Evaluating in and changing a stopped frame: evaluate, setVariable, setExpression, completions."""

from __future__ import annotations

from typing import Any

from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.session import (
    DebugSession,
    FrameRef,
)
from dap_server.state.completions import completions
from dap_server.state.evaluation import SAFE_CONTEXTS, EvaluationError
from dap_server.state.variables import InvalidReferenceError


@TABLE.command(
    "evaluate",
    kind="inspection",
    capabilities=(
        "supportsEvaluateForHovers",
        "supportsClipboardContext",
        "supportsValueFormattingOptions",
    ),
)
def evaluate(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    expression = arg(r.arguments, "expression", str, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    context = arg(r.arguments, "context", str, command=cmd, default="repl")
    fmt = arg(r.arguments, "format", dict, command=cmd, default=None)
    # `timeout` (seconds) is this server's extension, used by the Python API; the policy's
    # max_execution_time is a ceiling nobody can raise.
    timeout = arg(r.arguments, "timeout", (int, float), command=cmd, default=None)
    ceiling = s.policy.max_execution_time
    if ceiling is not None:
        timeout = ceiling if timeout is None else min(timeout, ceiling)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    s.focus_thread = ref.thread_id
    # Observe mode: every context, the console's too, only evaluates without side effects.
    s.evaluator.safe_contexts = (
        SAFE_CONTEXTS | {"repl", "clipboard", "variables"} if s.policy.observe else SAFE_CONTEXTS
    )
    s.safe_evaluator.policy = s.policy
    s.safe_evaluator.memory_limit = s.policy.memory_limit
    try:
        return s.evaluator.evaluate(
            expression, ref.frame, s.locals_of(ref), context, fmt, timeout=timeout, origin=ref
        )
    except EvaluationError as exc:
        raise RequestError(str(exc)) from None
    finally:
        if context == "repl":
            s.variables.refresh()  # a statement may have changed what the views show


# --- changing the program ----------------------------------------------------------------------------


def _assign(
    s: DebugSession, ref: FrameRef, target: str, value: str, command: str
) -> dict[str, Any]:
    """`target = value` in the frame (through the console's statement path, so locals stick),
    then the new value rendered as `evaluate` would."""
    if (
        target.isidentifier()
        and target not in s.locals_of(ref)
        and target in ref.frame.f_globals
        and s.locals_of(ref) is not ref.frame.f_globals
    ):
        # A global read in a function (`LIMIT`): assigning the plain name would make a local.
        target = f"globals()[{target!r}]"
    # The value is one expression (as debugpy takes it: `5  # five` is 5), never statements
    # smuggled through the assignment (`2); other(); (3`); on lines of its own in the
    # statement, so a trailing comment ends nothing but itself.
    statement = f"{target} = (\n{value}\n)"
    try:
        compile(value, "<setVariable>", "eval")
        compile(statement, "<setVariable>", "exec")
    except SyntaxError as exc:
        raise RequestError(
            f"{command}: cannot assign {value!r} to {target}: SyntaxError: {exc.msg}"
        ) from None
    try:
        s.evaluator.evaluate(statement, ref.frame, s.locals_of(ref), "repl")
        body = s.evaluator.evaluate(target, ref.frame, s.locals_of(ref), "repl")
    except EvaluationError as exc:
        raise RequestError(f"{command}: {exc}") from None
    finally:
        s.variables.refresh()
    out: dict[str, Any] = {
        "value": body["result"],
        "variablesReference": body.get("variablesReference", 0),
    }
    for key in ("type", "namedVariables", "indexedVariables"):
        if key in body:
            out[key] = body[key]
    return out


@TABLE.command("setVariable", kind="inspection", capabilities=("supportsSetVariable",))
def set_variable(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    ref_id = arg(r.arguments, "variablesReference", int, command=cmd)
    name = arg(r.arguments, "name", str, command=cmd)
    value = arg(r.arguments, "value", str, command=cmd)
    if name.startswith("."):
        raise RequestError(f"{cmd}: {name!r} is an interpreter-internal variable and cannot be set")
    try:
        # The frame the reference was reached from (not the one whose scopes came last: an
        # editor caches scopes), and the child however large its parent.
        frame = s.variables.origin(ref_id)
        child, target = s.variables.assignment_target(ref_id, name)
    except InvalidReferenceError as exc:
        raise RequestError(f"{cmd}: {exc}") from None
    except LookupError:
        raise RequestError(
            f"{cmd}: no variable named {name!r} under variablesReference {ref_id}"
        ) from None
    if not isinstance(frame, FrameRef):
        raise RequestError(f"{cmd}: variablesReference {ref_id} belongs to no frame")
    if (
        child.get("presentationHint", {}).get("attributes")
        and "readOnly" in child["presentationHint"]["attributes"]
    ):
        raise RequestError(f"{cmd}: {name!r} is read-only")
    if not target:
        raise RequestError(f"{cmd}: {name!r} cannot be assigned (no expression reaches it)")
    s.focus_thread = frame.thread_id
    return _assign(s, frame, target, value, cmd)


@TABLE.command("setExpression", kind="inspection", capabilities=("supportsSetExpression",))
def set_expression(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    expression = arg(r.arguments, "expression", str, command=cmd)
    value = arg(r.arguments, "value", str, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    s.focus_thread = ref.thread_id
    return _assign(s, ref, expression, value, cmd)


@TABLE.command("completions", kind="inspection", capabilities=("supportsCompletionsRequest",))
def completions_(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    text = arg(r.arguments, "text", str, command=cmd)
    column = arg(r.arguments, "column", int, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    items = completions(
        text,
        column,
        ref.frame,
        s.locals_of(ref),
        redactor=s.redactor,
        columns_start_at_1=bool(s.client.get("columnsStartAt1", True)),
    )
    return {"targets": items}
