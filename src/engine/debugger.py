"""The engine facade: breakpoints, stepping, exceptions, threads and suspension on sys.monitoring.

Performance model (see docs/ARCHITECTURE.md and DESIGN's performance contract):

- With nothing set, no event is enabled at all.
- LINE is enabled locally on code objects holding a breakpoint; every other line returns DISABLE
  the first time it runs, so a function with a breakpoint on a line never reached runs at almost
  full speed.
- A global PY_START finds code loaded after its breakpoints were set; it returns DISABLE per code
  object, so each code object costs one callback per `restart_events()`.
- Stepping and pausing enable LINE only on the stepping thread's code objects (plus PY_START /
  PY_RESUME globally while stepping *into*), filter by thread and switch it off at the stop.

Hot-path rules: callbacks index dicts by line number (or `co_filename`, a str whose hash is
cached) and then compare code objects by identity, never hash a code object (that hashes its
whole content, uncached), and allocate nothing on the DISABLE path. While nothing steps or
pauses, LINE and RAISE are served by closures built for the current breakpoints and filters
(`_make_line_callback`, `_make_raise_callback`) and re-registered when those change.
"""

from __future__ import annotations

import _thread
import ast
import builtins
import linecache
import os
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from types import CodeType, FrameType, FunctionType, TracebackType
from typing import Any, TypeVar

from . import _codeinfo
from ._breakpoints import Breakpoint, format_log_message
from ._paths import HIDDEN, LIBRARY, USER, PathClassifier
from ._text import exception_text
from .events import (
    BreakpointChanged,
    BreakpointStatus,
    Continued,
    EngineError,
    Event,
    ExceptionFilterSpec,
    FunctionBreakpointSpec,
    Output,
    SourceBreakpointSpec,
    StepKind,
    Stopped,
    StopReason,
    ThreadExited,
    ThreadStarted,
)

T = TypeVar("T")

_MON = sys.monitoring
_EV = _MON.events
_DISABLE = _MON.DISABLE
_TOOL = _MON.DEBUGGER_ID
_get_ident = threading.get_ident
_getframe = sys._getframe

_LINE = _EV.LINE
_JUMP = _EV.JUMP
_PY_START = _EV.PY_START
_PY_RESUME = _EV.PY_RESUME
_PY_RETURN = _EV.PY_RETURN
_PY_YIELD = _EV.PY_YIELD
_RAISE = _EV.RAISE
_PY_UNWIND = _EV.PY_UNWIND
_ALL_EVENTS = (
    _LINE,
    _JUMP,
    _PY_START,
    _PY_RESUME,
    _PY_RETURN,
    _PY_YIELD,
    _RAISE,
    _PY_UNWIND,
)
_CO_OPTIMIZED = 0x1
_STEP_TARGET_EVENTS = _LINE | _PY_RETURN | _PY_YIELD | _PY_RESUME

# 3.13+ emits no LINE event for a code object's first line when it sits on the `def`/`lambda`
# line unless PY_START is enabled for that code too (checked on 3.13.0 and 3.14).
_FIRST_LINE_NEEDS_PY_START = sys.version_info >= (3, 13)

# Generators, coroutines, async generators, iterable coroutines.
_CO_SUSPENDABLE = 0x20 | 0x80 | 0x100 | 0x200
_CO_COROUTINE_LIKE = 0x80 | 0x100 | 0x200
# Frames the engine borrows past the program's recursion limit to stop on a line near it.
_RECURSION_HEADROOM = 200
# Threads of the engine's own with no Python code (the program may replace the public name).
_start_raw_thread = _thread.start_new_thread

_MAX_ENGINE_ERRORS = 50

# Exceptions that are control flow, never worth a `raised` stop.
_CONTROL_FLOW = (StopIteration, StopAsyncIteration, GeneratorExit)


class EngineBusyError(RuntimeError):
    """sys.monitoring.DEBUGGER_ID is already held by another tool."""


class ThreadBusy(RuntimeError):
    """The stopped thread is still running an earlier call that outlived its deadline."""


class EvaluationTimeout(Exception):
    """run_on_thread's function did not finish within its deadline."""


class _Interrupt(BaseException):
    """Raised asynchronously into a suspended thread to stop an evaluation that ran too long.

    A BaseException so that user code's `except Exception` does not swallow it.
    """


class _Call:
    """A function to run on a suspended thread, and its outcome."""

    __slots__ = ("done", "error", "fn", "result")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            self.result = self.fn()
        except _Interrupt:
            self.error = EvaluationTimeout("evaluation timed out and was interrupted")
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()


class _Step:
    """What one thread is stepping towards."""

    __slots__ = ("codes", "frame", "kind", "landing", "suspended", "target_call")

    def __init__(self, kind: str, frame: FrameType | None, target_call: _Span | None) -> None:
        # kind: "into" (next visible line anywhere on the thread), "over" (next line in `frame`
        # or anywhere once `frame` is gone, not in frames it calls), "out" (until `frame` returns).
        self.kind = kind
        self.frame = frame
        # stepIn to a chosen call: the call's source span in `frame` (see _calls_on_line).
        self.target_call = target_call
        self.suspended = False  # `frame` is a generator/coroutine parked at a yield/await
        # A step out that reached its caller: it stops there, at the caller's next line or,
        # if the caller itself returns first (a call on its last line), at that return.
        self.landing = False
        self.codes: list[CodeType] = []  # code objects given LINE etc. for this step


class _ThreadState:
    __slots__ = (
        "announced",
        "busy",
        "exception",
        "frame",
        "hooked",
        "ident",
        "name",
        "native_id",
        "pause",
        "queue",
        "return_value",
        "returning",
        "step",
        "stopped",
        "targets",
        "tb_frames",
    )

    def __init__(self, ident: int, native_id: int, name: str) -> None:
        self.ident = ident
        self.native_id = native_id
        self.name = name
        self.queue: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        # The call running on this (stopped) thread right now, if any: one that outlived its
        # deadline (stuck in a C call the interrupt cannot reach) keeps the thread busy.
        self.busy: _Call | None = None
        self.stopped = False
        self.frame: FrameType | None = None
        # At an uncaught stop: the traceback's frames, each with the line the exception
        # passed (the frame itself may have run on since, through a `finally`).
        self.tb_frames: list[tuple[FrameType, int]] | None = None
        self.exception: BaseException | None = None
        self.return_value: tuple[bool, object] = (False, None)
        # Stopped as its frame returns (a step out's landing): a step from there starts in
        # the caller, the frame having nothing left to run.
        self.returning = False
        self.step: _Step | None = None
        # A pause asked for: the reason its stop will give ("pause", or "breakpoint" for a
        # breakpoint() call in the program), else None.
        self.pause: StopReason | None = None
        self.announced = False
        self.targets: dict[int, tuple[str, _Span]] = {}
        # Started through the patched Thread._bootstrap_inner, which reports its end. Threads
        # that were running before start() and threads started by native code are not: their
        # end is found by a liveness check in threads().
        self.hooked = False


class _FileBreakpoints:
    """The breakpoints of one file and the code objects known for it."""

    __slots__ = ("breakpoints", "codes", "path", "shown")

    def __init__(self, path: str) -> None:
        self.path = path  # canonical: what code objects' files are matched against
        # As the caller last spelled it (a symlink's path, say): what statuses report, so that
        # an editor finds its breakpoints under the name it gave them.
        self.shown = path
        self.breakpoints: list[Breakpoint] = []
        self.codes: dict[int, CodeType] = {}  # id -> code: real, loaded code objects


class _ExceptionFilter:
    """An exception filter's condition, compiled for the RAISE path.

    `static_types`: the condition names exception types (`ValueError`, `KeyError, OSError`),
    resolved once against builtins. Otherwise the condition is an expression about `exc`
    (alias `__exception__`), looked up in the raising frame: when it reads none of that frame's
    locals (the usual case), it runs as a function of the exception made once per module
    globals, several times cheaper than an `eval`, which builds a frame and resolves every name
    through a locals dict; else it is evaluated with a copy of the frame's locals.
    """

    __slots__ = ("condition", "names", "static_types", "test_code", "tests", "uses_locals")

    def __init__(
        self,
        condition: CodeType | None,
        static_types: tuple[type, ...] | None,
        test_code: CodeType | None = None,
    ) -> None:
        self.condition = condition
        self.static_types = static_types
        # The condition as the body of `lambda exc, __exception__: ...`, when it compiles so.
        self.test_code = test_code
        # Names the condition looks up. When none is a local of the raising function, the
        # condition needs no copy of the frame's locals (f_locals builds one on 3.12).
        self.names = frozenset(condition.co_names) if condition is not None else frozenset()
        # id(code) -> (code, whether the condition reads one of its locals); id(globals) ->
        # (globals, the condition as a function over them). Keyed by id: hashing a code object
        # hashes its whole content, and dicts do not hash. The strong reference keeps the id
        # from being reused; the tables die with the filter (set_exception_filters).
        self.uses_locals: dict[int, tuple[CodeType, bool]] = {}
        self.tests: dict[int, tuple[dict[str, Any], Callable[[object, object], object]]] = {}

    def needs_locals(self, code: CodeType) -> bool:
        cached = self.uses_locals.get(id(code))
        if cached is not None and cached[0] is code:
            return cached[1]
        names = self.names
        uses = not (
            code.co_flags & _CO_OPTIMIZED  # class bodies and module code: locals are a dict
            and names.isdisjoint(code.co_varnames)
            and names.isdisjoint(code.co_cellvars)
            and names.isdisjoint(code.co_freevars)
        )
        if len(self.uses_locals) > 10_000:
            self.uses_locals.clear()
        self.uses_locals[id(code)] = (code, uses)
        return uses

    def test_for(self, f_globals: dict[str, Any]) -> Callable[[object, object], object]:
        """The condition as a function over `f_globals`. Only when `test_code` is set."""
        assert self.test_code is not None
        entry = self.tests.get(id(f_globals))
        if entry is None or entry[0] is not f_globals:
            if len(self.tests) > 1_000:
                self.tests.clear()
            entry = (f_globals, FunctionType(self.test_code, f_globals))
            self.tests[id(f_globals)] = entry
        return entry[1]

    def verdict(self, exc: BaseException, frame: FrameType | None) -> object:
        """What the expression condition gives for `exc` raised in `frame`, or what it raised.

        The RAISE callback inlines the common case (a cached function) of the same tables.
        """
        assert self.condition is not None
        f_globals = _NO_GLOBALS if frame is None else frame.f_globals
        reads_locals = frame is not None and self.needs_locals(frame.f_code)
        try:
            if self.test_code is not None and not reads_locals:
                return self.test_for(f_globals)(exc, exc)
            namespace = dict(frame.f_locals) if reads_locals and frame is not None else {}
            # The exception wins over a local of the same name: the condition is about it.
            namespace["exc"] = namespace["__exception__"] = exc
            return eval(self.condition, f_globals, namespace)
        except Exception as err:
            return err


