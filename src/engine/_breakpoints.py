"""Breakpoints compiled once when set: condition code, hit-condition predicate, log template.

A hit only evaluates what was compiled here; nothing is parsed or compiled per hit.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Literal

from ._text import exception_text

BreakpointKind = Literal["source", "function"]

_HIT_RE = re.compile(r"^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$")
_HIT_OPS: dict[str, Callable[[int, int], bool]] = {
    "==": operator.eq,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "%": lambda hits, n: hits % n == 0,
}


def parse_hit_condition(text: str) -> Callable[[int], bool]:
    """`5`/`==5`, `>5`, `>=5`, `<5`, `<=5`, `%5` -> predicate on the hit count. ValueError if not."""
    m = _HIT_RE.match(text)
    if m is None:
        raise ValueError(f"invalid hit condition {text!r}: expected N, ==N, >N, >=N, <N, <=N or %N")
    op = _HIT_OPS[m.group(1) or "=="]
    n = int(m.group(2))
    if op is _HIT_OPS["%"] and n == 0:
        raise ValueError("invalid hit condition '%0': division by zero")
    return lambda hits: op(hits, n)


LogPart = str | tuple[str, CodeType]


def split_log_message(text: str) -> list[tuple[str, str | None]]:
    """Splits a logpoint message as written into (raw text, expression) pieces: literal text
    (expression None; `{{`/`}}` still escaped) and `{expression}` parts, whose braces may nest
    (`{ {1: 2}[k] }`). ValueError for an unclosed `{`. The one splitter both the engine and
    whoever checks a message before it is set (redaction) use, so they agree on each part."""
    pieces: list[tuple[str, str | None]] = []
    start = i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "{}" and i + 1 < n and text[i + 1] == ch:
            i += 2
            continue
        if ch != "{":
            i += 1
            continue
        depth, j = 1, i + 1
        while j < n and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        if depth:
            raise ValueError(f"unbalanced '{{' in log message {text!r}")
        if start < i:
            pieces.append((text[start:i], None))
        pieces.append((text[i:j], text[i + 1 : j - 1].strip()))
        start = i = j
    if start < n:
        pieces.append((text[start:], None))
    return pieces


def parse_log_message(text: str) -> list[LogPart]:
    """Compiles a logpoint message: literal text and compiled `{expression}` parts."""
    parts: list[LogPart] = []
    for raw, expr in split_log_message(text):
        if expr is None:
            parts.append(raw.replace("{{", "{").replace("}}", "}"))
        else:
            parts.append((expr, compile(expr, "<log message>", "eval")))
    return parts


def format_log_message(parts: list[LogPart], frame: FrameType) -> tuple[str, bool]:
    """The message for a hit in `frame`, and whether some expression failed (its error text,
    which may quote the program's values, is in the message)."""
    out: list[str] = []
    failed = False
    f_globals, f_locals = frame.f_globals, frame.f_locals
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        try:
            out.append(str(eval(part[1], f_globals, f_locals)))
        except Exception as exc:
            failed = True
            out.append(f"<error evaluating {part[0]!r}: {exception_text(exc)}>")
    return "".join(out), failed


class Breakpoint:
    """One line or function breakpoint, with everything a hit needs precompiled."""

    __slots__ = (
        "condition",
        "condition_source",
        "error",
        "hit_predicate",
        "hits",
        "id",
        "kind",
        "line",
        "log_parts",
        "name",
        "path",
        "reported",
        "requested_line",
        "verified",
    )

    def __init__(
        self,
        bp_id: int,
        kind: BreakpointKind,
        *,
        condition: str | None,
        hit_condition: str | None,
        log_message: str | None = None,
        path: str | None = None,
        requested_line: int | None = None,
        name: str | None = None,
    ) -> None:
        self.id = bp_id
        self.kind: BreakpointKind = kind
        self.path = path
        self.requested_line = requested_line
        self.name = name
        self.line: int | None = None  # where it binds (the requested line or the next with code)
        self.hits = 0
        self.verified = False
        # (verified, line) as last told to the user: a late bind says something only if it
        # differs, so a breakpoint predicted from source does not flicker when its code loads.
        self.reported: tuple[bool, int | None] | None = None
        self.error: str | None = None  # a reason the breakpoint can never work as written
        self.condition_source = condition or None
        self.condition: CodeType | None = None
        self.hit_predicate: Callable[[int], bool] | None = None
        self.log_parts: list[LogPart] | None = None
        try:
            if self.condition_source:
                self.condition = compile(self.condition_source, "<breakpoint condition>", "eval")
            if hit_condition:
                self.hit_predicate = parse_hit_condition(hit_condition)
            if log_message:
                self.log_parts = parse_log_message(log_message)
        except SyntaxError as exc:
            self.error = f"Invalid expression: {exc.msg} in {exc.text or ''!r}"
        except ValueError as exc:
            self.error = str(exc)
