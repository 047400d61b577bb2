"""The debuggee's debugging session: the state one client connection works with.

`DebugSession` binds the engine to the client: it turns engine events into DAP events, owns
what a stop hands out (frame ids, variable references, the focus thread), and holds the safety
set-up (redactor, policy, audit log). The request handlers that use it live in
`dap_server.debuggee.commands`; the state layer (`dap_server.state`) owns variable references,
value presentation and evaluation.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import engine
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.server import Outbox
from dap_server.state.audit import AuditLog
from dap_server.state.evaluation import Evaluator
from dap_server.state.policy import SecurityPolicy, SecurityViolation, check_request_allowed, guard
from dap_server.state.presentation import Presenter, UserCall
from dap_server.state.redaction import (
    Redactor,
    SensitiveValues,
    collect_sensitive_values,
)
from dap_server.state.safe_eval import SideEffectFreeEvaluator
from dap_server.state.variables import VariableStore


@dataclass
class LaunchOptions:
    program: str | None = None
    stop_on_entry: bool = False
    just_my_code: bool = True
    # debugpy's showReturnValue: "(return) name" in Locals after a step out of a function
    show_return_value: bool = True
    # True when the program is started by the runner after configurationDone (launch);
    # False when the debugger joined a program already running (listen, attach by pid).
    runs_program: bool = True


@dataclass
class FrameRef:
    thread_id: int
    frame: FrameType
    locals: dict[str, Any] | None = None


@dataclass
class StopState:
    """Everything handed out since the last stop; thrown away at every resume."""

    frames: dict[int, FrameRef] = field(default_factory=dict)
    frame_ids: dict[int, int] = field(default_factory=dict)  # id(frame) -> frame id


class DebugSession:
    """Binds the engine to one client connection at a time."""

    def __init__(self, debugger: engine.Debugger, options: LaunchOptions) -> None:
        self.debugger = debugger
        self.options = options
        self.outbox: Outbox | None = None
        # Per thread: the engine's events held back while a request is handled on it.
        self._held = threading.local()
        # Run before a `stopped` event goes out (see runner.output_read_by_adapter).
        self.before_stop: Callable[[], None] | None = None
        self.client: dict[str, Any] = {}
        self.configuration_done = threading.Event()
        self.disconnected = threading.Event()
        self.terminate_requested = False
        self._state = StopState()
        self._next_frame_id = 1
        self._state_lock = threading.Lock()
        self._pending_initialized = False
        self.breakpoint_paths: set[str] = set()
        # The stopped thread whose values are being inspected: user code that presentation
        # must run (reprs, property getters) runs on it, never on the server thread.
        self.focus_thread: int | None = None
        # thread id -> the exception filter of its last stop, if an exception stopped it
        self.stop_filters: dict[int, str | None] = {}
        # Console messages for the user, sent once the client is ready for events.
        self.notices: list[str] = []
        # thread id -> name of the function the last step started in
        self.step_origin: dict[int, str] = {}
        # set by the connection: cancels an inspection request in flight by its seq
        self.cancel_request: Any = lambda seq: False
        # Code without a file (exec'd strings, zip imports, frozen modules) gets a stable
        # sourceReference: id -> (co_filename, the module globals its loader is found in)
        self.source_refs: dict[int, tuple[str, dict[str, Any]]] = {}
        self._source_ids: dict[str, int] = {}
        self.redactor = Redactor()
        self.presenter = Presenter(
            UserCall(self.run_user_code, (engine.EvaluationTimeout,)), self.redactor
        )
        self.variables = VariableStore(self.presenter)
        self.policy = SecurityPolicy()
        self.audit: AuditLog | None = None
        # The audit log of the listener serving the program, if any: every client's, unless
        # the client asks for its own.
        self.base_audit: AuditLog | None = None
        self.safe_evaluator = SideEffectFreeEvaluator(self.redactor)
        self.evaluator = Evaluator(
            self.variables, write_locals=self._write_locals, safe_evaluator=self.safe_evaluator
        )

    # -- wiring -----------------------------------------------------------------------------

    def hide_current_thread(self) -> None:
        self.debugger.hide_current_thread()

    def on_engine_event(self, event: engine.Event) -> None:
        """Called by the engine, often on a user thread inside a monitoring callback."""
        out = self.outbox
        if out is None:
            return
        match event:
            case engine.Stopped():
                self.stop_filters[event.thread_id] = event.exception_filter
                body: dict[str, Any] = {
                    "reason": event.reason,
                    "threadId": event.thread_id,
                    "allThreadsStopped": event.all_threads_stopped,
                }
                if event.description:
                    body["description"] = event.description
                if event.text:
                    text = self.redactor.redact_text(event.text)
                    if event.reason == "exception":
                        # An exception's message may quote a secret's value (`int(password)`).
                        frames = self.debugger.frames(event.thread_id)
                        if frames:
                            text = self.mask_secret_values(text, frames[0])
                    body["text"] = text
                if event.hit_breakpoint_ids:
                    body["hitBreakpointIds"] = list(event.hit_breakpoint_ids)
                if self.before_stop is not None:
                    self.before_stop()
                self._event(out, "stopped", body)
            case engine.ThreadStarted():
                self._event(out, "thread", {"reason": "started", "threadId": event.thread_id})
            case engine.ThreadExited():
                self._event(out, "thread", {"reason": "exited", "threadId": event.thread_id})
            case engine.Output():
                # Logpoint messages and condition errors carry program values: redacted.
                text = self.redactor.redact_text(event.text)
                if event.frame is not None:
                    text = self.mask_secret_values(text, event.frame)
                ob: dict[str, Any] = {"category": event.category, "output": text}
                if event.path:
                    ob["source"] = _source(event.path)
                if event.line:
                    ob["line"] = event.line
                self._event(out, "output", ob)
            case engine.BreakpointChanged():
                self._event(
                    out,
                    "breakpoint",
                    {"reason": "changed", "breakpoint": _breakpoint(event.status)},
                )
            case engine.EngineError():
                self._event(
                    out,
                    "output",
                    {
                        "category": "important",
                        "output": f"debugger error (the program runs on): {event.message}\n",
                    },
                )
            case engine.Continued():
                pass  # resumes are answered by the request that caused them

    def mask_secret_values(self, text: str, frame: FrameType) -> str:
        """A message quoting the value of a secret in `frame`'s scope (`int(password)`'s
        ValueError) has that value masked; the rest says what failed."""
        if not self.redactor.enabled:
            return text
        names: list[str] = []
        values = collect_sensitive_values(
            (frame.f_locals, frame.f_globals), self.redactor, names_out=names
        )
        return SensitiveValues(values, public=names).mask(text)

    def event(self, name: str, body: dict[str, Any]) -> None:
        """An event for the client, held back like the engine's while a request is handled."""
        out = self.outbox
        if out is not None:
            self._event(out, name, body)

    def _event(self, out: Outbox, name: str, body: dict[str, Any]) -> None:
        held = getattr(self._held, "events", None)
        if held is not None:
            held.append((name, body))
        else:
            out.event(name, body)

    def hold_events(self) -> list[tuple[str, dict[str, Any]]]:
        """From now on the engine's events on this thread wait (see release_events)."""
        held: list[tuple[str, dict[str, Any]]] = []
        self._held.events = held
        return held

    def release_events(self, held: list[tuple[str, dict[str, Any]]]) -> None:
        self._held.events = None
        out = self.outbox
        if out is not None:
            for name, body in held:
                out.event(name, body)

    def before_request(self, request: Request) -> None:
        try:
            check_request_allowed(self.policy, request.command, request.arguments)
        except SecurityViolation as exc:
            raise RequestError(str(exc)) from None

    def after_request(self, request: Request, outcome: str) -> None:
        if self.audit is not None and request.command in AUDITED_REQUESTS:
            self.audit.record(request.command, outcome, **_audit_details(request))
        if outcome != "ok":
            return
        if request.command in ("launch", "attach") and self._pending_initialized:
            self._pending_initialized = False
            if self.outbox is not None:
                self.outbox.event(
                    "process",
                    {
                        "name": self.options.program or sys.argv[0],
                        "systemProcessId": os.getpid(),
                        "isLocalProcess": True,
                        "startMethod": "launch" if self.options.runs_program else "attach",
                    },
                )
                for notice in self.notices:
                    self.outbox.event("output", {"category": "important", "output": notice})
                self.notices.clear()
                self.outbox.event("initialized")

    # -- stop state ---------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Called before any resume: references handed out so far become stale, and user code
        that inspection is still running on a stopped thread is interrupted."""
        with self._state_lock:
            self._state = StopState()
        self.variables.invalidate()
        self.debugger.interrupt_calls(None)

    def run_user_code(self, fn: Any, timeout: float) -> Any:
        """Runs `fn` on a suspended user thread (the focus thread when it is still stopped).

        Under a restrictive security policy the code runs inside the policy's guard: whatever
        the debugger runs (evaluation, reprs, property getters) may not open files, sockets or
        processes; the program's own code, on every other path, is never affected.
        """
        policy = self.policy
        if policy.restricts_anything:
            inner = fn

            def fn() -> Any:
                with guard(policy):
                    return inner()

        candidates = [self.focus_thread] if self.focus_thread is not None else []
        candidates += [tid for tid, _ in self.debugger.threads()]
        for tid in candidates:
            if tid is not None and self.debugger.is_stopped(tid):
                return self.debugger.run_on_thread(tid, fn, timeout)
        raise RuntimeError("no thread is stopped, so no user code can run")

    def frame_id(self, thread_id: int, frame: FrameType) -> int:
        with self._state_lock:
            fid = self._state.frame_ids.get(id(frame))
            if fid is None:
                fid = self._next_frame_id
                self._next_frame_id += 1
                self._state.frame_ids[id(frame)] = fid
                self._state.frames[fid] = FrameRef(thread_id, frame)
            return fid

    def frame(self, frame_id: int, command: str) -> FrameRef:
        with self._state_lock:
            ref = self._state.frames.get(frame_id)
        if ref is None:
            raise RequestError(
                f"{command}: frameId {frame_id} is not valid: the program has resumed since it was issued"
            )
        return ref

    def _write_locals(self, frame: FrameType, changes: Any) -> None:
        """Called on the suspended thread after REPL code assigned to the frame's locals."""
        with self._state_lock:
            ref = next((r for r in self._state.frames.values() if r.frame is frame), None)
        if ref is None:
            return
        for name, value in changes.items():
            self.debugger.set_local(ref.thread_id, frame, name, value)
            if ref.locals is not None:
                ref.locals[name] = value

    def top_frame(self, command: str) -> FrameRef:
        """The frame evaluation uses when the client names none: the focus thread's top."""
        candidates = [self.focus_thread] if self.focus_thread is not None else []
        candidates += [tid for tid, _ in self.debugger.threads()]
        for tid in candidates:
            if tid is not None and self.debugger.is_stopped(tid):
                frames = self.debugger.frames(tid)
                if frames:
                    return self.frame(self.frame_id(tid, frames[0]), command)
        raise RequestError(
            f"{command}: the program is running; pause it or stop at a breakpoint first"
        )

    def describe_exception(self, exc: BaseException) -> str:
        """`str(exc)` is user code: it runs on the stopped thread, under a deadline."""
        result = self.presenter.call_user(lambda: str(exc), 1.0)
        if result.timed_out:
            return f"{type(exc).__qualname__}: <str() timed out>"
        if result.error is not None:
            return f"{type(exc).__qualname__}: <str() failed: {result.error}>"
        return str(result.value)

    def source_reference(self, filename: str, module_globals: dict[str, Any]) -> int:
        with self._state_lock:
            ref = self._source_ids.get(filename)
            if ref is None:
                ref = len(self._source_ids) + 1
                self._source_ids[filename] = ref
                self.source_refs[ref] = (filename, module_globals)
            return ref

    def locals_of(self, ref: FrameRef) -> Any:
        """The frame's locals, snapshotted once per stop (3.12's f_locals re-snapshots and
        would lose pending writes; 3.13's proxy must not be kept)."""
        if ref.locals is None:
            ref.locals = dict(ref.frame.f_locals)
        return ref.locals

    def stopped_thread(self, args: dict[str, Any], command: str) -> int:
        thread_id: int = arg(args, "threadId", int, command=command)
        if not self.debugger.is_stopped(thread_id):
            raise RequestError(f"{command}: thread {thread_id} is not stopped")
        return thread_id


