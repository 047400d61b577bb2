"""Starts the engine and the server inside the debuggee, then runs the user's program.

    python -m dap_server.debuggee --connect HOST:PORT [options] [--] TARGET [ARGS...]
    python -m dap_server.debuggee --listen [HOST:]PORT [--wait-for-client] [options] [--] TARGET [ARGS...]

TARGET is `PROGRAM`, `-m MODULE` or `-c CODE`, as for `python` itself.

`--connect` is how the adapter launches a program: the debuggee connects back to the adapter
(loopback, TCP_NODELAY), proves itself with the token the adapter gave it, and then serves DAP
on that connection. The program starts only after `configurationDone`, so breakpoints set during
configuration are in place before its first line runs.

With `--watch-exit` (a program the editor starts in a terminal, see `start_exit_watcher`) the
process the terminal started stays behind as a watcher of the program, to report how it ended.

`--listen` (what `dap-server --listen` runs) serves DAP on a port of its own instead, for any
client presenting the access token; with `--wait-for-client` the program starts only once a
client has attached and configured.
"""

from __future__ import annotations

import argparse
import atexit
import builtins
import fcntl
import importlib.machinery
import importlib.util
import json
import linecache
import os
import runpy
import signal
import struct
import sys
import termios
import threading
import time
import types
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TextIO

import engine
from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.exit_watcher import start_exit_watcher
from dap_server.debuggee.server import Connection, Outbox
from dap_server.debuggee.session import LAUNCHER_FILES, DebugSession, LaunchOptions
from dap_server.state import safe_eval
from dap_server.transcript import Transcript
from dap_server.wire.sync_stream import MessageSocket, connect_tcp

# How long the program waits for the client's configurationDone before running anyway: a
# client that never finishes configuring must not hang the program forever.
CONFIGURATION_TIMEOUT = 30.0

# Children of the debuggee find their way back through this environment variable (see
# `_child_hook/sitecustomize.py`); its directory goes first on their PYTHONPATH.
CHILD_ENV = "DAP_SERVER_CHILD"
CHILD_TOKEN_ENV = "DAP_SERVER_CHILD_TOKEN"
CHILD_HOOK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_child_hook")

TargetKind = Literal["program", "module", "code"]


class UsageError(Exception):
    """A command line that cannot work; the message is for the user."""


@dataclass
class Target:
    kind: TargetKind
    value: str
    args: list[str]

    def describe(self) -> str:
        return {"program": self.value, "module": f"-m {self.value}", "code": "-c ..."}[self.kind]


def split_target(
    argv: Sequence[str], parser: argparse.ArgumentParser
) -> tuple[list[str], Target | None]:
    """Splits `[options] [--] (PROGRAM | -m MODULE | -c CODE) [ARGS...]` like `python` does:
    everything after the target belongs to the program, even what looks like our options."""
    takes_value = {
        opt for action in parser._actions if action.nargs != 0 for opt in action.option_strings
    }
    options: list[str] = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            i += 1
            break
        if a in ("-m", "-c") or not a.startswith("-") or a == "-":
            break
        options.append(a)
        if a in takes_value and i + 1 < len(argv):
            options.append(argv[i + 1])
            i += 2
            continue
        i += 1
    rest = list(argv[i:])
    if not rest:
        return options, None
    if rest[0] in ("-m", "-c"):
        if len(rest) < 2:
            raise UsageError(
                f"{rest[0]} needs an argument ({'a module name' if rest[0] == '-m' else 'Python code'})"
            )
        return options, Target("module" if rest[0] == "-m" else "code", rest[1], rest[2:])
    return options, Target("program", rest[0], rest[1:])


def parse_address(text: str, default_host: str = "127.0.0.1") -> tuple[str, int]:
    """`[HOST:]PORT`, with `[::1]:PORT` for IPv6."""
    host, sep, port = text.rpartition(":")
    if not sep:
        host, port = default_host, text
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        number = int(port)
    except ValueError:
        raise UsageError(f"{text!r} is not [HOST:]PORT") from None
    if not 0 <= number <= 65535:
        raise UsageError(f"port {number} is out of range")
    return host, number


