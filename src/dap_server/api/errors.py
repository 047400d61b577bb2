"""The exceptions of the session API.

Every error the API raises on purpose is a `DebuggerError`, so `except DebuggerError` catches
misuse, timeouts and failures of the debugged program's side alike; the subclasses say which.
`SecurityViolation` is also the state layer's class of the same name, so code that already
catches `dap_server.state.policy.SecurityViolation` catches the API's too.
"""

from __future__ import annotations

from dap_server.state.policy import SecurityViolation as _PolicyViolation

__all__ = [
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
    "SecurityViolation",
]


class DebuggerError(Exception):
    """Base class of every error the session API raises."""


class DebuggerTimeout(DebuggerError, TimeoutError):
    """Something did not happen in time (a stop, a response, the end of the program)."""


class ConnectionLost(DebuggerError):
    """The adapter or the debuggee went away."""


class RequestFailed(DebuggerError):
    """The debuggee refused a request; `command` is the DAP command, the message is its reason."""

    def __init__(self, command: str, message: str) -> None:
        self.command = command
        self.reason = message
        super().__init__(f"{command}: {message}" if not message.startswith(command) else message)


class NotStoppedError(DebuggerError):
    """An operation that needs a stopped program (inspection, stepping) while it is not stopped."""


class ProgramExited(DebuggerError):
    """The program (or the in-process target) finished while the caller waited for a stop."""

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        self.exit_code = exit_code
        super().__init__(message)


class BreakpointTargetError(DebuggerError, LookupError):
    """A breakpoint target that does not exist; `suggestions` holds the closest real names."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            message += "; did you mean " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(message)


class EvaluationError(DebuggerError):
    """The evaluated expression raised. `exception_type` is its class name ("NameError"),
    `exception_value` its message, as the debuggee reported them (redacted)."""

    def __init__(self, expression: str, message: str) -> None:
        self.expression = expression
        self.message = message
        head, sep, tail = message.partition(": ")
        if sep and head.replace(".", "").replace("_", "").isalnum() and " " not in head:
            self.exception_type, self.exception_value = head, tail
        else:
            self.exception_type, self.exception_value = "", message
        super().__init__(f"evaluating {expression!r} failed: {message}")


class EvaluationTimeout(EvaluationError, DebuggerTimeout):
    """The evaluation ran past its time limit and was interrupted."""


class SecurityViolation(DebuggerError, _PolicyViolation):
    """The security policy refused what an evaluation tried to do.

    `category` is "file", "network", "system" or "mutation" ("" when the debuggee did not say);
    `operation` is what was refused.
    """

    def __init__(self, category: str, operation: str, message: str) -> None:
        _PolicyViolation.__init__(self, category, operation, message)

    def __str__(self) -> str:
        return str(self.args[0])


class ExceptionCaught(DebuggerError):
    """The program stopped at an exception (an exception breakpoint, or an uncaught exception).

    The program stays stopped there: inspect it, then `continue_execution()` or step.
    """

    def __init__(
        self,
        exception_type: str,
        exception_value: str,
        filename: str | None,
        line: int | None,
        *,
        thread_id: int | None = None,
        uncaught: bool = False,
        stack_trace: str = "",
    ) -> None:
        self.exception_type = exception_type
        self.exception_value = exception_value
        self.filename = filename
        self.line = line
        self.thread_id = thread_id
        self.uncaught = uncaught
        self.stack_trace = stack_trace
        where = f" at {filename}:{line}" if filename else ""
        kind = "uncaught " if uncaught else ""
        text = f"{exception_type}: {exception_value}" if exception_value else exception_type
        super().__init__(f"stopped at {kind}exception {text}{where}")
