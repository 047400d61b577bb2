"""A fast, safe Debug Adapter Protocol server for Python, built on sys.monitoring.

`import dap_server` stays cheap and standard-library only: the debuggee imports this package,
and a program being debugged must not pay for the Python API (or pydantic and anyio). The public
API below is therefore loaded on first attribute access (PEP 562 module `__getattr__`).
"""

from __future__ import annotations

# Not `typing.TYPE_CHECKING`: importing typing alone costs milliseconds (mypy and pyright
# treat any constant of this name the same way).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any

    from dap_server.api import (
        REDACTED,
        Breakpoint,
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
        Run,
        SecurityPolicy,
        SecurityViolation,
        Session,
        StackFrame,
        Stop,
        TypedValue,
        Value,
        attach,
        session,
    )

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


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dap_server import api

        value = getattr(api, name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'dap_server' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
