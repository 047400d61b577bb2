"""Starts the engine and the server inside the debuggee, then runs the user's program.

    python -m dap_server.debuggee --connect HOST:PORT --token-env NAME [options] -- PROGRAM [ARGS...]

`--connect` is how the adapter launches a program: the debuggee connects back to the adapter
(loopback, TCP_NODELAY), proves itself with the token the adapter gave it, and then serves DAP
on that connection. The program starts only after `configurationDone`, so breakpoints set during
configuration are in place before its first line runs.
"""

from __future__ import annotations

import argparse
import os
import runpy
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import engine
from dap_server.debuggee.server import Connection
from dap_server.debuggee.session import TABLE, DebugSession, LaunchOptions
from dap_server.transcript import Transcript
from dap_server.wire.sync_stream import MessageSocket, connect_tcp

# How long the program waits for the client's configurationDone before running anyway: a
# client that never finishes configuring must not hang the program forever.
CONFIGURATION_TIMEOUT = 30.0


@dataclass
class RunnerArgs:
    connect: tuple[str, int]
    token: str
    program: str
    args: list[str]
    stop_on_entry: bool
    just_my_code: bool
    log_dir: str | None


def parse_args(argv: Sequence[str]) -> RunnerArgs:
    p = argparse.ArgumentParser(prog="python -m dap_server.debuggee")
    p.add_argument("--connect", required=True, metavar="HOST:PORT")
    p.add_argument(
        "--token-env", default="DAP_SERVER_TOKEN", help="environment variable holding the token"
    )
    p.add_argument("--stop-on-entry", action="store_true")
    p.add_argument("--no-just-my-code", action="store_true")
    p.add_argument("--log-dir")
    p.add_argument("program")
    p.add_argument("args", nargs=argparse.REMAINDER)
    ns = p.parse_args(argv)
    host, _, port = ns.connect.rpartition(":")
    token = os.environ.pop(ns.token_env, "")  # never leak the token into the program's environment
    return RunnerArgs(
        connect=(host or "127.0.0.1", int(port)),
        token=token,
        program=os.path.abspath(ns.program),
        args=list(ns.args),
        stop_on_entry=ns.stop_on_entry,
        just_my_code=not ns.no_just_my_code,
        log_dir=ns.log_dir,
    )


class DebuggeeHost:
    """Owns the engine, the session and the connection thread of one debuggee process."""

    def __init__(self, options: LaunchOptions, transcript: Transcript | None) -> None:
        self.transcript = transcript
        self.session: DebugSession | None = None
        self.debugger = engine.Debugger(self._on_event, just_my_code=options.just_my_code)
        self.session = DebugSession(self.debugger, options)
        self.debugger.start()

    def _on_event(self, event: engine.Event) -> None:
        if self.session is not None:
            self.session.on_engine_event(event)

    def serve_in_background(
        self, stream: MessageSocket, on_lost: Callable[[], None] | None = None
    ) -> Connection:
        assert self.session is not None
        session = self.session
        connection = Connection(
            stream, TABLE, session, self.transcript.record if self.transcript else None
        )
        session.outbox = connection.outbox

        def run() -> None:
            session.hide_current_thread()
            connection.serve()
            session.outbox = None
            # The client went away without a disconnect: do not leave the program stopped.
            if not session.disconnected.is_set():
                session.invalidate()
                session.debugger.resume(None)
                if on_lost is not None:
                    on_lost()
            session.configuration_done.set()

        threading.Thread(target=run, name="dap_server.server", daemon=True).start()
        return connection


def main(argv: Sequence[str] | None = None) -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv)
    transcript = Transcript.open(a.log_dir, "debuggee") if a.log_dir else None
    options = LaunchOptions(
        program=a.program, stop_on_entry=a.stop_on_entry, just_my_code=a.just_my_code
    )
    host = DebuggeeHost(options, transcript)
    assert host.session is not None
    if a.stop_on_entry:
        host.debugger.stop_on_entry(a.program)
    stream = connect_tcp(*a.connect)
    # The first message proves to the adapter that this connection is the debuggee it spawned.
    stream.send(
        {
            "seq": 0,
            "type": "event",
            "event": "dap_server.hello",
            "body": {"token": a.token, "pid": os.getpid()},
        }
    )
    finished = threading.Event()

    def adapter_lost() -> None:
        # Launched by an adapter that is gone (killed, crashed): nobody can see or stop this
        # program any more, so it must not run on as an orphan.
        if not finished.is_set():
            _flush()
            os._exit(1)

    connection = host.serve_in_background(stream, adapter_lost)
    host.session.configuration_done.wait(CONFIGURATION_TIMEOUT)
    code = run_program(a.program, a.args, host.debugger)
    finished.set()
    connection.outbox.event("exited", {"exitCode": code})
    connection.outbox.event("terminated")
    host.debugger.close()
    connection.close()
    return code


def run_program(program: str, args: list[str], debugger: engine.Debugger) -> int:
    """Runs the program as `__main__` the way `python PROGRAM ARGS` would; returns the exit code."""
    sys.argv = [program, *args]
    sys.path[0] = os.path.dirname(program)
    try:
        runpy.run_path(program, run_name="__main__")
    except SystemExit as exc:
        return _exit_code(exc)
    except BaseException as exc:
        debugger.report_uncaught(exc)
        # Print it as Python would, without our runner frames.
        tb = _user_traceback(exc)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1
    finally:
        _flush()
    return 0


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _user_traceback(exc: BaseException):  # type: ignore[no-untyped-def]
    tb = exc.__traceback__
    # Skip frames of the runner and runpy, which the user never wrote.
    while tb is not None and _is_ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb


def _is_ours(filename: str) -> bool:
    return filename == __file__ or filename == runpy.__file__ or "<frozen runpy>" in filename


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
