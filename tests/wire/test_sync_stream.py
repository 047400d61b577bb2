"""MessageSocket over real loopback sockets."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from dap_server.wire.framing import ErrorKind, FramingError
from dap_server.wire.sync_stream import MessageSocket, connect_tcp, listen_tcp

TIMEOUT = 10.0


@pytest.fixture
def pair() -> Iterator[tuple[MessageSocket, MessageSocket]]:
    with listen_tcp() as listener:
        client = connect_tcp(*listener.address, timeout=TIMEOUT)
        server, _peer = listener.accept(timeout=TIMEOUT)
    with client, server:
        yield client, server


def nodelay(sock: socket.socket) -> bool:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0


def test_listener_defaults_to_loopback_and_every_socket_has_nodelay() -> None:
    with listen_tcp() as listener:
        host, port = listener.address
        assert host == "127.0.0.1" and port > 0
        client = connect_tcp(host, port, timeout=TIMEOUT)
        server, peer = listener.accept(timeout=TIMEOUT)
        with client, server:
            assert peer[0] == "127.0.0.1"
            assert nodelay(client.socket) and nodelay(server.socket)


def test_round_trip_in_both_directions(pair: tuple[MessageSocket, MessageSocket]) -> None:
    client, server = pair
    client.send({"seq": 1, "type": "request", "command": "threads"})
    assert server.receive(TIMEOUT) == {"seq": 1, "type": "request", "command": "threads"}
    server.send(
        {"seq": 1, "type": "response", "request_seq": 1, "success": True, "command": "threads"}
    )
    reply = client.receive(TIMEOUT)
    assert isinstance(reply, dict) and reply["request_seq"] == 1


def test_concurrent_senders_never_interleave(pair: tuple[MessageSocket, MessageSocket]) -> None:
    client, server = pair
    per_thread, threads = 50, 4
    payload = "x" * 20_000  # bigger than one send() so interleaving would show

    def worker(t: int) -> None:
        for i in range(per_thread):
            client.send(
                {
                    "seq": t * 1000 + i,
                    "type": "event",
                    "event": "output",
                    "body": {"output": payload},
                }
            )

    workers = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    seen = []
    for _ in range(per_thread * threads):
        msg = server.receive(TIMEOUT)
        assert isinstance(msg, dict) and msg["body"]["output"] == payload
        seen.append(msg["seq"])
    for w in workers:
        w.join(TIMEOUT)
    assert sorted(seen) == sorted(t * 1000 + i for t in range(threads) for i in range(per_thread))
    # Each sender's own messages arrive in its order.
    for t in range(threads):
        mine = [s for s in seen if s // 1000 == t]
        assert mine == sorted(mine)


def test_receive_returns_none_at_eof(pair: tuple[MessageSocket, MessageSocket]) -> None:
    client, server = pair
    client.send({"seq": 1, "type": "event", "event": "initialized"})
    client.close()
    assert server.receive(TIMEOUT) == {"seq": 1, "type": "event", "event": "initialized"}
    assert server.receive(TIMEOUT) is None
    assert server.receive(TIMEOUT) is None


def test_close_from_another_thread_wakes_a_blocked_receive(
    pair: tuple[MessageSocket, MessageSocket],
) -> None:
    _client, server = pair
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(server.receive()))
    reader.start()
    server.close()
    reader.join(TIMEOUT)
    assert not reader.is_alive() and result == [None]
    with pytest.raises(OSError):
        server.send({"seq": 1, "type": "event", "event": "x"})


def test_receive_timeout(pair: tuple[MessageSocket, MessageSocket]) -> None:
    client, server = pair
    with pytest.raises(TimeoutError):
        server.receive(0.05)
    client.send({"seq": 2, "type": "event", "event": "x"})
    assert server.receive(TIMEOUT) == {"seq": 2, "type": "event", "event": "x"}


def test_framing_errors_are_returned_and_the_stream_goes_on(
    pair: tuple[MessageSocket, MessageSocket],
) -> None:
    client, server = pair
    client.socket.sendall(b'Content-Length: 9\r\n\r\n{"seq":4,')
    client.send({"seq": 5, "type": "request", "command": "threads"})
    err = server.receive(TIMEOUT)
    assert isinstance(err, FramingError) and err.kind is ErrorKind.JSON and err.seq == 4
    assert server.receive(TIMEOUT) == {"seq": 5, "type": "request", "command": "threads"}


def test_truncated_message_at_eof(pair: tuple[MessageSocket, MessageSocket]) -> None:
    client, server = pair
    client.socket.sendall(b'Content-Length: 50\r\n\r\n{"seq":6,"type":"request"')
    client.close()
    err = server.receive(TIMEOUT)
    assert isinstance(err, FramingError) and err.kind is ErrorKind.TRUNCATED and err.seq == 6
    assert server.receive(TIMEOUT) is None


def test_accept_timeout() -> None:
    with listen_tcp() as listener, pytest.raises(TimeoutError):
        listener.accept(timeout=0.05)
