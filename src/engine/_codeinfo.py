"""Code objects and their lines: walking nested code, finding where a line breakpoint binds.

Nothing here runs on the monitoring hot path; binding happens when breakpoints are set or when a
file's code is first seen. Results are cached per code object because the same function code is
looked at on every set-breakpoints call for its file.
"""

from __future__ import annotations

import dis
import linecache
import opcode
import os
import sys
import weakref
from collections.abc import Iterable, Iterator
from types import CodeType, FrameType, FunctionType, MethodType, ModuleType
from typing import Any

# A code object's prologue (cell set-up, generator creation, RESUME) sits on its first line but
# never produces a LINE event there. Counting it as a line with code would bind a breakpoint on a
# `def`/decorator line to a place where nothing ever stops.
_PROLOGUE_OPS = frozenset(
    opcode.opmap[name]
    for name in (
        "RESUME",
        "MAKE_CELL",
        "COPY_FREE_VARS",
        "RETURN_GENERATOR",
        "POP_TOP",
        "NOP",
        "CACHE",
    )
    if name in opcode.opmap
)
_RESUME = opcode.opmap["RESUME"]
_RETURN_GENERATOR = opcode.opmap["RETURN_GENERATOR"]

# Keyed by id(): hashing a code object hashes its whole content, uncached (58 us for a 2,000-line
# function here). The weak reference checks the id was not reused, and lets old code objects die.
_lines_cache: dict[int, tuple[weakref.ref[CodeType], frozenset[int]]] = {}


def walk_code(code: CodeType) -> Iterator[CodeType]:
    """The code object and every code object nested in it (functions, lambdas, classes...)."""
    stack = [code]
    while stack:
        c = stack.pop()
        yield c
        for const in c.co_consts:
            if isinstance(const, CodeType):
                stack.append(const)


def event_lines(code: CodeType) -> frozenset[int]:
    """The lines of `code` where a LINE event can fire (prologue-only lines excluded)."""
    cached = _lines_cache.get(id(code))
    if cached is not None and cached[0]() is code:
        return cached[1]
    raw = code.co_code
    first = code.co_firstlineno
    lines: set[int] = set()
    for start, end, line in code.co_lines():
        if line is None or line < 1 or line in lines:
            continue
        if line == first and code.co_name != "<module>":
            ops = {raw[i] for i in range(start, end, 2)}
            if ops <= _PROLOGUE_OPS and (_RESUME in ops or _RETURN_GENERATOR in ops):
                continue
        lines.add(line)
    result = frozenset(lines)
    if len(_lines_cache) > 50_000:
        _lines_cache.clear()
    _lines_cache[id(code)] = (weakref.ref(code), result)
    return result


_JUMP_OPS = frozenset((*dis.hasjrel, *getattr(dis, "hasjabs", ()), *getattr(dis, "hasjump", ())))
_loops_cache: dict[int, tuple[weakref.ref[CodeType], dict[int, int]]] = {}


def same_line_back_jumps(code: CodeType) -> dict[int, int]:
    """Offset -> line of the backward jumps of `code` that land on their own line: the loop of
    `for x in xs: total += x` or `while True: pass`. sys.monitoring has no LINE event for
    them (the line does not change), where sys.settrace has one each round: a debugger that
    stops there each round, as pdb does, needs the JUMP event at these offsets."""
    cached = _loops_cache.get(id(code))
    if cached is not None and cached[0]() is code:
        return cached[1]
    line_at: dict[int, int] = {}
    for start, end, line in code.co_lines():
        if line is not None:
            for offset in range(start, end, 2):
                line_at[offset] = line
    loops: dict[int, int] = {}
    for ins in dis.get_instructions(code):
        if ins.opcode in _JUMP_OPS and isinstance(ins.argval, int) and ins.argval <= ins.offset:
            line = line_at.get(ins.offset)
            if line is not None and line_at.get(ins.argval) == line:
                loops[ins.offset] = line
    if len(_loops_cache) > 50_000:
        _loops_cache.clear()
    _loops_cache[id(code)] = (weakref.ref(code), loops)
    return loops


def yields_a_value(code: CodeType, offset: int) -> bool:
    """Whether the yield at `offset` hands a value to the consumer (`yield x`, in a generator
    or an async generator) rather than suspending an `await` or a `yield from`. The RESUME
    after it says which: its oparg's low bits are 1 after a plain yield (3.12 and 3.13)."""
    raw = code.co_code
    if offset + 3 >= len(raw) or raw[offset + 2] != _RESUME:
        return False
    return raw[offset + 3] & 3 == 1


def first_body_line(code: CodeType) -> int | None:
    """The first line a call of `code` stops at (where a function breakpoint binds)."""
    raw_first: int | None = None
    lines = event_lines(code)
    for _start, _end, line in code.co_lines():
        if line is not None and line in lines:
            raw_first = line
            break
    return raw_first


def _span(code: CodeType) -> tuple[int, int] | None:
    lines = event_lines(code)
    if not lines:
        return None
    return min(min(lines), code.co_firstlineno), max(lines)