# The debugger's own packages: never shown as the user's sources.
_OWN_DIRS = (
    os.path.dirname(os.path.abspath(engine.__file__)) + os.sep,
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep,
)

# The frames that run the program's module code (runpy) are the launcher's, not the user's.
LAUNCHER_FILES = frozenset({"<frozen runpy>", runpy.__file__})


# Every debugging operation the audit log records (with `log_all_operations` or `auditLog`).
AUDITED_REQUESTS = frozenset(
    {
        "initialize",
        "launch",
        "attach",
        "disconnect",
        "terminate",
        "setBreakpoints",
        "setFunctionBreakpoints",
        "setExceptionBreakpoints",
        "evaluate",
        "setVariable",
        "setExpression",
        "goto",
        "source",
        "stepIn",
        "next",
        "stepOut",
        "continue",
        "pause",
    }
)


def _audit_details(request: Request) -> dict[str, Any]:
    a = request.arguments
    details: dict[str, Any] = {}
    for key in (
        "expression",
        "context",
        "name",
        "value",
        "threadId",
        "frameId",
        "targetId",
        "sourceReference",
        "terminateDebuggee",
    ):
        if key in a:
            details[key] = a[key]
    source = a.get("source")
    if isinstance(source, dict) and "path" in source:
        details["path"] = source["path"]
    if isinstance(a.get("breakpoints"), list):
        details["lines"] = [b.get("line") for b in a["breakpoints"] if isinstance(b, dict)]
    return details


def _source(path: str) -> dict[str, Any]:
    return {"name": os.path.basename(path), "path": path}


def _breakpoint(status: engine.BreakpointStatus) -> dict[str, Any]:
    bp: dict[str, Any] = {"id": status.id, "verified": status.verified}
    if status.line is not None:
        bp["line"] = status.line
    if status.path is not None:
        # A function bound in code with no file (`<generated>`, an exec'd string) has a name
        # for its source, not a path an editor could try to open.
        is_file = os.path.isabs(status.path)
        bp["source"] = _source(status.path) if is_file else {"name": status.path}
    if status.message:
        bp["message"] = status.message
    return bp


# --- life cycle -------------------------------------------------------------------------------