# The globals of a condition tested with no frame (an exception that reached no Python frame).
_NO_GLOBALS: dict[str, Any] = {"__builtins__": builtins}


# One entry of the LINE index: (code object, breakpoints bound at this line in it, the condition
# to test first when it is the only breakpoint there, else None, the entry of another code object
# with a breakpoint at the same line number, else None). The condition lets the LINE callback
# reject a miss with nothing but an eval; the chain (rather than a tuple of entries) spares the
# callback a loop and its iterator allocation in the usual case of one code object per line.
_LineEntry = tuple[CodeType, tuple[Breakpoint, ...], CodeType | None, "_LineEntry | None"]


class Debugger:
    """A debugger for the current interpreter, driven from another thread (the server's)."""

    def __init__(
        self,
        on_event: Callable[[Event], None],
        *,
        just_my_code: bool = True,
        hidden_paths: Sequence[str] = (),
    ) -> None:
        self._on_event = on_event
        self._just_my_code = just_my_code
        self._paths = PathClassifier(hidden_paths)
        self._lock = threading.RLock()
        self._started = False
        self._closed = False
        self._errors = 0

        # -- read by callbacks without the lock: always replaced whole, never mutated --
        # line -> entries of every file; the LINE hot path. Keyed by line alone (an int hashes
        # to itself) and checked by code identity: one dict lookup per event.
        self._line_index: dict[int, _LineEntry] = {}
        # The same for a one-line loop's next round (a JUMP): line breakpoints only, as a
        # function breakpoint stops on entry only.
        self._round_index: dict[int, _LineEntry] = {}
        # co_filename of code objects that keep PY_START (first-line breakpoints on 3.13+).
        self._start_keep: dict[str, tuple[CodeType, ...]] = {}
        self._active = False  # some thread steps/pauses, or an entry stop is armed
        self._watching = False  # breakpoints/function breakpoints/entry wait for code to load
        self._hidden: set[int] = set()  # thread idents never stopped
        self._threads: dict[int, _ThreadState] = {}

        # -- breakpoints --
        self._next_id = 1
        self._files: dict[str, _FileBreakpoints] = {}  # canonical path ->
        self._fbps: list[Breakpoint] = []
        self._fbp_index: dict[str, list[tuple[str | None, Breakpoint]]] = {}  # qualname ->
        # id(code) -> (code, its function breakpoints, the line they stop at)
        self._fbp_codes: dict[int, tuple[CodeType, tuple[Breakpoint, ...], int]] = {}
        # (path or "<function>", line or name, ordinal among the same) -> id: a breakpoint the
        # editor sends again keeps its id; two on one line (or one function) still get two.
        self._bp_ids: dict[tuple[str, object, int], int] = {}
        self._entry_paths: set[str] = set()
        self._entry_codes: dict[int, CodeType] = {}

        # -- exceptions --
        self._raised: _ExceptionFilter | None = None
        self._uncaught: _ExceptionFilter | None = None
        self._user_unhandled: _ExceptionFilter | None = None
        # RAISE fires again in every frame an exception unwinds through. Where it has come from
        # a frame the `raised` filter looks at (its traceback's next entry), it was seen there:
        # not a new raise, whatever handlers (`with`, `finally`, a non-matching `except`)
        # re-raised it on the way. Nothing is held, so no frames are pinned.

        # -- local events: id(code) -> (code, reason -> mask) --
        self._local: dict[int, tuple[CodeType, dict[object, int]]] = {}
        self._local_masks: dict[int, int] = {}
        self._global_mask = 0

        self._saved_bootstrap: Any = None
        self._saved_excepthook: Any = None
        self._saved_start_new_thread: Any = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Claims DEBUGGER_ID and registers callbacks; enables no event yet."""
        holder = _MON.get_tool(_TOOL)
        if holder is not None:
            raise EngineBusyError(
                f"sys.monitoring.DEBUGGER_ID ({_TOOL}) is already in use by {holder!r}; "
                "stop that debugger first"
            )
        _MON.use_tool_id(_TOOL, "engine")
        reg = _MON.register_callback
        reg(_TOOL, _LINE, _make_line_callback(self, {}))
        reg(_TOOL, _JUMP, _make_jump_callback(_make_line_callback(self, {}, jumped=True)))
        reg(_TOOL, _PY_START, self._on_start)
        reg(_TOOL, _PY_RESUME, self._on_resume)
        reg(_TOOL, _PY_RETURN, self._on_return)
        reg(_TOOL, _PY_YIELD, self._on_yield)
        reg(_TOOL, _RAISE, self._on_raise)
        reg(_TOOL, _PY_UNWIND, self._on_unwind)
        self._started = True
        for t in threading.enumerate():
            if t.ident is not None and t.native_id is not None:
                ts = _ThreadState(t.ident, t.native_id, t.name)
                ts.announced = True
                self._threads[t.ident] = ts
        self._install_thread_hooks()

    def close(self) -> None:
        """Resumes every thread and removes every trace of the engine from the interpreter."""
        with self._lock:
            if self._closed or not self._started:
                self._closed = True
                return
            self._closed = True
            self._active = False
            self._watching = False
            self._line_index = {}
            self._start_keep = {}
            stopped = [ts for ts in self._threads.values() if ts.stopped]
            for ts in self._threads.values():
                ts.step = None
                ts.pause = None
            for ts in stopped:
                ts.stopped = False
                ts.queue.put(("resume",))
            # free_tool_id leaves per-code local events behind on 3.12/3.13: clear them first.
            for code, _reasons in self._local.values():
                try:
                    _MON.set_local_events(_TOOL, code, 0)
                except ValueError:
                    pass
            self._local.clear()
            self._local_masks.clear()
            _MON.set_events(_TOOL, 0)
            for event in _ALL_EVENTS:
                _MON.register_callback(_TOOL, event, None)
            _MON.free_tool_id(_TOOL)
        self._uninstall_thread_hooks()

    @property
    def closed(self) -> bool:
        return self._closed

    def after_fork_in_child(self) -> None:
        """Call first thing in a process forked while this engine ran (`os.register_at_fork`).

        Only the forking thread survives a fork. The lock is replaced (a thread that no longer
        exists may have held it at the moment of the fork); every thread state, with its steps
        and pause, is forgotten; the forking thread gets a fresh state under its
        new native id (the child's pid for the main thread); hidden threads, all gone, are
        forgotten. Breakpoints and exception filters stay: whoever debugs the child sets its own.
        """
        self._lock = threading.RLock()
        current = threading.current_thread()
        if current.native_id != threading.get_native_id():
            # CPython (3.12, 3.13) leaves the parent's native id on the forking thread's Thread
            # object; threads() would list the parent's thread id.
            reset = getattr(current, "_set_native_id", None)
            if reset is not None:
                reset()
        with self._lock:
            if self._closed or not self._started:
                return
            ident = _get_ident()
            old = self._threads.pop(ident, None)
            for ts in list(self._threads.values()):
                self._forget_thread(ts)
            self._threads.clear()
            if old is not None:
                self._forget_thread(old)
            hidden = ident in self._hidden
            self._hidden = {ident} if hidden else set()
            self._refresh_active()
            if not hidden:
                ts = _ThreadState(ident, threading.get_native_id(), current.name)
                ts.announced = True
                ts.hooked = old.hooked if old is not None else False
                self._threads[ident] = ts

    def _exception_text(self, exc: BaseException) -> str:
        """The text a stop at `exc` shows. `str(exc)` runs the program's `__str__`: the
        thread is hidden meanwhile, so that code can neither stop nor re-enter the engine."""
        ident = _get_ident()
        with self._lock:
            was_hidden = ident in self._hidden
            self._hidden.add(ident)
        try:
            return exception_text(exc)
        finally:
            if not was_hidden:
                with self._lock:
                    self._hidden.discard(ident)

    def hide_current_thread(self) -> None:
        ident = _get_ident()
        with self._lock:
            self._hidden.add(ident)
            self._threads.pop(ident, None)

    def show_current_thread(self) -> None:
        """Undoes `hide_current_thread`: a thread that served the debugger runs user code again
        (the controlling thread of an in-process session that has ended)."""
        with self._lock:
            self._hidden.discard(_get_ident())

    def set_just_my_code(self, enabled: bool) -> None:
        with self._lock:
            self._just_my_code = enabled
            self._install_raise_callback()

    # ------------------------------------------------------------------ breakpoints

    def set_source_breakpoints(
        self, path: str, specs: Sequence[SourceBreakpointSpec]
    ) -> list[BreakpointStatus]:
        canon = _codeinfo.canonical(path)
        with self._lock:
            fb = self._files.get(canon)
            if fb is None:
                fb = _FileBreakpoints(canon)
            fb.shown = os.path.abspath(path)
            ids = self._breakpoint_ids(canon, [spec.line for spec in specs])
            fb.breakpoints = [
                Breakpoint(
                    bp_id,
                    "source",
                    condition=spec.condition,
                    hit_condition=spec.hit_condition,
                    log_message=spec.log_message,
                    path=canon,
                    requested_line=spec.line,
                )
                for bp_id, spec in zip(ids, specs, strict=True)
            ]
            if fb.breakpoints:
                self._files[canon] = fb
                self._find_loaded_code(fb)
            else:
                self._files.pop(canon, None)
            statuses = [self._bind(fb, bp)[0] for bp in fb.breakpoints]
            self._rebuild()
        _MON.restart_events()
        return statuses

    def set_function_breakpoints(
        self, specs: Sequence[FunctionBreakpointSpec]
    ) -> list[BreakpointStatus]:
        with self._lock:
            self._fbps = []
            self._fbp_index = {}
            self._fbp_codes = {}
            statuses: list[BreakpointStatus] = []
            ids = self._breakpoint_ids("<function>", [spec.name.strip() for spec in specs])
            for bp_id, spec in zip(ids, specs, strict=True):
                bp = Breakpoint(
                    bp_id,
                    "function",
                    condition=spec.condition,
                    hit_condition=spec.hit_condition,
                    name=spec.name,
                )
                self._fbps.append(bp)
                parts = spec.name.strip().split(".")
                if bp.error is None and all(p.isidentifier() for p in parts):
                    for i in range(len(parts)):
                        module = ".".join(parts[:i]) or None
                        qualname = ".".join(parts[i:])
                        self._fbp_index.setdefault(qualname, []).append((module, bp))
                    self._find_loaded_function(bp, parts)
                elif bp.error is None:
                    bp.error = f"Not a function name: {spec.name!r}"
                statuses.append(self._function_status(bp))
            self._rebuild()
        _MON.restart_events()
        return statuses

    def set_exception_filters(self, specs: Sequence[ExceptionFilterSpec]) -> None:
        filters: dict[str, _ExceptionFilter] = {}
        for spec in specs:
            filters[spec.filter] = _compile_exception_filter(spec.condition)
        with self._lock:
            self._raised = filters.get("raised")
            self._uncaught = filters.get("uncaught")
            self._user_unhandled = filters.get("userUnhandled")
            self._install_raise_callback()
            self._update_global()

    def breakpoint_locations(self, path: str, line: int, end_line: int | None = None) -> list[int]:
        """Lines in [line, end_line] (default: just `line`) where execution can stop."""
        canon = _codeinfo.canonical(path)
        last = line if end_line is None else end_line
        codes, _reason = _codeinfo.source_codes(canon)
        if not codes:
            with self._lock:
                fb = self._files.get(canon)
                codes = tuple(fb.codes.values()) if fb else ()
        found: set[int] = set()
        for code in codes:
            found.update(n for n in _codeinfo.event_lines(code) if line <= n <= last)
        return sorted(found)

    def stop_on_entry(self, path: str) -> None:
        """Stops at the first line of the next module code run from `path` (a file, or a name
        such as `<string>` for `python -c` code)."""
        with self._lock:
            self._entry_paths.add(self._paths.canonical(path))
            self._rebuild()
        _MON.restart_events()

    # ------------------------------------------------------------------ run control

    def resume(self, thread_id: int | None = None) -> None:
        for ts in self._stopped_states(thread_id):
            self._release(ts, ("resume",))

    def step(
        self,
        thread_id: int,
        kind: StepKind,
        target_id: int | None = None,
        *,
        resume_others: bool = False,
    ) -> list[int]:
        """Steps the thread; with `resume_others`, every other stopped thread resumes too (a
        step lets the program run, as DAP's steps do unless singleThread). Returns the ids of
        the other threads resumed."""
        (ts,) = self._stopped_states(thread_id)
        others = [o for o in self._stopped_states(None) if o is not ts] if resume_others else []
        self._release(ts, ("step", kind, target_id))
        for other in others:
            self._release(other, ("resume",))
        return [other.native_id for other in others]

    def _release(self, ts: _ThreadState, command: tuple[Any, ...]) -> None:
        """Queues the command that ends a thread's stop, once: the thread counts as running
        from here on, so a second resume arriving before it has woken (continue of one thread,
        then of all) cannot leave a stale "resume" that would end its next stop at once."""
        with self._lock:
            if not ts.stopped:
                return
            ts.stopped = False
        ts.queue.put(command)

    def pause(self, thread_id: int | None = None, reason: StopReason = "pause") -> None:
        """Stops the thread (all threads: None) at its next line of visible code; the stop gives
        `reason` ("breakpoint" for a breakpoint() call in the program).

        LINE goes on the visible code already on its stack (a thread blocked in a C call or in
        library code stops at the next line once it returns there) and PY_START/PY_RESUME on
        everything it calls next. A thread with no visible code on its stack stops when it first
        runs some; until then (for ever, if it never does) it runs on, and the user is told.
        """
        frames = sys._current_frames()
        waiting: list[str] = []
        with self._lock:
            if thread_id is None:
                targets = [
                    self._state_for(t) for t in threading.enumerate() if not _is_hidden_thread(t)
                ]
                targets += [ts for ts in self._threads.values() if ts not in targets]
            else:
                targets = [self._state_by_native(thread_id)]
            for ts in targets:
                if ts is None or ts.stopped or ts.ident in self._hidden:
                    continue
                ts.pause = reason
                f = frames.get(ts.ident)
                key = ("pause", ts.ident)
                visible = False
                while f is not None:
                    if self._visible(f.f_code):
                        self._set_local(f.f_code, key, _LINE)
                        visible = True
                    f = f.f_back
                if not visible:
                    waiting.append(f"{ts.name!r} ({ts.native_id})")
            self._refresh_active()
        _MON.restart_events()
        if waiting:
            self._emit(
                Output(
                    f"Pause: {'threads' if len(waiting) > 1 else 'thread'} {', '.join(waiting)}"
                    " in library or native code: each pauses at its next line of your code, "
                    "and keeps running as long as it runs none.\n",
                    "console",
                )
            )

    def goto(self, thread_id: int, line: int) -> None:
        (ts,) = self._stopped_states(thread_id)
        frame = ts.frame
        if frame is None or ts.tb_frames is not None:
            raise ValueError("cannot jump from this stop")

        def jump() -> None:
            frame.f_lineno = line  # type: ignore[misc]  # settable inside a LINE callback

        self.run_on_thread(thread_id, jump, 5.0)
        self._emit(Stopped(ts.native_id, "goto"))

    def step_in_targets(self, thread_id: int, frame: FrameType) -> list[tuple[int, str]]:
        (ts,) = self._stopped_states(thread_id)
        ts.targets = dict(enumerate(_calls_on_line(frame), start=1))
        return [(target_id, label) for target_id, (label, _span) in ts.targets.items()]

    def report_uncaught(self, exc: BaseException, thread_id: int | None = None) -> None:
        """The program (or a thread) ends with `exc`: stop on the calling thread if asked to."""
        flt = self._uncaught
        if flt is None or self._closed or _is_clean_exit(exc):
            return
        frames = _traceback_frames(exc.__traceback__)
        visible = [(f, n) for f, n in frames if self._paths.kind(f.f_code.co_filename) != HIDDEN]
        top = visible[0][0] if visible else None
        if not self._exception_matches(flt, exc, top):
            return
        ts = self._state_current()
        self._suspend(
            ts,
            top,
            "exception",
            exc=exc,
            tb_frames=visible,
            description="Uncaught exception",
            text=self._exception_text(exc),
            exception_filter="uncaught",
        )

    # ------------------------------------------------------------------ inspection

    def threads(self) -> list[tuple[int, str]]:
        """The program's threads, (native id, name). Also reports the end of threads whose
        exit nothing else sees (started by native code, or running before start())."""
        result: dict[int, str] = {}
        gone: list[_ThreadState] = []
        with self._lock:
            for ts in list(self._threads.values()):
                if not ts.hooked and not ts.stopped and not _thread_alive(ts):
                    del self._threads[ts.ident]
                    self._forget_thread(ts)
                    gone.append(ts)
            gone_natives = {ts.native_id for ts in gone}
            for t in threading.enumerate():
                if t.ident in self._hidden or t.native_id is None or _is_hidden_thread(t):
                    continue
                if t.native_id in gone_natives or (
                    isinstance(t, threading._DummyThread) and not _native_alive(t.native_id)
                ):
                    continue  # a dummy Thread object outlives the native thread it stood for
                result[t.native_id] = t.name
            for ts in self._threads.values():
                if ts.native_id not in result and ts.ident not in self._hidden:
                    result[ts.native_id] = ts.name
        for ts in gone:
            self._emit(ThreadExited(ts.native_id))
        return sorted(result.items())

    def is_stopped(self, thread_id: int) -> bool:
        ts = self._state_by_native(thread_id)
        return ts is not None and ts.stopped

    def source_path(self, code: CodeType) -> str:
        """The file `code` came from, as breakpoints match it: absolute and with symlinks
        resolved, fixed when the engine first saw the name (a relative `co_filename`, from
        `runpy.run_path("dir/x.py")`, stays right after the program changes directory), or the
        name itself for code with no file (`<string>`)."""
        return self._paths.canonical(code.co_filename)

    def frames(self, thread_id: int) -> list[FrameType]:
        return [frame for frame, _line in self.stack(thread_id)]

    def stack(self, thread_id: int) -> list[tuple[FrameType, int]]:
        """The stopped thread's frames, innermost first, each with the line it shows: at an
        uncaught stop, the line the exception passed in it."""
        (ts,) = self._stopped_states(thread_id)
        if ts.tb_frames is not None:
            return list(ts.tb_frames)
        out: list[tuple[FrameType, int]] = []
        f = ts.frame
        while f is not None:
            if self._paths.kind(f.f_code.co_filename) != HIDDEN:
                out.append((f, f.f_lineno or f.f_code.co_firstlineno))
            f = f.f_back
        return out

    def run_on_thread(self, thread_id: int, fn: Callable[[], T], timeout: float) -> T:
        (ts,) = self._stopped_states(thread_id)
        if ts.ident == _get_ident():
            return fn()
        if ts.busy is not None:
            raise ThreadBusy(
                f"thread {thread_id} is still running an earlier evaluation that did not finish "
                "(blocked in a call that cannot be interrupted, such as a lock or a socket read); "
                "it takes new requests when that call returns"
            )
        call = _Call(fn)
        ts.queue.put(("call", call))
        if not call.done.wait(timeout):
            _async_raise(ts.ident, _Interrupt)
            # Give the interrupt a moment to land; a thread blocked in a C call cannot take it
            # until that call returns, and then finds the pending interrupt cleared below.
            call.done.wait(1.0)
            _async_raise(ts.ident, None)
            raise EvaluationTimeout(f"evaluation did not finish within {timeout:g} s")
        if call.error is not None:
            raise call.error
        result: T = call.result
        return result

    def interrupt_calls(self, thread_id: int | None = None) -> None:
        """Interrupts what `run_on_thread` is running on that stopped thread (all when None):
        the caller gets EvaluationTimeout at once. Used when the user resumes, so a slow
        evaluation never holds up stepping."""
        with self._lock:
            states = list(self._threads.values())
        for ts in states:
            if (thread_id is None or ts.native_id == thread_id) and ts.busy is not None:
                _async_raise(ts.ident, _Interrupt)

    def exception(self, thread_id: int) -> BaseException | None:
        (ts,) = self._stopped_states(thread_id)
        return ts.exception

    def return_value(self, thread_id: int) -> tuple[bool, object]:
        (ts,) = self._stopped_states(thread_id)
        return ts.return_value

    def set_local(self, thread_id: int, frame: FrameType, name: str, value: object) -> None:
        if name.startswith("."):
            raise ValueError(f"{name!r} is an interpreter-internal variable and cannot be set")

        def write() -> None:
            if sys.version_info >= (3, 13):
                frame.f_locals[name] = value  # PEP 667 proxy writes through
            else:
                import ctypes  # only paid for when a variable is set on 3.12

                # f_locals is a snapshot on 3.12: write the snapshot, then copy it back into
                # the fast locals before anything re-snapshots it.
                snapshot = frame.f_locals
                snapshot[name] = value
                ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))

        self.run_on_thread(thread_id, write, 5.0)

    # ================================================================== callbacks (hot)

    def _on_line(self, code: CodeType, line: int, depth: int = 1, jumped: bool = False) -> object:
        """LINE while some thread steps or pauses (see _make_line_callback for the usual one).
        For a JUMP that is a one-line loop's next round: `jumped`, and the program's frame
        `depth` 2 up."""
        try:
            if self._active:
                return self._line_slow(code, line, _getframe(depth), jumped)
            index = self._round_index if jumped else self._line_index
            bps = _line_breakpoints(index, code, line)
            if bps is None:
                return _DISABLE
            self._hit(bps, _getframe(depth))
            return None
        except RecursionError:
            # Setting the limit is a C call: it needs no Python frame of headroom.
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(limit + _RECURSION_HEADROOM)
            _near_limit(limit, self._line_near_limit, code, line, _getframe(depth), jumped)
            return None
        except Exception:
            self._bug("LINE")
            return None

    def _line_near_limit(
        self, code: CodeType, line: int, frame: FrameType, jumped: bool = False
    ) -> None:
        """A line within a few frames of the program's recursion limit: the engine's own
        frames (the hit, the stop, the inspection that runs on this thread while it is
        stopped) ran out of room. Handled again, the limit raised for the time of it."""
        try:
            if self._active:
                self._line_slow(code, line, frame, jumped)
                return
            bps = _line_breakpoints(self._round_index if jumped else self._line_index, code, line)
            if bps is not None:
                self._hit(bps, frame)
        except Exception:
            self._bug("LINE")

    def _on_start(self, code: CodeType, offset: int) -> object:
        try:
            if self._watching:
                self._watch_start(code)
            if self._active:
                self._start_slow(code)
                return None
            keep = self._start_keep.get(code.co_filename)
            if keep is not None:
                for kept in keep:
                    if kept is code:
                        return None
            return _DISABLE
        except Exception:
            self._bug("PY_START")
            return None

    def _on_resume(self, code: CodeType, offset: int) -> object:
        try:
            if not self._active:
                return _DISABLE
            ts = self._threads.get(_get_ident())
            if ts is not None:
                step = ts.step
                if step is not None:
                    if step.frame is not None and step.frame is _getframe(1):
                        step.suspended = False
                    elif step.kind == "into" and self._visible(code):
                        self._add_step_code(ts, step, code, _LINE)
                if ts.pause and self._visible(code):
                    with self._lock:
                        self._set_local(code, ("pause", ts.ident), _LINE)
            return None
        except Exception:
            self._bug("PY_RESUME")
            return None

    def _on_return(self, code: CodeType, offset: int, retval: object) -> object:
        # Enabled only locally on the code a step waits to leave; other threads running the
        # same code must not DISABLE it, hence None.
        try:
            ts = self._threads.get(_get_ident())
            if ts is not None:
                step = ts.step
                if step is not None and step.kind != "into":
                    frame = _getframe(1)
                    if step.frame is frame:
                        if step.landing and self._visible(code):
                            ts.returning = True
                            try:
                                self._suspend(ts, frame, "step")
                            finally:
                                ts.returning = False
                            return None
                        ts.return_value = (True, retval)
                        self._retarget(ts, step, frame.f_back)
        except Exception:
            self._bug("PY_RETURN")
        return None

    def _on_yield(self, code: CodeType, offset: int, value: object) -> object:
        try:
            ts = self._threads.get(_get_ident())
            if ts is not None:
                step = ts.step
                if step is not None and step.kind != "into":
                    frame = _getframe(1)
                    if step.frame is frame:
                        if step.kind == "over" or (
                            code.co_flags & _CO_COROUTINE_LIKE
                            and not _codeinfo.yields_a_value(code, offset)
                        ):
                            # Wait for this very frame to resume, ignoring the event loop or
                            # the consumer in between (or for it to be closed: PY_UNWIND). A
                            # step out of an async generator's `yield x` goes to its consumer,
                            # as from a generator's; from an `await`, it waits.
                            step.suspended = True
                            with self._lock:
                                self._refresh_active()
                        else:
                            self._retarget(ts, step, frame.f_back)
        except Exception:
            self._bug("PY_YIELD")
        return None

    def _on_raise(self, code: CodeType, offset: int, exc: BaseException) -> object:
        """RAISE without the per-filter closure (see _make_raise_callback for the usual one)."""
        # RAISE can only be enabled globally and must never return DISABLE.
        try:
            self._decide_raise(code, exc, _getframe(1))
        except RecursionError:  # see _on_line
            limit = sys.getrecursionlimit()
            sys.setrecursionlimit(limit + _RECURSION_HEADROOM)
            _near_limit(limit, self._raise_near_limit, code, exc, _getframe(1))
        except Exception:
            self._bug("RAISE")
        return None

    def _decide_raise(self, code: CodeType, exc: BaseException, frame: FrameType) -> None:
        if self._raised is None or not self._visible(code) or isinstance(exc, _CONTROL_FLOW):
            return
        tb = exc.__traceback__
        came = tb.tb_next if tb is not None else None
        if came is not None and came.tb_frame is not frame and self._visible(came.tb_frame.f_code):
            return  # passing through (see _make_raise_callback)
        self._raise_candidate(exc, frame, None)

    def _called_by_hidden(self, frame: FrameType) -> bool:
        """Whether library code runs for the debugger's own code (the launcher's runpy
        looking for the program, before any of it runs) rather than for the program: its
        exceptions are none of the user's, even without justMyCode."""
        f = frame.f_back
        while f is not None:
            kind = self._paths.kind(f.f_code.co_filename)
            if kind == USER:
                return False
            if kind == HIDDEN:
                return True
            f = f.f_back
        return False

    def _raise_near_limit(self, code: CodeType, exc: BaseException, frame: FrameType) -> None:
        """A raise (a RecursionError, most likely) too near the recursion limit for the filter
        to finish: decided again, the limit raised for the time of it. It must be decided
        here: frames above take it as seen where it began."""
        try:
            self._decide_raise(code, exc, frame)
        except Exception:
            self._bug("RAISE")

    def _raise_candidate(self, exc: BaseException, frame: FrameType, verdict: object) -> None:
        """An exception in visible code that the cheap checks let through.

        `verdict`: None when the filter is still to be tested, else what its condition gave
        (a true value, or the exception the condition raised).
        """
        flt = self._raised
        ident = _get_ident()
        if flt is None or ident in self._hidden or _is_clean_exit(exc):
            return
        if self._paths.kind(frame.f_code.co_filename) == LIBRARY and self._called_by_hidden(frame):
            return
        if verdict is None:
            if not self._exception_matches(flt, exc, frame):
                return
        elif not self._condition_verdict(verdict, exc):
            return
        self._suspend(
            self._state_current(),
            frame,
            "exception",
            exc=exc,
            description="Exception raised",
            text=self._exception_text(exc),
            exception_filter="raised",
        )

    def _on_unwind(self, code: CodeType, offset: int, exc: BaseException) -> object:
        try:
            ts = self._threads.get(_get_ident())
            step = ts.step if ts is not None else None
            if step is not None and step.suspended and step.frame is _getframe(1):
                # A generator stepped over at its yield is closed, not resumed (its consumer
                # broke out of the loop): the step goes on in the frame that closed it.
                assert ts is not None
                self._retarget(ts, step, step.frame.f_back)
                with self._lock:
                    self._refresh_active()
        except Exception:
            self._bug("PY_UNWIND")
        # userUnhandled: an exception leaves user code into library code (which may swallow it,
        # as thread pools and task runners do).
        try:
            flt = self._user_unhandled
            if flt is None or _get_ident() in self._hidden:
                return None
            if self._paths.kind(code.co_filename) != USER:
                return None
            frame = _getframe(1)
            caller = frame.f_back
            if caller is None:
                return None
            ckind = self._paths.kind(caller.f_code.co_filename)
            if ckind != LIBRARY or caller.f_code.co_filename == threading.__file__:
                # Into user code: handled or not, still the user's. Into the runner or the
                # thread bootstrap: that is `uncaught`, reported separately.
                return None
            if isinstance(exc, _CONTROL_FLOW) or _is_clean_exit(exc):
                return None
            if not self._exception_matches(flt, exc, frame):
                return None
            self._suspend(
                self._state_current(),
                frame,
                "exception",
                exc=exc,
                description="User-unhandled exception",
                text=self._exception_text(exc),
                exception_filter="userUnhandled",
            )
        except Exception:
            self._bug("PY_UNWIND")
        return None

    # ================================================================== callbacks (slow paths)

    def _line_slow(
        self, code: CodeType, line: int, frame: FrameType, jumped: bool = False
    ) -> object:
        """`jumped`: the line again, a one-line loop's next round (breakpoints and pauses
        see it; steps and the entry stop do not)."""
        ident = _get_ident()
        if ident in self._hidden:
            return None
        ts = self._threads.get(ident)
        if jumped:
            if ts is not None and ts.step is not None and ts.step.frame is frame:
                # A step from this line leaves the loop (or comprehension) in one go, even
                # with a breakpoint on it (as pdb's `next` since CPython gh-136057).
                return None
            bps = _line_breakpoints(self._round_index, code, line)
        else:
            bps = _line_breakpoints(self._line_index, code, line)
        if bps is not None and self._hit(bps, frame):
            return None
        if ts is not None:
            if ts.pause and self._visible(code):
                self._suspend(ts, frame, ts.pause)
                return None
            if jumped:
                return None
            step = ts.step
            if step is not None and self._step_stops(step, frame, code):
                self._suspend(ts, frame, "step")
                return None
        if self._entry_codes and self._entry_codes.get(id(code)) is code:
            with self._lock:
                self._entry_codes.pop(id(code), None)
                self._set_local(code, "entry", 0)
                self._refresh_active()
            self._suspend(ts or self._state_current(), frame, "entry")
        return None

    def _start_slow(self, code: CodeType) -> None:
        ident = _get_ident()
        if ident in self._hidden:
            return
        ts = self._threads.get(ident)
        if ts is None:
            return
        if ts.pause and self._visible(code):
            with self._lock:
                self._set_local(code, ("pause", ident), _LINE)
        step = ts.step
        if step is not None and step.kind == "into" and self._visible(code):
            self._add_step_code(ts, step, code, _LINE)

    def _watch_start(self, code: CodeType) -> None:
        """PY_START while breakpoints wait for code: bind what this code object brings."""
        filename = code.co_filename
        canon = self._paths.canonical(filename)
        fb = self._files.get(canon)
        changed: list[BreakpointStatus] = []
        if fb is not None and id(code) not in fb.codes:
            with self._lock:
                changed = self._add_codes(fb, _codeinfo.walk_code(code))
        if self._fbp_index:
            entries = self._function_breakpoints_of(code)
            if entries:
                bound = self._fbp_codes.get(id(code))
                modules = _module_names(_getframe(2).f_globals, code)
                for mod, bp in entries:
                    if (mod is None or mod in modules) and (bound is None or bp not in bound[1]):
                        with self._lock:
                            was = bp.line is not None
                            self._bind_function(bp, code)
                            self._rebuild()
                        if not was:
                            changed.append(self._function_status(bp))
        if canon in self._entry_paths and code.co_name == "<module>":
            with self._lock:
                self._entry_paths.discard(canon)
                self._entry_codes[id(code)] = code
                self._set_local(code, "entry", _LINE)
                self._refresh_active()
        for status in changed:
            self._emit(BreakpointChanged(status))

    # ================================================================== breakpoint hits

    def _hit(self, bps: tuple[Breakpoint, ...], frame: FrameType, verdict: object = None) -> bool:
        """Evaluates the breakpoints of a reached line; suspends if one says stop.

        `verdict` is the outcome of the first breakpoint's condition when the LINE callback
        already evaluated it (True, or the exception it raised): never evaluate twice.
        """
        ident = _get_ident()
        if ident in self._hidden or self._closed:
            return False
        stop_ids: list[int] = []
        reason: StopReason = "breakpoint"
        for i, bp in enumerate(bps):
            if bp.condition is not None:
                outcome: object = verdict if i == 0 and verdict is not None else None
                if outcome is None:
                    try:
                        outcome = bool(eval(bp.condition, frame.f_globals, frame.f_locals))
                    except Exception as exc:
                        outcome = exc
                if isinstance(outcome, BaseException):
                    self._emit(
                        Output(
                            f"Breakpoint condition {bp.condition_source!r} raised "
                            f"{exception_text(outcome)}; stopping.\n",
                            "stderr",
                            frame.f_code.co_filename,
                            frame.f_lineno,
                            frame,
                        )
                    )
                    stop_ids.append(bp.id)
                    continue
                if not outcome:
                    continue
            with self._lock:
                bp.hits += 1
                hits = bp.hits
            if bp.hit_predicate is not None and not bp.hit_predicate(hits):
                continue
            if bp.log_parts is not None:
                text, failed = format_log_message(bp.log_parts, frame)
                self._emit(
                    Output(
                        text + "\n",
                        "console",
                        frame.f_code.co_filename,
                        frame.f_lineno,
                        frame if failed else None,
                    )
                )
                continue
            stop_ids.append(bp.id)
            if bp.kind == "function":
                reason = "function breakpoint"
        if not stop_ids:
            return False
        self._suspend(self._state_current(), frame, reason, hit_ids=tuple(stop_ids))
        return True

    # ================================================================== suspension

    def _suspend(
        self,
        ts: _ThreadState,
        frame: FrameType | None,
        reason: StopReason,
        *,
        hit_ids: tuple[int, ...] = (),
        exc: BaseException | None = None,
        tb_frames: list[tuple[FrameType, int]] | None = None,
        description: str | None = None,
        text: str | None = None,
        exception_filter: str | None = None,
    ) -> None:
        """Blocks the calling (user) thread on its command queue until resumed."""
        with self._lock:
            if self._closed or ts.ident in self._hidden:
                return
            self._end_step(ts)
            self._end_pause(ts)
            self._refresh_active()
            ts.frame = frame
            ts.tb_frames = tb_frames
            ts.exception = exc
            ts.targets = {}
            ts.stopped = True
        self._emit(
            Stopped(ts.native_id, reason, description, text, hit_ids, False, exception_filter)
        )
        step: tuple[Any, ...] | None = None
        while True:
            try:
                cmd = ts.queue.get()
                op = cmd[0]
                if op == "resume":
                    break
                if op == "step":
                    step = cmd
                    break
                if op == "call":
                    ts.busy = cmd[1]
                    try:
                        cmd[1].run()
                    finally:
                        ts.busy = None
            except _Interrupt:
                continue  # a timed-out evaluation's interrupt landing after it finished
        with self._lock:
            ts.stopped = False
            ts.exception = None
            ts.return_value = (False, None)
            ts.tb_frames = None
            if step is not None and frame is not None and not self._closed and tb_frames is None:
                self._begin_step(ts, frame, step[1], step[2])
            ts.frame = None
        if step is not None:
            _MON.restart_events()
        self._emit(Continued(ts.native_id, all_threads_continued=False))

    def _begin_step(
        self, ts: _ThreadState, frame: FrameType, kind: str, target: int | None
    ) -> None:
        chosen = ts.targets.get(target) if target is not None else None
        step = _Step(kind, frame, chosen[1] if chosen is not None else None)
        ts.step = step
        f: FrameType | None = frame
        while f is not None:
            if self._visible(f.f_code):
                self._add_step_code(ts, step, f.f_code, _LINE)
            f = f.f_back
        self._add_step_code(ts, step, frame.f_code, _STEP_TARGET_EVENTS)
        if kind == "into":
            step.frame = frame if chosen is not None else None
        elif ts.returning:
            # The frame is returning already: its PY_RETURN came and went with this stop.
            self._retarget(ts, step, frame.f_back)
        self._refresh_active()

    def _add_step_code(self, ts: _ThreadState, step: _Step, code: CodeType, mask: int) -> None:
        with self._lock:
            key = ("step", ts.ident)
            entry = self._local.get(id(code))
            current = entry[1].get(key, 0) if entry is not None and entry[0] is code else 0
            if current | mask != current:
                self._set_local(code, key, current | mask)
                step.codes.append(code)

    def _retarget(self, ts: _ThreadState, step: _Step, caller: FrameType | None) -> None:
        """The stepped frame returns: continue as "over" in its caller, or "into" if the caller
        is not user code (a callback driven by a library lands in the next user code)."""
        if caller is not None and self._visible(caller.f_code):
            step.landing = step.kind == "out"
            step.kind = "over"
            step.frame = caller
            step.suspended = False
            self._add_step_code(ts, step, caller.f_code, _STEP_TARGET_EVENTS)
        elif self._hidden_from(caller):
            # The thread's outermost frame of the program returns (the main module into the
            # launcher, a thread's function into C): the step is over and the thread runs on,
            # into the interpreter's shutdown or its end, which are not the user's to step.
            self._end_step(ts)
            with self._lock:
                self._refresh_active()
        else:
            step.kind = "into"
            step.frame = None
            step.target_call = None
            with self._lock:
                self._refresh_active()

    def _hidden_from(self, frame: FrameType | None) -> bool:
        """True if `frame` and every frame below it are the debugger's or the launcher's."""
        while frame is not None:
            if self._paths.kind(frame.f_code.co_filename) != HIDDEN:
                return False
            frame = frame.f_back
        return True

    def _step_stops(self, step: _Step, frame: FrameType, code: CodeType) -> bool:
        if not self._visible(code):
            return False
        target = step.frame
        if step.kind == "into":
            if step.target_call is None or target is None:
                return True
            if frame is target:
                return True  # the line finished without entering the chosen call
            if frame.f_back is target and _current_call(target) == step.target_call:
                return True  # the first frame the chosen call runs (a wrapper, an __init__)
        elif frame is target:
            return step.kind == "over"
        elif step.suspended:
            return False
        # Stop unless this frame runs below the target (recursion, calls made by the line).
        f = frame.f_back
        while f is not None:
            if f is target:
                return False
            f = f.f_back
        return True

    def _end_step(self, ts: _ThreadState) -> None:
        step = ts.step
        if step is None:
            return
        ts.step = None
        key = ("step", ts.ident)
        for code in step.codes:
            self._set_local(code, key, 0)

    def _end_pause(self, ts: _ThreadState) -> None:
        if not ts.pause:
            return
        ts.pause = None
        key = ("pause", ts.ident)
        for code, reasons in list(self._local.values()):
            if key in reasons:
                self._set_local(code, key, 0)

    # ================================================================== threads

    def _state_current(self) -> _ThreadState:
        ident = _get_ident()
        ts = self._threads.get(ident)
        if ts is not None and not ts.hooked and ts.native_id != threading.get_native_id():
            # A native thread ended unseen and a new one got its ident.
            with self._lock:
                if self._threads.get(ident) is ts:
                    del self._threads[ident]
                    self._forget_thread(ts)
            self._emit(ThreadExited(ts.native_id))
            ts = None
        if ts is None:
            ts = self._new_thread_state(ident)
        return ts

    def _new_thread_state(self, ident: int) -> _ThreadState:
        # Not current_thread(): for a thread started by native code it would invent a dummy.
        t = threading._active.get(ident)  # type: ignore[attr-defined]
        native = threading.get_native_id()
        ts = _ThreadState(ident, native, t.name if t is not None else f"Thread {native}")
        with self._lock:
            existing = self._threads.get(ident)
            if existing is not None:
                return existing
            self._threads[ident] = ts
            ts.announced = True
        self._emit(ThreadStarted(native, ts.name))
        return ts

    def _state_for(self, t: threading.Thread) -> _ThreadState | None:
        if t.ident is None or t.native_id is None or t.ident in self._hidden:
            return None
        ts = self._threads.get(t.ident)
        if ts is None:
            ts = _ThreadState(t.ident, t.native_id, t.name)
            self._threads[t.ident] = ts
        return ts

    def _state_by_native(self, native_id: int) -> _ThreadState | None:
        with self._lock:
            for ts in self._threads.values():
                if ts.native_id == native_id:
                    return ts
            for t in threading.enumerate():
                if t.native_id == native_id:
                    return self._state_for(t)
        return None

    def _stopped_states(self, thread_id: int | None) -> list[_ThreadState]:
        with self._lock:
            if thread_id is None:
                return [ts for ts in self._threads.values() if ts.stopped]
        ts = self._state_by_native(thread_id)
        if ts is None or not ts.stopped:
            raise ValueError(f"thread {thread_id} is not stopped")
        return [ts]

    def _install_thread_hooks(self) -> None:
        debugger = self
        original = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]

        def _bootstrap_inner(thread: threading.Thread) -> None:
            debugger._thread_begins(thread)
            try:
                original(thread)
            finally:
                debugger._thread_ends()

        self._saved_bootstrap = original
        threading.Thread._bootstrap_inner = _bootstrap_inner  # type: ignore[attr-defined]
        previous_hook = threading.excepthook

        def excepthook(args: Any) -> None:
            try:
                if args.exc_value is not None and _get_ident() not in debugger._hidden:
                    debugger.report_uncaught(args.exc_value)
            except Exception:
                debugger._bug("threading.excepthook")
            previous_hook(args)

        self._saved_excepthook = previous_hook
        threading.excepthook = excepthook

        # Threads started with `_thread.start_new_thread` (no Thread object; debugpy hooks
        # them too) are announced when they start and when they end, as Thread's are.
        # `threading` keeps its own reference to the function and is not affected.
        original_start = _thread.start_new_thread

        def start_new_thread(function: Any, args: Any, *kwargs: Any) -> int:
            def run(*a: Any, **k: Any) -> Any:
                debugger._raw_thread_begins()
                try:
                    return function(*a, **k)
                finally:
                    debugger._thread_ends()

            return original_start(run, args, *kwargs)

        self._saved_start_new_thread = original_start
        _thread.start_new_thread = start_new_thread

    def _uninstall_thread_hooks(self) -> None:
        if self._saved_bootstrap is not None:
            threading.Thread._bootstrap_inner = self._saved_bootstrap  # type: ignore[attr-defined]
            self._saved_bootstrap = None
        if self._saved_excepthook is not None:
            threading.excepthook = self._saved_excepthook
            self._saved_excepthook = None
        if self._saved_start_new_thread is not None:
            _thread.start_new_thread = self._saved_start_new_thread
            self._saved_start_new_thread = None

    def _forget_thread(self, ts: _ThreadState) -> None:
        """A thread ended: drop what the engine kept for it. Under the lock."""
        self._end_step(ts)
        self._end_pause(ts)
        self._refresh_active()

    def _thread_begins(self, thread: threading.Thread) -> None:
        if self._closed:
            return  # a thread started by a hook left over from a closed engine
        try:
            ident = _get_ident()
            if _is_hidden_thread(thread):
                self._hidden.add(ident)
                return
            native = threading.get_native_id()
            ts = _ThreadState(ident, native, thread.name)
            ts.announced = True
            ts.hooked = True
            self._announce(ts)
        except Exception:
            self._bug("thread start")

    def _raw_thread_begins(self) -> None:
        """A `_thread.start_new_thread` thread starts (named as Python would name it if
        asked: no Thread object exists, and current_thread() would invent one)."""
        if self._closed:
            return
        try:
            native = threading.get_native_id()
            ts = _ThreadState(_get_ident(), native, f"Thread {native}")
            ts.announced = True
            ts.hooked = True
            self._announce(ts)
        except Exception:
            self._bug("thread start")

    def _announce(self, ts: _ThreadState) -> None:
        """Records a starting thread. Its ident may be an ended thread's that no hook saw end
        (one started by native code): that one is reported gone first."""
        with self._lock:
            old = self._threads.get(ts.ident)
            if old is not None and old.native_id != ts.native_id:
                self._forget_thread(old)
            else:
                old = None
            self._threads[ts.ident] = ts
        if old is not None:
            self._emit(ThreadExited(old.native_id))
        self._emit(ThreadStarted(ts.native_id, ts.name))

    def _thread_ends(self) -> None:
        try:
            ident = _get_ident()
            with self._lock:
                self._hidden.discard(ident)
                ts = self._threads.pop(ident, None)
                if ts is not None:
                    self._forget_thread(ts)
            if ts is not None and not self._closed:
                self._emit(ThreadExited(ts.native_id))
        except Exception:
            self._bug("thread exit")

    # ================================================================== binding

    def _breakpoint_ids(self, path: str, places: Sequence[object]) -> list[int]:
        """Ids for breakpoints at `places` (lines, or function names) of `path`: the same
        place keeps its id from one request to the next, and each breakpoint of a place that
        has several (conditions on one line) gets its own."""
        ids: list[int] = []
        seen: dict[object, int] = {}
        for place in places:
            nth = seen.get(place, 0)
            seen[place] = nth + 1
            key = (path, place, nth)
            bp_id = self._bp_ids.get(key)
            if bp_id is None:
                bp_id = self._next_id
                self._next_id += 1
                self._bp_ids[key] = bp_id
            ids.append(bp_id)
        return ids

    def _find_loaded_code(self, fb: _FileBreakpoints) -> None:
        """Code of this file that already exists: module namespaces and running frames."""
        codes: list[CodeType] = []
        canon = self._paths.canonical
        for module in list(sys.modules.values()):
            filename = getattr(module, "__file__", None)
            if isinstance(filename, str) and canon(filename) == fb.path:
                codes.extend(_codeinfo.module_codes(module))
        for frame in _codeinfo.running_frames():
            if canon(frame.f_code.co_filename) == fb.path:
                codes.extend(_codeinfo.walk_code(frame.f_code))
        self._add_codes(fb, codes, rebuild=False)

    def _add_codes(
        self, fb: _FileBreakpoints, codes: Iterable[CodeType], rebuild: bool = True
    ) -> list[BreakpointStatus]:
        added = False
        for code in codes:
            if id(code) not in fb.codes:
                fb.codes[id(code)] = code
                added = True
        if not added:
            return []
        changed: list[BreakpointStatus] = []
        for bp in fb.breakpoints:
            status, differs = self._bind(fb, bp)
            if differs:
                changed.append(status)
        if rebuild:
            self._rebuild()
        return changed

    def _bind(self, fb: _FileBreakpoints, bp: Breakpoint) -> tuple[BreakpointStatus, bool]:
        """Binds `bp` to its line; (status, whether it differs from what the user was told).

        The file's source on disk is compiled (never run) to see where the line binds, so a
        breakpoint in a module not imported yet is verified at once, as editors expect; the
        real code objects bind it to the same line when they load (the LINE index is built
        from them). Without readable source, the loaded code is the reference.
        """
        status = self._bind_status(fb, bp)
        told = (status.verified, status.line)
        differs = bp.reported is not None and bp.reported != told
        bp.reported = told
        return status, differs

    def _bind_status(self, fb: _FileBreakpoints, bp: Breakpoint) -> BreakpointStatus:
        bp.verified = False
        path = fb.shown
        requested = bp.requested_line
        assert requested is not None
        if bp.error is not None:
            return BreakpointStatus(bp.id, False, requested, path, bp.error)
        if self._paths.kind(fb.path) == HIDDEN:
            msg = "This file belongs to the debugger and is never stopped in"
            return BreakpointStatus(bp.id, False, requested, path, msg)
        if requested < 1:
            msg = f"Line {requested} is not a line of the file: lines start at 1"
            return BreakpointStatus(bp.id, False, requested, path, msg)
        source, reason = _codeinfo.source_codes(fb.path)
        reference: Iterable[CodeType] = source or tuple(fb.codes.values())
        if not reference:
            bp.line = None
            msg = reason or f"File not found or not Python source: {path}"
            return BreakpointStatus(bp.id, False, requested, path, msg)
        line = _codeinfo.bind_line(reference, requested)
        bp.line = line
        if line is None:
            msg = (
                f"No code at or after line {requested} in this scope: "
                "move the breakpoint to a line with a statement"
            )
            return BreakpointStatus(bp.id, False, requested, path, msg)
        bp.verified = True
        return BreakpointStatus(bp.id, True, line, path)

    def _find_loaded_function(self, bp: Breakpoint, parts: list[str]) -> None:
        for i in range(len(parts) - 1, 0, -1):
            module = sys.modules.get(".".join(parts[:i]))
            if module is None:
                continue
            obj: Any = module
            try:
                for attr in parts[i:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                continue
            obj = getattr(obj, "__func__", obj)
            code = getattr(obj, "__code__", None)
            if isinstance(code, CodeType):
                self._bind_function(bp, code)

    def _function_breakpoints_of(self, code: CodeType) -> list[tuple[str | None, Breakpoint]]:
        """The function breakpoints whose name can mean `code`: by its qualified name with the
        `<locals>` of nested functions left out (`outer.inner`), and by its own name alone (as
        debugpy matches: `inner`, `method`), each with the module it asks for. A name alone
        matches only code justMyCode shows: `inner` means the user's, not every library's."""
        qualname = code.co_qualname.replace(".<locals>", "")
        entries = list(self._fbp_index.get(qualname, ()))
        if code.co_name != qualname and self._visible(code):
            entries += self._fbp_index.get(code.co_name, ())
        return entries

    def _bind_function(self, bp: Breakpoint, code: CodeType) -> None:
        line = _codeinfo.first_body_line(code)
        if line is None or self._paths.kind(code.co_filename) == HIDDEN:
            return
        bp.line = line
        bp.path = code.co_filename
        known = self._fbp_codes.get(id(code))
        bps = known[1] if known is not None else ()
        if bp not in bps:
            self._fbp_codes[id(code)] = (code, (*bps, bp), line)

    def _function_status(self, bp: Breakpoint) -> BreakpointStatus:
        if bp.error is not None:
            return BreakpointStatus(bp.id, False, message=bp.error)
        if bp.line is None:
            return BreakpointStatus(
                bp.id, False, message=f"Function {bp.name!r} is not loaded yet; binds when called"
            )
        return BreakpointStatus(bp.id, True, bp.line, bp.path)

    def _rebuild(self) -> None:
        """Recomputes the LINE index and the local events of breakpoint code. Under the lock."""
        index: dict[int, list[tuple[CodeType, tuple[Breakpoint, ...]]]] = {}
        wanted: dict[int, tuple[CodeType, int]] = {}

        def add(code: CodeType, line: int, bp: Breakpoint) -> None:
            entries = index.setdefault(line, [])
            for i, (c, bps) in enumerate(entries):
                if c is code:
                    entries[i] = (c, (*bps, bp))
                    break
            else:
                entries.append((code, (bp,)))
            mask = _LINE
            if _FIRST_LINE_NEEDS_PY_START and line == code.co_firstlineno:
                mask |= _PY_START
            prev = wanted.get(id(code))
            wanted[id(code)] = (code, mask | (prev[1] if prev else 0))

        for fb in self._files.values():
            real = list(fb.codes.values())
            for bp in fb.breakpoints:
                if bp.line is not None and bp.error is None:
                    for code in _codeinfo.codes_with_line(real, bp.line):
                        add(code, bp.line, bp)
        for code, bps, line in self._fbp_codes.values():
            for bp in bps:
                if bp.error is None:
                    add(code, line, bp)

        for key, (code, _reasons) in list(self._local.items()):
            if key not in wanted and "bp" in _reasons:
                self._set_local(code, "bp", 0)
        keep: dict[str, list[CodeType]] = {}
        for code, mask in wanted.values():
            self._set_local(code, "bp", mask)
            if mask & _PY_START:
                keep.setdefault(code.co_filename, []).append(code)
        self._start_keep = {k: tuple(v) for k, v in keep.items()}
        self._line_index = _chain_entries(index)
        rounds = {
            line: [(c, kept) for c, bps in entries if (kept := _source_only(bps))]
            for line, entries in index.items()
        }
        self._round_index = _chain_entries({n: e for n, e in rounds.items() if e})
        self._watching = bool(self._files or self._fbp_index or self._entry_paths)
        self._install_line_callback()
        self._update_global()

    # ================================================================== event masks

    def _set_local(self, code: CodeType, reason: object, mask: int) -> None:
        """Sets one reason's wish for local events on `code`; applies the union. Under the lock."""
        entry = self._local.get(id(code))
        if entry is None or entry[0] is not code:
            if not mask:
                return
            entry = (code, {})
            self._local[id(code)] = entry
        reasons = entry[1]
        if mask:
            reasons[reason] = mask
        else:
            reasons.pop(reason, None)
        total = 0
        rounds = 0
        for why, m in reasons.items():
            total |= m
            if why == "bp" or (isinstance(why, tuple) and why[0] == "pause"):
                rounds |= m
        if rounds & _LINE and _codeinfo.same_line_back_jumps(code):
            # Each round of a one-line loop reaches a breakpoint (or a pause) there again, as
            # under sys.settrace. A step does not count rounds: `next` over a comprehension
            # or a one-line loop is one step.
            total |= _JUMP
        if self._local_masks.get(id(code), 0) != total and not self._closed:
            _MON.set_local_events(_TOOL, code, total)
            self._local_masks[id(code)] = total
        if not reasons:
            # Keep the entry (with an empty reason dict) so close() still clears the code.
            pass

    def _refresh_active(self) -> None:
        active = bool(self._entry_codes) or any(
            ts.step is not None or ts.pause for ts in self._threads.values()
        )
        if active != self._active:
            self._active = active
            self._install_line_callback()
        self._update_global()

    def _install_line_callback(self) -> None:
        """The LINE callback for the current state. Under the lock.

        While nothing steps or pauses, a closure over this very index (rebuilt on every
        breakpoint change) serves LINE: no attribute lookups, no state checks per event.
        """
        if not self._started or self._closed:
            return
        if self._active:
            callback: Callable[[CodeType, int], object] = self._on_line
            jumped: Callable[[CodeType, int], object] = partial(self._on_line, depth=2, jumped=True)
        else:
            callback = _make_line_callback(self, self._line_index)
            jumped = _make_line_callback(self, self._round_index, jumped=True)
        _MON.register_callback(_TOOL, _LINE, callback)
        _MON.register_callback(_TOOL, _JUMP, _make_jump_callback(jumped))

    def _install_raise_callback(self) -> None:
        """The RAISE callback for the current filter and justMyCode. Under the lock."""
        if not self._started or self._closed:
            return
        flt = self._raised
        callback: Callable[[CodeType, int, BaseException], object] = self._on_raise
        if flt is not None:
            callback = _make_raise_callback(self, flt, self._just_my_code)
        _MON.register_callback(_TOOL, _RAISE, callback)

    def _update_global(self) -> None:
        mask = 0
        if self._watching:
            mask |= _PY_START
        if self._active:
            # Stepping into / pausing must see every new frame of the thread (filtered there).
            if self._entry_codes or any(
                ts.pause or (ts.step is not None and ts.step.kind == "into")
                for ts in self._threads.values()
            ):
                mask |= _PY_START | _PY_RESUME
        if self._raised is not None:
            mask |= _RAISE
        if self._user_unhandled is not None or any(
            ts.step is not None and ts.step.suspended for ts in self._threads.values()
        ):
            mask |= _PY_UNWIND
        if mask != self._global_mask and self._started and not self._closed:
            _MON.set_events(_TOOL, mask)
            self._global_mask = mask

    # ================================================================== helpers

    def _visible(self, code: CodeType) -> bool:
        kind = self._paths.kind(code.co_filename)
        return kind == USER or (kind == LIBRARY and not self._just_my_code)

    def _exception_matches(
        self, flt: _ExceptionFilter, exc: BaseException, frame: FrameType | None
    ) -> bool:
        if flt.static_types is not None:
            return isinstance(exc, flt.static_types)
        if flt.condition is None:
            return True
        return self._condition_verdict(flt.verdict(exc, frame), exc)

    def _condition_verdict(self, verdict: object, exc: BaseException) -> bool:
        """What an exception filter's condition gave: a truth value, a type (or tuple of types)
        to test the exception against, or the exception the condition raised (then: stop)."""
        if isinstance(verdict, Exception):
            self._emit(
                Output(
                    f"Exception filter condition raised {type(verdict).__name__}: {verdict}\n",
                    "stderr",
                )
            )
            return True
        if isinstance(verdict, type) or (
            isinstance(verdict, tuple) and all(isinstance(t, type) for t in verdict)
        ):
            return isinstance(exc, verdict)
        try:
            return bool(verdict)
        except Exception as err:  # a value with no truth (a numpy array): stop and say why
            return self._condition_verdict(err, exc)

    def _emit(self, event: Event) -> None:
        try:
            self._on_event(event)
        except Exception:
            pass  # the event sink's own failure must not reach the program

    def _bug(self, where: str) -> None:
        """An engine bug inside a callback: report it, keep the program running."""
        try:
            self._errors += 1
            if self._errors > _MAX_ENGINE_ERRORS:
                return
            exc = sys.exc_info()[1]
            self._emit(EngineError(f"{where}: {type(exc).__name__}: {exc}", traceback.format_exc()))
        except Exception:
            pass


# ---------------------------------------------------------------------- module helpers


def _line_breakpoints(
    index: dict[int, _LineEntry], code: CodeType, line: int
) -> tuple[Breakpoint, ...] | None:
    entry = index.get(line)
    while entry is not None:
        if entry[0] is code:
            return entry[1]
        entry = entry[3]
    return None


def _make_line_callback(
    dbg: Debugger, index: dict[int, _LineEntry], *, jumped: bool = False
) -> Callable[[CodeType, int], object]:
    """The LINE callback while nothing steps or pauses: as close to a bare breakpoint as it gets.

    Everything it needs is bound in the closure (fast local loads, no attribute lookups on the
    debugger); a line with no breakpoint costs one int-keyed dict lookup and returns DISABLE; a
    line whose single breakpoint's condition is false costs the lookup, an identity check and
    the eval any debugger must do, and allocates nothing beyond what eval does. The thread
    checks (hidden threads, closed engine) happen in `_hit`, only once a breakpoint says stop.
    """
    get = index.get
    disable = _DISABLE
    getframe = _getframe
    getlimit = sys.getrecursionlimit
    setlimit = sys.setrecursionlimit
    # For a JUMP (`jumped`: a one-line loop's next round) the program's frame is one further
    # up, below the JUMP callback.
    depth = 2 if jumped else 1

    def on_line(code: CodeType, line: int) -> object:
        entry = get(line)
        if entry is None:
            return disable
        try:
            entry_code, bps, condition, _more = entry
            if entry_code is not code:
                # Another code object with a breakpoint at this line number (rare).
                found = _line_breakpoints(index, code, line)
                if found is None:
                    return disable
                bps, condition = found, None
            frame = getframe(depth)
            if condition is None:
                dbg._hit(bps, frame)
                return None
            try:
                if not eval(condition, frame.f_globals, frame.f_locals):
                    return None
            except Exception as exc:
                dbg._hit(bps, frame, exc)
                return None
            dbg._hit(bps, frame, True)
        except RecursionError:  # see Debugger._on_line
            limit = getlimit()
            setlimit(limit + _RECURSION_HEADROOM)
            _near_limit(limit, dbg._line_near_limit, code, line, getframe(depth), jumped)
        except Exception:
            dbg._bug("LINE")
        return None

    return on_line


def _make_raise_callback(
    dbg: Debugger, flt: _ExceptionFilter, skip_library: bool
) -> Callable[[CodeType, int, BaseException], object]:
    """The RAISE callback for one filter setting, cheapest rejections first.

    RAISE is global and fires in every frame an exception passes through, and cannot be
    DISABLEd: its cost is paid by every exception of the program. A filter on exception types
    rejects with one dict lookup by the exception's type; library code under justMyCode with one
    by its code object; an expression condition costs one call of the condition made a function
    (see _ExceptionFilter).
    """
    classify = dbg._paths.kind
    control_flow = _CONTROL_FLOW
    getframe = _getframe
    getlimit = sys.getrecursionlimit
    setlimit = sys.setrecursionlimit
    static_types = flt.static_types
    expression = flt.condition is not None and static_types is None
    _id = id
    # id(code) -> (code, whether its exceptions are seen at all (justMyCode), and once an
    # expression condition has run there with no need of the frame's locals: the globals it ran
    # with and the condition as a function over them). One lookup answers every per-code
    # question. The strong reference keeps the id from being reused.
    seen: dict[int, tuple[CodeType, bool, object, Callable[[object, object], object] | None]] = {}
    # Exception type -> whether the filter's types take it: a dict lookup beats isinstance with
    # a tuple, which walks the MRO once per type in it.
    matches: dict[type, bool] = {}
    matches_get = matches.get

    def learn(code: CodeType) -> tuple[CodeType, bool, object, None]:
        kind = classify(code.co_filename)
        if len(seen) > 10_000:
            seen.clear()
        entry = seen[_id(code)] = (
            code,
            kind == USER or (kind == LIBRARY and not skip_library),
            None,
            None,
        )
        return entry

    def slow_verdict(code: CodeType, frame: FrameType, exc: BaseException) -> object:
        # Off the fast path: the condition's first run in this code (or with other globals), or
        # a code whose locals it reads. Unless it reads them, remember the function form.
        if flt.test_code is not None and not flt.needs_locals(code):
            f_globals = frame.f_globals
            seen[_id(code)] = (code, True, f_globals, flt.test_for(f_globals))
        return flt.verdict(exc, frame)

    def on_raise(code: CodeType, offset: int, exc: BaseException) -> object:
        try:
            if static_types is not None:
                cls = type(exc)
                try:
                    match = matches_get(cls)
                except TypeError:  # a metaclass that makes its classes unhashable
                    match = issubclass(cls, static_types)
                else:
                    if match is None:
                        if len(matches) > 1_000:
                            matches.clear()
                        matches[cls] = match = issubclass(cls, static_types)
                if not match:
                    return None
            entry = seen.get(_id(code))
            if entry is None or entry[0] is not code:
                entry = learn(code)
            if not entry[1]:
                return None
            frame = getframe(1)
            tb = exc.__traceback__
            came = tb.tb_next if tb is not None else None
            if came is not None and came.tb_frame is not frame:
                # Passing through from a callee: if that frame is one the filter looks at,
                # the raise was seen (stopped at, or rejected) where it began. Not a new raise.
                came_code = came.tb_frame.f_code
                previous = seen.get(_id(came_code))
                if previous is None or previous[0] is not came_code:
                    previous = learn(came_code)
                if previous[1]:
                    return None
            verdict: object = True
            if expression:
                test = entry[3]
                if test is not None and entry[2] is frame.f_globals:
                    try:
                        verdict = test(exc, exc)
                    except Exception as err:
                        verdict = err
                else:
                    verdict = slow_verdict(code, frame, exc)
                try:
                    if not verdict:
                        return None
                except Exception as err:  # a value with no truth (a numpy array): say why
                    verdict = err
            if isinstance(exc, control_flow):
                return None
            dbg._raise_candidate(exc, frame, verdict)
        except RecursionError:  # see Debugger._on_line
            limit = getlimit()
            setlimit(limit + _RECURSION_HEADROOM)
            _near_limit(limit, dbg._raise_near_limit, code, exc, getframe(1))
        except Exception:
            dbg._bug("RAISE")
        return None

    if static_types is None:
        return on_raise

    def on_raise_of_types(code: CodeType, offset: int, exc: BaseException) -> object:
        # The type filter's rejection in the smallest frame there can be: one lookup by the
        # exception's type and one identity test, before any other work of on_raise.
        try:
            if matches_get(type(exc)) is False:
                return None
        except Exception:  # an unhashable class (a metaclass with __eq__): on_raise copes
            pass
        return on_raise(code, offset, exc)

    return on_raise_of_types


def _compile_exception_filter(condition: str | None) -> _ExceptionFilter:
    if not condition:
        return _ExceptionFilter(None, None)
    code = compile(condition, "<exception condition>", "eval")
    # `ValueError` or `KeyError, OSError` resolve against builtins once, here: the raise path then
    # costs one isinstance call instead of an eval.
    try:
        value = eval(code, {"__builtins__": __builtins__}, {})
    except Exception:
        value = None
    if isinstance(value, type) and issubclass(value, BaseException):
        return _ExceptionFilter(code, (value,))
    if isinstance(value, tuple) and value and all(isinstance(t, type) for t in value):
        return _ExceptionFilter(code, value)
    return _ExceptionFilter(code, None, _condition_function(condition))


def _condition_function(condition: str) -> CodeType | None:
    """`condition` as the code of `lambda exc, __exception__: <condition>`, or None when it
    cannot be one (then it is always evaluated with `eval`)."""
    try:
        body = ast.parse(condition, "<exception condition>", mode="eval").body
        params = [ast.arg("exc"), ast.arg("__exception__")]
        function = ast.Lambda(
            ast.arguments(posonlyargs=[], args=params, kwonlyargs=[], kw_defaults=[], defaults=[]),
            body,
        )
        outer = compile(
            ast.fix_missing_locations(ast.Expression(function)), "<exception condition>", "eval"
        )
    except (SyntaxError, ValueError):
        return None
    return next((c for c in outer.co_consts if isinstance(c, CodeType)), None)


def _is_clean_exit(exc: BaseException) -> bool:
    return isinstance(exc, SystemExit) and exc.code in (None, 0)


def _traceback_frames(tb: TracebackType | None) -> list[tuple[FrameType, int]]:
    """Frames of a traceback with the line each was at when the exception passed, innermost
    first."""
    frames: list[tuple[FrameType, int]] = []
    while tb is not None:
        frame = tb.tb_frame
        line = tb.tb_lineno
        frames.append((frame, line if line else frame.f_lineno or frame.f_code.co_firstlineno))
        tb = tb.tb_next
    frames.reverse()
    return frames


def _native_alive(native_id: int) -> bool:
    """Whether the OS thread still exists (Linux: /proc/self/task/<tid>)."""
    if sys.platform.startswith("linux"):
        return os.path.exists(f"/proc/self/task/{native_id}")
    return True  # unknown elsewhere: callers fall back on the Python thread state


def _thread_alive(ts: _ThreadState) -> bool:
    """Whether a thread the engine saw still exists. The thread state of a native thread can
    go and come back (PyGILState_Ensure/Release), so on Linux the OS thread is what counts;
    elsewhere, a thread with no Python thread state and no threading entry is gone."""
    if sys.platform.startswith("linux"):
        return _native_alive(ts.native_id)
    return ts.ident in sys._current_frames() or ts.ident in threading._active


def _near_limit(limit: int, handle: Callable[..., None], *args: Any) -> None:
    """Runs `handle` (which reports its own errors) with the recursion limit the caller
    raised from `limit` just before (a C call, needing no frame of room), then puts `limit`
    back before the program runs on, so that it meets its own RecursionError where it would
    have. Python refuses that on a thread as deep as the limit (this one is): another thread,
    with no frames of its own, sets it, while this one waits."""
    try:
        handle(*args)
    finally:
        try:
            sys.setrecursionlimit(limit)
        except RecursionError:
            done = _thread.allocate_lock()
            done.acquire()

            def restore() -> None:
                try:
                    sys.setrecursionlimit(limit)
                finally:
                    done.release()

            _start_raw_thread(restore, ())
            done.acquire()


def _source_only(bps: tuple[Breakpoint, ...]) -> tuple[Breakpoint, ...]:
    return tuple(bp for bp in bps if bp.kind == "source")


def _chain_entries(
    index: dict[int, list[tuple[CodeType, tuple[Breakpoint, ...]]]],
) -> dict[int, _LineEntry]:
    """line -> (code, its breakpoints, their condition if only one, next entry): the LINE
    callback's index, one dict lookup and an identity test for the usual single code."""
    out: dict[int, _LineEntry] = {}
    for line, entries in index.items():
        chain: _LineEntry | None = None
        for code, bps in reversed(entries):
            chain = (code, bps, bps[0].condition if len(bps) == 1 else None, chain)
        if chain is not None:
            out[line] = chain
    return out


def _make_jump_callback(
    on_line: Callable[[CodeType, int], object],
) -> Callable[[CodeType, int, int], object]:
    """The JUMP callback: a backward jump within one line (a one-line loop's next round) is
    that line again, handed to `on_line` (made to find the program's frame two levels up);
    any other jump is disabled where it is, as LINE reports its line."""
    loops = _codeinfo.same_line_back_jumps
    disable = _DISABLE

    def on_jump(code: CodeType, offset: int, destination: int) -> object:
        line = loops(code).get(offset)
        if line is None:
            return disable
        return on_line(code, line)

    return on_jump


def _module_names(f_globals: dict[str, Any], code: CodeType) -> frozenset[str]:
    """The names a function breakpoint may give the module running `code`: its `__name__`,
    and for the main module also the name it was run as (`python -m pkg.mod`) or the stem of
    its file (`python prog.py` is module `prog` to the user, `__main__` to Python)."""
    name = f_globals.get("__name__")
    names = {name} if isinstance(name, str) else set()
    if name == "__main__":
        spec = f_globals.get("__spec__")
        spec_name = getattr(spec, "name", None)
        if isinstance(spec_name, str):
            names.add(spec_name)
        else:
            names.add(os.path.splitext(os.path.basename(code.co_filename))[0])
    return frozenset(names)


def _is_hidden_thread(thread: threading.Thread) -> bool:
    """Threads whose target (or run override) is the debugger's own code start hidden."""
    target = getattr(thread, "_target", None)
    code = getattr(target, "__code__", None)
    if code is None and type(thread).run is not threading.Thread.run:
        code = getattr(type(thread).run, "__code__", None)
    if not isinstance(code, CodeType):
        return False
    return _HIDDEN_CHECK.kind(code.co_filename) == HIDDEN


_HIDDEN_CHECK = PathClassifier(())


def _async_raise(ident: int, exc_type: type[BaseException] | None) -> None:
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc_type) if exc_type is not None else None
    )


