"""`Session`: a debugger driven from Python code. Always a DAP client.

Out of process, the session starts the adapter (`python -m dap_server`, the same program editors
start) over stdio pipes, or connects straight to a listening debuggee; in process, it talks to
this process's own debuggee-side server over a socket pair (see `inprocess`). Either way every
operation is a DAP request, so the API and the editors share one implementation.

Threading model: all methods are meant for one controlling thread. Events arrive on the
client's reader thread and only update the state below, under `_cond`.

Run control: `run_until_breakpoint` and the step methods block until the program stops again
(or ends, or the timeout passes). `continue_execution` and `run` return at once.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal

from dap_server.api.client import DEFAULT_REQUEST_TIMEOUT, DapClient, PipeTransport, SocketTransport
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
from dap_server.api.inprocess import InProcessTarget, Run
from dap_server.api.targets import Resolved, TargetResolver
from dap_server.api.values import (
    Breakpoint,
    StackFrame,
    Stop,
    TypedValue,
    Value,
    from_dap,
    literal_text,
)

if TYPE_CHECKING:
    from dap_server.state.policy import SecurityPolicy

__all__ = ["DEFAULT_RUN_TIMEOUT", "Session", "session"]

log = logging.getLogger("dap_server.api")

DEFAULT_RUN_TIMEOUT = 30.0
DEFAULT_EVAL_TIMEOUT = 10.0

Phase = Literal["idle", "running", "stopped", "finished"]
OutputHandler = Callable[[str, str], None]

# The package root, put on the adapter's PYTHONPATH so that it runs from a source checkout too.
_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Session:
    """One debugging session; use it as a context manager (`with session(...) as s:`).

    Target (at most one): `program` (a script) or `module` (`python -m`), run in a new process
    with `args`, `cwd`, `env`; `connect=(host, port)` with `token`, a program already listening
    (`dap_server.attach()`/`listen()`); `pid`, a running process to attach to; or none, for an
    in-process session whose target is given later to `Session.run(func, ...)`. docs/api.md
    has a tour.
    """

    def __init__(
        self,
        *,
        program: str | os.PathLike[str] | None = None,
        module: str | None = None,
        args: Sequence[str] = (),
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str | None] | None = None,
        connect: tuple[str, int] | None = None,
        token: str | None = None,
        pid: int | None = None,
        python: str | None = None,
        security_policy: SecurityPolicy | None = None,
        sensitive_patterns: Iterable[str] | None = None,
        just_my_code: bool = True,
        stop_on_entry: bool = False,
        stop_on_uncaught: bool = True,
        timeout: float = DEFAULT_REQUEST_TIMEOUT,
        on_output: OutputHandler | None = None,
    ) -> None:
        chosen = [
            n
            for n, v in (
                ("program", program),
                ("module", module),
                ("connect", connect),
                ("pid", pid),
            )
            if v is not None
        ]
        if len(chosen) > 1:
            raise DebuggerError(f"session(): give one target, not {' and '.join(chosen)}")
        if isinstance(args, str):
            raise DebuggerError("session(): args must be a list of strings, not one string")
        self.timeout = timeout
        self.on_output = on_output
        self._policy = security_policy
        self._patterns: list[str] | None = (
            list(sensitive_patterns) if sensitive_patterns is not None else None
        )
        self._just_my_code = just_my_code
        self._stop_on_entry = stop_on_entry
        self._cwd = os.path.abspath(os.fspath(cwd)) if cwd is not None else os.getcwd()
        self._program = (
            os.path.abspath(os.path.join(self._cwd, os.fspath(program)))
            if program is not None
            else None
        )
        self._module = module
        self._args = [str(a) for a in args]
        self._env = dict(env) if env is not None else None
        self._connect = connect
        self._token = token
        self._pid = pid
        self._python = python
        self.mode: Literal["launch", "attach", "in-process"] = (
            "launch"
            if (program is not None or module is not None)
            else "attach"
            if (connect or pid)
            else "in-process"
        )
        self.target_description = (
            self._program
            or (f"-m {module}" if module else None)
            or (f"{connect[0]}:{connect[1]}" if connect else None)
            or (f"pid {pid}" if pid is not None else "in process")
        )

        # State below is shared with the reader thread: read and write it under _cond.
        self._cond = threading.Condition()
        self._phase: Phase = "idle"
        self._initialized = threading.Event()
        self._stop_body: dict[str, Any] = {}
        # Stops of other threads that came while the user was at a stop, in order.
        self._held_stops: list[dict[str, Any]] = []
        self._thread_id: int | None = None
        self._exit_code: int | None = None
        self._stops = 0
        # The stop last returned to the caller (or inspected): run_until_breakpoint continues
        # from it, but returns a newer stop that arrived while nobody was waiting.
        self._reported = 0
        self._output: list[tuple[str, str]] = []

        # Per stop, dropped at every resume.
        self._frames: list[dict[str, Any]] | None = None
        self._scopes: dict[int, list[dict[str, Any]]] = {}
        self._frame_index = 0

        self._breakpoints: list[Breakpoint] = []
        self._exception_types: dict[str, list[str]] = {
            "raised": [],
            "uncaught": ["*"] if stop_on_uncaught else [],
        }
        self._watches: list[str] = []
        self._capabilities: dict[str, Any] = {}
        self._started = False
        # False while set_breakpoints adds many: each file is then sent once, at the end.
        self._started_sync = True
        self._closed = False
        self._opened_at = time.time()
        self._process: subprocess.Popen[bytes] | None = None
        self._stderr: list[bytes] = []
        self._inproc: InProcessTarget | None = None
        self._run: Run | None = None
        self._launch_pending: tuple[int, Any] | None = None
        self._resolver = self._make_resolver()
        self._client = self._open()

    # -- opening and closing -----------------------------------------------------------------

    def _open(self) -> DapClient:
        if self.mode == "in-process":
            self._inproc = InProcessTarget()
            client = DapClient(
                self._inproc.transport,
                on_event=self._on_event,
                on_close=self._on_close,
                peer="the in-process debuggee",
            )
        elif self._connect is not None:
            import socket

            host, port = self._connect
            try:
                sock = socket.create_connection((host, port), timeout=self.timeout)
            except OSError as exc:
                raise ConnectionLost(
                    f"cannot connect to a debuggee at {host}:{port}: {exc.strerror or exc}"
                ) from None
            client = DapClient(
                SocketTransport(sock),
                on_event=self._on_event,
                on_close=self._on_close,
                peer=f"the debuggee at {host}:{port}",
            )
        else:
            if self._program is not None and not os.path.isfile(self._program):
                raise DebuggerError(f"session(): program {self._program!r} does not exist")
            client = DapClient(
                self._spawn_adapter(),
                on_event=self._on_event,
                on_close=self._on_close,
                peer="the adapter",
            )
        try:
            arguments: dict[str, Any] = {
                "clientID": "dap_server.api",
                "clientName": "dap_server Python API",
                "adapterID": "python",
                "linesStartAt1": True,
                "columnsStartAt1": True,
                "pathFormat": "path",
                "supportsVariableType": True,
                "supportsVariablePaging": True,
            }
            if self._token is not None:
                arguments["token"] = self._token
            self._capabilities = client.request("initialize", arguments, timeout=self.timeout)
        except BaseException:
            client.close()
            self._cleanup()
            raise
        return client

    def _spawn_adapter(self) -> PipeTransport:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_SOURCE_ROOT, env.get("PYTHONPATH")) if p)
        try:
            process = subprocess.Popen(
                [sys.executable, "-m", "dap_server"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
        except OSError as exc:
            raise DebuggerError(
                f"cannot start the adapter ({sys.executable} -m dap_server): {exc}"
            ) from None
        self._process = process

        def drain() -> None:
            # Read stderr as it comes, so the adapter never blocks on a full pipe; the tail
            # explains a crash.
            assert process.stderr is not None
            fd = process.stderr.fileno()
            while chunk := os.read(fd, 4096):
                self._stderr.append(chunk)
                del self._stderr[:-64]

        threading.Thread(target=drain, name="dap_server.api.stderr", daemon=True).start()
        return PipeTransport.of(process)

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Ends the session. A launched program is ended; an attached or in-process one runs on
        without breakpoints. Idempotent."""
        if self._closed:
            return
        self._closed = True
        if not self._client.closed:
            terminate = self.mode == "launch"
            try:
                self._client.request("disconnect", {"terminateDebuggee": terminate}, timeout=5.0)
            except DebuggerError:
                pass
        self._client.close()
        self._cleanup()

    def _cleanup(self) -> None:
        process = self._process
        if process is not None:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            for pipe in (process.stdout, process.stderr, process.stdin):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:
                        pass
        if self._inproc is not None:
            self._inproc.close()

    # -- events (reader thread) ----------------------------------------------------------------

    def _on_event(self, message: dict[str, Any]) -> None:
        name = message.get("event")
        body = message.get("body") or {}
        if name == "output":
            category = str(body.get("category", "console"))
            text = str(body.get("output", ""))
            with self._cond:
                self._output.append((category, text))
            if self.on_output is not None:
                self.on_output(category, text)
            return
        with self._cond:
            if (
                name == "stopped"
                and self._phase == "stopped"
                and body.get("threadId", self._thread_id) != self._thread_id
            ):
                # Another thread stopped while the user is at a stop: it waits its turn (the
                # next run_until_breakpoint reports it), and what the user inspects and steps
                # stays the stop they were given.
                self._held_stops.append(body)
            elif name == "stopped":
                self._take_stop(body)
            elif name == "initialized":
                self._initialized.set()
            elif name == "exited":
                self._exit_code = body.get("exitCode")
            elif name == "terminated":
                self._phase = "finished"
            elif name == "breakpoint":
                self._update_breakpoint(body.get("breakpoint") or {})
            self._cond.notify_all()

    def _take_stop(self, body: dict[str, Any]) -> None:
        """`body` (a stopped event's) becomes the session's stop. Under the condition."""
        self._phase = "stopped"
        self._stop_body = body
        self._thread_id = body.get("threadId", self._thread_id)
        self._stops += 1
        self._forget_stop()

    def _on_close(self) -> None:
        with self._cond:
            if self._phase != "finished":
                self._phase = "finished"
            self._initialized.set()
            self._cond.notify_all()

    def _target_finished(self) -> None:
        with self._cond:
            if self._phase != "stopped":
                self._phase = "finished"
            self._cond.notify_all()

    def _forget_stop(self) -> None:
        self._frames = None
        self._scopes = {}
        self._frame_index = 0

    # -- state ------------------------------------------------------------------------------------

    @property
    def state(self) -> Phase:
        """ "idle" (not started), "running", "stopped" or "finished"."""
        with self._cond:
            return self._phase

    @property
    def exit_code(self) -> int | None:
        """The launched program's exit code, once it has ended."""
        with self._cond:
            return self._exit_code

    @property
    def output(self) -> str:
        """Everything the program printed (out of process: its stdout and stderr, as relayed)."""
        with self._cond:
            return "".join(
                text for category, text in self._output if category in ("stdout", "stderr")
            )

    @property
    def capabilities(self) -> dict[str, Any]:
        return dict(self._capabilities)

    @property
    def run_handle(self) -> Run | None:
        """The in-process function started by `run`, if any."""
        return self._run

    def _require_stopped(self, what: str) -> int:
        with self._cond:
            phase, thread_id = self._phase, self._thread_id
        if phase == "stopped" and thread_id is not None:
            return thread_id
        if phase == "idle":
            start = (
                "run(func) and then run_until_breakpoint()"
                if self.mode == "in-process"
                else "run_until_breakpoint()"
            )
            raise NotStoppedError(f"{what}: the program has not started yet; call {start} first")
        if phase == "running":
            raise NotStoppedError(
                f"{what}: the program is running; wait for it to stop (run_until_breakpoint()) or pause() it first"
            )
        raise NotStoppedError(f"{what}: the program has finished{self._exit_text()}")

    def _exit_text(self) -> str:
        if self._exit_code is not None:
            return f" (exit code {self._exit_code})"
        if self._run is not None and self._run.done():
            exc = self._run.exception
            return (
                f" ({self._run.name}() raised {type(exc).__name__})"
                if exc
                else f" ({self._run.name}() returned)"
            )
        return ""

    def _request(
        self, command: str, arguments: dict[str, Any] | None = None, timeout: float | None = None
    ) -> dict[str, Any]:
        return self._client.request(
            command, arguments, timeout=self.timeout if timeout is None else timeout
        )

    # -- starting ---------------------------------------------------------------------------------

    def run(self, func: Callable[..., object], /, *args: Any, **kwargs: Any) -> Run:
        """In process: runs `func(*args, **kwargs)` in a worker thread, under the debugger.

        Returns at once; `run_until_breakpoint()` waits for it to stop, `Run.result()` or
        `finish()` for it to return. Only the worker thread ever stops.
        """
        if self._inproc is None:
            raise DebuggerError(
                f"run(): this session debugs {self.target_description}; run(func) is for in-process sessions (session() without a target)"
            )
        if self._run is not None and not self._run.done():
            raise DebuggerError(f"run(): {self._run.name}() is still running; one target at a time")
        self._configure()
        with self._cond:
            self._phase = "running"
        inproc = self._inproc
        self._run = inproc.start(func, args, kwargs, self._target_finished)
        log.debug("run %s", self._run.name)
        return self._run

    def _configure(self) -> None:
        """The editor's start-up conversation: launch/attach, breakpoints, configurationDone."""
        if self._started:
            return
        self._started = True
        options: dict[str, Any] = {
            "justMyCode": self._just_my_code,
            "stopOnEntry": self._stop_on_entry,
        }
        if self._policy is not None:
            options["securityPolicy"] = self._policy.to_dict()
        if self._patterns is not None:
            options["sensitivePatterns"] = list(self._patterns)
        elif self.mode == "in-process":
            # This process's debuggee outlives the session: start every session from the defaults.
            from dap_server.state.redaction import DEFAULT_PATTERNS

            options["sensitivePatterns"] = list(DEFAULT_PATTERNS)
        if self._token is not None:
            options["token"] = self._token
        if self.mode == "launch":
            command = "launch"
            options.update(
                {
                    "name": "dap_server.api",
                    "type": "python",
                    "request": "launch",
                    "cwd": self._cwd,
                    "args": self._args,
                }
            )
            if self._program is not None:
                options["program"] = self._program
            if self._module is not None:
                options["module"] = self._module
            if self._env is not None:
                options["env"] = self._env
            if self._python is not None:
                options["python"] = self._python
        else:
            command = "attach"
            options.update({"name": "dap_server.api", "type": "python", "request": "attach"})
            if self._pid is not None:
                options["processId"] = self._pid
                # The target's main thread must reach a safe point within the session's timeout.
                options["attachTimeout"] = self.timeout
        seq, pending = self._client.send_request(command, options)
        # Attach by pid fails by itself once attachTimeout passes, saying why: let it.
        margin = 5.0 if self._pid is not None else 0.0
        deadline = time.monotonic() + self.timeout + margin
        while not self._initialized.wait(0.05):
            if pending.done.is_set():  # failed before `initialized` (attach by pid, mostly)
                response = self._client.wait(seq, pending, 0)
                if not response.get("success"):
                    raise RequestFailed(command, str(response.get("message")))
            if time.monotonic() < deadline:
                continue
            raise DebuggerTimeout(
                f"{command}: the debugger did not get ready within {self.timeout:g} s{self._adapter_stderr()}"
            )
        if self._client.closed:
            self._client.wait(seq, pending, 0.1)
            raise ConnectionLost(f"{command}: the connection closed{self._adapter_stderr()}")
        for path in sorted({b.path for b in self._breakpoints if b.kind == "line" and b.path}):
            self._send_source(path)
        self._send_functions()
        self._send_exceptions()
        self._request("configurationDone")
        response = self._client.wait(seq, pending, self.timeout)
        if not response.get("success"):
            raise RequestFailed(command, str(response.get("message")) + self._adapter_stderr())

    def _adapter_stderr(self) -> str:
        text = b"".join(self._stderr).decode("utf-8", "replace").strip()
        return f"\nadapter stderr:\n{text[-2000:]}" if text else ""

    # -- run control ------------------------------------------------------------------------------

    def run_until_breakpoint(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> Stop:
        """Runs until the program stops (breakpoint, step, pause) and returns where.

        Starts the program on first use (in process: after `run(func)`); continues it when it is
        stopped. Raises `ExceptionCaught` when the stop is at an exception (the program stays
        stopped there), `ProgramExited` when it ends first, `DebuggerTimeout` after `timeout`.
        """
        self._go("run_until_breakpoint")
        return self._wait_for_stop("run_until_breakpoint", timeout)

    def run_until_exception(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> None:
        """Runs until the program stops at an exception, and raises `ExceptionCaught` there.

        Line and function breakpoints on the way are passed over. Returns None when the program
        ends without one.
        """
        try:
            self._go("run_until_exception")
        except ProgramExited:
            return None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                self._wait_for_stop("run_until_exception", remaining)
            except ProgramExited:
                return None
            self._resume("continue", "run_until_exception")

    def _go(self, what: str) -> None:
        with self._cond:
            phase, unseen = self._phase, self._stops != self._reported
        if phase == "stopped":
            if not unseen:
                self._resume("continue", what)
        elif phase == "idle":
            if self.mode == "in-process":
                raise NotStoppedError(
                    f"{what}: nothing runs yet; start the target with run(func, *args) first"
                )
            self._configure()
            with self._cond:
                if self._phase == "idle":
                    self._phase = "running"
        elif phase == "finished":
            raise ProgramExited(
                f"{what}: the program has finished{self._exit_text()}", self._exit_code
            )

    def continue_execution(self) -> None:
        """Resumes the stopped program and returns at once (see `run_until_breakpoint`)."""
        self._resume("continue", "continue_execution")

    def step_over(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> Stop | None:
        """Runs to the next line of this function; returns the new stop (None if the program ended)."""
        return self._step("next", "step_over", timeout)

    def step_into(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> Stop | None:
        """Steps into the function called on this line (or to the next line)."""
        return self._step("stepIn", "step_into", timeout)

    def step_out(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> Stop | None:
        """Runs until the current function returns, stopping in its caller."""
        return self._step("stepOut", "step_out", timeout)

    def pause(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> Stop:
        """Stops the running program wherever it is."""
        with self._cond:
            phase, thread_id = self._phase, self._thread_id
        if phase == "idle" and self.mode == "attach":
            # An attached program runs already: finish configuring, then stop it.
            self._configure()
            with self._cond:
                if self._phase == "idle":
                    self._phase = "running"
                phase = self._phase
        if phase != "running":
            self._require_stopped("pause")  # explains idle/finished
            raise NotStoppedError("pause: the program is already stopped")
        if self._run is not None and self._run.thread is not None and self._run.thread.native_id:
            thread_id = self._run.thread.native_id
        if thread_id is None:
            # Never stopped yet: the program's first thread (its main thread) is the one to stop.
            threads = self._request("threads").get("threads") or []
            if not threads:
                raise DebuggerError("pause: the program has no thread that can be paused")
            thread_id = int(threads[0]["id"])
        self._request("pause", {"threadId": thread_id})
        return self._wait_for_stop("pause", timeout)

    def finish(self, timeout: float | None = DEFAULT_RUN_TIMEOUT) -> object:
        """Lets the program run to its end, passing over every stop. Returns the exit code
        (out of process) or what the in-process function returned (re-raising what it raised)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.state == "idle" and self.mode != "in-process":
            self._configure()
            with self._cond:
                self._phase = "running"
        while True:
            with self._cond:
                phase = self._phase
            if phase == "stopped":
                self._resume("continue", "finish")
            elif phase == "finished":
                break
            elif phase == "idle":
                raise NotStoppedError(
                    "finish: nothing runs yet; start the target with run(func, *args) first"
                )
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            with self._cond:
                ok = self._cond.wait_for(lambda: self._phase != "running", remaining)
            if not ok:
                raise DebuggerTimeout(f"finish: the program did not end within {timeout:g} s")
        if self._run is not None:
            return self._run.result(timeout=5.0)
        return self._exit_code

    def _resume(self, command: str, what: str, extra: dict[str, Any] | None = None) -> None:
        """Resumes the stopped thread. With stops of other threads waiting their turn, only
        this thread resumes (they stay stopped), and a `continue` that looks for the next stop
        finds the first of them at once; continue_execution and finish let them all run."""
        thread_id = self._require_stopped(what)
        with self._cond:
            keep = bool(self._held_stops) and what not in ("continue_execution", "finish")
            if not keep:
                self._held_stops.clear()
            # Running before the request is sent: the next stop may arrive before the response.
            self._phase = "running"
            self._forget_stop()
        arguments = {"threadId": thread_id, **(extra or {})}
        if keep:
            arguments["singleThread"] = True
        try:
            self._request(command, arguments)
        except RequestFailed:
            with self._cond:
                if self._phase == "running":
                    self._phase = "stopped"
            raise
        if keep and command == "continue":
            with self._cond:
                if self._phase == "running" and self._held_stops:
                    self._take_stop(self._held_stops.pop(0))
                    self._cond.notify_all()
        log.debug("%s: %s thread %s", what, command, thread_id)

    def _step(self, command: str, what: str, timeout: float | None) -> Stop | None:
        self._resume(command, what)
        try:
            return self._wait_for_stop(what, timeout)
        except ProgramExited:
            return None

    def _wait_for_stop(self, what: str, timeout: float | None) -> Stop:
        with self._cond:
            ok = self._cond.wait_for(lambda: self._phase != "running", timeout)
            phase = self._phase
        if not ok:
            raise DebuggerTimeout(
                f"{what}: the program did not stop within {timeout:g} s; it is still running "
                "(pause() stops it where it is)"
            )
        if phase == "finished":
            if self._client.closed and self.mode != "in-process" and self._exit_code is None:
                raise ConnectionLost(
                    f"{what}: the connection to {self._client.peer} closed{self._adapter_stderr()}"
                )
            raise ProgramExited(
                f"{what}: the program finished without stopping{self._exit_text()}", self._exit_code
            )
        stop = self.current_stop()
        with self._cond:
            self._reported = self._stops
        if stop.reason == "exception":
            raise self._exception_caught(stop)
        return stop

    def current_stop(self) -> Stop:
        """Where and why the program is stopped now."""
        thread_id = self._require_stopped("current_stop")
        with self._cond:
            body = dict(self._stop_body)
        frames = self._stack()
        top = frames[0] if frames else {}
        return Stop(
            reason=str(body.get("reason", "")),
            thread_id=thread_id,
            filename=(top.get("source") or {}).get("path"),
            line=top.get("line"),
            function_name=top.get("name"),
            description=body.get("description"),
            text=body.get("text"),
            hit_breakpoint_ids=tuple(body.get("hitBreakpointIds") or ()),
        )

    def _exception_caught(self, stop: Stop) -> ExceptionCaught:
        type_name, message, stack = "", "", ""
        # An adapter that cannot say otherwise: the description of the stop tells.
        uncaught = (stop.description or "").lower().startswith("uncaught")
        if self._capabilities.get("supportsExceptionInfoRequest"):
            try:
                info = self._request("exceptionInfo", {"threadId": stop.thread_id})
                details = info.get("details") or {}
                type_name = str(details.get("typeName") or info.get("exceptionId") or "")
                message = str(info.get("description") or details.get("message") or "")
                stack = str(details.get("stackTrace") or "")
                uncaught = info.get("breakMode") == "unhandled"
            except DebuggerError:
                pass
        if not type_name:
            head, _, tail = (stop.text or "").partition(": ")
            type_name, message = head, tail
        if message.startswith(f"{type_name}: "):
            message = message[len(type_name) + 2 :]
        elif message == type_name:
            message = ""
        return ExceptionCaught(
            type_name,
            message,
            stop.filename,
            stop.line,
            thread_id=stop.thread_id,
            uncaught=uncaught,
            stack_trace=stack,
        )

    # -- breakpoints ---------------------------------------------------------------------------------

    def _make_resolver(self) -> TargetResolver:
        main_files: list[str] = []
        default_files: list[str] = []
        roots: list[str] = []
        if self._program is not None:
            main_files.append(self._program)
            default_files.append(self._program)
            roots.append(os.path.dirname(self._program))
        if self.mode == "in-process":
            main = sys.modules.get("__main__")
            main_file = getattr(main, "__file__", None)
            if isinstance(main_file, str) and main_file.endswith(".py"):
                main_files.append(main_file)
        roots.append(self._cwd)
        resolver = TargetResolver(
            base_dir=self._cwd,
            search_path=[*roots, *sys.path[1:]]
            if self.mode != "in-process"
            else [*roots, *sys.path],
            main_files=main_files,
            default_files=default_files,
            live_modules=self.mode == "in-process",
        )
        if self._module is not None:
            found = resolver._find_module(self._module.split("."))
            if found is not None and not found[2]:
                resolver.main_files.add(os.path.normcase(os.path.realpath(found[1])))
                resolver.default_files.append(found[1])
        return resolver

    def set_breakpoint(
        self,
        target: str,
        line: int | None = None,
        condition: str | None = None,
        *,
        hit_condition: str | None = None,
        log_message: str | None = None,
    ) -> Breakpoint:
        """Sets a breakpoint; returns it (its `verified` flag is the debuggee's answer).

        `target`: "path/file.py:LINE", "module" with `line`, "module.function",
        "module.Class.method" (with `line`: a line inside it) or a function of the main
        module. `condition` is a Python expression over the frame; `hit_condition` like ">= 3";
        `log_message` makes it a logpoint ("x is {x}"). Setting the same target again replaces it.
        """
        caller = sys._getframe(1).f_globals.get("__file__")
        if (
            self.mode == "in-process"
            and isinstance(caller, str)
            and caller not in self._resolver.default_files
        ):
            # A bare function name in process is looked up in the module that names it.
            self._resolver.default_files.append(caller)
        resolved = self._resolver.resolve(target, line)
        if log_message and resolved.kind == "function" and resolved.path and resolved.line:
            # DAP's function breakpoints cannot log: a logpoint on a function is one on the
            # first line of its body, which every call runs.
            resolved = Resolved("line", resolved.path, resolved.line)
        if condition:
            try:
                compile(condition, "<condition>", "eval")
            except SyntaxError as exc:
                # As add_watch does: a typo is the caller's to hear now, not a breakpoint
                # that silently never stops.
                raise BreakpointTargetError(
                    f"{target}: the condition {condition!r} is not a Python expression: {exc.msg}"
                ) from None
        bp = Breakpoint(
            target=target
            if line is None
            else f"{target}:{line}"
            if not target.endswith(f":{line}")
            else target,
            kind=resolved.kind,
            path=resolved.path,
            line=resolved.line,
            function=resolved.function,
            condition=condition or None,
            hit_condition=hit_condition or None,
            log_message=log_message or None,
        )
        for i, old in enumerate(self._breakpoints):
            if (
                old.kind,
                old.path if old.kind == "line" else old.function,
                old.line if old.kind == "line" else None,
            ) == (
                bp.kind,
                bp.path if bp.kind == "line" else bp.function,
                bp.line if bp.kind == "line" else None,
            ):
                self._breakpoints[i] = bp
                break
        else:
            self._breakpoints.append(bp)
        self._sync(bp)
        log.debug("breakpoint %s", bp)
        return bp

    def set_breakpoints(self, targets: Iterable[str | Mapping[str, Any]]) -> list[Breakpoint]:
        """Sets many breakpoints, each a target string or a dict of `set_breakpoint` arguments
        ({"target": ..., "line": ..., "condition": ...}). All targets are checked before any
        is set, and each file is sent to the debuggee once."""
        specs: list[dict[str, Any]] = []
        for item in targets:
            if isinstance(item, str):
                specs.append({"target": item})
            else:
                spec = dict(item)
                if "target" not in spec and "file" in spec:
                    spec["target"] = spec.pop("file")
                specs.append(spec)
        for spec in specs:  # fail before changing anything
            self._resolver.resolve(spec["target"], spec.get("line"))
        started, self._started_sync = self._initialized.is_set(), False
        try:
            result = [self.set_breakpoint(**spec) for spec in specs]
        finally:
            self._started_sync = True
        if started:
            self._sync_all()
        return result

    def _find(self, target: str | Breakpoint, what: str) -> list[Breakpoint]:
        if isinstance(target, Breakpoint):
            found = [b for b in self._breakpoints if b is target]
        else:
            found = [b for b in self._breakpoints if b.target == target]
            if not found:
                found = [b for b in self._breakpoints if b.target.startswith(target + ":")]
        if not found:
            names = [b.target for b in self._breakpoints]
            close = difflib.get_close_matches(str(target), names, n=3, cutoff=0.5)
            raise BreakpointTargetError(
                f"{what}: no breakpoint {str(target)!r} is set"
                + ("" if names else " (there are none)"),
                close,
            )
        return found

    def enable_breakpoint(self, target: str | Breakpoint) -> None:
        for bp in self._find(target, "enable_breakpoint"):
            bp.enabled = True
            self._sync(bp)

    def disable_breakpoint(self, target: str | Breakpoint) -> None:
        """Keeps the breakpoint but stops stopping there (`enable_breakpoint` brings it back)."""
        for bp in self._find(target, "disable_breakpoint"):
            bp.enabled = False
            self._sync(bp)

    def remove_breakpoint(self, target: str | Breakpoint) -> None:
        for bp in self._find(target, "remove_breakpoint"):
            self._breakpoints.remove(bp)
            self._sync(bp)

    def clear_all_breakpoints(self) -> None:
        """Removes every line and function breakpoint and every exception breakpoint."""
        paths = {b.path for b in self._breakpoints if b.kind == "line" and b.path}
        self._breakpoints.clear()
        self._exception_types = {"raised": [], "uncaught": []}
        if self._initialized.is_set():
            for path in sorted(paths):
                self._send_source(path)
            self._send_functions()
            self._send_exceptions()

    def get_breakpoints(self) -> list[Breakpoint]:
        return list(self._breakpoints)

    def set_exception_breakpoint(
        self, type_name: str = "Exception", on_raise: bool = False
    ) -> None:
        """Stops at exceptions of `type_name` (subclasses included; a builtin name or a dotted
        "module.Class"): when raised if `on_raise`, else only when nothing handles them."""
        if not all(p.isidentifier() for p in type_name.split(".")):
            raise DebuggerError(
                f"set_exception_breakpoint: {type_name!r} is not an exception class name"
            )
        kind = "raised" if on_raise else "uncaught"
        if type_name not in self._exception_types[kind]:
            self._exception_types[kind].append(type_name)
        if self._initialized.is_set():
            self._send_exceptions()

    def remove_exception_breakpoint(self, type_name: str, on_raise: bool | None = None) -> None:
        for kind in (
            ("raised", "uncaught") if on_raise is None else ("raised" if on_raise else "uncaught",)
        ):
            if type_name in self._exception_types[kind]:
                self._exception_types[kind].remove(type_name)
        if self._initialized.is_set():
            self._send_exceptions()

    def _sync(self, bp: Breakpoint) -> None:
        if not self._initialized.is_set() or not self._started_sync:
            return
        if bp.kind == "line" and bp.path:
            self._send_source(bp.path)
        else:
            self._send_functions()

    def _sync_all(self) -> None:
        for path in sorted({b.path for b in self._breakpoints if b.kind == "line" and b.path}):
            self._send_source(path)
        self._send_functions()

    def _send_source(self, path: str) -> None:
        active = [b for b in self._breakpoints if b.kind == "line" and b.path == path and b.enabled]
        items = []
        for b in active:
            item: dict[str, Any] = {"line": b.line}
            if b.condition:
                item["condition"] = b.condition
            if b.hit_condition:
                item["hitCondition"] = b.hit_condition
            if b.log_message:
                item["logMessage"] = b.log_message
            items.append(item)
        body = self._request(
            "setBreakpoints",
            {"source": {"path": path, "name": os.path.basename(path)}, "breakpoints": items},
        )
        self._apply_answers(active, body.get("breakpoints") or [])

    def _send_functions(self) -> None:
        active = [b for b in self._breakpoints if b.kind == "function" and b.enabled]
        if not active and not self._capabilities.get("supportsFunctionBreakpoints", True):
            return
        items = []
        for b in active:
            item: dict[str, Any] = {"name": b.function}
            if b.condition:
                item["condition"] = b.condition
            if b.hit_condition:
                item["hitCondition"] = b.hit_condition
            items.append(item)
        body = self._request("setFunctionBreakpoints", {"breakpoints": items})
        self._apply_answers(active, body.get("breakpoints") or [])

    def _apply_answers(self, bps: list[Breakpoint], answers: list[dict[str, Any]]) -> None:
        for bp, answer in zip(bps, answers, strict=False):
            with self._cond:
                bp.id = answer.get("id")
                bp.verified = bool(answer.get("verified"))
                bp.message = answer.get("message")
                if bp.kind == "line" and answer.get("line"):
                    bp.line = int(answer["line"])

    def _update_breakpoint(self, answer: dict[str, Any]) -> None:
        for bp in self._breakpoints:
            if bp.id is not None and bp.id == answer.get("id"):
                bp.verified = bool(answer.get("verified"))
                bp.message = answer.get("message")
                if bp.kind == "line" and answer.get("line"):
                    bp.line = int(answer["line"])

    def _send_exceptions(self) -> None:
        options = []
        for kind in ("raised", "uncaught"):
            names = self._exception_types[kind]
            if not names:
                continue
            option: dict[str, Any] = {"filterId": kind}
            condition = _exception_condition(names)
            if condition is not None:
                option["condition"] = condition
            options.append(option)
        self._request("setExceptionBreakpoints", {"filters": [], "filterOptions": options})

    # -- frames ----------------------------------------------------------------------------------------

    def _stack(self, what: str = "stack") -> list[dict[str, Any]]:
        thread_id = self._require_stopped(what)
        with self._cond:
            frames = self._frames
        if frames is None:
            body = self._request("stackTrace", {"threadId": thread_id})
            frames = _trim_thread_bootstrap(list(body.get("stackFrames") or []))
            with self._cond:
                self._frames = frames
                self._reported = self._stops
        return frames

    def _frame(self, what: str, index: int | None = None) -> dict[str, Any]:
        self._require_stopped(what)
        frames = self._stack(what)
        i = self._frame_index if index is None else index
        if not 0 <= i < len(frames):
            raise DebuggerError(
                f"{what}: there is no frame {i}; the stack has {len(frames)} frames (0 is the innermost)"
            )
        return frames[i]

    def _scopes_of(self, frame_id: int) -> list[dict[str, Any]]:
        scopes = self._scopes.get(frame_id)
        if scopes is None:
            scopes = list(self._request("scopes", {"frameId": frame_id}).get("scopes") or [])
            self._scopes[frame_id] = scopes
        return scopes

    def _scope_ref(self, frame_id: int, name: str) -> int | None:
        for scope in self._scopes_of(frame_id):
            if scope.get("name") == name or scope.get("presentationHint") == name.lower():
                return int(scope["variablesReference"])
        return None

    def _variables(self, reference: int) -> list[dict[str, Any]]:
        if not reference:
            return []
        return list(
            self._request("variables", {"variablesReference": reference}).get("variables") or []
        )

    def _as_dict(self, reference: int) -> dict[str, object]:
        return {str(v.get("name")): _value_of(v) for v in self._flat_variables(reference)}

    def _flat_variables(self, reference: int, depth: int = 0) -> list[dict[str, Any]]:
        """The variables under `reference`, with the debuggee's virtual groups ("function
        variables", index ranges of big containers) opened; dunder "special variables" left out."""
        out: list[dict[str, Any]] = []
        for v in self._variables(reference):
            hint = v.get("presentationHint") or {}
            if hint.get("kind") == "virtual" and v.get("variablesReference") and depth < 3:
                if v.get("name") != "special variables":
                    out.extend(self._flat_variables(int(v["variablesReference"]), depth + 1))
                continue
            out.append(v)
        return out

    def get_stack_trace(self) -> str:
        """The stopped thread's stack as text, innermost frame last (like a traceback)."""
        lines = ["Stack (most recent call last):"]
        for frame in reversed(self._stack("get_stack_trace")):
            path = (frame.get("source") or {}).get("path") or "<unknown>"
            lines.append(f'  File "{path}", line {frame.get("line")}, in {frame.get("name")}')
            code = _source_line(path, int(frame.get("line") or 0))
            if code:
                lines.append(f"    {code}")
        return "\n".join(lines)

    def get_call_stack(self, *, with_locals: bool = True) -> list[StackFrame]:
        """The stopped thread's frames, innermost first, each with its local variables."""
        frames = self._stack("get_call_stack")
        out = []
        for i, frame in enumerate(frames):
            local_variables: dict[str, object] = {}
            if with_locals:
                ref = self._scope_ref(int(frame["id"]), "Locals")
                local_variables = self._as_dict(ref) if ref else {}
            out.append(_stack_frame(i, frame, local_variables))
        return out

    def switch_to_frame(self, index: int) -> StackFrame:
        """Selects frame `index` (0 = innermost) for the variable and evaluation methods."""
        frame = self._frame("switch_to_frame", index)
        self._frame_index = index
        return _stack_frame(index, frame, {})

    def get_current_frame(self) -> StackFrame:
        """The selected frame, with its local variables."""
        frame = self._frame("get_current_frame")
        ref = self._scope_ref(int(frame["id"]), "Locals")
        return _stack_frame(self._frame_index, frame, self._as_dict(ref) if ref else {})

    def get_current_file(self) -> str | None:
        return _stack_frame(self._frame_index, self._frame("get_current_file"), {}).filename

    def get_current_line(self) -> int:
        return int(self._frame("get_current_line").get("line") or 0)

    # -- variables -------------------------------------------------------------------------------------

    def get_local_variables(self) -> dict[str, object]:
        """The selected frame's locals: Python values where they are plain data, `Value`
        snapshots otherwise; sensitive ones show as "[REDACTED]" snapshots."""
        frame = self._frame("get_local_variables")
        ref = self._scope_ref(int(frame["id"]), "Locals")
        return self._as_dict(ref) if ref else {}

    def get_global_variables(self) -> dict[str, object]:
        """The selected frame's module globals (dunder names left out)."""
        frame = self._frame("get_global_variables")
        ref = self._scope_ref(int(frame["id"]), "Globals") or self._scope_ref(
            int(frame["id"]), "Locals"
        )
        values = self._as_dict(ref) if ref else {}
        return {k: v for k, v in values.items() if not (k.startswith("__") and k.endswith("__"))}

    def inspect_variables(self) -> dict[str, object]:
        """The sketch's "controlled access to debugging information": the selected frame's
        locals with secrets masked, as `get_local_variables` gives them."""
        return self.get_local_variables()

    def get_safe_variables(self) -> dict[str, object]:
        """Like `get_local_variables`, without the sensitive ones at all (rather than masked)."""
        from dap_server.state.redaction import DEFAULT_PATTERNS, Redactor

        redactor = Redactor(self._patterns if self._patterns is not None else DEFAULT_PATTERNS)
        return {
            name: value
            for name, value in self.get_local_variables().items()
            if not redactor.is_sensitive_name(name)
            and not (isinstance(value, Value) and value.redacted)
        }

    def get_children(self, value: Value | TypedValue) -> dict[str, object]:
        """The items or attributes of a snapshot (until the program resumes)."""
        self._require_stopped("get_children")
        return self._as_dict(value.reference)

    def get_variable(self, name: str) -> object:
        """A variable of the selected frame by name or path: "total", "user.name",
        "items[0]", "config['db']". Looked up in locals, then globals."""
        return _value_of(self._lookup("get_variable", name))

    def get_variable_with_type(self, name: str) -> TypedValue:
        """Like `get_variable`, with the type name and the text the debuggee showed."""
        v = self._lookup("get_variable_with_type", name)
        return TypedValue(
            _value_of(v),
            str(v.get("type", "")),
            str(v.get("value", "")),
            int(v.get("variablesReference") or 0),
        )

    def _lookup(self, what: str, path: str) -> dict[str, Any]:
        frame = self._frame(what)
        steps = _parse_path(path)
        if steps is None:
            return self._evaluate_raw(what, path, "hover", DEFAULT_EVAL_TIMEOUT, frame)
        head = steps[0]
        frame_id = int(frame["id"])
        current: dict[str, Any] | None = None
        known: list[str] = []
        for scope in ("Locals", "Globals"):
            ref = self._scope_ref(frame_id, scope)
            if not ref:
                continue
            variables = self._flat_variables(ref)
            known += [str(v.get("name")) for v in variables]
            current = next((v for v in variables if v.get("name") == head), None)
            if current is not None:
                break
        if current is None:
            close = difflib.get_close_matches(str(head), known, n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
            raise DebuggerError(f"{what}: no variable {head!r} in {frame.get('name')}(){hint}")
        for step in steps[1:]:
            children = self._flat_variables(int(current.get("variablesReference") or 0))
            # The most exact spelling first: '1' (a str key) is not 1 (an int key).
            match = next(
                (c for name in _child_names(step) for c in children if c.get("name") == name),
                None,
            )
            if match is None:
                # Not among the shown children (paged, a property, a computed key): evaluate
                # the path side-effect-free instead of guessing.
                return self._evaluate_raw(what, path, "hover", DEFAULT_EVAL_TIMEOUT, frame)
            current = match
        return current

    def set_variable(
        self, name: str, value: object = None, *, expression: str | None = None
    ) -> object:
        """Sets a variable ("total", "user.name", "items[0]") of the selected frame to a Python
        value (sent as its literal), or to what `expression` evaluates to. Returns the new value."""
        if expression is None:
            text = repr(value)
            ok, back = literal_text(text)
            if not ok or back != value:
                raise DebuggerError(
                    f"set_variable: {type(value).__name__} values cannot be sent as a literal; "
                    "pass expression='...' to compute it in the program"
                )
        else:
            text = expression
        frame = self._frame("set_variable")
        steps = _parse_path(name)
        if steps is None:
            raise DebuggerError(
                f"set_variable: {name!r} is not a variable path like 'x', 'user.name' or 'items[0]'"
            )
        if self._capabilities.get("supportsSetExpression"):
            try:
                body = self._request(
                    "setExpression", {"expression": name, "value": text, "frameId": frame["id"]}
                )
            except RequestFailed as exc:
                raise _evaluation_error(name, exc.reason) from None
            return self._assigned(body)
        frame_id = int(frame["id"])
        if len(steps) == 1:
            ref = self._scope_ref(frame_id, "Locals")
            locals_ = {str(v.get("name")) for v in self._variables(ref or 0)}
            if str(steps[0]) not in locals_:
                ref = self._scope_ref(frame_id, "Globals") or ref
            child = str(steps[0])
        else:
            parent_path = _unparse_path(steps[:-1])
            parent = self._lookup("set_variable", parent_path)
            ref = int(parent.get("variablesReference") or 0)
            names = {str(c.get("name")) for c in self._variables(ref)}
            candidates = [n for n in _child_names(steps[-1]) if n in names]
            if not ref or not candidates:
                raise DebuggerError(
                    f"set_variable: {parent_path} has no item or attribute {steps[-1]!r} to set"
                )
            child = candidates[0]
        try:
            body = self._request(
                "setVariable", {"variablesReference": ref, "name": child, "value": text}
            )
        except RequestFailed as exc:
            raise _evaluation_error(name, exc.reason) from None
        return self._assigned(body)

    def _assigned(self, body: dict[str, Any]) -> object:
        """The new value a setVariable/setExpression answered; what was read before is stale."""
        with self._cond:
            self._scopes = {}
        return from_dap(
            str(body.get("value", "")),
            str(body.get("type", "")),
            int(body.get("variablesReference") or 0),
        )

    # -- evaluation ------------------------------------------------------------------------------------

    def evaluate(
        self,
        expression: str,
        timeout: float | None = None,
        context: Mapping[str, object] | None = None,
    ) -> object:
        """Evaluates `expression` (or runs statements) in the selected frame, like the debug
        console; returns the value (None for statements). `context` adds names for the
        expression, each a plain literal value. Raises `EvaluationError` (what it raised),
        `SecurityViolation`, `EvaluationTimeout`."""
        frame = self._frame("evaluate")
        source = _with_context(expression, context) if context else expression
        v = self._evaluate_raw("evaluate", source, "repl", timeout, frame, shown=expression)
        if v.get("value") == "" and not v.get("type"):
            return None
        return _value_of(v)

    def evaluate_expression(self, expression: str, timeout: float | None = None) -> object:
        """The sketch's controlled evaluation: `evaluate_safe` (no side effects, the security
        policy applies, secrets cannot be derived)."""
        return self.evaluate_safe(expression, timeout)

    def evaluate_safe(self, expression: str, timeout: float | None = None) -> object:
        """Evaluates `expression` without side effects (hover/watch rules): the program's
        state is left as it was, whatever the expression does; what cannot be done safely is
        refused with an `EvaluationError`."""
        frame = self._frame("evaluate_safe")
        return _value_of(self._evaluate_raw("evaluate_safe", expression, "hover", timeout, frame))

    def _evaluate_raw(
        self,
        what: str,
        expression: str,
        context: str,
        timeout: float | None,
        frame: dict[str, Any],
        shown: str | None = None,
    ) -> dict[str, Any]:
        limit = DEFAULT_EVAL_TIMEOUT if timeout is None else timeout
        arguments: dict[str, Any] = {
            "expression": expression,
            "frameId": frame["id"],
            "context": context,
        }
        if timeout is not None:
            arguments["timeout"] = timeout
        try:
            # The debuggee enforces the limit; the wait here only covers a debuggee that cannot.
            body = self._request("evaluate", arguments, timeout=limit + max(5.0, self.timeout))
        except RequestFailed as exc:
            raise _evaluation_error(shown or expression, exc.reason) from None
        except DebuggerTimeout:
            raise EvaluationTimeout(
                shown or expression, f"TimeoutError: no result within {limit:g} s"
            ) from None
        return {
            "name": shown or expression,
            "value": body.get("result", ""),
            "type": body.get("type", ""),
            "variablesReference": body.get("variablesReference", 0),
            "evaluateName": expression,
        }

    # -- watches ----------------------------------------------------------------------------------------

    def add_watch(self, expression: str) -> None:
        """Adds a watch expression, evaluated side-effect-free by `get_watch_values`."""
        compile_check(expression)
        if expression not in self._watches:
            self._watches.append(expression)

    def remove_watch(self, expression: str) -> None:
        if expression in self._watches:
            self._watches.remove(expression)

    def get_watch_values(self) -> dict[str, object]:
        """Each watch's value in the selected frame; a failing one maps to its
        `EvaluationError` (so the others are still shown)."""
        frame = self._frame("get_watch_values")
        out: dict[str, object] = {}
        for expression in self._watches:
            try:
                out[expression] = _value_of(
                    self._evaluate_raw("watch", expression, "watch", None, frame)
                )
            except EvaluationError as exc:
                out[expression] = exc
        return out

    # -- safety ----------------------------------------------------------------------------------------

    def set_sensitive_patterns(self, patterns: Iterable[str]) -> None:
        """Names containing any of these (case-insensitive) are shown as "[REDACTED]",
        replacing the default list (password, token, secret, key...)."""
        self._patterns = [str(p) for p in patterns]
        if self._started:
            try:
                self._request("setSensitivePatterns", {"patterns": self._patterns})
            except RequestFailed as exc:
                raise DebuggerError(
                    "set_sensitive_patterns: the debuggee cannot change its patterns once the program "
                    f"runs ({exc.reason}); set them before run_until_breakpoint()/run(), or pass "
                    "session(sensitive_patterns=...)"
                ) from None
            with self._cond:
                self._scopes = {}

    @property
    def security_policy(self) -> SecurityPolicy | None:
        return self._policy

    def session_info(self) -> dict[str, Any]:
        """A summary of the session: target, state, location, breakpoints, watches, policy."""
        with self._cond:
            phase, stops = self._phase, self._stops
        info: dict[str, Any] = {
            "target": self.target_description,
            "mode": self.mode,
            "state": phase,
            "opened": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(self._opened_at)),
            "duration_s": round(time.time() - self._opened_at, 3),
            "stops": stops,
            "breakpoints": [str(b) for b in self._breakpoints],
            "exception_breakpoints": {k: list(v) for k, v in self._exception_types.items() if v},
            "watches": list(self._watches),
            "security_policy": self._policy.to_dict() if self._policy is not None else None,
            "sensitive_patterns": list(self._patterns) if self._patterns is not None else "default",
            "requests_sent": self._client.messages_sent,
        }
        if phase == "stopped":
            try:
                stop = self.current_stop()
                info["location"] = f"{stop.filename}:{stop.line} in {stop.function_name}"
            except DebuggerError:
                pass
        if self._exit_code is not None:
            info["exit_code"] = self._exit_code
        return info

    def log_session_info(self, logger: logging.Logger | None = None) -> dict[str, Any]:
        """Writes `session_info()` to the "dap_server.api" logger (INFO) and returns it."""
        info = self.session_info()
        (logger or log).info("debug session: %s", info)
        return info

    def __repr__(self) -> str:
        return f"<Session {self.target_description} {self.state}>"


# --- helpers ---------------------------------------------------------------------------------------------


# `dap_server.session(...)` as the user's sketch spells it: the class itself, so the function
# and the constructor can never drift apart.
session = Session


def compile_check(expression: str) -> None:
    try:
        compile(expression, "<watch>", "eval")
    except SyntaxError as exc:
        raise DebuggerError(f"not an expression: {expression!r}: {exc.msg}") from None


def _value_of(v: Mapping[str, Any]) -> object:
    return from_dap(
        str(v.get("value", "")),
        str(v.get("type", "")),
        int(v.get("variablesReference") or 0),
        v.get("evaluateName"),
    )


def _stack_frame(
    index: int, frame: Mapping[str, Any], local_variables: dict[str, object]
) -> StackFrame:
    return StackFrame(
        index=index,
        id=int(frame.get("id", 0)),
        function_name=str(frame.get("name", "")),
        filename=(frame.get("source") or {}).get("path"),
        line=int(frame.get("line") or 0),
        local_variables=local_variables,
    )


def _trim_thread_bootstrap(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drops the `threading` module's frames under a thread's first frame: they are how every
    thread starts, not part of what the program did."""
    threading_file = os.path.normcase(os.path.abspath(threading.__file__))
    end = len(frames)
    while (
        end > 1
        and os.path.normcase(str((frames[end - 1].get("source") or {}).get("path", "")))
        == threading_file
    ):
        end -= 1
    return frames[:end]


def _source_line(path: str, line: int) -> str:
    import linecache

    return linecache.getline(path, line).strip() if line > 0 else ""


_BUILTIN_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def _exception_condition(names: list[str]) -> str | None:
    """The exception filter condition matching any of `names` (subclasses too)."""
    if "*" in names or "BaseException" in names:
        return None
    if all(n in _BUILTIN_EXCEPTIONS for n in names):
        # Resolved once by the engine: each raise then costs one lookup by its type.
        return ", ".join(names)
    # Not importable from the condition's namespace: match the class hierarchy by name.
    wanted = sorted(set(names))
    return (
        f"any(c.__name__ in {wanted!r} or c.__module__ + '.' + c.__qualname__ in {wanted!r} "
        "for c in type(exc).__mro__)"
    )


def _evaluation_error(expression: str, reason: str) -> EvaluationError:
    message = reason
    for prefix in ("evaluate: ", "setVariable: ", "setExpression: "):
        if message.startswith(prefix):
            message = message[len(prefix) :]
    if message.startswith("SecurityViolation: "):
        detail = message[len("SecurityViolation: ") :]
        category, operation = "", detail
        labels = {
            "file access": "file",
            "network access": "network",
            "process/system access": "system",
        }
        for label, cat in labels.items():
            if detail.startswith(label):
                category = cat
                operation = detail.partition("refused by the security policy: ")[2] or detail
        if "observe" in detail or "mutat" in detail:
            category = category or "mutation"
        violation = SecurityViolation(category, operation, message)
        return violation  # type: ignore[return-value]  # raised like an EvaluationError
    if (message.startswith("TimeoutError: ") and "did not finish" in message) or (
        message.startswith("evaluation exceeded its time limit")
    ):
        # The console's deadline, or the side-effect-free evaluation's (a forked copy's).
        return EvaluationTimeout(expression, message)
    return EvaluationError(expression, message)


class _Key:
    """A subscript step (as opposed to an attribute name)."""

    def __init__(self, key: object) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"[{self.key!r}]"


PathStep = str | _Key


def _parse_path(path: str) -> list[PathStep] | None:
    """`a.b[0]['k']` as ["a", "b", 0, "k"] (attribute names are str; keys are their
    constants, ints stay ints); None for anything that is not such a path."""
    try:
        node = ast.parse(path.strip(), mode="eval").body
    except SyntaxError:
        return None
    steps: list[PathStep] = []
    while True:
        if isinstance(node, ast.Name):
            steps.append(node.id)
            break
        if isinstance(node, ast.Attribute):
            steps.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            steps.append(_Key(node.slice.value))
            node = node.value
        else:
            return None
    steps.reverse()
    return steps


def _child_names(step: object) -> list[str]:
    """The names the debuggee may give the child a path step reaches, most exact first."""
    if isinstance(step, _Key):
        key = step.key
        return [repr(key), str(key), f"[{key!r}]", f"[{key}]"]
    return [str(step)]


def _unparse_path(steps: list[PathStep]) -> str:
    out = str(steps[0])
    for step in steps[1:]:
        out += f"[{step.key!r}]" if isinstance(step, _Key) else f".{step}"
    return out


def _with_context(expression: str, context: Mapping[str, object]) -> str:
    """`expression` with each context name replaced by its value's literal."""
    literals: dict[str, ast.expr] = {}
    for name, value in context.items():
        if not name.isidentifier():
            raise DebuggerError(f"evaluate: context name {name!r} is not an identifier")
        text = repr(value)
        ok, back = literal_text(text)
        if not ok or back != value:
            raise DebuggerError(
                f"evaluate: context value {name}={type(value).__name__} is not a plain literal "
                "(numbers, strings, bytes, None, booleans and containers of them can be sent)"
            )
        literals[name] = ast.parse(text, mode="eval").body
    try:
        tree = ast.parse(expression, mode="exec")
    except SyntaxError as exc:
        raise EvaluationError(expression, f"SyntaxError: {exc.msg}") from None
    for node in ast.walk(tree):
        bound = None
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound = node.id
        elif isinstance(node, ast.arg):
            bound = node.arg
        if bound in literals:
            raise DebuggerError(
                f"evaluate: context name {bound!r} is also assigned inside the expression"
            )

    class Substitute(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:
            if isinstance(node.ctx, ast.Load) and node.id in literals:
                return ast.copy_location(literals[node.id], node)
            return node

    return ast.unparse(Substitute().visit(tree))
