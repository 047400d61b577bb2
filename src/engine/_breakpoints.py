"""Breakpoints compiled once when set: condition code, hit-condition predicate, log template.

A hit only evaluates what was compiled here; nothing is parsed or compiled per hit.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from types import CodeType, FrameType
from typing import Literal

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


def parse_log_message(text: str) -> list[LogPart]:
    """Splits `x is {x}` into literal text and compiled `{expression}` parts; `{{`/`}}` escape."""
    parts: list[LogPart] = []
    buf: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in "{}" and i + 1 < n and text[i + 1] == ch:
            buf.append(ch)
            i += 2
            continue
        if ch == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                raise ValueError(f"unbalanced '{{' in log message {text!r}")
            expr = text[i + 1 : j - 1].strip()
            if buf:
                parts.append("".join(buf))
                buf.clear()
            parts.append((expr, compile(expr, "<log message>", "eval")))
            i = j
            continue
        buf.append(ch)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


def format_log_message(parts: list[LogPart], frame: FrameType) -> str:
    out: list[str] = []
    f_globals, f_locals = frame.f_globals, frame.f_locals
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        try:
            out.append(str(eval(part[1], f_globals, f_locals)))
        except Exception as exc:
            out.append(f"<error evaluating {part[0]!r}: {type(exc).__name__}: {exc}>")
    return "".join(out)


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
