"""The in-process target: this process's debuggee host, served to a `Session` over a socket pair.

The session stays a plain DAP client: the debuggee-side server (`dap_server.debuggee`) runs in
this process on its own hidden threads, exactly as it does inside a launched program, and the
two ends talk DAP over `socket.socketpair()`. The function under test runs in a worker thread;
only that thread can ever stop. The thread that opened the session is hidden from the engine,
so a breakpoint it happens to cross (or an exception it raises) can never freeze the caller.

Only one in-process session may be open at a time: there is one engine per process.
"""

from __future__ import annotations

import functools
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dap_server.api.client import SocketTransport
from dap_server.api.errors import DebuggerError, DebuggerTimeout

if TYPE_CHECKING:
    from dap_server.debuggee.runner import DebuggeeHost
    from dap_server.debuggee.server import Connection

__all__ = ["InProcessTarget", "Run"]

_open_lock = threading.Lock()


class Run:
    """A function started with `Session.run`: its result once it has returned."""

    def __init__(self, func: Callable[..., object]) -> None:
        self.name = getattr(func, "__qualname__", repr(func))
        self._done = threading.Event()
        self._result: object = None
        self._exception: BaseException | None = None
        self.thread: threading.Thread | None = None

    def done(self) -> bool:
        return self._done.is_set()

    @property
    def exception(self) -> BaseException | None:
        """What the function raised (None while it runs, or when it returned)."""
        return self._exception

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def result(self, timeout: float | None = 30.0) -> object:
        """The function's return value; re-raises what it raised.

        Raises `DebuggerTimeout` if it has not returned in time (it may be stopped at a
        breakpoint: continue it first, or use `Session.finish`).
        """
        if not self._done.wait(timeout):
            raise DebuggerTimeout(
                f"{self.name}() has not returned within {timeout:g} s "
                "(if it is stopped, continue it first: continue_execution() or finish())"
            )
        if self._exception is not None:
            raise self._exception
        return self._result

    def __repr__(self) -> str:
        state = "done" if self.done() else "running"
        return f"<Run {self.name}() {state}>"


class InProcessTarget:
    """Owns this process's side of an in-process session."""

    def __init__(self) -> None:
        if not _open_lock.acquire(blocking=False):
            raise DebuggerError(
                "another in-process session is open: a process has one engine, so close that "
                "session first (or debug in a new process: session(program=...))"
            )
        try:
            # Imported here: `import dap_server` must stay cheap for programs that never debug.
            from dap_server.debuggee import bootstrap
            from dap_server.wire.sync_stream import MessageSocket

            self.host: DebuggeeHost = bootstrap.host()
            session = self.host.session
            assert session is not None
            # The caller's thread must never stop: it is the one that would have to resume it.
            # Hidden for the session's life only (see close()).
            self.host.debugger.hide_current_thread()
            self._caller = threading.get_ident()
            server_end, client_end = socket.socketpair()
            session.disconnected.clear()
            self.connection: Connection = self.host.serve_in_background(MessageSocket(server_end))
            self.transport = SocketTransport(client_end)
        except BaseException:
            _open_lock.release()
            raise
        self._closed = False

    def start(
        self,
        func: Callable[..., object],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: Callable[[], None],
    ) -> Run:
        run = Run(func)
        debugger = self.host.debugger
        # The thread's target is a partial, not a function of this package: the engine hides
        # threads whose target is the debugger's own code, and this one must be debuggable.
        # The wrapper's frame is still the debugger's, so it never shows in stack traces.
        target = functools.partial(
            _run_target, run, func, args, kwargs, debugger.report_uncaught, on_done
        )
        thread = threading.Thread(target=target, name=f"target {run.name}", daemon=True)
        run.thread = thread
        thread.start()
        return run

    def close(self) -> None:
        """Called after the client end is closed: waits for the server side to let go."""
        if self._closed:
            return
        self._closed = True
        try:
            self.connection.done.wait(5.0)
            if threading.get_ident() == self._caller:
                self.host.debugger.show_current_thread()
            from dap_server.debuggee import bootstrap

            bootstrap.release_in_process(self.host)
        finally:
            _open_lock.release()


def _run_target(
    run: Run,
    func: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    report_uncaught: Callable[[BaseException], None],
    on_done: Callable[[], None],
) -> None:
    try:
        run._result = func(*args, **kwargs)
    except BaseException as exc:
        run._exception = exc
        try:
            # What the program runner does for a launched program: stop here when the session
            # asked to stop on uncaught exceptions, with the function's frames still alive.
            report_uncaught(exc)
        except Exception:
            pass
    finally:
        run._done.set()
        on_done()