@dataclass
class RunnerArgs:
    connect: tuple[str, int] | None
    listen: tuple[str, int] | None
    token: str
    target: Target
    stop_on_entry: bool
    just_my_code: bool
    log_dir: str | None
    wait_for_client: bool = False
    allow_remote: bool = False
    token_file: str | None = None
    no_token: bool = False
    audit_log: str | None = None
    # Seconds a listener's connection has to present the access token before it is closed.
    auth_timeout: float = 10.0
    redirect_output: bool = False
    subprocess_notify: tuple[str, int] | None = None
    subprocess_timeout: float = 10.0
    watch_exit: bool = False


def build_parser(prog: str = "python -m dap_server.debuggee") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog)
    p.add_argument("--connect", metavar="HOST:PORT")
    p.add_argument("--listen", metavar="[HOST:]PORT")
    p.add_argument("--wait-for-client", action="store_true")
    p.add_argument("--allow-remote", action="store_true")
    p.add_argument("--token-file")
    p.add_argument("--no-token", action="store_true")
    p.add_argument("--audit-log")
    p.add_argument("--auth-timeout", type=float, default=10.0)
    p.add_argument(
        "--token-env", default="DAP_SERVER_TOKEN", help="environment variable holding the token"
    )
    p.add_argument("--stop-on-entry", action="store_true")
    p.add_argument("--no-just-my-code", action="store_true")
    p.add_argument("--redirect-output", action="store_true")
    p.add_argument("--watch-exit", action="store_true")
    p.add_argument("--subprocess-notify", metavar="HOST:PORT")
    p.add_argument("--subprocess-timeout", type=float, default=10.0)
    p.add_argument("--log-dir")
    return p


def parse_args(argv: Sequence[str], prog: str = "python -m dap_server.debuggee") -> RunnerArgs:
    p = build_parser(prog)
    try:
        options, target = split_target(argv, p)
    except UsageError as exc:
        p.error(str(exc))
    ns = p.parse_args(options)
    if target is None:
        p.error("what to run is missing: PROGRAM, -m MODULE or -c CODE")
    if (ns.connect is None) == (ns.listen is None):
        p.error("exactly one of --connect and --listen is required")
    token = os.environ.pop(ns.token_env, "")  # never leak the token into the program's environment
    try:
        connect = parse_address(ns.connect) if ns.connect else None
        listen = parse_address(ns.listen) if ns.listen else None
        notify = parse_address(ns.subprocess_notify) if ns.subprocess_notify else None
    except UsageError as exc:
        p.error(str(exc))
    if target.kind == "program":
        target.value = os.path.abspath(target.value)
    return RunnerArgs(
        connect=connect,
        listen=listen,
        token=token,
        target=target,
        stop_on_entry=ns.stop_on_entry,
        just_my_code=not ns.no_just_my_code,
        log_dir=ns.log_dir,
        wait_for_client=ns.wait_for_client,
        allow_remote=ns.allow_remote,
        token_file=ns.token_file,
        no_token=ns.no_token,
        audit_log=ns.audit_log,
        auth_timeout=ns.auth_timeout,
        redirect_output=ns.redirect_output,
        subprocess_notify=notify,
        subprocess_timeout=ns.subprocess_timeout,
        watch_exit=ns.watch_exit,
    )


