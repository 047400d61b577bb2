"""The Python session API: script a debugger from Python code.

    import dap_server

    with dap_server.session(program="app.py") as s:
        s.set_breakpoint("app.handle_request")
        s.run_until_breakpoint()
        print(s.get_local_variables())

See docs/api.md. Everything here is a DAP client of the same server editors use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from dap_server.listener import Endpoint

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


def attach(
    address: int | tuple[str, int] | str = ("127.0.0.1", 0),
    *,
    token_file: str | None = None,
    quiet: bool = False,
) -> Endpoint:
    """Makes this process debuggable: `dap_server.listen()` with its safe defaults only
    (loopback, a fresh access token, no remote binding). Returns the endpoint; its `.token` is
    what a client passes (`session(connect=endpoint, token=endpoint.token)`)."""
    from dap_server.listener import listen

    return listen(address, token_file=token_file, quiet=quiet)
