"""A small blocking DAP client: the wire under `Session`, also usable on its own.

Standard library only. One reader thread decodes messages (`wire.framing`) and hands each
response to the caller waiting for it and each event to the `on_event` callback, in arrival
order. Every wait has a timeout, and every failure says what was being waited for.

Transports: the pipes of a child process (the adapter, `python -m dap_server`) or a connected
socket (a listening debuggee, or the loopback socket pair of an in-process session).
"""

from __future__ import annotations

import logging
import socket
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from dap_server.api.errors import ConnectionLost, DebuggerTimeout, RequestFailed
from dap_server.wire.framing import FrameDecoder, FramingError, encode_message

__all__ = ["DEFAULT_REQUEST_TIMEOUT", "DapClient", "PipeTransport", "SocketTransport", "Transport"]

log = logging.getLogger("dap_server.api")

DEFAULT_REQUEST_TIMEOUT = 15.0
_READ_SIZE = 64 * 1024


class Transport(Protocol):
    """A byte stream to a DAP peer. `read` returns b"" at end of stream."""

    def write(self, data: bytes) -> None: ...

    def read(self) -> bytes: ...

    def close(self) -> None: ...


class PipeTransport:
    """The stdin/stdout pipes of a child process that speaks DAP on stdio."""

    def __init__(self, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self._stdin = stdin
        self._stdout = stdout
        self._lock = threading.Lock()

    @classmethod
    def of(cls, process: subprocess.Popen[bytes]) -> PipeTransport:
        assert process.stdin is not None and process.stdout is not None
        return cls(process.stdin, process.stdout)

    def write(self, data: bytes) -> None:
        with self._lock:
            self._stdin.write(data)
            self._stdin.flush()

    def read(self) -> bytes:
        try:
            # read1: whatever is available, without waiting for a full buffer.
            return self._stdout.read1(_READ_SIZE)  # type: ignore[attr-defined,no-any-return]
        except (OSError, ValueError):  # ValueError: read on a closed file
            return b""

    def close(self) -> None:
        with self._lock:
            try:
                self._stdin.close()
            except OSError:
                pass


class SocketTransport:
    """A connected stream socket (TCP with TCP_NODELAY, or one end of a socket pair)."""

    def __init__(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            # Small request/response messages must not wait for delayed ACKs (~40 ms each).
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self._lock:
            self._sock.sendall(data)

    def read(self) -> bytes:
        try:
            return self._sock.recv(_READ_SIZE)
        except OSError:
            return b""

    def close(self) -> None:
        try:
            # shutdown wakes the reader thread blocked in recv, which close alone may not.
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


@dataclass
class _Pending:
    command: str
    done: threading.Event = field(default_factory=threading.Event)
    response: dict[str, Any] | None = None


EventHandler = Callable[[dict[str, Any]], None]


class DapClient:
    """Sends requests and waits for their responses; passes events to `on_event`.

    `on_event` runs on the reader thread: it must be quick and must not send requests and wait
    for them (the responses would be read by the very thread that waits).
    """

    def __init__(
        self,
        transport: Transport,
        *,
        on_event: EventHandler | None = None,
        on_close: Callable[[], None] | None = None,
        peer: str = "the debugger",
    ) -> None:
        self._transport = transport
        self._on_event = on_event
        self._on_close = on_close
        self.peer = peer
        self._seq = 0
        self._lock = threading.Lock()
        self._pending: dict[int, _Pending] = {}
        self._closed = threading.Event()
        self.close_reason = ""
        self.messages_sent = 0
        self.messages_received = 0
        self._reader = threading.Thread(
            target=self._read_loop, name="dap_server.api.reader", daemon=True
        )
        self._reader.start()

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    # -- sending ------------------------------------------------------------------------------

    def send_request(
        self, command: str, arguments: dict[str, Any] | None = None
    ) -> tuple[int, _Pending]:
        """Sends a request without waiting; `wait(seq, pending, timeout)` collects the answer."""
        pending = _Pending(command)
        with self._lock:
            if self._closed.is_set():
                raise ConnectionLost(
                    f"{command}: the connection to {self.peer} is closed{self._why()}"
                )
            self._seq += 1
            seq = self._seq
            self._pending[seq] = pending
        message: dict[str, Any] = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        try:
            self._transport.write(encode_message(message))
        except OSError as exc:
            with self._lock:
                self._pending.pop(seq, None)
            raise ConnectionLost(f"{command}: cannot send to {self.peer}: {exc}") from None
        self.messages_sent += 1
        log.debug("-> %s %s", command, arguments)
        return seq, pending

    def wait(self, seq: int, pending: _Pending, timeout: float | None) -> dict[str, Any]:
        """The response to request `seq` (success or not); raises on timeout or a lost connection."""
        if not pending.done.wait(timeout):
            with self._lock:
                self._pending.pop(seq, None)
            raise DebuggerTimeout(
                f"{pending.command}: no response from {self.peer} within {timeout:g} s"
            )
        if pending.response is None:
            raise ConnectionLost(
                f"{pending.command}: the connection to {self.peer} closed before it answered{self._why()}"
            )
        return pending.response

    def request(
        self,
        command: str,
        arguments: dict[str, Any] | None = None,
        *,
        timeout: float | None = DEFAULT_REQUEST_TIMEOUT,
    ) -> dict[str, Any]:
        """Sends a request and returns its response body; raises `RequestFailed` on an error."""
        seq, pending = self.send_request(command, arguments)
        response = self.wait(seq, pending, timeout)
        if not response.get("success"):
            raise RequestFailed(command, str(response.get("message") or "failed without a message"))
        body = response.get("body")
        return body if isinstance(body, dict) else {}

    def close(self) -> None:
        """Closes the transport; waiters get `ConnectionLost`. Idempotent."""
        self._transport.close()
        self._finish("closed by the client")

    def join(self, timeout: float | None) -> bool:
        """Waits for the reader thread to end (the peer closed); True when it did."""
        self._reader.join(timeout)
        return not self._reader.is_alive()

    # -- receiving ----------------------------------------------------------------------------

    def _why(self) -> str:
        return f" ({self.close_reason})" if self.close_reason else ""

    def _read_loop(self) -> None:
        decoder = FrameDecoder()
        try:
            while True:
                data = self._transport.read()
                if not data:
                    break
                for item in decoder.feed(data):
                    if isinstance(item, FramingError):
                        log.warning("undecodable message from %s: %s", self.peer, item.message)
                        continue
                    self.messages_received += 1
                    self._dispatch(item)
        finally:
            self._finish("the peer closed the connection")

    def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "response":
            seq = message.get("request_seq")
            with self._lock:
                pending = self._pending.pop(seq, None) if isinstance(seq, int) else None
            if pending is not None:
                pending.response = message
                pending.done.set()
            log.debug("<- response %s success=%s", message.get("command"), message.get("success"))
        elif kind == "event":
            log.debug("<- event %s %s", message.get("event"), message.get("body"))
            if self._on_event is not None:
                try:
                    self._on_event(message)
                except Exception:  # a handler bug must not kill the reader
                    log.exception("event handler failed for %s", message.get("event"))
        elif kind == "request":
            # Reverse requests (runInTerminal, startDebugging): this client does not offer them.
            command = str(message.get("command"))
            answer = {
                "seq": 0,
                "type": "response",
                "request_seq": message.get("seq"),
                "success": False,
                "command": command,
                "message": f"{command} is not supported by the Python session API",
            }
            try:
                self._transport.write(encode_message(answer))
            except OSError:
                pass

    def _finish(self, reason: str) -> None:
        with self._lock:
            if self._closed.is_set():
                return
            self._closed.set()
            if not self.close_reason:
                self.close_reason = reason
            waiting = list(self._pending.values())
            self._pending.clear()
        for pending in waiting:
            pending.done.set()  # response stays None: the waiter raises ConnectionLost
        if self._on_close is not None:
            try:
                self._on_close()
            except Exception:
                log.exception("close handler failed")