class DebuggeeHost:
    """Owns the engine, the session and the connection thread of one debuggee process."""

    def __init__(self, options: LaunchOptions, transcript: Transcript | None) -> None:
        self.transcript = transcript
        self.session: DebugSession | None = None
        # runpy runs the program's module code: its frames are the launcher's, never stopped in
        # nor shown, even without justMyCode (a step past the program's last line ends it).
        self.debugger = engine.Debugger(
            self._on_event, just_my_code=options.just_my_code, hidden_paths=sorted(LAUNCHER_FILES)
        )
        self.session = DebugSession(self.debugger, options)
        self.debugger.start()
        _watch_forks(self)
        self._install_breakpoint_hook()

    def _install_breakpoint_hook(self) -> None:
        """The builtin `breakpoint()` stops in the editor, as under debugpy, instead of starting
        pdb on the program's stdin. $PYTHONBREAKPOINT, when set, is the user's choice of hook
        (`0`: none) and is kept. With no client connected the call does nothing; once the
        engine is closed (a detach) the hook that was there before takes over again."""
        if os.environ.get("PYTHONBREAKPOINT"):
            return
        previous = sys.breakpointhook

        def breakpointhook(*args: object, **kwargs: object) -> object:
            if self.debugger.closed:
                if sys.breakpointhook is breakpointhook:
                    sys.breakpointhook = previous
                return previous(*args, **kwargs)
            session = self.session
            if session is not None and session.outbox is not None:
                self.debugger.pause(threading.get_native_id(), reason="breakpoint")
            return None

        sys.breakpointhook = breakpointhook

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
            # Only ours: a newer connection may already have installed its own outbox.
            if session.outbox is connection.outbox:
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


def entry_file(target: Target) -> str | None:
    """The file whose first line is the program's entry (for stopOnEntry and the compile check);
    for `-c` code, the name Python compiles it under."""
    if target.kind == "program":
        if os.path.isdir(target.value):
            return os.path.join(target.value, "__main__.py")  # `python DIR`
        if zipfile.is_zipfile(target.value):
            return None  # `python app.pyz`: its __main__ is inside the archive
        return target.value
    if target.kind == "code":
        return CODE_FILENAME
    return _module_file(target.value)


def _module_file(name: str) -> str | None:
    """The file `python -m NAME` runs (a package's `__main__.py`), found without importing
    anything: importlib's find_spec("pkg.mod") would import `pkg`, running its code before the
    debugger is configured. Each package's directories lead to the next part's."""
    first, *rest = name.split(".")
    spec = importlib.util.find_spec(first)
    for part in rest:
        if spec is None or not spec.submodule_search_locations:
            return None
        spec = importlib.machinery.PathFinder.find_spec(part, list(spec.submodule_search_locations))
    if spec is None:
        return None
    if spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            candidate = os.path.join(location, "__main__.py")
            if os.path.isfile(candidate):
                return candidate
        return None
    return spec.origin if spec.origin and os.path.isfile(spec.origin) else None


def check_target(target: Target) -> None:
    """Fails early, before any connection, with Python's own words."""
    if target.kind == "program":
        problem = program_problem(target.value)
        if problem is not None:
            raise UsageError(problem)
    if target.kind == "module":
        sys.path.insert(0, os.getcwd())
        try:
            top = target.value.partition(".")[0]
            if importlib.util.find_spec(top) is None:
                raise UsageError(f"No module named {top!r}")
        finally:
            sys.path.pop(0)


def program_problem(path: str) -> str | None:
    """Why `python PATH` could not run PATH, in Python's words, or None: a file (a script or a
    zip application), or a directory with a `__main__.py`."""
    if os.path.isdir(path):
        if not os.path.isfile(os.path.join(path, "__main__.py")):
            return f"can't find '__main__' module in {path!r}"
        return None
    if not os.path.isfile(path):
        return f"can't open file {path!r}: no such file"
    return None


