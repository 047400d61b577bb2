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
    from dap_server.listen import breakpoint, is_client_connected, listen, wait_for_client

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

# In-code debugging (`dap_server.listen(5678)`...) lives in the `listen` module.
_FROM_LISTEN = frozenset({"breakpoint", "is_client_connected", "listen", "wait_for_client"})


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'dap_server' has no attribute {name!r}")
    from importlib import import_module

    # import_module, not `import dap_server.listen as m`: that form reads the package
    # attribute, which is the `listen` function once cached below.
    module = import_module("dap_server.listen" if name in _FROM_LISTEN else "dap_server.api")
    value = getattr(module, name)
    # Cached, so later lookups skip this function. For `listen` this also replaces the
    # submodule attribute the import just set: `dap_server.listen` is the function.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
