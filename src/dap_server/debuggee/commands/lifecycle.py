"""Requests that start, configure and end a debugging session."""

from __future__ import annotations

import os
from typing import Any

from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.session import (
    DebugSession,
)
from dap_server.state.audit import AuditLog
from dap_server.state.policy import SecurityPolicy
from dap_server.state.redaction import DEFAULT_PATTERNS


@TABLE.command("initialize", capabilities=("supportsConfigurationDoneRequest",))
def initialize(s: DebugSession, r: Request) -> dict[str, Any]:
    s.client = dict(r.arguments)
    # nvim-dap and others cannot page: they get range groups ([0..999]...) instead.
    s.variables.supports_paging = bool(r.arguments.get("supportsVariablePaging", False))
    return TABLE.capabilities()


def _apply_options(s: DebugSession, r: Request) -> None:
    a = r.arguments
    _apply_safety_options(s, r)
    s.options.stop_on_entry = bool(a.get("stopOnEntry", s.options.stop_on_entry))
    s.options.just_my_code = bool(a.get("justMyCode", s.options.just_my_code))
    s.options.show_return_value = bool(a.get("showReturnValue", s.options.show_return_value))
    s.debugger.set_just_my_code(s.options.just_my_code)
    if s.options.stop_on_entry and s.options.program and s.options.runs_program:
        s.debugger.stop_on_entry(s.options.program)
    s._pending_initialized = True


def _apply_safety_options(s: DebugSession, r: Request) -> None:
    """Security policy, redaction and audit options of launch/attach.

    Each client starts from the defaults: a program that outlives its clients (listen, attach
    by process id) serves the next one with one session, and what a client relaxed for itself
    (redactSecrets: false, a lenient policy) must not carry over to the next."""
    a = r.arguments
    policy = SecurityPolicy()
    if "securityPolicy" in a:
        raw = a["securityPolicy"]
        if not isinstance(raw, dict):
            raise RequestError(f"{r.command}: arguments.securityPolicy must be an object")
        try:
            policy = SecurityPolicy.from_dict(raw)
        except (TypeError, ValueError) as exc:
            raise RequestError(f"{r.command}: arguments.securityPolicy: {exc}") from None
    patterns = a.get("sensitivePatterns", DEFAULT_PATTERNS)
    if not isinstance(patterns, (list, tuple)) or not all(isinstance(p, str) for p in patterns):
        raise RequestError(f"{r.command}: arguments.sensitivePatterns must be an array of strings")
    s.policy = policy
    s.redactor.set_patterns(patterns)
    s.redactor.enabled = a.get("redactSecrets") is not False
    s.audit = s.base_audit
    if not s.redactor.enabled:
        s.notices.append(
            "dap-server: secret redaction is OFF for this session (redactSecrets: false): "
            "values are shown exactly as they are in the program.\n"
        )
    audit_path = a.get("auditLog")
    if audit_path is not None and not isinstance(audit_path, str):
        raise RequestError(f"{r.command}: arguments.auditLog must be a file path")
    if audit_path or s.policy.log_all_operations:
        path = audit_path or os.path.join(os.getcwd(), f"dap-server-audit-{os.getpid()}.jsonl")
        s.audit = AuditLog(
            path, redactor=s.redactor, client=str(s.client.get("clientID", "unknown"))
        )


@TABLE.command("launch")
def launch(s: DebugSession, r: Request) -> None:
    program = s.options.program
    if program and s.options.runs_program and not program.startswith("<"):  # `<string>`: -c
        _check_compiles(program)
    _apply_options(s, r)


def _check_compiles(program: str) -> None:
    """A program that cannot even compile fails the launch, with Python's own words."""
    try:
        with open(program, "rb") as f:
            source = f.read()
        compile(source, program, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise RequestError(
            f"launch: cannot run {program}: SyntaxError: {exc.msg} (line {exc.lineno})"
        ) from None
    except (OSError, ValueError) as exc:
        raise RequestError(f"launch: cannot run {program}: {exc}") from None


@TABLE.command("attach")
def attach(s: DebugSession, r: Request) -> None:
    _apply_options(s, r)


@TABLE.command("configurationDone")
def configuration_done(s: DebugSession, r: Request) -> None:
    s.configuration_done.set()


@TABLE.command("disconnect", kind="control", capabilities=("supportTerminateDebuggee",))
def disconnect(s: DebugSession, r: Request) -> None:
    s.terminate_requested = bool(r.arguments.get("terminateDebuggee", False))
    if s.terminate_requested and s.options.runs_program:
        # A launched program that is to end: the adapter kills it once this is answered.
        # Nothing resumes meanwhile, so no more of the program runs.
        s.disconnected.set()
        return
    # Leave the program running without us: no breakpoints, nobody stopped.
    s.invalidate()
    s.debugger.set_exception_filters([])
    s.debugger.set_function_breakpoints([])
    for path in s.breakpoint_paths:
        s.debugger.set_source_breakpoints(path, [])
    s.breakpoint_paths.clear()
    s.debugger.resume(None)
    s.disconnected.set()


# --- breakpoints --------------------------------------------------------------------------------


@TABLE.command("cancel", capabilities=("supportsCancelRequest",))
def cancel(s: DebugSession, r: Request) -> None:
    request_id = arg(r.arguments, "requestId", int, command=r.command, default=None)
    if request_id is None:
        return  # progress cancellation: this server reports no progress
    if s.cancel_request(request_id):
        # it may be running user code on a stopped thread right now
        s.debugger.interrupt_calls(None)


@TABLE.command("setSensitivePatterns")
def set_sensitive_patterns(s: DebugSession, r: Request) -> None:
    """This server's extension: change the redaction patterns while the program runs."""
    patterns = arg(r.arguments, "patterns", list, command=r.command)
    if not all(isinstance(p, str) for p in patterns):
        raise RequestError(f"{r.command}: arguments.patterns must be an array of strings")
    s.redactor.set_patterns(patterns)