def main(argv: Sequence[str] | None = None, prog: str = "python -m dap_server.debuggee") -> int:
    a = parse_args(sys.argv[1:] if argv is None else argv, prog)
    if a.watch_exit and a.connect is not None:
        # First, while this process has no thread but its main one: fork() keeps only the
        # calling thread, so the engine and the server must start in the child, after it.
        # Before the target check too: a program that cannot start is reported at once.
        start_exit_watcher(a.connect, a.token)
    try:
        check_target(a.target)
    except UsageError as exc:
        print(f"dap-server: {exc}", file=sys.stderr)
        return 2
    if a.subprocess_notify is not None:
        enable_for_children(
            a.subprocess_notify,
            os.environ.pop(CHILD_TOKEN_ENV, ""),
            a.subprocess_timeout,
            a.log_dir,
        )
    if a.listen is not None:
        return main_listen(a)
    assert a.connect is not None
    transcript = Transcript.open(a.log_dir, "debuggee") if a.log_dir else None
    if a.target.kind == "module":
        sys.path.insert(
            0, os.getcwd()
        )  # where `python -m` finds the module, as it will at run time
    program = entry_file(a.target)
    if a.target.kind == "module":
        sys.path.pop(0)
    options = LaunchOptions(
        program=program, stop_on_entry=a.stop_on_entry, just_my_code=a.just_my_code
    )
    host = DebuggeeHost(options, transcript)
    assert host.session is not None
    if not a.watch_exit:  # not a terminal's program: its output goes to the adapter's pipes
        host.session.before_stop = output_read_by_adapter
    if a.stop_on_entry and program:
        host.debugger.stop_on_entry(program)
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
    launched_pid = os.getpid()
    host.session.configuration_done.wait(CONFIGURATION_TIMEOUT)
    if a.redirect_output:
        _tee_output(connection.outbox)
    code = run_target(a.target, host.debugger)
    if os.getpid() != launched_pid:
        return _end_forked_child(code)
    code = shut_down_like_python(code)
    finished.set()
    connection.quiesce(1.0)
    connection.outbox.event("exited", {"exitCode": code})
    connection.outbox.event("terminated")
    host.debugger.close()
    connection.close()
    return _exit_like_python(code)