# Where a call is in the source: (line, end line, column, end column), as the compiler records
# it for the call's instruction (code.co_positions) and the parser for the call (ast).
_Span = tuple[int, int, int, int]


def _calls_on_line(frame: FrameType) -> list[tuple[str, _Span]]:
    """The calls on the frame's current line, in the order they run: a label (the called
    name) and the call's source span, which tells apart two calls of one name (`g(g(1))`) and
    matches whatever frame the call runs first (a decorator's wrapper, a class's __init__)."""
    filename = frame.f_code.co_filename
    lineno = frame.f_lineno
    source = "".join(linecache.getlines(filename, frame.f_globals))
    if not source:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    calls: list[tuple[str, _Span]] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                if getattr(child, "lineno", None) != lineno:
                    continue
            visit(child)
        if isinstance(node, ast.Call) and node.lineno <= lineno <= (node.end_lineno or node.lineno):
            func = node.func
            label = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if label is not None:
                span = (
                    node.lineno,
                    node.end_lineno or node.lineno,
                    node.col_offset,
                    node.end_col_offset or 0,
                )
                calls.append((label, span))

    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == lineno:
            visit(node)
            break
    return calls


def _current_call(frame: FrameType) -> _Span | None:
    """The source span of the instruction `frame` is executing (a call, when a frame it called
    runs). f_lasti may point into the instruction's inline cache (3.12); the cache's position is
    its instruction's."""
    positions = list(frame.f_code.co_positions())
    index = frame.f_lasti // 2
    if not 0 <= index < len(positions):
        return None
    line, end_line, col, end_col = positions[index]
    if line is None or end_line is None or col is None or end_col is None:
        return None
    return (line, end_line, col, end_col)
