"""A watcher of a program the editor starts in its terminal: reports how the program ended.

The editor, not the adapter, starts a terminal program (runInTerminal), so the adapter is not
its parent and cannot learn its exit status. The process the terminal starts therefore forks:
the child goes on to be the program, the parent stays behind as the watcher, waits for it, and
reports its exit status (a signal, a segfault or `os._exit` included) on a connection of its
own to the adapter.

Debugged programs get a watcher from the debuggee runner (`--watch-exit`). A program run
without the debugger (noDebug) gets one from this module's command line, which then runs the
plain program, untouched:

    python -m dap_server.debuggee.exit_watcher --connect HOST:PORT -- COMMAND [ARGS...]

Standard library only (and the wire framing): nothing of the engine is loaded.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

from dap_server.wire.framing import encode_message
from dap_server.wire.sync_stream import set_nodelay

# Where the adapter passes the launch's token (the debuggee runner reads the same variable).
TOKEN_ENV = "DAP_SERVER_TOKEN"
# The root of this source tree: the adapter puts it first on PYTHONPATH so that this module
# can be found, and a noDebug program must not inherit it.
_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# The messages of the watcher's own connection to the adapter: its first (with the token), the
# program's pid once it is forked, and the report of how it ended.
WATCHER_HELLO = "dap_server.watcher"
WATCHING = "dap_server.watching"
EXIT_STATUS = "dap_server.exitStatus"

# Signals the watcher passes on to the program when they are sent to the watcher itself: the
# terminal's process (the pid the editor got from runInTerminal) is the watcher, so `kill PID`
# from a user, a shell or a process manager lands there, and means the program.
_FORWARDED_SIGNALS = frozenset(
    {
        signal.SIGINT,
        signal.SIGTERM,
        signal.SIGHUP,
        signal.SIGQUIT,
        signal.SIGUSR1,
        signal.SIGUSR2,
    }
)


def _event(seq: int, event: str, body: dict[str, Any]) -> bytes:
    return encode_message({"seq": seq, "type": "event", "event": event, "body": body})


def start_exit_watcher(address: tuple[str, int], token: str) -> None:
    """Forks; returns in the child, which goes on to be the debuggee. The parent never returns:
    it waits for the child and reports its exit status to the adapter.

    The editor starts a terminal program (runInTerminal), so the adapter is not its parent and
    cannot learn how it ended: the runner's own `exited` cannot be sent by a process killed by a
    signal, a segfault or `os._exit`. The parent of the program can always read it, so the
    terminal's process stays the parent. It keeps the terminal's stdin/stdout/stderr untouched
    (never reads nor writes them) and ends with the program's status, so the terminal and shell
    see what they would without a debugger. The `process` event carries the child's pid, the
    real program's, which is what `terminate` and the editor's thread ids must use.

    Without sigwaitinfo (macOS) or once threads exist, there is no watcher: the program runs in
    this process and ends reported by its own `exited` only, as before.
    """
    if not hasattr(signal, "sigwaitinfo") or threading.active_count() > 1:
        return
    try:
        # Connected before the fork: the adapter stops listening once the program's own
        # connection has proved itself, and this one comes first in its queue.
        report = socket.create_connection(address)
        set_nodelay(report)
        report.sendall(_event(0, WATCHER_HELLO, {"token": token, "pid": os.getpid()}))
    except OSError:
        return  # the program's own connection will fail and say why
    watched = {signal.SIGCHLD, *_FORWARDED_SIGNALS}
    # Whoever started the terminal may have left SIGCHLD ignored (inherited through exec): the
    # kernel would then reap the child itself, and its status would be lost.
    chld_action = signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # Blocked before the fork, so that nothing sent in between is lost: the watcher collects
    # them with sigwaitinfo (the child's exit included), the child unblocks its pending ones.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    try:
        child = os.fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        signal.signal(signal.SIGCHLD, chld_action)
        report.close()
        return
    if child == 0:
        # Only this process's descriptor: shutdown() would end the watcher's connection too.
        report.close()
        # The program gets the signal state it would have had without the watcher.
        signal.signal(signal.SIGCHLD, chld_action)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        return
    with contextlib.suppress(OSError):
        report.sendall(_event(1, WATCHING, {"pid": child}))
    _watch(child, report, watched)


def _watch(child: int, report: socket.socket, watched: set[signal.Signals]) -> NoReturn:
    status = 0
    while True:
        info = signal.sigwaitinfo(watched)
        if info.si_signo == signal.SIGCHLD:
            pid, status = os.waitpid(child, os.WNOHANG)  # nothing yet if it merely stopped
            if pid == child:
                break
        # Passed on only when a process sent it (si_code <= 0: kill, sigqueue, tkill). One the
        # kernel raised (si_code SI_KERNEL: Ctrl+C, Ctrl+\, a hang-up) went to the terminal's
        # whole foreground process group, the program included: twice would interrupt its
        # KeyboardInterrupt handling or `finally` blocks.
        elif info.si_code <= 0 and info.si_pid != child:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, info.si_signo)
    code = os.waitstatus_to_exitcode(status)  # negative: the signal, as subprocess reports it
    with contextlib.suppress(OSError):  # the adapter may be gone: the terminal still hears it
        report.sendall(_event(2, EXIT_STATUS, {"exitCode": code}))
    report.close()
    _end_as(code)


def _end_as(code: int) -> NoReturn:
    """Ends the watcher the way its child ended, for the terminal's shell (`$?`, "Segmentation
    fault"). os._exit: nothing of the program's, flushed or run at exit, belongs to the watcher."""
    if code >= 0:
        os._exit(code)
    import resource  # Unix only, like the watcher

    sig = -code
    # The program dumped its core, if cores are on; a second one, of the watcher, would hide it.
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    with contextlib.suppress(ValueError, OSError):  # SIGKILL's action cannot be changed
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
    os.kill(os.getpid(), sig)
    os._exit(128 + sig)  # a signal whose default action is not to end the process


# -- noDebug: the plain program under a watcher -------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args[0] != "--connect" or args[2] != "--" or len(args) < 4:
            raise ValueError
        host, _, port = args[1].rpartition(":")
        address = (host.strip("[]"), int(port))
    except (IndexError, ValueError):
        print(
            "usage: python -m dap_server.debuggee.exit_watcher --connect HOST:PORT -- COMMAND...",
            file=sys.stderr,
        )
        return 2
    command = args[3:]
    token = os.environ.pop(TOKEN_ENV, "")
    start_exit_watcher(address, token)  # returns in the program's process
    _drop_own_path()
    try:
        os.execvp(command[0], command)
    except OSError as exc:
        print(f"dap-server: cannot run {command[0]!r}: {exc.strerror}", file=sys.stderr)
    return 127  # as a shell says "command not found"


def _drop_own_path() -> None:
    """PYTHONPATH as the launch configuration made it: without the entry that found us."""
    entries = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if entries and entries[0] == _SOURCE_ROOT:
        del entries[0]
        if any(entries):
            os.environ["PYTHONPATH"] = os.pathsep.join(entries)
        else:
            del os.environ["PYTHONPATH"]


if __name__ == "__main__":
    sys.exit(main())
