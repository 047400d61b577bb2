"""The debuggee's debugging session: DAP requests in, engine calls out, engine events back.

Every request handler is registered in `TABLE` (see `dispatch.py`), which also yields the
capabilities `initialize` advertises. Handlers translate between DAP's shapes and the engine's
plain Python vocabulary; the state layer (`dap_server.state`) owns variable references, value
presentation and evaluation.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import engine
from dap_server.debuggee.dispatch import CommandTable, Request, RequestError, arg
from dap_server.debuggee.server import Outbox
from dap_server.state.audit import AuditLog
from dap_server.state.completions import completions
from dap_server.state.evaluation import SAFE_CONTEXTS, EvaluationError, Evaluator
from dap_server.state.policy import SecurityPolicy, SecurityViolation, check_request_allowed, guard
from dap_server.state.presentation import Presenter, UserCall
from dap_server.state.redaction import Redactor
from dap_server.state.safe_eval import SideEffectFreeEvaluator
from dap_server.state.variables import InvalidReferenceError, VariableStore

TABLE = CommandTable()

EXCEPTION_FILTERS: list[dict[str, Any]] = [
    {
        "filter": "raised",
        "label": "Raised Exceptions",
        "description": "Stop whenever an exception is raised",
        "default": False,
        "supportsCondition": True,
        "conditionDescription": "Stop only when this expression over the exception (`exc`) is true",
    },
    {
        "filter": "uncaught",
        "label": "Uncaught Exceptions",
        "description": "Stop when an exception is not handled by the program",
        "default": True,
        "supportsCondition": True,
    },
    {
        "filter": "userUnhandled",
        "label": "User Uncaught Exceptions",
        "description": "Stop when an exception leaves your code into library code that swallows it",
        "default": False,
        "supportsCondition": True,
    },
]
TABLE.advertise(exceptionBreakpointFilters=EXCEPTION_FILTERS)


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
        # thread id -> description of its last stop (tells an uncaught exception from a raised one)
        self.stop_descriptions: dict[int, str | None] = {}
        # Console messages for the user, sent once the client is ready for events.
        self.notices: list[str] = []
        # thread id -> name of the function the last step started in
        self.step_origin: dict[int, str] = {}
        # set by the connection: cancels an inspection request in flight by its seq
        self.cancel_request: Any = lambda seq: False
        # the frame whose scopes were last asked for: setVariable assigns in it
        self.focus_frame: FrameRef | None = None
        self.redactor = Redactor()
        self.presenter = Presenter(
            UserCall(self.run_user_code, (engine.EvaluationTimeout,)), self.redactor
        )
        self.variables = VariableStore(self.presenter)
        self.policy = SecurityPolicy()
        self.audit: AuditLog | None = None
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
                self.stop_descriptions[event.thread_id] = event.description
                body: dict[str, Any] = {
                    "reason": event.reason,
                    "threadId": event.thread_id,
                    "allThreadsStopped": event.all_threads_stopped,
                }
                if event.description:
                    body["description"] = event.description
                if event.text:
                    body["text"] = self.redactor.redact_text(event.text)
                if event.hit_breakpoint_ids:
                    body["hitBreakpointIds"] = list(event.hit_breakpoint_ids)
                out.event("stopped", body)
            case engine.ThreadStarted():
                out.event("thread", {"reason": "started", "threadId": event.thread_id})
            case engine.ThreadExited():
                out.event("thread", {"reason": "exited", "threadId": event.thread_id})
            case engine.Output():
                # Logpoint messages and condition errors carry program values: redacted.
                text = self.redactor.redact_text(event.text)
                ob: dict[str, Any] = {"category": event.category, "output": text}
                if event.path:
                    ob["source"] = _source(event.path)
                if event.line:
                    ob["line"] = event.line
                out.event("output", ob)
            case engine.BreakpointChanged():
                out.event(
                    "breakpoint", {"reason": "changed", "breakpoint": _breakpoint(event.status)}
                )
            case engine.EngineError():
                out.event(
                    "output",
                    {
                        "category": "important",
                        "output": f"debugger error (the program runs on): {event.message}\n",
                    },
                )
            case engine.Continued():
                pass  # resumes are answered by the request that caused them

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
_LAUNCHER_FILES = frozenset({"<frozen runpy>", runpy.__file__})


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
        bp["source"] = _source(status.path)
    if status.message:
        bp["message"] = status.message
    return bp


# --- life cycle -------------------------------------------------------------------------------


@TABLE.command("initialize", capabilities=("supportsConfigurationDoneRequest",))
def initialize(s: DebugSession, r: Request) -> dict[str, Any]:
    s.client = dict(r.arguments)
    # nvim-dap and others cannot page: they get range groups ([0..999]...) instead.
    s.variables.supports_paging = bool(r.arguments.get("supportsVariablePaging", False))
    return TABLE.capabilities()


def _apply_options(s: DebugSession, r: Request) -> None:
    a = r.arguments
    _apply_safety_options(s, r)
    s.options.stop_on_entry = bool(a.get("stopOnEntry", s.options.stop_on_entry))
    s.options.just_my_code = bool(a.get("justMyCode", s.options.just_my_code))
    s.options.show_return_value = bool(a.get("showReturnValue", s.options.show_return_value))
    s.debugger.set_just_my_code(s.options.just_my_code)
    if s.options.stop_on_entry and s.options.program and s.options.runs_program:
        s.debugger.stop_on_entry(s.options.program)
    s._pending_initialized = True


def _apply_safety_options(s: DebugSession, r: Request) -> None:
    """Security policy, redaction and audit options of launch/attach."""
    a = r.arguments
    if "securityPolicy" in a:
        raw = a["securityPolicy"]
        if not isinstance(raw, dict):
            raise RequestError(f"{r.command}: arguments.securityPolicy must be an object")
        try:
            s.policy = SecurityPolicy.from_dict(raw)
        except (TypeError, ValueError) as exc:
            raise RequestError(f"{r.command}: arguments.securityPolicy: {exc}") from None
    patterns = a.get("sensitivePatterns")
    if patterns is not None:
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise RequestError(
                f"{r.command}: arguments.sensitivePatterns must be an array of strings"
            )
        s.redactor.set_patterns(patterns)
    if a.get("redactSecrets") is False:
        s.redactor.enabled = False
        s.notices.append(
            "dap-server: secret redaction is OFF for this session (redactSecrets: false): "
            "values are shown exactly as they are in the program.\n"
        )
    audit_path = a.get("auditLog")
    if audit_path is not None and not isinstance(audit_path, str):
        raise RequestError(f"{r.command}: arguments.auditLog must be a file path")
    if audit_path or s.policy.log_all_operations:
        path = audit_path or os.path.join(os.getcwd(), f"dap-server-audit-{os.getpid()}.jsonl")
        s.audit = AuditLog(
            path, redactor=s.redactor, client=str(s.client.get("clientID", "unknown"))
        )


@TABLE.command("launch")
def launch(s: DebugSession, r: Request) -> None:
    program = s.options.program
    if program and s.options.runs_program:
        _check_compiles(program)
    _apply_options(s, r)


def _check_compiles(program: str) -> None:
    """A program that cannot even compile fails the launch, with Python's own words."""
    try:
        with open(program, "rb") as f:
            source = f.read()
        compile(source, program, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise RequestError(
            f"launch: cannot run {program}: SyntaxError: {exc.msg} (line {exc.lineno})"
        ) from None
    except (OSError, ValueError) as exc:
        raise RequestError(f"launch: cannot run {program}: {exc}") from None


@TABLE.command("attach")
def attach(s: DebugSession, r: Request) -> None:
    _apply_options(s, r)


@TABLE.command("configurationDone")
def configuration_done(s: DebugSession, r: Request) -> None:
    s.configuration_done.set()


@TABLE.command("disconnect", kind="control", capabilities=("supportTerminateDebuggee",))
def disconnect(s: DebugSession, r: Request) -> None:
    s.terminate_requested = bool(r.arguments.get("terminateDebuggee", False))
    if s.terminate_requested and s.options.runs_program:
        # A launched program that is to end: the adapter kills it once this is answered.
        # Nothing resumes meanwhile, so no more of the program runs.
        s.disconnected.set()
        return
    # Leave the program running without us: no breakpoints, nobody stopped.
    s.invalidate()
    s.debugger.set_exception_filters([])
    s.debugger.set_function_breakpoints([])
    for path in s.breakpoint_paths:
        s.debugger.set_source_breakpoints(path, [])
    s.breakpoint_paths.clear()
    s.debugger.resume(None)
    s.disconnected.set()


# --- breakpoints --------------------------------------------------------------------------------


@TABLE.command(
    "setBreakpoints",
    capabilities=(
        "supportsConditionalBreakpoints",
        "supportsHitConditionalBreakpoints",
        "supportsLogPoints",
    ),
)
def set_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    path = arg(r.arguments, "source.path", str, command=cmd)
    raw = arg(r.arguments, "breakpoints", list, command=cmd, default=None)
    if raw is None:
        raw = [{"line": line} for line in arg(r.arguments, "lines", list, command=cmd, default=[])]
    specs = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise RequestError(f"{cmd}: arguments.breakpoints[{i}] must be an object")
        specs.append(
            engine.SourceBreakpointSpec(
                line=arg(item, "line", int, command=f"{cmd}: breakpoints[{i}]"),
                condition=item.get("condition") or None,
                hit_condition=item.get("hitCondition") or None,
                log_message=_redact_log_message(s, item.get("logMessage") or None),
            )
        )
    path = os.path.abspath(path)
    s.breakpoint_paths.add(path)
    statuses = s.debugger.set_source_breakpoints(path, specs)
    return {"breakpoints": [_breakpoint(st) for st in statuses]}


def _redact_log_message(s: DebugSession, message: str | None) -> str | None:
    """A logpoint's `{expression}` that names or could derive a secret is replaced by the
    literal text [REDACTED] before the engine ever compiles it: its value is never computed."""
    if not message or not s.redactor.enabled:
        return message
    out: list[str] = []
    i = 0
    while i < len(message):
        ch = message[i]
        if message.startswith(("{{", "}}"), i):
            out.append(message[i : i + 2])
            i += 2
            continue
        if ch == "{":
            end = message.find("}", i + 1)
            if end == -1:
                out.append(message[i:])
                break
            expr = message[i + 1 : end]
            if s.redactor.names_sensitive(expr) or s.redactor.taint_check(expr) is not None:
                out.append("[REDACTED]")
            else:
                out.append(message[i : end + 1])
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


@TABLE.command("setFunctionBreakpoints", capabilities=("supportsFunctionBreakpoints",))
def set_function_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    raw = arg(r.arguments, "breakpoints", list, command=cmd)
    specs = [
        engine.FunctionBreakpointSpec(
            name=arg(item, "name", str, command=f"{cmd}: breakpoints[{i}]"),
            condition=item.get("condition") or None,
            hit_condition=item.get("hitCondition") or None,
        )
        for i, item in enumerate(raw)
    ]
    return {"breakpoints": [_breakpoint(st) for st in s.debugger.set_function_breakpoints(specs)]}


@TABLE.command("setExceptionBreakpoints", capabilities=("supportsExceptionFilterOptions",))
def set_exception_breakpoints(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    known = {f["filter"] for f in EXCEPTION_FILTERS}
    specs: list[engine.ExceptionFilterSpec] = []
    for name in arg(r.arguments, "filters", list, command=cmd):
        if name not in known:
            raise RequestError(
                f"{cmd}: unknown exception filter {name!r} (known: {', '.join(sorted(known))})"
            )
        specs.append(engine.ExceptionFilterSpec(filter=name))
    for i, option in enumerate(arg(r.arguments, "filterOptions", list, command=cmd, default=[])):
        name = arg(option, "filterId", str, command=f"{cmd}: filterOptions[{i}]")
        if name not in known:
            raise RequestError(
                f"{cmd}: unknown exception filter {name!r} (known: {', '.join(sorted(known))})"
            )
        specs.append(
            engine.ExceptionFilterSpec(filter=name, condition=option.get("condition") or None)
        )
    s.debugger.set_exception_filters(specs)
    return {"breakpoints": [{"verified": True} for _ in specs]}


@TABLE.command("breakpointLocations", capabilities=("supportsBreakpointLocationsRequest",))
def breakpoint_locations(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    path = arg(r.arguments, "source.path", str, command=cmd)
    line = arg(r.arguments, "line", int, command=cmd)
    end_line = arg(r.arguments, "endLine", int, command=cmd, default=None)
    lines = s.debugger.breakpoint_locations(os.path.abspath(path), line, end_line)
    return {"breakpoints": [{"line": n} for n in lines]}


# --- threads and run control ----------------------------------------------------------------------


@TABLE.command("threads")
def threads(s: DebugSession, r: Request) -> dict[str, Any]:
    return {"threads": [{"id": tid, "name": name} for tid, name in s.debugger.threads()]}


def _resume_target(s: DebugSession, r: Request) -> int | None:
    """The thread to resume: all of them unless the client asked for singleThread."""
    thread_id: int = arg(r.arguments, "threadId", int, command=r.command)
    return thread_id if r.arguments.get("singleThread") else None


@TABLE.command("cancel", capabilities=("supportsCancelRequest",))
def cancel(s: DebugSession, r: Request) -> None:
    request_id = arg(r.arguments, "requestId", int, command=r.command, default=None)
    if request_id is None:
        return  # progress cancellation: this server reports no progress
    if s.cancel_request(request_id):
        # it may be running user code on a stopped thread right now
        s.debugger.interrupt_calls(None)


@TABLE.command("continue", kind="control", capabilities=("supportsSingleThreadExecutionRequests",))
def continue_(s: DebugSession, r: Request) -> dict[str, Any]:
    target = _resume_target(s, r)
    s.invalidate()
    s.debugger.resume(target)
    return {"allThreadsContinued": target is None}


def _step(s: DebugSession, r: Request, kind: engine.StepKind) -> None:
    thread_id = s.stopped_thread(r.arguments, r.command)
    target = arg(r.arguments, "targetId", int, command=r.command, default=None)
    frames = s.debugger.frames(thread_id)
    # A step that leaves this function shows its return value as "(return) <name>".
    s.step_origin[thread_id] = frames[0].f_code.co_name if frames else ""
    s.invalidate()
    s.debugger.step(thread_id, kind, target)


@TABLE.command("next", kind="control")
def next_(s: DebugSession, r: Request) -> None:
    _step(s, r, "over")


@TABLE.command("stepIn", kind="control")
def step_in(s: DebugSession, r: Request) -> None:
    _step(s, r, "into")


@TABLE.command("stepOut", kind="control")
def step_out(s: DebugSession, r: Request) -> None:
    _step(s, r, "out")


@TABLE.command("pause", kind="control")
def pause(s: DebugSession, r: Request) -> None:
    thread_id = arg(r.arguments, "threadId", int, command=r.command, default=None)
    s.debugger.pause(thread_id)


# --- inspection ------------------------------------------------------------------------------------


@TABLE.command("stackTrace", kind="inspection", capabilities=("supportsDelayedStackTraceLoading",))
def stack_trace(s: DebugSession, r: Request) -> dict[str, Any]:
    thread_id = s.stopped_thread(r.arguments, r.command)
    frames = [
        f for f in s.debugger.frames(thread_id) if f.f_code.co_filename not in _LAUNCHER_FILES
    ]
    start = arg(r.arguments, "startFrame", int, command=r.command, default=0)
    levels = arg(r.arguments, "levels", int, command=r.command, default=0)
    chosen = frames[start : start + levels] if levels > 0 else frames[start:]
    out = []
    for frame in chosen:
        code = frame.f_code
        entry: dict[str, Any] = {
            "id": s.frame_id(thread_id, frame),
            "name": code.co_qualname,
            "line": frame.f_lineno or code.co_firstlineno,
            "column": 1,
        }
        path = code.co_filename
        if os.path.isabs(path) and os.path.exists(path):
            entry["source"] = _source(path)
        out.append(entry)
    return {"stackFrames": out, "totalFrames": len(frames)}


@TABLE.command("scopes", kind="inspection")
def scopes(s: DebugSession, r: Request) -> dict[str, Any]:
    ref = s.frame(arg(r.arguments, "frameId", int, command=r.command), r.command)
    s.focus_thread = ref.thread_id
    is_top = s.debugger.frames(ref.thread_id)[:1] == [ref.frame]
    exception = s.debugger.exception(ref.thread_id) if is_top else None
    kwargs: dict[str, Any] = {"exception": exception}
    if is_top and s.options.show_return_value:
        has_value, value = s.debugger.return_value(ref.thread_id)
        if has_value:
            kwargs["return_value"] = value
            kwargs["return_name"] = s.step_origin.get(ref.thread_id) or None
    s.focus_frame = ref
    return {"scopes": s.variables.scopes(ref.frame, s.locals_of(ref), **kwargs)}


@TABLE.command("variables", kind="inspection", capabilities=("supportsVariableType",))
def variables(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    ref = arg(r.arguments, "variablesReference", int, command=cmd)
    filter_ = arg(r.arguments, "filter", str, command=cmd, default=None)
    if filter_ not in (None, "indexed", "named"):
        raise RequestError(f"{cmd}: arguments.filter must be 'indexed' or 'named', not {filter_!r}")
    start = arg(r.arguments, "start", int, command=cmd, default=None)
    count = arg(r.arguments, "count", int, command=cmd, default=None)
    fmt = arg(r.arguments, "format", dict, command=cmd, default=None)
    try:
        return {"variables": s.variables.variables(ref, filter_, start, count, fmt)}
    except InvalidReferenceError as exc:
        raise RequestError(f"{cmd}: {exc}") from None


# --- exceptions -------------------------------------------------------------------------------------


def _exception_details(s: DebugSession, exc: BaseException, depth: int = 0) -> dict[str, Any]:
    """DAP ExceptionDetails, chained causes included; redacted on the way out."""
    import traceback

    cls = type(exc)
    message = s.presenter.redact(s.describe_exception(exc))
    details: dict[str, Any] = {
        "message": message,
        "typeName": cls.__qualname__,
        "fullTypeName": f"{cls.__module__}.{cls.__qualname__}"
        if cls.__module__ != "builtins"
        else cls.__qualname__,
        "evaluateName": "__exception__",
        "stackTrace": s.presenter.redact("".join(traceback.format_tb(exc.__traceback__))),
    }
    if depth < 8:
        inner: list[dict[str, Any]] = []
        chained = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        if chained is not None:
            inner.append(_exception_details(s, chained, depth + 1))
        if isinstance(exc, BaseExceptionGroup):
            inner.extend(_exception_details(s, e, depth + 1) for e in exc.exceptions[:20])
        if inner:
            details["innerException"] = inner
    return details


@TABLE.command("exceptionInfo", kind="inspection", capabilities=("supportsExceptionInfoRequest",))
def exception_info(s: DebugSession, r: Request) -> dict[str, Any]:
    thread_id = s.stopped_thread(r.arguments, r.command)
    exc = s.debugger.exception(thread_id)
    if exc is None:
        raise RequestError(f"{r.command}: thread {thread_id} did not stop on an exception")
    s.focus_thread = thread_id
    details = _exception_details(s, exc)
    return {
        "exceptionId": details["fullTypeName"],
        "description": details["message"],
        "breakMode": "unhandled"
        if s.stop_descriptions.get(thread_id) == "Uncaught exception"
        else "always",
        "details": details,
    }


# --- navigation ------------------------------------------------------------------------------------


@TABLE.command("stepInTargets", kind="inspection", capabilities=("supportsStepInTargetsRequest",))
def step_in_targets(s: DebugSession, r: Request) -> dict[str, Any]:
    ref = s.frame(arg(r.arguments, "frameId", int, command=r.command), r.command)
    targets = s.debugger.step_in_targets(ref.thread_id, ref.frame)
    return {"targets": [{"id": tid, "label": label} for tid, label in targets]}


@TABLE.command("gotoTargets", kind="inspection", capabilities=("supportsGotoTargetsRequest",))
def goto_targets(s: DebugSession, r: Request) -> dict[str, Any]:
    path = os.path.abspath(arg(r.arguments, "source.path", str, command=r.command))
    line = arg(r.arguments, "line", int, command=r.command)
    lines = s.debugger.breakpoint_locations(path, line, line)
    # The target id is the line itself: goto then jumps there in the frame that asks.
    return {"targets": [{"id": n, "label": f"line {n}", "line": n} for n in lines[:1]]}


@TABLE.command("goto", kind="control")
def goto(s: DebugSession, r: Request) -> None:
    thread_id = s.stopped_thread(r.arguments, r.command)
    line = arg(r.arguments, "targetId", int, command=r.command)
    s.invalidate()
    try:
        s.debugger.goto(thread_id, line)
    except ValueError as exc:
        raise RequestError(f"{r.command}: cannot jump to line {line}: {exc}") from None


# --- sources -----------------------------------------------------------------------------------------


@TABLE.command("source", kind="inspection")
def source(s: DebugSession, r: Request) -> dict[str, Any]:
    path = arg(r.arguments, "source.path", str, command=r.command, default=None)
    if path is None:
        raise RequestError(f"{r.command}: only sources with a path can be shown")
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return {"content": f.read(), "mimeType": "text/x-python"}
    except OSError as exc:
        raise RequestError(f"{r.command}: cannot read {path}: {exc.strerror}") from None


@TABLE.command("loadedSources", capabilities=("supportsLoadedSourcesRequest",))
def loaded_sources(s: DebugSession, r: Request) -> dict[str, Any]:
    paths = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and not path.startswith(_OWN_DIRS):
            paths.add(os.path.abspath(path))
    return {"sources": [_source(p) for p in sorted(paths)]}


@TABLE.command("modules", capabilities=("supportsModulesRequest",))
def modules(s: DebugSession, r: Request) -> dict[str, Any]:
    start = arg(r.arguments, "startModule", int, command=r.command, default=0)
    count = arg(r.arguments, "moduleCount", int, command=r.command, default=0)
    names = sorted(n for n, m in list(sys.modules.items()) if m is not None)
    chosen = names[start : start + count] if count else names[start:]
    out = []
    for name in chosen:
        module = sys.modules.get(name)
        entry: dict[str, Any] = {"id": name, "name": name}
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            entry["path"] = path
        out.append(entry)
    return {"modules": out, "totalModules": len(names)}


# --- evaluation ------------------------------------------------------------------------------------


@TABLE.command(
    "evaluate",
    kind="inspection",
    capabilities=(
        "supportsEvaluateForHovers",
        "supportsClipboardContext",
        "supportsValueFormattingOptions",
    ),
)
def evaluate(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    expression = arg(r.arguments, "expression", str, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    context = arg(r.arguments, "context", str, command=cmd, default="repl")
    fmt = arg(r.arguments, "format", dict, command=cmd, default=None)
    # `timeout` (seconds) is this server's extension, used by the Python API; the policy's
    # max_execution_time is a ceiling nobody can raise.
    timeout = arg(r.arguments, "timeout", (int, float), command=cmd, default=None)
    ceiling = s.policy.max_execution_time
    if ceiling is not None:
        timeout = ceiling if timeout is None else min(timeout, ceiling)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    s.focus_thread = ref.thread_id
    # Observe mode: even the console only evaluates without side effects.
    s.evaluator.safe_contexts = SAFE_CONTEXTS | {"repl"} if s.policy.observe else SAFE_CONTEXTS
    s.safe_evaluator.policy = s.policy
    s.safe_evaluator.memory_limit = s.policy.memory_limit
    try:
        return s.evaluator.evaluate(
            expression, ref.frame, s.locals_of(ref), context, fmt, timeout=timeout
        )
    except EvaluationError as exc:
        raise RequestError(str(exc)) from None
    finally:
        if context == "repl":
            s.variables.refresh()  # a statement may have changed what the views show


# --- changing the program ----------------------------------------------------------------------------


def _assign(
    s: DebugSession, ref: FrameRef, target: str, value: str, command: str
) -> dict[str, Any]:
    """`target = value` in the frame (through the console's statement path, so locals stick),
    then the new value rendered as `evaluate` would."""
    try:
        compile(f"{target} = ({value})", "<setVariable>", "exec")
    except SyntaxError as exc:
        raise RequestError(
            f"{command}: cannot assign {value!r} to {target}: SyntaxError: {exc.msg}"
        ) from None
    try:
        s.evaluator.evaluate(f"{target} = ({value})", ref.frame, s.locals_of(ref), "repl")
        body = s.evaluator.evaluate(target, ref.frame, s.locals_of(ref), "repl")
    except EvaluationError as exc:
        raise RequestError(f"{command}: {exc}") from None
    finally:
        s.variables.refresh()
    out: dict[str, Any] = {
        "value": body["result"],
        "variablesReference": body.get("variablesReference", 0),
    }
    for key in ("type", "namedVariables", "indexedVariables"):
        if key in body:
            out[key] = body[key]
    return out


@TABLE.command("setVariable", kind="inspection", capabilities=("supportsSetVariable",))
def set_variable(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    ref_id = arg(r.arguments, "variablesReference", int, command=cmd)
    name = arg(r.arguments, "name", str, command=cmd)
    value = arg(r.arguments, "value", str, command=cmd)
    if name.startswith("."):
        raise RequestError(f"{cmd}: {name!r} is an interpreter-internal variable and cannot be set")
    frame = s.focus_frame
    if frame is None:
        raise RequestError(f"{cmd}: ask for the frame's scopes first")
    try:
        children = s.variables.variables(ref_id)
    except InvalidReferenceError as exc:
        raise RequestError(f"{cmd}: {exc}") from None
    child = next((c for c in children if c.get("name") == name), None)
    if child is None:
        raise RequestError(f"{cmd}: no variable named {name!r} under variablesReference {ref_id}")
    if (
        child.get("presentationHint", {}).get("attributes")
        and "readOnly" in child["presentationHint"]["attributes"]
    ):
        raise RequestError(f"{cmd}: {name!r} is read-only")
    target = child.get("evaluateName")
    if not target:
        raise RequestError(f"{cmd}: {name!r} cannot be assigned (no expression reaches it)")
    s.focus_thread = frame.thread_id
    return _assign(s, frame, target, value, cmd)


@TABLE.command("setExpression", kind="inspection", capabilities=("supportsSetExpression",))
def set_expression(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    expression = arg(r.arguments, "expression", str, command=cmd)
    value = arg(r.arguments, "value", str, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    s.focus_thread = ref.thread_id
    return _assign(s, ref, expression, value, cmd)


@TABLE.command("completions", kind="inspection", capabilities=("supportsCompletionsRequest",))
def completions_(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    text = arg(r.arguments, "text", str, command=cmd)
    column = arg(r.arguments, "column", int, command=cmd)
    frame_id = arg(r.arguments, "frameId", int, command=cmd, default=None)
    ref = s.frame(frame_id, cmd) if frame_id is not None else s.top_frame(cmd)
    items = completions(
        text,
        column,
        ref.frame,
        s.locals_of(ref),
        redactor=s.redactor,
        columns_start_at_1=bool(s.client.get("columnsStartAt1", True)),
    )
    return {"targets": items}


@TABLE.command("setSensitivePatterns")
def set_sensitive_patterns(s: DebugSession, r: Request) -> None:
    """This server's extension: change the redaction patterns while the program runs."""
    patterns = arg(r.arguments, "patterns", list, command=r.command)
    if not all(isinstance(p, str) for p in patterns):
        raise RequestError(f"{r.command}: arguments.patterns must be an array of strings")
    s.redactor.set_patterns(patterns)
