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
    from dap_server.listener import breakpoint, is_client_connected, listen, wait_for_client

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
    "breakpoint",
    "is_client_connected",
    "listen",
    "session",
    "wait_for_client",
]

# In-code debugging (`dap_server.listen(5678)`...) lives in the `listener` module (a module
# named `listen` would shadow the function as a package attribute once imported).
_FROM_LISTEN = frozenset({"breakpoint", "is_client_connected", "listen", "wait_for_client"})


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'dap_server' has no attribute {name!r}")
    from importlib import import_module

    module = import_module("dap_server.listener" if name in _FROM_LISTEN else "dap_server.api")
    value = getattr(module, name)
    globals()[name] = value  # cached: later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
