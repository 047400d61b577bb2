"""Line, function and exception breakpoints, and where a line can stop."""

from __future__ import annotations

import os
from typing import Any

import engine
from dap_server.debuggee.commands import EXCEPTION_FILTERS, TABLE
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.session import (
    DebugSession,
    _breakpoint,
)
from dap_server.state.policy import breakpoint_expression_problem


@TABLE.command(
    "setBreakpoints",
    capabilities=(
        "supportsConditionalBreakpoints",
        "supportsHitConditionalBreakpoints",
        "supportsLogPoints",
    ),
)
def set_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    by_reference = _referenced_file(s, r)
    path = by_reference or arg(r.arguments, "source.path", str, command=cmd)
    raw = arg(r.arguments, "breakpoints", list, command=cmd, default=None)
    if raw is None:
        raw = [{"line": line} for line in arg(r.arguments, "lines", list, command=cmd, default=[])]
    specs = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise RequestError(f"{cmd}: arguments.breakpoints[{i}] must be an object")
        condition = item.get("condition") or None
        log_message = item.get("logMessage") or None
        _check_expressions(s, f"{cmd}: breakpoints[{i}]", condition, log_message)
        specs.append(
            engine.SourceBreakpointSpec(
                line=arg(item, "line", int, command=f"{cmd}: breakpoints[{i}]"),
                condition=condition,
                hit_condition=item.get("hitCondition") or None,
                log_message=_redact_log_message(s, log_message),
            )
        )
    path = os.path.abspath(path)
    s.breakpoint_paths.add(path)
    statuses = s.debugger.set_source_breakpoints(path, specs)
    breakpoints = [_breakpoint(st) for st in statuses]
    if by_reference:
        # The editor knows this source by its reference, not by a path it could open.
        for bp in breakpoints:
            bp["source"] = r.arguments["source"]
    return {"breakpoints": breakpoints}


def _referenced_file(s: DebugSession, r: Request) -> str | None:
    """The file of a source given by `sourceReference` only (a zip import's module, shown by
    reference): what VS Code sends for a breakpoint set in such a source."""
    source = r.arguments.get("source")
    if not isinstance(source, dict) or source.get("path"):
        return None
    ref = source.get("sourceReference")
    if not isinstance(ref, int) or isinstance(ref, bool) or ref <= 0:
        return None
    known = s.source_refs.get(ref)
    if known is None:
        raise RequestError(f"{r.command}: sourceReference {ref} is unknown")
    filename = known[0]
    if filename.startswith("<"):
        raise RequestError(
            f"{r.command}: breakpoints cannot be set in {filename}: code compiled from a "
            "string has no file to bind them in (use a function breakpoint)"
        )
    return filename


def _check_expressions(
    s: DebugSession, where: str, condition: str | None, log_message: str | None
) -> None:
    """Refuses the request if the security policy forbids one of these expressions (see
    breakpoint_expression_problem): a guarded session gets no breakpoint that could change it."""
    expressions = [condition] if condition else []
    if log_message:
        try:
            expressions += [e for _raw, e in engine.split_log_message(log_message) if e]
        except ValueError:
            pass  # the engine refuses the message, with the reason
    for expression in expressions:
        problem = breakpoint_expression_problem(s.policy, expression)
        if problem is not None:
            raise RequestError(f"{where}: {problem}")


def _redact_log_message(s: DebugSession, message: str | None) -> str | None:
    """A logpoint's `{expression}` that names or could derive a secret is replaced by the
    literal text [REDACTED] before the engine ever compiles it: its value is never computed.
    The message is split exactly as the engine will split it (braces nest)."""
    if not message or not s.redactor.enabled:
        return message
    try:
        pieces = engine.split_log_message(message)
    except ValueError:
        return message  # the engine refuses it, with the reason
    out: list[str] = []
    for raw, expr in pieces:
        if expr is not None and (
            s.redactor.names_sensitive(expr) or s.redactor.taint_check(expr) is not None
        ):
            out.append("[REDACTED]")
        else:
            out.append(raw)
    return "".join(out)


@TABLE.command("setFunctionBreakpoints", capabilities=("supportsFunctionBreakpoints",))
def set_function_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    raw = arg(r.arguments, "breakpoints", list, command=cmd)
    specs = [
        engine.FunctionBreakpointSpec(
            name=arg(item, "name", str, command=f"{cmd}: breakpoints[{i}]"),
            condition=item.get("condition") or None,
            hit_condition=item.get("hitCondition") or None,
        )
        for i, item in enumerate(raw)
    ]
    for i, spec in enumerate(specs):
        _check_expressions(s, f"{cmd}: breakpoints[{i}]", spec.condition, None)
    return {"breakpoints": [_breakpoint(st) for st in s.debugger.set_function_breakpoints(specs)]}


@TABLE.command("setExceptionBreakpoints", capabilities=("supportsExceptionFilterOptions",))
def set_exception_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    known = {f["filter"] for f in EXCEPTION_FILTERS}
    specs: list[engine.ExceptionFilterSpec] = []
    for name in arg(r.arguments, "filters", list, command=cmd):
        if name not in known:
            raise RequestError(
                f"{cmd}: unknown exception filter {name!r} (known: {', '.join(sorted(known))})"
            )
        specs.append(engine.ExceptionFilterSpec(filter=name))
    for i, option in enumerate(arg(r.arguments, "filterOptions", list, command=cmd, default=[])):
        name = arg(option, "filterId", str, command=f"{cmd}: filterOptions[{i}]")
        if name not in known:
            raise RequestError(
                f"{cmd}: unknown exception filter {name!r} (known: {', '.join(sorted(known))})"
            )
        condition = option.get("condition") or None
        _check_expressions(s, f"{cmd}: filterOptions[{i}]", condition, None)
        specs.append(engine.ExceptionFilterSpec(filter=name, condition=condition))
    s.debugger.set_exception_filters(specs)
    return {"breakpoints": [{"verified": True} for _ in specs]}


@TABLE.command("breakpointLocations", capabilities=("supportsBreakpointLocationsRequest",))
def breakpoint_locations(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    path = arg(r.arguments, "source.path", str, command=cmd)
    line = arg(r.arguments, "line", int, command=cmd)
    end_line = arg(r.arguments, "endLine", int, command=cmd, default=None)
    lines = s.debugger.breakpoint_locations(os.path.abspath(path), line, end_line)
    return {"breakpoints": [{"line": n} for n in lines]}


# --- threads and run control ----------------------------------------------------------------------
