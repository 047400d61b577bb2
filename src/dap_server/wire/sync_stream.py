"""Blocking, thread-safe DAP message streams over TCP sockets (the debuggee side).

Standard library only, like `framing`: the debuggee's server thread reads requests here while
user threads send events from inside monitoring callbacks, so sending is serialised by a lock
and receiving never holds that lock.

Every socket made here has TCP_NODELAY set: DAP exchanges small request/response messages,
which Nagle's algorithm would otherwise hold back waiting for delayed ACKs (about 40 ms per
round trip).
"""

from __future__ import annotations

import collections
import selectors
import socket
import threading
import time
from types import TracebackType
from typing import Any

from dap_server.wire.framing import (
    DEFAULT_MAX_BODY,
    DecodedMessage,
    FrameDecoder,
    FramingError,
    encode_message,
)

__all__ = [
    "MessageSocket",
    "TcpListener",
    "connect_tcp",
    "listen_tcp",
    "set_nodelay",
]

_RECV_SIZE = 64 * 1024


def set_nodelay(sock: socket.socket) -> None:
    """Turns Nagle's algorithm off on a TCP socket (a no-op for other socket families)."""
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class MessageSocket:
    """DAP messages over one connected socket.

    `send` may be called from any thread. `receive` is meant for one reader thread (a lock
    keeps concurrent readers correct, but they would share one stream of messages).
    `close` may be called from any thread and wakes a blocked `receive`, which then
    returns None.
    """

    def __init__(self, sock: socket.socket, *, max_body: int = DEFAULT_MAX_BODY) -> None:
        # Blocking mode: timeouts on the socket object would also apply to `sendall` running
        # on other threads; `receive(timeout=...)` waits with a selector instead.
        sock.setblocking(True)
        set_nodelay(sock)
        self._sock = sock
        self._decoder = FrameDecoder(max_body)
        self._pending: collections.deque[DecodedMessage | FramingError] = collections.deque()
        self._send_lock = threading.Lock()
        self._recv_lock = threading.Lock()
        self._selector: selectors.BaseSelector | None = None
        self._eof = False
        self._closed = False

    @property
    def socket(self) -> socket.socket:
        return self._sock

    @property
    def closed(self) -> bool:
        return self._closed

    def fileno(self) -> int:
        return self._sock.fileno()

    def send(self, msg: dict[str, Any]) -> None:
        """Sends one message whole; raises OSError when the connection is gone."""
        data = encode_message(msg)  # outside the lock: other senders need not wait for JSON
        with self._send_lock:
            if self._closed:
                raise OSError("send on a closed MessageSocket")
            self._sock.sendall(data)

    def receive(self, timeout: float | None = None) -> DecodedMessage | FramingError | None:
        """Blocks for the next message or framing error; None once the peer has closed.

        With `timeout` (seconds) raises TimeoutError when nothing complete arrived in time
        (bytes of a partial message stay buffered). OSError (e.g. a reset) propagates,
        except after `close()`, which turns it into None.
        """
        # One deadline for the whole message: a peer that trickles bytes in (a partial message
        # a byte at a time) must not restart the wait with each one.
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._recv_lock:
            while not self._pending:
                if self._eof or self._closed:
                    return None
                if deadline is not None and not self._wait_readable(
                    max(0.0, deadline - time.monotonic())
                ):
                    raise TimeoutError(f"no DAP message within {timeout:.3g}s")
                try:
                    data = self._sock.recv(_RECV_SIZE)
                except OSError:
                    if self._closed:
                        return None
                    raise
                if not data:
                    self._eof = True
                    tail = self._decoder.eof()
                    if tail is not None:
                        self._pending.append(tail)
                    continue
                self._pending.extend(self._decoder.feed(data))
            return self._pending.popleft()

    def _wait_readable(self, timeout: float) -> bool:
        if self._selector is None:
            self._selector = selectors.DefaultSelector()
            self._selector.register(self._sock, selectors.EVENT_READ)
        return bool(self._selector.select(timeout))

    def close(self) -> None:
        """Closes the connection; idempotent, safe from any thread."""
        if self._closed:
            return
        self._closed = True
        try:
            # shutdown() first: it wakes a thread blocked in recv(), which close() alone
            # does not do reliably on Linux.
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        if self._selector is not None:
            self._selector.close()
        self._sock.close()

    def __enter__(self) -> MessageSocket:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def connect_tcp(
    host: str, port: int, *, timeout: float | None = None, max_body: int = DEFAULT_MAX_BODY
) -> MessageSocket:
    """Connects to a DAP peer; `timeout` bounds the connection attempt only."""
    sock = socket.create_connection((host, port), timeout=timeout)
    return MessageSocket(sock, max_body=max_body)


class TcpListener:
    """A listening socket that hands out `MessageSocket`s, TCP_NODELAY on each."""

    def __init__(self, sock: socket.socket, *, max_body: int = DEFAULT_MAX_BODY) -> None:
        self._sock = sock
        self._max_body = max_body
        self._selector = selectors.DefaultSelector()
        self._selector.register(sock, selectors.EVENT_READ)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) actually bound; the port is the real one when 0 was asked for."""
        name = self._sock.getsockname()
        return str(name[0]), int(name[1])

    @property
    def port(self) -> int:
        return self.address[1]

    @property
    def socket(self) -> socket.socket:
        return self._sock

    def accept(self, timeout: float | None = None) -> tuple[MessageSocket, tuple[str, int]]:
        """Waits for one connection; raises TimeoutError after `timeout` seconds."""
        if timeout is not None and not self._selector.select(timeout):
            raise TimeoutError(f"no connection within {timeout:.3g}s")
        conn, peer = self._sock.accept()
        return MessageSocket(conn, max_body=self._max_body), (str(peer[0]), int(peer[1]))

    def close(self) -> None:
        self._selector.close()
        self._sock.close()

    def __enter__(self) -> TcpListener:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def listen_tcp(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    backlog: int = 1,
    max_body: int = DEFAULT_MAX_BODY,
) -> TcpListener:
    """Listens on `host:port` (loopback by default: a debugger must not be reachable from
    the network unless the user explicitly asks). Port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=backlog)
    # Accepted sockets inherit this on Linux; MessageSocket sets it again for other systems.
    set_nodelay(sock)
    return TcpListener(sock, max_body=max_body)
