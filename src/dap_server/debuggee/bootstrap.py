"""Joining a program that is already running: attach by process id, and listening for clients.

`connect_back` is what the injected bootstrap calls in the target process. It starts the
engine and a server thread that connects to the adapter and returns at once: it runs as a
pending call on the target's main thread, which must get back to the user's code quickly.
It is idempotent: a second attach reuses the engine already running in the process.

`listen` opens a DAP listener inside this process (`dap-server --listen`, `dap_server.listen()`,
a child process waiting for its editor). Clients connect one at a time, straight from an editor
(nvim-dap's `server` adapter) or through the adapter (`attach` + `connect`); each must present
the access token first (see `access.py`), and until it has it holds no place (see `Listener`):
a connection that never presents it cannot keep the owner out. A client that leaves, with or
without `disconnect`, leaves the program running with no breakpoints, and the next client can
attach later.
"""

from __future__ import annotations

import _thread
import collections
import functools
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from dap_server.auth import check_bind_address, generate_token, peer_uid, write_token_file
from dap_server.debuggee.access import AccessGate, GatedTable, WrongToken
from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.commands.lifecycle import disconnect as detach_session
from dap_server.debuggee.dispatch import CancelToken, Request, RequestError
from dap_server.debuggee.runner import DebuggeeHost
from dap_server.debuggee.server import Connection, Outbox
from dap_server.debuggee.session import DebugSession, LaunchOptions
from dap_server.state.audit import AuditLog
from dap_server.transcript import Transcript
from dap_server.wire.framing import DecodedMessage, FramingError
from dap_server.wire.sync_stream import MessageSocket, TcpListener, connect_tcp, listen_tcp

_lock = threading.Lock()
_host: DebuggeeHost | None = None
_listener: Listener | None = None

# After a client asked to end the program (disconnect with terminateDebuggee), the program gets
# a KeyboardInterrupt, and this long to run its `finally` blocks before it is ended for good.
TERMINATE_GRACE = 3.0


def host(options: LaunchOptions | None = None, log_dir: str | None = None) -> DebuggeeHost:
    """The process's one debuggee host, created on first use (its transcript in `log_dir`, or
    in $DAP_SERVER_LOG_DIR)."""
    global _host
    with _lock:
        if _host is None:
            transcript = Transcript.from_env(log_dir, "debuggee")
            _host = DebuggeeHost(
                options or LaunchOptions(program=None, runs_program=False), transcript
            )
        return _host


def connect_back(host_name: str, port: int, token: str) -> None:
    """Connects to an adapter waiting at host_name:port and serves DAP there, in the background.

    Called by the attach bootstrap on the main thread at a safe point, so it only starts the
    engine (here, so that a failure such as another tool holding sys.monitoring's debugger id
    reaches the bootstrap's report) and a thread, and returns. A process attached to before
    reuses its engine; when the last attach client leaves, the engine is closed (no monitoring
    events, callbacks or tool id are left behind) unless a listener still uses it.
    """
    global _host, _attach_owned
    with _lock:
        if _host is None:
            transcript = Transcript.from_env(None, "debuggee")
            _host = DebuggeeHost(LaunchOptions(program=None, runs_program=False), transcript)
            _attach_owned = True
        h = _host
    # Connecting may take a moment; the main thread returns to the program right away.
    threading.Thread(
        target=_serve_attached,
        args=(h, host_name, port, token),
        name="dap_server.connect",
        daemon=True,
    ).start()


# True while the process's host was created for attach by pid (not by `listen`): it is closed
# again when its client leaves.
_attach_owned = False


