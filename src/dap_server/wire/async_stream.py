"""anyio DAP message streams and transports (the adapter side).

`MessageStream` frames messages over any anyio byte stream, or over an object stream of
`bytes` (so tests can use `anyio.create_memory_object_stream` with no sockets). Transports:

- stdio: the editor talks to the adapter over the process's stdin/stdout. `open_stdio`
  detaches both from file descriptors 0 and 1 first, so a stray `print`, a library writing to
  fd 1, or a child process inheriting stdio cannot corrupt or steal DAP bytes.
- TCP: `listen_tcp` (loopback unless told otherwise) and `connect_tcp`, TCP_NODELAY on every
  connection.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import Any

import anyio
import anyio.abc
from anyio.abc import (
    AnyByteReceiveStream,
    AnyByteSendStream,
    AnyByteStream,
    ByteReceiveStream,
    ByteSendStream,
    SocketAttribute,
)

from dap_server.wire.framing import (
    DEFAULT_MAX_BODY,
    DecodedMessage,
    FrameDecoder,
    FramingError,
    encode_message,
)
from dap_server.wire.sync_stream import set_nodelay

__all__ = [
    "FdReceiveStream",
    "FdSendStream",
    "MessageStream",
    "TcpMessageListener",
    "connect_tcp",
    "detach_stdio",
    "listen_tcp",
    "open_stdio",
]

_RECV_SIZE = 64 * 1024
# What the receive loop treats as "the peer is gone": the stream ended, was closed by us, or
# broke (reset). In every case the caller's answer is the same: end the session.
_EOF_ERRORS = (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError)


class MessageStream:
    """DAP messages over a pair of byte streams.

    `send` is safe from concurrent tasks (a lock keeps each message whole); `receive`
    returns messages and `FramingError`s in stream order, and None at end of stream.
    """

    def __init__(
        self,
        receive_stream: AnyByteReceiveStream,
        send_stream: AnyByteSendStream,
        *,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._receive_stream = receive_stream
        self._send_stream = send_stream
        self._decoder = FrameDecoder(max_body)
        self._pending: list[DecodedMessage | FramingError] = []
        self._send_lock = anyio.Lock()
        self._receive_lock = anyio.Lock()
        self._eof = False
        self._closed = False

    @classmethod
    def from_stream(
        cls, stream: AnyByteStream, *, max_body: int = DEFAULT_MAX_BODY
    ) -> MessageStream:
        """Wraps one bidirectional stream (a socket stream, a stapled pair...)."""
        return cls(stream, stream, max_body=max_body)

    @property
    def receive_stream(self) -> AnyByteReceiveStream:
        return self._receive_stream

    @property
    def send_stream(self) -> AnyByteSendStream:
        return self._send_stream

    async def send(self, msg: dict[str, Any]) -> None:
        """Sends one message; raises anyio.BrokenResourceError/ClosedResourceError when the
        peer is gone."""
        data = encode_message(msg)
        async with self._send_lock:
            await self._send_stream.send(data)

    async def receive(self) -> DecodedMessage | FramingError | None:
        async with self._receive_lock:
            while not self._pending:
                if self._eof:
                    return None
                try:
                    if isinstance(self._receive_stream, ByteReceiveStream):
                        data = await self._receive_stream.receive(_RECV_SIZE)
                    else:
                        data = await self._receive_stream.receive()
                except _EOF_ERRORS:
                    self._eof = True
                    tail = self._decoder.eof()
                    if tail is not None:
                        self._pending.append(tail)
                    continue
                self._pending.extend(self._decoder.feed(data))
            return self._pending.pop(0)

    def __aiter__(self) -> AsyncIterator[DecodedMessage | FramingError]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[DecodedMessage | FramingError]:
        while True:
            item = await self.receive()
            if item is None:
                return
            yield item

    async def aclose(self) -> None:
        """Closes both directions; idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            await self._send_stream.aclose()
        finally:
            if self._receive_stream is not self._send_stream:  # type: ignore[comparison-overlap]
                await self._receive_stream.aclose()

    async def __aenter__(self) -> MessageStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


# -- stdio ------------------------------------------------------------------------------------


class FdReceiveStream(ByteReceiveStream):
    """Reads a file descriptor (a pipe) in a worker thread.

    Threads rather than non-blocking I/O: O_NONBLOCK would be set on the open file
    description, which is shared with whoever else holds the pipe (the editor, children), and
    it works the same on Windows pipes.
    """

    def __init__(self, fd: int, *, close_fd: bool = True) -> None:
        self._fd = fd
        self._close_fd = close_fd
        self._closed = False

    async def receive(self, max_bytes: int = _RECV_SIZE) -> bytes:
        if self._closed:
            raise anyio.ClosedResourceError
        # abandon_on_cancel: a cancelled reader must not wait for the editor's next byte.
        data = await anyio.to_thread.run_sync(os.read, self._fd, max_bytes, abandon_on_cancel=True)
        if not data:
            raise anyio.EndOfStream
        return data

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._close_fd:
            os.close(self._fd)


