"""What the session API hands back: Python values where they can be rebuilt safely, typed
snapshots otherwise, and plain records for frames, stops and breakpoints.

Values travel as text (DAP's `value` string, rendered and redacted inside the debuggee). A value
is rebuilt into a Python object only when that text is a Python literal (`ast.literal_eval`,
which never runs code) whose class is the one the debuggee reported, and which holds no `...`
(the debuggee's mark of a preview cut short, or of a cycle). Anything else, including every
redacted value, stays a `Value` snapshot: the text and the type name, never a guess.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "REDACTED",
    "Breakpoint",
    "StackFrame",
    "Stop",
    "TypedValue",
    "Value",
    "from_dap",
    "literal_text",
]

REDACTED: Final = "[REDACTED]"

# Type names the debuggee reports for values a literal can stand for exactly.
_LITERAL_TYPES: Final = frozenset(
    {
        "int",
        "float",
        "complex",
        "str",
        "bytes",
        "bool",
        "NoneType",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
    }
)


@dataclass(frozen=True)
class Value:
    """A value the API cannot (or must not) rebuild as a Python object: a snapshot of what the
    debuggee showed. `str(v)` is the shown text. `reference` can be expanded with
    `Session.get_children` until the program resumes."""

    value: str
    type: str
    reference: int = 0
    expression: str | None = None

    @property
    def redacted(self) -> bool:
        """True when the debuggee hid this value (or something inside it) as sensitive."""
        return REDACTED in self.value

    def __str__(self) -> str:
        return self.value

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "type": self.type}


@dataclass(frozen=True)
class TypedValue:
    """A value with its type: `.value` is the Python value (or a `Value` snapshot), `.type` the
    name of its class in the program, `.text` what the debuggee showed."""

    value: object
    type: str
    text: str
    reference: int = 0

    @property
    def redacted(self) -> bool:
        return REDACTED in self.text

    def to_dict(self) -> dict[str, Any]:
        return {"value": _jsonable(self.value), "type": self.type, "text": self.text}


@dataclass(frozen=True)
class StackFrame:
    """One frame of the stopped thread, innermost first (index 0)."""

    index: int
    id: int
    function_name: str
    filename: str | None
    line: int
    local_variables: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "function_name": self.function_name,
            "filename": self.filename,
            "line": self.line,
            "local_variables": {k: _jsonable(v) for k, v in self.local_variables.items()},
        }


@dataclass(frozen=True)
class Stop:
    """Where and why the program stopped."""

    reason: str
    thread_id: int
    filename: str | None
    line: int | None
    function_name: str | None
    description: str | None = None
    text: str | None = None
    hit_breakpoint_ids: tuple[int, ...] = ()

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}" if self.filename else f"line {self.line}"
        return f"{self.reason} in {self.function_name}() at {where}"


@dataclass
class Breakpoint:
    """A breakpoint as the session keeps it. `verified`, `line` and `message` are the debuggee's
    answer (a breakpoint in code not loaded yet is unverified until the code loads)."""

    target: str
    kind: str  # "line" or "function"
    path: str | None = None
    line: int | None = None
    function: str | None = None
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None
    enabled: bool = True
    id: int | None = None
    verified: bool = False
    message: str | None = None

    def __str__(self) -> str:
        state = "" if self.enabled else " (disabled)"
        check = "verified" if self.verified else f"unverified: {self.message or 'not sent yet'}"
        return f"{self.target}{state} [{check}]"


def from_dap(
    text: str, type_name: str, reference: int = 0, expression: str | None = None
) -> object:
    """The Python value a DAP value string stands for, or a `Value` snapshot.

    Rebuilt only when the text is a literal of exactly the reported type and holds no `...`.
    (A container holding an object whose own `__repr__` prints a literal would be rebuilt with
    that literal: the debuggee's text cannot tell the two apart.)
    """
    if type_name in _LITERAL_TYPES and REDACTED not in text:
        ok, value = literal_text(text)
        if ok and type(value).__name__ == type_name:
            return value
    return Value(text, type_name, reference, expression)


def literal_text(text: str) -> tuple[bool, object]:
    """(True, value) when `text` is a complete Python literal without any `...` in it."""
    if len(text) > 1_000_000:
        return False, None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None
    if _has_ellipsis(value, 0):
        return False, None
    return True, value


def _has_ellipsis(value: object, depth: int) -> bool:
    if value is Ellipsis:
        return True
    if depth > 100:
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_ellipsis(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(
            _has_ellipsis(k, depth + 1) or _has_ellipsis(v, depth + 1) for k, v in value.items()
        )
    return False


def _jsonable(value: object) -> object:
    """A JSON-friendly form: literals as they are, snapshots as their text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _jsonable(v) for k, v in value.items()}
    return str(value)