def _serve_attached(h: DebuggeeHost, host_name: str, port: int, token: str) -> None:
    session = h.session
    assert session is not None
    session.hide_current_thread()
    try:
        stream = connect_tcp(host_name, port)
    except OSError:
        _release_attached(h, [])
        return
    try:
        stream.send(
            {
                "seq": 0,
                "type": "event",
                "event": "dap_server.hello",
                "body": {"token": token, "pid": os.getpid()},
            }
        )
        if session.outbox is not None:
            # Somebody is debugging this process already (an earlier attach, a listener's
            # client): one client at a time, and the newcomer is told why.
            _refuse(stream)
            return
        transcript = h.transcript
        ours: list[Connection] = []
        # Closing the engine inside `disconnect`, before its response leaves, means that once
        # the client has its answer no trace of the debugger is left in the program.
        table = GatedTable(
            TABLE, AccessGate(None), after={"disconnect": lambda _r: _release_attached(h, ours)}
        )
        connection = Connection(stream, table, session, transcript.record if transcript else None)
        ours.append(connection)
        session.outbox = connection.outbox
        session.disconnected.clear()
        session.terminate_requested = False
        connection.serve()
        if session.outbox is connection.outbox:
            session.outbox = None
        if not session.disconnected.is_set():
            # The client vanished without `disconnect`: detach exactly as if it had sent one.
            detach_session(session, Request(0, "disconnect", {}, CancelToken()))
        session.configuration_done.set()
        if session.terminate_requested:
            _end_program()
        _release_attached(h, ours)
    except OSError:
        _release_attached(h, [])
    finally:
        stream.close()


def _release_attached(h: DebuggeeHost, ours: list[Connection]) -> None:
    """The attach client (served by the connection in `ours`, if any) leaves: close the engine
    if only attach by pid was using it."""
    global _host, _attach_owned
    with _lock:
        if _host is not h or not _attach_owned:
            return
        session = h.session
        mine = ours[0].outbox if ours else None
        if session is not None and session.outbox is not None and session.outbox is not mine:
            return  # another client is being served
        if _listener is not None and not _listener.closed:
            return
        _host = None
        _attach_owned = False
    h.debugger.close()


# A connection has this long (seconds) to present the access token; then it is closed. Until
# it has, it holds no place: see `Listener`.
AUTH_TIMEOUT = 10.0
# Connections still without the token, at most; a newer one drops the oldest. The owner's own
# connection presents the token within a round trip of connecting, so it is always among the
# newest: only a flood of this many connections inside that round trip could push it out.
MAX_PENDING = 8
# Connections being turned away with an explanation at once (each waits up to 5 s for a request
# to answer); beyond that one is closed without a word, so a flood cannot pile up threads.
MAX_REFUSING = 8


class _Rewindable(MessageSocket):
    """A client's stream that can give back a message already read.

    The listener reads a client's first requests itself, until the token; the request that
    carried it is then read again by the session's `Connection`, which handles it like any
    other (responses, audit, events) instead of the listener copying that work.
    """

    def __init__(self, sock: socket.socket) -> None:
        super().__init__(sock)
        self._again: collections.deque[DecodedMessage | FramingError] = collections.deque()

    def unread(self, message: DecodedMessage | FramingError) -> None:
        self._again.appendleft(message)

    def receive(self, timeout: float | None = None) -> DecodedMessage | FramingError | None:
        if self._again:
            return self._again.popleft()
        return super().receive(timeout)


@dataclass(eq=False)
class _Pending:
    """A connection that has not presented the access token yet.

    It is in its listener's `_pending` list until it ends; whoever takes it out of the list
    (its own thread, or one that drops it) records how it ended and closes it, so that it is
    recorded once, and before its client can see it closed.
    """

    stream: _Rewindable
    client: str
    gate: AccessGate