def main_listen(a: RunnerArgs) -> int:
    """`dap-server --listen`: serve DAP on a port of our own while the program runs."""
    from dap_server.auth import BindAddressError
    from dap_server.debuggee import bootstrap

    assert a.listen is not None
    if a.target.kind == "module":
        sys.path.insert(0, os.getcwd())
    program = entry_file(a.target)
    if a.target.kind == "module":
        sys.path.pop(0)
    options = LaunchOptions(program=program, just_my_code=a.just_my_code, runs_program=False)
    try:
        listener = bootstrap.listen(
            a.listen[0],
            a.listen[1],
            token=a.token or None,
            no_token=a.no_token,
            token_file=a.token_file,
            allow_remote=a.allow_remote,
            options=options,
            audit_log=a.audit_log,
            auth_timeout=a.auth_timeout,
            log_dir=a.log_dir,
        )
    except BindAddressError as exc:
        print(f"dap-server: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"dap-server: cannot listen on {a.listen[0]}:{a.listen[1]}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    announce_listener(listener.address, listener.token, a.token_file)
    if a.wait_for_client:
        print("dap-server: waiting for a client to attach...", file=sys.stderr, flush=True)
        listener.configured.wait()
    listening_pid = os.getpid()
    code = run_target(a.target, listener.host.debugger)
    if os.getpid() != listening_pid:
        return _end_forked_child(code)
    code = shut_down_like_python(code)
    listener.send_exit(code)
    listener.close(grace=2.0)
    listener.host.debugger.close()
    return _exit_like_python(code)


def announce_listener(address: tuple[str, int], token: str | None, token_file: str | None) -> None:
    host, port = address
    shown = f"[{host}]" if ":" in host else host
    if token is None:
        how = "no access token (--no-token)"
    elif token_file:
        how = f"access token in {token_file}"
    else:
        how = f"access token {token}"
    # One line a script (or a test) can parse, on stderr so the program's stdout stays its own.
    print(
        f"dap-server: listening on {shown}:{port} pid {os.getpid()} ({how})",
        file=sys.stderr,
        flush=True,
    )


# -- running the target --------------------------------------------------------------------------

# Python's exit status for a program ended by an uncaught KeyboardInterrupt: killed by SIGINT.
INTERRUPTED = -int(signal.SIGINT)


def run_target(target: Target, debugger: engine.Debugger) -> int:
    """Runs the target as `__main__` the way `python TARGET ARGS` would; returns the exit code."""
    _whole_lines()
    try:
        if target.kind == "program":
            sys.argv = [target.value, *target.args]
            if os.path.isdir(target.value) or zipfile.is_zipfile(target.value):
                sys.path[0] = target.value  # as Python does for a directory or an archive
            else:
                sys.path[0] = os.path.dirname(os.path.realpath(target.value))  # as Python does
            runpy.run_path(target.value, run_name="__main__")
        elif target.kind == "module":
            sys.argv = [target.value, *target.args]  # alter_sys puts the module's file first
            sys.path[0] = os.getcwd()
            runpy.run_module(target.value, run_name="__main__", alter_sys=True)
        else:
            sys.argv = ["-c", *target.args]
            sys.path[0] = ""
            _run_code(target.value)
    except SystemExit as exc:
        debugger.report_uncaught(exc)  # an error unless its code is 0 or None
        return _exit_code(exc)
    except KeyboardInterrupt as exc:
        # The graceful half of `terminate` (or Ctrl+C in a terminal): the program's `finally`
        # blocks have run. Not an "uncaught exception" stop: the user asked it to end.
        tb = _user_traceback(exc)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return INTERRUPTED
    except BaseException as exc:
        debugger.report_uncaught(exc)
        # Print it as Python would, without our runner frames.
        tb = _user_traceback(exc)
        sys.excepthook(type(exc), exc.with_traceback(tb), tb)
        return 1
    finally:
        _flush()
    return 0


def _whole_lines() -> None:
    """Output reaches the adapter line by line, each line in one write.

    The adapter sets PYTHONUNBUFFERED so that output arrives as it is printed; unbuffered,
    `print()` writes its text and its newline separately, so the editor got a traceback in
    dozens of one-character events, and a KeyboardInterrupt (terminate) landing between the
    two writes moved the newline after the next line. Line buffering keeps the promptness.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(line_buffering=True, write_through=False)
            except (ValueError, OSError):
                pass  # a replaced or closed stream: leave it as it is


def run_program(program: str, args: list[str], debugger: engine.Debugger) -> int:
    """Runs a program file as `__main__` (kept for callers of the first version)."""
    return run_target(Target("program", program, args), debugger)


# The file name of `python -c` code, as Python gives it.
CODE_FILENAME = "<string>"


def _run_code(code: str) -> None:
    """`python -c CODE`: a fresh `__main__` module, so pickling (multiprocessing) finds it."""
    module = types.ModuleType("__main__")
    module.__dict__["__builtins__"] = builtins
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        # Kept where linecache looks, as `python -c` does on 3.13: the editor can then show the
        # code (a `source` request) and tracebacks quote its lines.
        linecache.cache[CODE_FILENAME] = (len(code), None, code.splitlines(True), CODE_FILENAME)
        exec(compile(code, CODE_FILENAME, "exec"), module.__dict__)
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def shut_down_like_python(code: int) -> int:
    """What the interpreter does once the main module has ended, done while the debugger still
    watches, so that breakpoints stop there too: threading's shutdown (its own exit hooks, which
    stop idle thread pools, then waiting for every non-daemon thread, a thread stopped at a
    breakpoint included, until the user resumes it), then the atexit handlers. The
    interpreter's own turn at both finds nothing left to do. Returns the exit code: an interrupt
    (`terminate`) while threads are waited for makes it INTERRUPTED.

    A program that ended by an interrupt (`terminate`, Ctrl+C) ends at once, as it always did
    here: its `finally` blocks ran with the KeyboardInterrupt, and `terminate` means now (its
    children, being interrupted too, would keep multiprocessing's exit hook waiting)."""
    if code == INTERRUPTED:
        return code
    try:
        threading._shutdown()  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        code = INTERRUPTED
    finally:
        atexit._run_exitfuncs()
        _flush()
    return code


def _exit_like_python(code: int) -> int:
    """Python ends an interrupted program with SIGINT itself, so its parent sees the signal."""
    if code == INTERRUPTED:
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
        return 130  # only when SIGINT is blocked
    return code


def _user_traceback(exc: BaseException) -> types.TracebackType | None:
    tb = exc.__traceback__
    # Skip frames of the runner and runpy, which the user never wrote.
    while tb is not None and _is_ours(tb.tb_frame.f_code.co_filename):
        tb = tb.tb_next
    return tb


def _is_ours(filename: str) -> bool:
    return filename == __file__ or filename == runpy.__file__ or "<frozen runpy>" in filename


def output_read_by_adapter(timeout: float = 1.0) -> None:
    """Returns once the adapter has read what the program wrote to stdout and stderr (pipes of
    the adapter's, which relays them as `output` events), or after `timeout`.

    Called before a `stopped` event goes out: it travels on the DAP connection, the output on
    the pipes, and the editor must see the output the program wrote before it stopped first.
    What is unread in a pipe is what FIONREAD says of either end."""
    _flush()
    deadline = time.monotonic() + timeout
    while True:
        pending = 0
        for fd in (1, 2):
            try:
                pending += struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
            except OSError:  # closed by the program, or not a pipe
                pass
        if not pending or time.monotonic() > deadline:
            return
        time.sleep(0.0005)  # the adapter reads as fast as the editor takes its output


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


# -- output redirection (redirectOutput in a terminal) ---------------------------------------------


class _Tee:
    """Writes go to the real stream (the terminal) and, as `output` events, to the client."""

    def __init__(self, stream: TextIO, outbox: Outbox, category: str) -> None:
        self._stream = stream
        self._outbox = outbox
        self._category = category

    def write(self, text: str) -> int:
        n = self._stream.write(text)
        if text:
            self._outbox.event("output", {"category": self._category, "output": text})
        return n

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _tee_output(outbox: Outbox) -> None:
    sys.stdout = _Tee(sys.stdout, outbox, "stdout")
    sys.stderr = _Tee(sys.stderr, outbox, "stderr")


# -- child processes -----------------------------------------------------------------------------


def enable_for_children(
    notify: tuple[str, int], token: str, timeout: float, log_dir: str | None
) -> None:
    """Python children of this process (subprocess, multiprocessing spawn) load the debugger
    at start-up through `_child_hook/sitecustomize.py` and announce themselves at `notify`."""
    spec = {"host": notify[0], "port": notify[1], "token": token, "timeout": timeout}
    if log_dir:
        spec["logDir"] = log_dir
    os.environ[CHILD_ENV] = json.dumps(spec)
    from dap_server.debuggee import bootstrap

    bootstrap.remember_child_spec(spec)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (CHILD_HOOK_DIR, os.environ.get("PYTHONPATH")) if p
    )