def bind_line(codes: Iterable[CodeType], line: int) -> int | None:
    """Where a breakpoint requested at `line` binds among `codes` (all code of one file).

    The line itself when some code object has a LINE event there; otherwise the next line with
    code in the innermost scope whose span contains `line` (the scope it visually sits in).
    None when no scope contains the line and nothing follows it.
    """
    best: CodeType | None = None
    best_size = 0
    all_codes = list(codes)
    for code in all_codes:
        lines = event_lines(code)
        if line in lines:
            return line
        span = _span(code)
        if span is None or not (span[0] <= line <= span[1]):
            continue
        size = span[1] - span[0]
        if best is None or size < best_size:
            best, best_size = code, size
    if best is None:
        return None
    own = event_lines(best)
    following = [n for n in own if n >= line]
    if not following:
        return None
    target = min(following)
    if _left_in_ended_scope(all_codes, best, own, line, target):
        return None
    return target


def _left_in_ended_scope(
    codes: list[CodeType], scope: CodeType, own: frozenset[int], line: int, target: int
) -> bool:
    """Whether the comment at `line` sits at the end of a nested scope that ended above it
    (indented deeper than `target`, the next line of the enclosing `scope`): binding there
    would move a breakpoint the user put in one function into another. A code object's lines
    end at its last statement, so its trailing comments fall in the enclosing scope's span."""
    text = linecache.getline(scope.co_filename, line)
    if not text.lstrip().startswith("#"):
        return False
    previous = max((n for n in own if n < line), default=0)
    nested_between = any(
        c is not scope and any(previous < n < line for n in event_lines(c)) for c in codes
    )
    if not nested_between:
        return False
    after = linecache.getline(scope.co_filename, target)
    return _indent(text) > _indent(after)


def _indent(text: str) -> int:
    expanded = text.expandtabs(8)
    return len(expanded) - len(expanded.lstrip())


def codes_with_line(codes: Iterable[CodeType], line: int) -> list[CodeType]:
    return [c for c in codes if line in event_lines(c)]


# path -> ((mtime_ns, size), code objects, reason when there are none). Compiling is the
# expensive part of predicting where a breakpoint binds; editors resend a file's breakpoints on
# every change, so the same file is asked about again and again until it is edited.
_source_cache: dict[str, tuple[tuple[int, int], tuple[CodeType, ...], str | None]] = {}


def source_codes(path: str) -> tuple[tuple[CodeType, ...], str | None]:
    """Every code object compiled (never run) from the file on disk, or why there are none.

    Cached per path, size and modification time, so an edited file is compiled again.
    """
    try:
        st = os.stat(path)
    except OSError:
        return (), f"File not found on the debuggee side: {path}"
    key = (st.st_mtime_ns, st.st_size)
    cached = _source_cache.get(path)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    codes: tuple[CodeType, ...] = ()
    reason: str | None = None
    try:
        with open(path, "rb") as f:
            source = f.read()
        codes = tuple(walk_code(compile(source, path, "exec", dont_inherit=True)))
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        reason = (
            f"The file does not compile ({exc.msg}{where}): fix it; the breakpoint binds "
            "when its code loads"
        )
    except (OSError, ValueError) as exc:
        reason = f"Cannot read this file as Python source ({type(exc).__name__}: {exc})"
    if len(_source_cache) > 2_000:
        _source_cache.clear()
    _source_cache[path] = (key, codes, reason)
    return codes, reason


def compile_file(path: str) -> CodeType | None:
    """The module code compiled from the file on disk, to predict binding before it loads."""
    codes, _reason = source_codes(path)
    return codes[0] if codes else None


def module_codes(module: ModuleType) -> list[CodeType]:
    """Code objects reachable from a loaded module's namespace (its module code is gone)."""
    found: list[CodeType] = []
    seen: set[int] = set()

    def visit(obj: Any, depth: int) -> None:
        if depth > 4 or id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, (staticmethod, classmethod)):
            visit(obj.__func__, depth)
        elif isinstance(obj, property):
            for fn in (obj.fget, obj.fset, obj.fdel):
                if fn is not None:
                    visit(fn, depth)
        elif isinstance(obj, MethodType):
            visit(obj.__func__, depth)
        elif isinstance(obj, FunctionType):
            if obj.__module__ == module.__name__:
                found.extend(walk_code(obj.__code__))
            wrapped = getattr(obj, "__wrapped__", None)
            if wrapped is not None:
                visit(wrapped, depth + 1)
        elif isinstance(obj, type):
            if getattr(obj, "__module__", None) != module.__name__:
                return
            for value in list(vars(obj).values()):
                visit(value, depth + 1)

    try:
        for value in list(vars(module).values()):
            visit(value, 0)
    except Exception:  # a hostile __getattr__/descriptor must not break binding
        pass
    return found


def running_frames() -> Iterator[FrameType]:
    """Every frame currently on any thread's stack (module code that is still running, loops...)."""
    for frame in sys._current_frames().values():
        f: FrameType | None = frame
        while f is not None:
            yield f
            f = f.f_back


def canonical(path: str) -> str:
    """One spelling per file, so breakpoints set by path meet code objects' co_filename."""
    return os.path.normcase(os.path.realpath(path))