@dataclass
class Listener:
    """One listening socket in this process and the client currently served on it.

    One client is served at a time, and only once it has presented the access token: until
    then a connection waits in `_pending`, answered by the listener itself (initialize, and
    refusals), with no access to the session. The first pending connection to present the token
    takes the place and the others are closed; one that presents a wrong token is closed at
    once, one that presents none within `auth_timeout` seconds too. So a local process that
    connects and says nothing cannot lock the owner out. With `--no-token` (token None) there
    is nothing to wait for: the first connection is served, the others are refused meanwhile.
    """

    host: DebuggeeHost
    socket: TcpListener
    token: str | None
    # Set while a client is attached and has finished configuring (configurationDone).
    configured: threading.Event = field(default_factory=threading.Event)
    connection: Connection | None = None
    closed: bool = False
    _ending: bool = False
    # Connections accepted and refused, authorization, and (unless a client's attach names its
    # own `auditLog`) every operation of every client.
    audit: AuditLog | None = None
    auth_timeout: float = AUTH_TIMEOUT
    # Guards `_serving` (a client has the session) and `_pending`.
    _slot: threading.Lock = field(default_factory=threading.Lock)
    _serving: bool = False
    _pending: list[_Pending] = field(default_factory=list)
    _refusing: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(MAX_REFUSING)
    )

    @property
    def address(self) -> tuple[str, int]:
        return self.socket.address

    def _record(self, operation: str, outcome: str, client: str, **details: object) -> None:
        if self.audit is not None:
            self.audit.record(operation, outcome, client=client, **details)

    def start(self) -> None:
        threading.Thread(target=self._accept_loop, name="dap_server.listen", daemon=True).start()

    def _accept_loop(self) -> None:
        assert self.host.session is not None
        self.host.session.hide_current_thread()
        while not self.closed:
            try:
                # The listening socket's own accept, so that each client's stream can give back
                # the request that carried its token (`_Rewindable`).
                conn, peer = self.socket.socket.accept()
                stream = _Rewindable(conn)
            except OSError:
                return  # closed
            client = f"{peer[0]}:{peer[1]}"
            refusal = _other_user(stream) or self._take(stream, client)
            if refusal is None:
                continue
            self._record("connection", f"refused: {refusal}", client)
            if self._refusing.acquire(blocking=False):
                threading.Thread(
                    target=self._turn_away,
                    args=(stream, refusal),
                    name="dap_server.refuse",
                    daemon=True,
                ).start()
            else:
                stream.close()

    def _take(self, stream: _Rewindable, client: str) -> str | None:
        """Admits a new connection (and starts its thread), or says why it is refused."""
        pending: _Pending | None = None
        evicted: _Pending | None = None
        with self._slot:
            if self._busy():
                return self._busy_message()
            if self.token is None:
                self._serving = True  # --no-token: the first to connect is the one served
            else:

                def on_gate(request: Request, outcome: str) -> None:
                    self._record("authorization", outcome, client, command=request.command)

                pending = _Pending(stream, client, AccessGate(self.token, on_decision=on_gate))
                self._pending.append(pending)
                if len(self._pending) > MAX_PENDING:
                    evicted = self._pending.pop(0)
        self._record("connection", "accepted", client)
        if evicted is not None:
            self._end_pending(
                [evicted],
                "closed: dropped for a newer connection "
                f"({MAX_PENDING} were waiting without the access token)",
            )
        if pending is not None:
            target: Callable[[], None] = functools.partial(self._authenticate, pending)
            name = "dap_server.authenticate"
        else:
            gate = AccessGate(None)
            target = functools.partial(self._serve, stream, client, gate, None)
            name = "dap_server.server"
        threading.Thread(target=target, name=name, daemon=True).start()
        return None

    def _turn_away(self, stream: MessageSocket, text: str) -> None:
        try:
            _refuse(stream, text)
        finally:
            self._refusing.release()

    # -- before the token ------------------------------------------------------------------

    def _authenticate(self, pending: _Pending) -> None:
        """Serves a connection until it presents the token (then it is served for real), closes
        it, or it is closed; records how it ended."""
        session = self.host.session
        assert session is not None
        session.hide_current_thread()
        transcript = self.host.transcript
        # The listener's answers are numbered by the outbox the connection keeps once served.
        outbox = Outbox(pending.stream, transcript.record if transcript else None)
        try:
            outcome = self._await_token(pending, outbox)
        except OSError:
            outcome = "closed"
        except Exception as exc:  # whatever a stranger sent, the connection ends and is on record
            outcome = f"closed: {type(exc).__name__} while checking the access token"
        if isinstance(outcome, tuple):
            self._serve(pending.stream, pending.client, pending.gate, *outcome)
            return
        if outcome is not None and self._leave(pending):
            # On record before the connection closes: a client that sees it closed finds it there.
            self._record("connection", outcome, pending.client)
        pending.stream.close()

    def _await_token(
        self, pending: _Pending, outbox: Outbox
    ) -> str | tuple[Request | None, Outbox] | None:
        """Answers the requests of a connection without the token: initialize is answered (the
        token may come with attach), everything else is refused. Returns how the connection
        ends (an audit outcome; None: recorded already), or, once it presented the token and
        got the place, the initialize answered here (applied to the session now) and its
        outbox."""
        stream = pending.stream
        deadline = time.monotonic() + self.auth_timeout
        transcript = self.host.transcript
        initialize: Request | None = None
        while True:
            try:
                message = stream.receive(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return f"closed: no access token within {self.auth_timeout:g} s"
            if message is None:
                return "closed"
            request = _lobby_request(message, outbox)
            if request is None or not isinstance(message, dict):
                continue
            try:
                pending.gate.admit(request)
            except WrongToken as exc:
                if transcript is not None:
                    transcript.record("recv", message)
                if self._leave(pending):
                    # On record before the client sees the answer (and perhaps connects again).
                    self._record("connection", "closed: wrong access token", pending.client)
                    outbox.fail(request.seq, request.command, str(exc))
                return None
            except RequestError as exc:
                if transcript is not None:
                    transcript.record("recv", message)
                outbox.fail(request.seq, request.command, str(exc))
                continue
            if not pending.gate.granted:
                # initialize without the token: answered here with what the `initialize`
                # command answers (the capabilities); the session takes the client's settings
                # from it only if this connection gets in (`_serve`).
                if transcript is not None:
                    transcript.record("recv", message)
                outbox.respond(request.seq, request.command, TABLE.capabilities())
                initialize = request
                continue
            with self._slot:
                busy = self._busy()
            if busy:
                # The token is right, but a client that attached by process id has the place.
                outbox.fail(request.seq, request.command, self._busy_message())
                return "closed: another client is debugging"
            if not self._claim(pending):
                return None  # dropped meanwhile (another connection got in first): on record
            # The session's connection handles (and records) it, as its first request.
            stream.unread(message)
            return (None if request.command == "initialize" else initialize), outbox

    def _claim(self, pending: _Pending) -> bool:
        """The connection presented the token: it takes the place, and every other connection
        still without the token is closed. False if it was closed meanwhile."""
        with self._slot:
            if pending not in self._pending or self._busy():
                return False
            self._serving = True
            self._pending.remove(pending)
            others, self._pending = self._pending, []
        self._end_pending(others, "closed: another client presented the access token first")
        return True

    @staticmethod
    def _busy_message() -> str:
        return f"another client is already debugging process {os.getpid()}; disconnect it first"

    def _busy(self) -> bool:
        """A client has the place: this listener's, or one that attached by process id (it is
        served by the same session, outside the listener)."""
        session = self.host.session
        return self._serving or (session is not None and session.outbox is not None)

    def _leave(self, pending: _Pending) -> bool:
        """Takes `pending` out of the waiting list; False if another thread did (and so has
        recorded its end and closed it)."""
        with self._slot:
            if pending not in self._pending:
                return False
            self._pending.remove(pending)
            return True

    def _end_pending(self, ended: list[_Pending], outcome: str) -> None:
        """Closes connections taken out of the waiting list, recorded first."""
        for pending in ended:
            self._record("connection", outcome, pending.client)
            pending.stream.close()

    # -- the client ----------------------------------------------------------------------------

    def _serve(
        self,
        stream: MessageSocket,
        client: str,
        gate: AccessGate,
        initialize: Request | None,
        outbox: Outbox | None = None,
    ) -> None:
        """Serves the client that has the place (token presented, or `--no-token`) until it
        leaves. `initialize`: its initialize request the listener answered before the token."""
        session = self.host.session
        assert session is not None
        session.hide_current_thread()
        session.base_audit = session.audit = self.audit
        try:
            table = GatedTable(
                TABLE,
                gate,
                after={
                    "initialize": lambda request: self._on_initialize(request, client),
                    "configurationDone": self._on_configured,
                    "disconnect": self._on_disconnect,
                },
            )
            transcript = self.host.transcript
            connection = Connection(
                stream, table, session, transcript.record if transcript else None
            )
            if outbox is not None:
                # Go on numbering after the answers the listener sent before the token.
                connection.outbox = outbox
            self.connection = connection
            session.outbox = connection.outbox
            session.disconnected.clear()
            session.terminate_requested = False
            if initialize is not None:
                # Its answer went out already; the session now takes the client's settings
                # from it (and the audit log its record) exactly as if it were handled here.
                entry = table.get("initialize")
                assert entry is not None
                entry.handler(session, initialize)
                session.after_request(initialize, "ok")
            connection.serve()
            session.outbox = None
            self.connection = None
            self.configured.clear()
            if not session.disconnected.is_set():
                # The client vanished without `disconnect`: detach exactly as if it had sent one,
                # so the program runs on with no breakpoints and nobody stopped.
                detach_session(session, Request(0, "disconnect", {}, CancelToken()))
            if session.terminate_requested and not self._ending:
                self._ending = True
                _end_program()
        finally:
            stream.close()
            # On record before the place is free: the next client's "accepted" comes after it.
            self._record("connection", "closed", client)
            with self._slot:
                self._serving = False

    def _on_initialize(self, request: Request, client: str) -> None:
        if self.audit is not None:
            # The session's operations are recorded as "<clientID> (<address>)".
            self.audit.client = f"{request.arguments.get('clientID', 'unknown')} ({client})"

    def _on_configured(self, request: Request) -> None:
        self.configured.set()

    def _on_disconnect(self, request: Request) -> None:
        session = self.host.session
        if session is not None and session.terminate_requested and not self._ending:
            # Asked to end the program: do not wait for the client to close its end too.
            self._ending = True
            _end_program()

    def send_exit(self, code: int) -> None:
        """The program ended: tell the client attached now, if any (its editor shows the code)."""
        session = self.host.session
        out = session.outbox if session is not None else None
        if out is not None:
            out.event("exited", {"exitCode": code})
            out.event("terminated")

    def close(self, grace: float = 0.0) -> None:
        """Stops listening; the client attached now gets `grace` seconds to hang up first
        (after `exited`/`terminated`, and the answer to a disconnect that ended the program)."""
        self.closed = True
        self.socket.close()
        with self._slot:
            pending, self._pending = self._pending, []
        self._end_pending(pending, "closed: the listener closed")
        connection = self.connection
        if connection is not None:
            connection.done.wait(grace)
            connection.close()


def _other_user(stream: MessageSocket) -> str | None:
    """Linux: why a connection from another user's process is refused (None: same user, or
    the peer's user cannot be known, e.g. another machine with --allow-remote)."""
    try:
        uid = peer_uid(stream.socket)
    except OSError:
        uid = None
    if uid is None or not hasattr(os, "getuid") or uid == os.getuid():
        return None
    return (
        f"connection refused: the connecting process runs as user {uid}, and only processes "
        f"of user {os.getuid()}, who runs the program, may debug it"
    )


def _lobby_request(message: DecodedMessage | FramingError, outbox: Outbox) -> Request | None:
    """The request in a message read before the token, or None (answered here if it deserves
    an answer), with the checks `Connection` makes."""
    if isinstance(message, FramingError):
        if message.seq is not None:
            outbox.fail(message.seq, message.command or "unknown", message.message)
        return None
    if message.get("type") != "request":
        return None
    seq = message.get("seq")
    command = message.get("command")
    if not isinstance(seq, int) or not isinstance(command, str):
        if isinstance(seq, int):
            outbox.fail(seq, "unknown", "request without a 'command' string")
        return None
    arguments = message.get("arguments") or {}
    if not isinstance(arguments, dict):
        outbox.fail(seq, command, f"{command}: 'arguments' must be an object")
        return None
    return Request(seq, command, arguments, CancelToken())


def _refuse(stream: MessageSocket, text: str | None = None) -> None:
    """A connection that may not be served (a second client, another user's process) gets a
    clear error for its first request instead of a silent hang."""
    try:
        message = stream.receive(timeout=5)
        if isinstance(message, dict) and isinstance(message.get("seq"), int):
            if text is None:
                text = (
                    f"another client is already debugging process {os.getpid()}; "
                    "disconnect it first"
                )
            stream.send(
                {
                    "seq": 1,
                    "type": "response",
                    "request_seq": message["seq"],
                    "success": False,
                    "command": str(message.get("command", "unknown")),
                    "message": text,
                    "body": {"error": {"id": 3, "format": text, "showUser": True}},
                }
            )
    except (OSError, TimeoutError):
        pass
    finally:
        stream.close()


def _end_program() -> None:
    """A client asked to end the program: KeyboardInterrupt first so `finally` blocks run."""
    _thread.interrupt_main()

    def kill() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(1)

    timer = threading.Timer(TERMINATE_GRACE, kill)
    timer.daemon = True
    timer.start()


def listen(
    host_name: str = "127.0.0.1",
    port: int = 0,
    *,
    token: str | None = None,
    no_token: bool = False,
    token_file: str | None = None,
    allow_remote: bool = False,
    options: LaunchOptions | None = None,
    audit_log: str | None = None,
    auth_timeout: float = AUTH_TIMEOUT,
    log_dir: str | None = None,
) -> Listener:
    """Starts (once) the process's DAP listener; later calls return the same one.

    Raises `dap_server.auth.BindAddressError` for a non-loopback host without `allow_remote`.
    With `audit_log` (a path, created 0600), connections accepted and refused, authorization
    decisions and every client's operations are appended to it as JSON lines. A connection
    that has not presented the token `auth_timeout` seconds after connecting is closed.
    """
    if not auth_timeout > 0:
        raise ValueError(f"auth_timeout must be a positive number of seconds, not {auth_timeout!r}")
    global _listener, _attach_owned
    with _lock:
        if _listener is not None and not _listener.closed:
            return _listener
    check_bind_address(host_name, allow_remote)
    h = host(options, log_dir)
    _attach_owned = False  # a listener uses the host now: it outlives attach clients
    if no_token:
        expected = None
    elif token_file:
        expected = write_token_file(token_file, token)
    else:
        expected = token or generate_token()
    audit = AuditLog(audit_log) if audit_log else None
    sock = listen_tcp(host_name, port)
    listener = Listener(h, sock, expected, audit=audit, auth_timeout=auth_timeout)
    listener._record(
        "listen",
        "ok",
        "",
        address=f"{host_name}:{sock.address[1]}",
        open_to_any_client=expected is None,
    )
    with _lock:
        if _listener is not None and not _listener.closed:  # lost a race with another thread
            sock.close()
            return _listener
        _listener = listener
    listener.start()
    return listener


def current_listener() -> Listener | None:
    return _listener


def listen_for_attach(
    report_host: str,
    report_port: int,
    report_token: str,
    host_name: str,
    port: int,
    token: str | None,
    allow_remote: bool,
) -> None:
    """What `dap-server attach --pid PID` makes the target run: open the process's DAP listener
    (as `dap_server.listen()` would) and tell the waiting command where it listens.

    Runs on the main thread at a safe point: listening is synchronous (so a failure, such as a
    port in use, reaches the bootstrap's report); the report goes out from a thread.
    """
    existing = current_listener()
    listener = listen(
        host_name, port, token=token, no_token=token is None, allow_remote=allow_remote
    )
    bound_host, bound_port = listener.address
    # Already listening (an earlier `dap-server attach`, `dap_server.listen()`): that listener
    # and its token stay; the command learns them over this private loopback connection.
    reused = existing is not None and existing is listener

    def send() -> None:
        try:
            stream = connect_tcp(report_host, report_port)
        except OSError:
            return
        try:
            stream.send(
                {
                    "seq": 0,
                    "type": "event",
                    "event": "dap_server.listening",
                    "body": {
                        "token": report_token,
                        "pid": os.getpid(),
                        "host": bound_host,
                        "port": bound_port,
                        "reused": reused,
                        "clientToken": listener.token,
                    },
                }
            )
        except OSError:
            pass
        finally:
            stream.close()

    threading.Thread(target=send, name="dap_server.report", daemon=True).start()


# -- child processes -------------------------------------------------------------------------------

# Helper processes multiprocessing starts for itself: nobody wants to debug them.
_HELPERS = ("multiprocessing.resource_tracker", "multiprocessing.forkserver")


def start_child(spec_json: str) -> None:
    """Runs in a child of a debuggee, at start-up (from `_child_hook/sitecustomize.py`).

    Listens on a fresh loopback port with a fresh token, tells the adapter (which sends the
    editor a `startDebugging` request to attach there), then waits for the editor to attach and
    configure, so that breakpoints are in place before the child's first line. A child that
    no client takes within the time limit runs on undebugged rather than hanging.
    """
    import json

    argv = list(getattr(sys, "orig_argv", sys.argv))
    spec = json.loads(spec_json)
    if any("multiprocessing.forkserver" in arg for arg in argv) and hasattr(os, "register_at_fork"):
        # The fork server itself is never debugged (it only forks, and a stop in it would
        # block every process the program starts); each child it forks is, from its first
        # moment on: the fork server is single-threaded, so the child can start the engine.
        os.register_at_fork(after_in_child=lambda: _start_forkserver_child(spec))
        return
    if any(helper in arg for arg in argv for helper in _HELPERS):
        return
    remember_child_spec(spec)
    listener = listen("127.0.0.1", 0, options=LaunchOptions(program=None, runs_program=False))
    _announce_and_wait(spec, listener, argv)


def _start_forkserver_child(spec: dict[str, Any]) -> None:
    try:
        remember_child_spec(spec)
        listener = listen("127.0.0.1", 0, options=LaunchOptions(program=None, runs_program=False))
        if _announce_and_wait(spec, listener, list(getattr(sys, "orig_argv", sys.argv))):
            _report_os_exit()
    except Exception as exc:  # never stop the child from running
        sys.stderr.write(f"dap-server: could not debug child process {os.getpid()}: {exc!r}\n")


def _announce_and_wait(spec: dict[str, Any], listener: Listener, argv: list[str]) -> bool:
    """Tells the adapter where this child listens and waits (at most the spec's timeout) for
    the editor to attach and configure; True if it did. Otherwise the listener is closed and
    the child runs on undebugged."""
    timeout = float(spec.get("timeout", 10.0))
    host_name, port = listener.address
    try:
        notify = connect_tcp(spec["host"], int(spec["port"]), timeout=timeout)
    except OSError:
        notify = None  # the adapter is gone: nobody will attach
    reply = None
    if notify is not None:
        try:
            notify.send(
                {
                    "seq": 0,
                    "type": "event",
                    "event": "dap_server.child",
                    "body": {
                        "token": spec.get("token", ""),
                        "pid": os.getpid(),
                        "ppid": os.getppid(),
                        "host": host_name,
                        "port": port,
                        "childToken": listener.token,
                        "argv": argv,
                    },
                }
            )
            reply = notify.receive(timeout=timeout)
        except (OSError, TimeoutError):
            reply = None
        finally:
            notify.close()
    accepted = isinstance(reply, dict) and bool((reply.get("body") or {}).get("accepted"))
    if accepted and listener.configured.wait(timeout):
        return True
    listener.close()
    if accepted:
        # The editor was asked and did not come: said where the program's user looks. (A
        # refusal, say by an editor that cannot start child sessions, the adapter explains in
        # the debug console; the program's own output stays the program's.)
        sys.stderr.write(
            f"dap-server: no debugger attached to child process {os.getpid()} within "
            f"{timeout:g} s (launch option subProcessTimeout); it runs on undebugged\n"
        )
    return False


# -- forked children -------------------------------------------------------------------------------

# Where this process's children announce themselves (set when `subProcess` is on): a forked
# child announces itself there too, as a child started by `subprocess` would.
_child_spec: dict[str, Any] | None = None


def remember_child_spec(spec: dict[str, Any]) -> None:
    global _child_spec
    _child_spec = dict(spec)


def after_fork_in_child(h: DebuggeeHost) -> None:
    """Runs in a process just forked from a debuggee (os.fork, multiprocessing's fork), before
    `os.fork()` returns 0 to the program; only the forking thread exists.

    The parent's client is not this process's: its connection, and the listening socket if
    any, are dropped without a byte sent (a message or a shutdown would reach the parent's
    client through the shared socket). The engine forgets the parent's threads and
    breakpoints, the child gets a fresh session, and, with `subProcess` on, announces itself to
    the adapter and waits (subProcessTimeout) for its own client, whose breakpoints are in
    place before the child goes on. Without a client the engine is closed: the child runs on
    undebugged.
    """
    global _lock, _host, _listener, _attach_owned
    _lock = threading.Lock()  # a thread that no longer exists may have held it at the fork
    old = h.session
    # The client being served now, whether launch, attach or a listener's, sends through the
    # session's outbox; a listener also has its listening socket.
    if old is not None and old.outbox is not None:
        old.outbox.closed = True
        _drop(old.outbox.stream.socket)
    if _listener is not None:
        _listener.closed = True
        _drop(_listener.socket.socket)
        # (no lock: the thread that held it at the fork may not exist here)
        for pending in _listener._pending:
            _drop(pending.stream.socket)
        if _listener.connection is not None:
            _listener.connection.outbox.closed = True
            _drop(_listener.connection.outbox.stream.socket)
    _listener = None
    debugger = h.debugger
    debugger.after_fork_in_child()
    just_my_code = old.options.just_my_code if old is not None else True
    h.session = DebugSession(
        debugger, LaunchOptions(program=None, runs_program=False, just_my_code=just_my_code)
    )
    # Breakpoints are the client's, and the parent's client is not this process's.
    debugger.set_exception_filters([])
    debugger.set_function_breakpoints([])
    for path in old.breakpoint_paths if old is not None else ():
        debugger.set_source_breakpoints(path, [])
    _host = h
    _attach_owned = False
    spec = _child_spec
    if spec is None:
        _host = None
        debugger.close()
        return
    listener = listen("127.0.0.1", 0)
    if _announce_and_wait(spec, listener, list(getattr(sys, "orig_argv", sys.argv))):
        _report_os_exit()
        return
    _host = None
    debugger.close()


def _drop(sock: socket.socket) -> None:
    """Closes this process's copy of an inherited socket: no shutdown, nothing sent."""
    try:
        sock.close()
    except OSError:
        pass


def forked_child_exits(code: int) -> None:
    """The forked child's program ended with `code`: its client hears it."""
    listener = _listener
    if listener is not None and not listener.closed:
        listener.send_exit(code)
        listener.close(grace=2.0)
    h = _host
    if h is not None:
        h.debugger.close()


_real_os_exit: Callable[[int], NoReturn] | None = None


def _report_os_exit() -> None:
    """A forked child usually ends with os._exit (multiprocessing's fork and forkserver children
    always do), which runs nothing of ours: wrapped, it tells the child's client the exit code
    first, as the end of a launched program does."""
    global _real_os_exit
    if _real_os_exit is not None:
        return
    real = os._exit
    _real_os_exit = real

    @functools.wraps(real)
    def _exit(status: int) -> NoReturn:
        try:
            listener = _listener
            if listener is not None and not listener.closed:
                listener.send_exit(status)
        except Exception:
            pass
        real(status)

    os._exit = _exit


def release_in_process(h: DebuggeeHost) -> None:
    """An in-process API session ended: close the engine (tool id freed, no events left)
    unless a listener or an attach client still uses it; the next session makes a new one."""
    global _host
    with _lock:
        if _host is not h or _attach_owned:
            return
        if _listener is not None and not _listener.closed:
            return
        session = h.session
        if session is not None and session.outbox is not None and not session.outbox.closed:
            return  # a client is being served
        _host = None
    h.debugger.close()
