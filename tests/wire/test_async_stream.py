"""MessageStream over anyio memory streams, pipes and TCP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import anyio
import pytest
from anyio.abc import SocketAttribute
from anyio.streams.stapled import StapledObjectStream

from dap_server.wire.async_stream import (
    FdReceiveStream,
    FdSendStream,
    MessageStream,
    connect_tcp,
    listen_tcp,
)
from dap_server.wire.framing import ErrorKind, FrameDecoder, FramingError, encode_message

pytestmark = pytest.mark.anyio
TIMEOUT = 10.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def memory_pair() -> tuple[MessageStream, MessageStream]:
    a_send, b_receive = anyio.create_memory_object_stream[bytes](100)
    b_send, a_receive = anyio.create_memory_object_stream[bytes](100)
    a = MessageStream.from_stream(StapledObjectStream(a_send, a_receive))
    b = MessageStream(b_receive, b_send)
    return a, b


async def test_round_trip_over_memory_streams() -> None:
    a, b = memory_pair()
    with anyio.fail_after(TIMEOUT):
        await a.send({"seq": 1, "type": "request", "command": "threads"})
        assert await b.receive() == {"seq": 1, "type": "request", "command": "threads"}
        await b.send({"seq": 1, "type": "event", "event": "initialized"})
        assert await a.receive() == {"seq": 1, "type": "event", "event": "initialized"}


async def test_chunks_split_anywhere_and_framing_errors_in_order() -> None:
    send, receive = anyio.create_memory_object_stream[bytes](100)
    stream = MessageStream(receive, anyio.create_memory_object_stream[bytes](1)[0])
    data = (
        encode_message({"seq": 1, "type": "event", "event": "a"})
        + b"Content-Length: 3\r\n\r\n[1]"
        + encode_message({"seq": 2, "type": "event", "event": "b"})
    )
    async with send:
        for i in range(0, len(data), 7):
            await send.send(data[i : i + 7])
    with anyio.fail_after(TIMEOUT):
        items = [item async for item in stream]
    assert items[0] == {"seq": 1, "type": "event", "event": "a"}
    assert isinstance(items[1], FramingError) and items[1].kind is ErrorKind.NOT_OBJECT
    assert items[2] == {"seq": 2, "type": "event", "event": "b"}
    assert len(items) == 3
    assert await stream.receive() is None


async def test_concurrent_sends_stay_whole() -> None:
    a, b = memory_pair()
    raw_receive = b.receive_stream

    async def sender(n: int) -> None:
        for i in range(20):
            await a.send({"seq": n * 100 + i, "type": "event", "event": "output"})

    with anyio.fail_after(TIMEOUT):
        async with anyio.create_task_group() as tg:
            for n in range(3):
                tg.start_soon(sender, n)
        decoder = FrameDecoder()
        got: list[object] = []
        while len(got) < 60:
            got += decoder.feed(await raw_receive.receive())
    assert all(isinstance(m, dict) for m in got)


async def test_eof_reports_a_truncated_message() -> None:
    send, receive = anyio.create_memory_object_stream[bytes](10)
    stream = MessageStream(receive, anyio.create_memory_object_stream[bytes](1)[0])
    async with send:
        await send.send(b'Content-Length: 40\r\n\r\n{"seq": 3, "type": "request"')
    with anyio.fail_after(TIMEOUT):
        err = await stream.receive()
        assert isinstance(err, FramingError) and err.kind is ErrorKind.TRUNCATED and err.seq == 3
        assert await stream.receive() is None


async def test_pipes_through_fd_streams() -> None:
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    a = MessageStream(FdReceiveStream(r1), FdSendStream(w2))
    b = MessageStream(FdReceiveStream(r2), FdSendStream(w1))
    with anyio.fail_after(TIMEOUT):
        await b.send(
            {"seq": 1, "type": "request", "command": "initialize", "arguments": {"adapterID": "x"}}
        )
        assert await a.receive() == {
            "seq": 1,
            "type": "request",
            "command": "initialize",
            "arguments": {"adapterID": "x"},
        }
        await b.aclose()
        assert await a.receive() is None
    await a.aclose()


async def test_tcp_listener_is_loopback_and_sets_nodelay() -> None:
    with anyio.fail_after(TIMEOUT):
        async with await listen_tcp() as listener:
            host, port = listener.address
            assert host == "127.0.0.1" and port > 0
            client = await connect_tcp(host, port)
            server = await listener.accept()
            async with client, server:
                for stream in (client, server):
                    sock = stream.send_stream.extra(SocketAttribute.raw_socket)
                    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
                await client.send({"seq": 1, "type": "request", "command": "threads"})
                assert await server.receive() == {"seq": 1, "type": "request", "command": "threads"}
                await client.aclose()
                assert await server.receive() is None


def test_stdio_carries_only_dap_bytes() -> None:
    # A child adapter that prints and writes to fd 1 behind the protocol's back: the editor's
    # side of stdout must still hold nothing but DAP frames.
    script = textwrap.dedent(
        """
        import os, anyio
        from dap_server.wire.async_stream import open_stdio

        async def main():
            stream = open_stdio()
            print("stray print")
            os.write(1, b"stray write\\n")
            request = await stream.receive()
            await stream.send({"seq": 1, "type": "response", "request_seq": request["seq"],
                               "success": True, "command": request["command"]})
            await stream.aclose()

        anyio.run(main)
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        input=encode_message({"seq": 7, "type": "request", "command": "threads"}),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert FrameDecoder().feed(proc.stdout) == [
        {"seq": 1, "type": "response", "request_seq": 7, "success": True, "command": "threads"}
    ]
    assert b"stray print" in proc.stderr and b"stray write" in proc.stderr
