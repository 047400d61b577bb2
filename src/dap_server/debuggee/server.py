"""The debuggee-side DAP server: one connection, one dispatcher, the engine behind it.

Threads:
- the reader thread receives requests; run-control and configuration requests are handled
  right there (they are quick and must never wait behind inspection);
- one inspection worker serves stackTrace/scopes/variables/evaluate... in arrival order. A
  run-control request cancels whatever inspection is in flight, so stepping never waits behind
  a slow variables request;
- engine events arrive on user threads (inside monitoring callbacks) and are sent at once.

The server thread never runs user code: anything that might (reprs, evaluation) goes through
`Debugger.run_on_thread`, which runs it on the suspended thread with a deadline.
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dap_server.debuggee.dispatch import (
    CancelToken,
    Command,
    CommandTable,
    Request,
    RequestError,
)
from dap_server.wire.framing import FramingError
from dap_server.wire.sync_stream import MessageSocket

log = logging.getLogger("dap_server.debuggee")


@dataclass
class Outbox:
    """Numbers and sends outgoing messages; safe to call from any thread."""

    stream: MessageSocket
    transcript: Callable[[str, dict[str, Any]], None] | None = None
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False

    def send(self, message: dict[str, Any]) -> None:
        with self._lock:
            if self.closed:
                return
            self._seq += 1
            message["seq"] = self._seq
            try:
                self.stream.send(message)
            except OSError:
                # The client went away; the reader notices EOF and ends the session.
                self.closed = True
                return
        if self.transcript is not None:
            self.transcript("send", message)

    def event(self, name: str, body: dict[str, Any] | None = None) -> None:
        msg: dict[str, Any] = {"type": "event", "event": name}
        if body is not None:
            msg["body"] = body
        self.send(msg)

    def respond(self, request_seq: int, command: str, body: dict[str, Any] | None) -> None:
        msg: dict[str, Any] = {
            "type": "response",
            "request_seq": request_seq,
            "success": True,
            "command": command,
        }
        if body is not None:
            msg["body"] = body
        self.send(msg)

    def fail(self, request_seq: int, command: str, message: str, detail: str | None = None) -> None:
        """An error response: `message` (DAP's short form, e.g. `cancelled`), and `detail`
        (default: the message) as the error body's text."""
        text = detail or message
        self.send(
            {
                "type": "response",
                "request_seq": request_seq,
                "success": False,
                "command": command,
                "message": message,
                "body": {"error": {"id": 1, "format": text, "showUser": False}},
            }
        )


class Connection:
    """Serves one client connection until it closes or disconnects.

    `session` is the object handlers are bound to (a `DebugSession`); the table says how each
    command is dispatched.
    """

    def __init__(
        self,
        stream: MessageSocket,
        table: CommandTable,
        session: Any,
        transcript: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        self.outbox = Outbox(stream, transcript)
        self._stream = stream
        self._table = table
        self._session = session
        self._transcript = transcript
        self._inspections: queue.SimpleQueue[tuple[Command, Request] | None] = queue.SimpleQueue()
        # inspection requests queued or running: token -> (seq, command)
        self._in_flight: dict[CancelToken, tuple[int, str]] = {}
        self._in_flight_lock = threading.Lock()
        self.done = threading.Event()
        # Requests being handled right now, so the program's end can wait for their answers.
        self._active = 0
        self._idle = threading.Condition()
        # DAP's `cancel` request reaches the requests in flight through the session.
        session.cancel_request = self.cancel_inspections

    def serve(self) -> None:
        """Runs on the calling thread (a hidden debugger thread) until the connection ends."""
        worker = threading.Thread(
            target=self._inspection_loop, name="dap_server.inspect", daemon=True
        )
        worker.start()
        try:
            while not self.done.is_set():
                try:
                    message = self._stream.receive()
                except OSError:
                    break
                if message is None:
                    break
                try:
                    self._handle_message(message)
                except Exception:  # a dispatcher bug must not end the session
                    log.exception("failed to dispatch a message")
        finally:
            self.done.set()
            self.cancel_inspections(why="the client went away")
            self._inspections.put(None)
            self.outbox.closed = True

    def close(self) -> None:
        self.done.set()
        self._stream.close()

    def cancel_inspections(self, seq: int | None = None, why: str = "a `cancel` request") -> bool:
        """Cancels the inspection requests in flight (only request `seq` when given) and answers
        them at once, so the client never waits behind them; True if one was found. User code
        one of them is running on a stopped thread is interrupted by the session. The answer's
        message is `cancelled`, as DAP says; `why` goes in its error text."""
        cancelled: list[tuple[int, str]] = []
        with self._in_flight_lock:
            for token, (token_seq, command) in self._in_flight.items():
                if (seq is None or token_seq == seq) and not token.cancelled:
                    token.cancel()
                    cancelled.append((token_seq, command))
        for token_seq, command in cancelled:
            self.outbox.fail(token_seq, command, "cancelled", f"cancelled: {why}")
        return bool(cancelled)

    # -- dispatch --------------------------------------------------------------------------

    def _handle_message(self, message: dict[str, Any] | FramingError) -> None:
        if isinstance(message, FramingError):
            if message.seq is not None:
                self.outbox.fail(message.seq, message.command or "unknown", message.message)
            else:
                log.warning("dropped undecodable input: %s", message.message)
            return
        if self._transcript is not None:
            self._transcript("recv", message)
        if message.get("type") != "request":
            return  # responses to reverse requests are not used by the debuggee
        seq = message.get("seq")
        command = message.get("command")
        if not isinstance(seq, int) or not isinstance(command, str):
            if isinstance(seq, int):
                self.outbox.fail(seq, "unknown", "request without a 'command' string")
            return
        arguments = message.get("arguments") or {}
        if not isinstance(arguments, dict):
            self.outbox.fail(seq, command, f"{command}: 'arguments' must be an object")
            return
        entry = self._table.get(command)
        if entry is None:
            self.outbox.fail(seq, command, f"unknown command '{command}'")
            return
        request = Request(seq, command, arguments, CancelToken())
        if entry.kind == "inspection":
            with self._in_flight_lock:
                self._in_flight[request.cancel] = (request.seq, request.command)
            self._inspections.put((entry, request))
            return
        if entry.kind == "control":
            self.cancel_inspections(why=f"'{request.command}' let the program run on")
        self._run(entry, request)

    def _inspection_loop(self) -> None:
        hide = getattr(self._session, "hide_current_thread", None)
        if hide is not None:
            hide()
        while True:
            item = self._inspections.get()
            if item is None:
                return
            entry, request = item
            try:
                self._run(entry, request)
            finally:
                with self._in_flight_lock:
                    self._in_flight.pop(request.cancel, None)

    def quiesce(self, timeout: float) -> bool:
        """Waits (at most `timeout`) until no request is being handled: the program has ended
        and the process is about to, but a request answered a moment ago (the `continue` that
        let it finish) still gets its response and its audit record."""
        with self._idle:
            return self._idle.wait_for(lambda: self._active == 0, timeout)

    def _run(self, entry: Command, request: Request) -> None:
        with self._idle:
            self._active += 1
        try:
            self._handle(entry, request)
        finally:
            with self._idle:
                self._active -= 1
                self._idle.notify_all()

    def _handle(self, entry: Command, request: Request) -> None:
        # What the engine reports on this thread while the request is handled is what the
        # request caused (goto's stop, a pause's notice): DAP wants it after the response.
        held = self._session.hold_events()
        try:
            self._answer(entry, request)
        finally:
            self._session.release_events(held)

    def _answer(self, entry: Command, request: Request) -> None:
        session = self._session
        try:
            request.cancel.check()
            # The session's gate: access token, observe mode. It raises RequestError to refuse.
            session.before_request(request)
            body = entry.handler(session, request)
        except RequestError as exc:
            if not request.cancel.cancelled:  # a cancelled request was answered already
                self.outbox.fail(request.seq, request.command, str(exc))
            session.after_request(request, f"refused: {exc}")
            return
        except Exception as exc:  # a handler bug must not end the session
            log.exception("handler for %s failed", request.command)
            detail = "".join(traceback.format_exception_only(exc)).strip()
            message = f"internal error in {request.command}: {detail}"
            if not request.cancel.cancelled:
                self.outbox.fail(request.seq, request.command, message)
            session.after_request(request, message)
            return
        with self._in_flight_lock:
            # Claimed under the lock cancel_inspections holds while it claims requests: each
            # request gets exactly one response.
            answered = request.cancel.cancelled
            self._in_flight.pop(request.cancel, None)
        # Before the response: once a client has its `disconnect` answer, the process may end.
        session.after_request(request, "ok" if not answered else "cancelled")
        if not answered:
            self.outbox.respond(request.seq, request.command, body)