class FdSendStream(ByteSendStream):
    """Writes a file descriptor (a pipe) in a worker thread, all bytes or an error."""

    def __init__(self, fd: int, *, close_fd: bool = True) -> None:
        self._fd = fd
        self._close_fd = close_fd
        self._closed = False

    async def send(self, item: bytes) -> None:
        if self._closed:
            raise anyio.ClosedResourceError
        try:
            await anyio.to_thread.run_sync(_write_all, self._fd, item)
        except (BrokenPipeError, ConnectionError) as exc:
            raise anyio.BrokenResourceError from exc

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._close_fd:
            os.close(self._fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def detach_stdio() -> tuple[int, int]:
    """Moves the DAP channel off file descriptors 0 and 1; returns (read_fd, write_fd).

    Afterwards fd 0 reads /dev/null and fd 1 is a copy of stderr: anything else that writes
    to stdout (print, logging, C libraries, child processes inheriting it) ends up on stderr
    instead of corrupting the protocol, and nothing else can consume the editor's requests.
    The returned descriptors are not inheritable.
    """
    sys.stdout.flush()
    read_fd = os.dup(0)
    write_fd = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    try:
        os.dup2(devnull, 0)
    finally:
        os.close(devnull)
    os.dup2(2, 1)
    return read_fd, write_fd


def open_stdio(*, detach: bool = True, max_body: int = DEFAULT_MAX_BODY) -> MessageStream:
    """A MessageStream over this process's stdin/stdout (see `detach_stdio`).

    With `detach=False` fds 0 and 1 are used as they are and left open on close: only for
    callers that guarantee nothing else touches them.
    """
    if detach:
        read_fd, write_fd = detach_stdio()
        return MessageStream(FdReceiveStream(read_fd), FdSendStream(write_fd), max_body=max_body)
    return MessageStream(
        FdReceiveStream(0, close_fd=False), FdSendStream(1, close_fd=False), max_body=max_body
    )


# -- TCP --------------------------------------------------------------------------------------


def _nodelay(stream: anyio.abc.SocketStream) -> None:
    set_nodelay(stream.extra(SocketAttribute.raw_socket))


async def connect_tcp(host: str, port: int, *, max_body: int = DEFAULT_MAX_BODY) -> MessageStream:
    """Connects to a DAP peer over TCP with TCP_NODELAY."""
    stream = await anyio.connect_tcp(host, port)
    _nodelay(stream)
    return MessageStream.from_stream(stream, max_body=max_body)


class TcpMessageListener:
    """Accepts DAP connections over TCP; each one gets TCP_NODELAY."""

    def __init__(
        self, listener: anyio.abc.SocketListener, *, max_body: int = DEFAULT_MAX_BODY
    ) -> None:
        self._listener = listener
        self._max_body = max_body

    @property
    def address(self) -> tuple[str, int]:
        name = self._listener.extra(SocketAttribute.local_address)
        assert isinstance(name, tuple)
        return str(name[0]), int(name[1])

    @property
    def port(self) -> int:
        return self.address[1]

    async def accept(self) -> MessageStream:
        """Waits for the next connection (wrap in anyio.fail_after for a deadline)."""
        stream = await self._listener.accept()
        _nodelay(stream)
        return MessageStream.from_stream(stream, max_body=self._max_body)

    async def serve(self, handler: Callable[[MessageStream], Awaitable[None]]) -> None:
        """Runs `handler` for every connection, concurrently, until cancelled."""
        async with anyio.create_task_group() as tg:
            while True:
                stream = await self.accept()
                tg.start_soon(_run_handler, handler, stream)

    async def aclose(self) -> None:
        await self._listener.aclose()

    async def __aenter__(self) -> TcpMessageListener:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


async def _run_handler(
    handler: Callable[[MessageStream], Awaitable[None]], stream: MessageStream
) -> None:
    async with stream:
        await handler(stream)


async def listen_tcp(
    host: str = "127.0.0.1", port: int = 0, *, max_body: int = DEFAULT_MAX_BODY
) -> TcpMessageListener:
    """Listens on one address, loopback by default: a debugger must not be reachable from the
    network unless the user explicitly asks. `host` must be an IP address (a name such as
    "localhost" may resolve to several). Port 0 picks a free port (see `.port`)."""
    if ":" in host:
        multi = await anyio.create_tcp_listener(
            local_host=host, local_port=port, family=socket.AddressFamily.AF_INET6
        )
    else:
        multi = await anyio.create_tcp_listener(
            local_host=host, local_port=port, family=socket.AddressFamily.AF_INET
        )
    if len(multi.listeners) != 1:
        await multi.aclose()
        raise ValueError(f"{host!r} resolves to several addresses; pass one IP address")
    listener = multi.listeners[0]
    assert isinstance(listener, anyio.abc.SocketListener)
    set_nodelay(listener.extra(SocketAttribute.raw_socket))
    return TcpMessageListener(listener, max_body=max_body)
