"""The text of the program's exceptions, computed without letting them break the engine.

`str(exc)` runs the program's `__str__`, which may raise, return something odd or produce a
message of megabytes; a stop, a condition error or a logpoint must still be reported.
"""

from __future__ import annotations

# A stopped event's text is one line in the editor; exceptionInfo has the whole message.
MAX_MESSAGE = 1_000


def exception_message(exc: BaseException) -> str:
    """`str(exc)`, or a note that it failed (as Python's own traceback printing says), cut
    to MAX_MESSAGE characters."""
    try:
        message = str(exc)
    except Exception:
        return "<exception str() failed>"
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return message


def exception_text(exc: BaseException) -> str:
    """`Type: message`, or just `Type` for an exception without a message."""
    message = exception_message(exc)
    name = type(exc).__name__
    return f"{name}: {message}" if message else name
