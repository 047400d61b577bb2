"""The Python session API: script a debugger from Python code.

    import dap_server

    with dap_server.session(program="app.py") as s:
        s.set_breakpoint("app.handle_request")
        s.run_until_breakpoint()
        print(s.get_local_variables())

See docs/api.md. Everything here is a DAP client of the same server editors use.
"""

from __future__ import annotations

from typing import Any

from dap_server.api.errors import (
    BreakpointTargetError,
    ConnectionLost,
    DebuggerError,
    DebuggerTimeout,
    EvaluationError,
    EvaluationTimeout,
    ExceptionCaught,
    NotStoppedError,
    ProgramExited,
    RequestFailed,
    SecurityViolation,
)
from dap_server.api.inprocess import Run
from dap_server.api.session import Session, session
from dap_server.api.values import REDACTED, Breakpoint, StackFrame, Stop, TypedValue, Value
from dap_server.state.policy import SecurityPolicy

__all__ = [
    "REDACTED",
    "Breakpoint",
    "BreakpointTargetError",
    "ConnectionLost",
    "DebuggerError",
    "DebuggerTimeout",
    "EvaluationError",
    "EvaluationTimeout",
    "ExceptionCaught",
    "NotStoppedError",
    "ProgramExited",
    "RequestFailed",
    "Run",
    "SecurityPolicy",
    "SecurityViolation",
    "Session",
    "StackFrame",
    "Stop",
    "TypedValue",
    "Value",
    "attach",
    "session",
]


def attach(**options: Any) -> Any:
    """Makes this process debuggable: an alias of `dap_server.listen()` with its safe defaults
    (loopback only, an access token required). Returns what `listen` returns."""
    try:
        from dap_server.listen import listen  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:  # listen() is another part of the project
        raise DebuggerError(f"attach(): dap_server.listen is not available in this installation ({exc})") from None
    return listen(**options)
