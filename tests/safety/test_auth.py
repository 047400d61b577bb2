"""Tokens, peer identity, bind addresses, owner-only Unix sockets."""

from __future__ import annotations

import os
import socket
import stat
import sys
from pathlib import Path

import pytest

from dap_server.auth import (
    BindAddressError,
    check_bind_address,
    check_token,
    create_unix_listener,
    generate_token,
    is_loopback_host,
    peer_uid,
    read_token_file,
    tcp_peer_uid,
    write_token_file,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


def test_tokens_are_random_and_long() -> None:
    tokens = {generate_token() for _ in range(100)}
    assert len(tokens) == 100
    assert all(len(t) >= 43 for t in tokens)


def test_check_token() -> None:
    token = generate_token()
    assert check_token(token, token)
    assert not check_token(token[:-1] + ("A" if token[-1] != "A" else "B"), token)
    assert not check_token(None, token)
    assert not check_token("", "")  # an empty expected token never opens the door
    assert not check_token("é", token)


def test_token_file_is_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "token"
    token = write_token_file(str(path))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert read_token_file(str(path)) == token
    assert write_token_file(str(path), "fixed") == "fixed"
    assert read_token_file(str(path)) == "fixed"
    assert [p.name for p in tmp_path.iterdir()] == ["token"]  # no temporary left behind


def test_token_file_replaces_a_planted_symlink(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    path = tmp_path / "token"
    path.symlink_to(victim)
    write_token_file(str(path))
    assert victim.read_text() == "untouched"
    assert not path.is_symlink()


def test_readable_token_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "token"
    write_token_file(str(path))
    path.chmod(0o644)
    with pytest.raises(PermissionError, match="readable by others"):
        read_token_file(str(path))


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("example.com", False),
    ],
)
def test_is_loopback_host(host: str, expected: bool) -> None:
    assert is_loopback_host(host) is expected


def test_check_bind_address() -> None:
    check_bind_address("127.0.0.1", allow_remote=False)
    check_bind_address("::1", allow_remote=False)
    check_bind_address("0.0.0.0", allow_remote=True)
    with pytest.raises(BindAddressError) as info:
        check_bind_address("0.0.0.0", allow_remote=False)
    message = str(info.value)
    assert message.startswith("refusing to listen on '0.0.0.0': other machines could connect")
    assert "--allow-remote" in message and "127.0.0.1" in message
    with pytest.raises(BindAddressError, match="refusing to listen on 'all interfaces'"):
        check_bind_address("", allow_remote=False)
    with pytest.raises(BindAddressError):
        check_bind_address("10.0.0.5", allow_remote=False)


def _connected_pair(
    family: socket.AddressFamily, host: str
) -> tuple[socket.socket, socket.socket, socket.socket]:
    listener = socket.socket(family)
    listener.bind((host, 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname()[:2])
    server_side, _ = listener.accept()
    return listener, client, server_side


@linux_only
@pytest.mark.parametrize(
    ("family", "host"), [(socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")]
)
def test_tcp_peer_uid_is_our_uid(family: socket.AddressFamily, host: str) -> None:
    if family == socket.AF_INET6 and not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        listener, client, server_side = _connected_pair(family, host)
    except OSError:
        pytest.skip(f"cannot listen on {host}")
    try:
        assert tcp_peer_uid(server_side) == os.getuid()
        assert tcp_peer_uid(client) == os.getuid()  # works from either end
        assert peer_uid(server_side) == os.getuid()
    finally:
        for s in (listener, client, server_side):
            s.close()


@linux_only
def test_tcp_peer_uid_ipv4_client_on_dual_stack_listener() -> None:
    listener = socket.socket(socket.AF_INET6)
    try:
        listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listener.bind(("::", 0))
    except OSError:
        listener.close()
        pytest.skip("no dual-stack IPv6")
    listener.listen()
    client = socket.create_connection(("127.0.0.1", listener.getsockname()[1]))
    server_side, _ = listener.accept()
    try:
        assert tcp_peer_uid(server_side) == os.getuid()  # ::ffff:127.0.0.1 matched in /proc/net/tcp
    finally:
        for s in (listener, client, server_side):
            s.close()


def test_unix_listener_is_owner_only() -> None:
    listener, path = create_unix_listener()
    try:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
        client = socket.socket(socket.AF_UNIX)
        client.connect(path)
        server_side, _ = listener.accept()
        if sys.platform.startswith("linux"):
            assert peer_uid(server_side) == os.getuid()
        client.close()
        server_side.close()
    finally:
        listener.close()
        os.unlink(path)
        os.rmdir(os.path.dirname(path))


def test_unix_listener_refuses_shared_directories(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(PermissionError, match="must belong to you and be closed to others"):
        create_unix_listener(str(shared / "s.sock"))
    with pytest.raises(ValueError, match="abstract"):
        create_unix_listener("\0abstract")


def test_unix_listener_in_a_private_directory(tmp_path: Path) -> None:
    private = tmp_path / "private"
    path = str(private / "s.sock")
    listener, got = create_unix_listener(path)
    listener.close()
    assert got == path
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o700
    listener, _ = create_unix_listener(path)  # a stale socket of ours is replaced
    listener.close()