# -- forked children -----------------------------------------------------------------------------

# The host whose engine runs in this process, for the fork hook; one engine per process at most
# (sys.monitoring's DEBUGGER_ID).
_fork_host: DebuggeeHost | None = None
_fork_hook_registered = False


def _watch_forks(host: DebuggeeHost) -> None:
    """A process forked from here (os.fork, multiprocessing's fork) inherits the engine but
    not the debugger's threads; `bootstrap.after_fork_in_child` makes the child a debuggee of
    its own. The hook cannot be unregistered: it is registered once and finds the live host."""
    global _fork_host, _fork_hook_registered
    _fork_host = host
    if not _fork_hook_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _fork_hook_registered = True


def _after_fork_in_child() -> None:
    h = _fork_host
    if h is None or h.debugger.closed or safe_eval.forking_for_evaluation():
        return  # (an evaluation's child tears the engine down itself)
    from dap_server.debuggee import bootstrap

    try:
        bootstrap.after_fork_in_child(h)
    except Exception as exc:  # never stop the child from running
        sys.stderr.write(f"dap-server: could not debug forked process {os.getpid()}: {exc!r}\n")


def _end_forked_child(code: int) -> int:
    """A forked child ran off the end of the program (or called sys.exit) into the runner of
    its parent: the parent's connection is not its own; its own client hears the exit code."""
    from dap_server.debuggee import bootstrap

    _flush()
    bootstrap.forked_child_exits(code)
    return _exit_like_python(code)
