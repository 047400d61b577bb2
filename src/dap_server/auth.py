"""Who may connect: access tokens, peer checks, bind-address checks, owner-only Unix sockets.

Standard library only: used by the adapter and inside the debuggee.

* Every TCP and Unix-socket listener gets a token (`generate_token`), given to the user printed or
  in a file only they can read (`write_token_file`), and checked in constant time
  (`check_token`) on the first request.
* On Linux the peer's user is checked too: `SO_PEERCRED` for Unix sockets, and for TCP loopback
  the owner of the peer socket found in /proc/net/tcp{,6} (`tcp_peer_uid`). Elsewhere the peer
  is unknown (None) and the token is the only check.
* Listeners bind loopback unless explicitly allowed otherwise (`check_bind_address`).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import secrets
import socket
import stat
import struct
import sys
import tempfile

__all__ = [
    "BindAddressError",
    "check_bind_address",
    "check_token",
    "create_unix_listener",
    "generate_token",
    "is_loopback_host",
    "peer_uid",
    "read_token_file",
    "tcp_peer_uid",
    "write_token_file",
]

TOKEN_BYTES = 32


def generate_token() -> str:
    """A fresh URL-safe token with 256 bits of entropy."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def check_token(given: str | None, expected: str) -> bool:
    """Constant-time comparison; an empty expected token never matches (fail closed)."""
    if not expected or not isinstance(given, str):
        return False
    # surrogatepass: JSON can carry a lone surrogate ("\ud800"), which strict UTF-8 refuses.
    return hmac.compare_digest(
        given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass")
    )


def write_token_file(path: str, token: str | None = None) -> str:
    """Write `token` (a new one if None) to `path`, readable by its owner only; returns it.

    The file is written under a temporary name created with O_EXCL and mode 0o600 in the same
    directory, then renamed over `path`: nobody can open it before its mode is set, and a
    symlink planted at `path` is replaced, not followed.
    """
    token = token if token is not None else generate_token()
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".token-", dir=directory)  # O_EXCL, mode 0o600
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (token + "\n").encode("ascii"))
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return token


def read_token_file(path: str) -> str:
    """Read a token file, refusing one that others can read or that another user owns."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        info = os.fstat(fd)
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PermissionError(f"token file {path!r} belongs to another user")
        if info.st_mode & 0o077:
            raise PermissionError(
                f"token file {path!r} is readable by others (mode {stat.S_IMODE(info.st_mode):o}); "
                "it must be 0600"
            )
        return os.read(fd, 4096).decode("ascii").strip()
    finally:
        os.close(fd)


# -- addresses ---------------------------------------------------------------------------------


class BindAddressError(ValueError):
    """A listener address that would accept connections from other machines, not opted in."""


def _strip_brackets(host: str) -> str:
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def is_loopback_host(host: str) -> bool:
    """True for "localhost", 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.0.0.1)."""
    host = _strip_brackets(host.strip())
    if host.lower() in ("localhost", "localhost.", "ip6-localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_bind_address(host: str, allow_remote: bool, *, flag: str = "--allow-remote") -> None:
    """Refuse a non-loopback listen address unless `allow_remote`.

    "" and "0.0.0.0"/"::" listen on every interface; any other non-loopback name or address is
    reachable from elsewhere too.
    """
    if allow_remote or (host and is_loopback_host(host)):
        return
    shown = host if host else "all interfaces"
    raise BindAddressError(
        f"refusing to listen on {shown!r}: other machines could connect, and a debugger "
        f"connection can run any code in the program. Listen on 127.0.0.1 (the default), or pass "
        f'{flag} (launch option "allowRemote": true) if you really mean it, keep the access '
        "token on, and prefer an SSH tunnel."
    )


# -- peers -------------------------------------------------------------------------------------


def peer_uid(sock: socket.socket) -> int | None:
    """The user id of the process at the other end of `sock`, or None when it cannot be known."""
    if sock.family == getattr(socket, "AF_UNIX", None):
        so_peercred = getattr(socket, "SO_PEERCRED", None)
        if so_peercred is None:
            return None
        try:
            creds = sock.getsockopt(socket.SOL_SOCKET, so_peercred, struct.calcsize("3i"))
        except OSError:
            return None
        _pid, uid, _gid = struct.unpack("3i", creds)
        return int(uid)
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        return tcp_peer_uid(sock)
    return None


def _normalize(host: str, port: int) -> tuple[str, int]:
    address = ipaddress.ip_address(host.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address), port


def _parse_proc_address(text: str) -> tuple[str, int]:
    """/proc/net/tcp{,6} "HEXADDR:HEXPORT": the address is the kernel's in-memory bytes printed
    32 bits at a time in host order, the port a plain number."""
    hex_address, hex_port = text.split(":")
    raw = bytes.fromhex(hex_address)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return _normalize(str(ipaddress.ip_address(raw)), int(hex_port, 16))


def tcp_peer_uid(sock: socket.socket) -> int | None:
    """Linux: the uid owning the other end of a loopback TCP connection, from /proc/net/tcp{,6}.

    The peer socket is the entry whose local address is our remote one and whose remote address
    is our local one. None when not on Linux, not loopback, or the peer is gone.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        local = sock.getsockname()
        remote = sock.getpeername()
    except OSError:
        return None
    if not is_loopback_host(remote[0]):
        return None  # the peer is on another machine (or its socket is not ours to see)
    want_local = _normalize(remote[0], remote[1])
    want_remote = _normalize(local[0], local[1])
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f, None)  # header
                for line in f:
                    fields = line.split()
                    if len(fields) < 8:
                        continue
                    try:
                        entry_local = _parse_proc_address(fields[1])
                        entry_remote = _parse_proc_address(fields[2])
                    except ValueError:
                        continue
                    if entry_local == want_local and entry_remote == want_remote:
                        return int(fields[7])
        except OSError:
            continue
    return None


# -- Unix sockets ------------------------------------------------------------------------------


def create_unix_listener(path: str | None = None, *, backlog: int = 1) -> tuple[socket.socket, str]:
    """A listening Unix socket only its owner can reach; returns (socket, path).

    With no path, a fresh 0o700 directory is made for it. With a path, its directory must exist
    (it is created 0o700 if missing) and be owned by us and closed to others: a socket in a
    shared directory could be raced or replaced. The socket file is chmod 0o600 as well.
    Abstract-namespace names (leading NUL) are refused: they have no permissions at all.
    """
    if path is None:
        directory = tempfile.mkdtemp(prefix="dap-server-")  # mode 0o700
        path = os.path.join(directory, "debug.sock")
    else:
        if path.startswith("\0"):
            raise ValueError("abstract Unix sockets have no access control; use a filesystem path")
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            os.makedirs(directory, mode=0o700)
        info = os.stat(directory)
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            raise PermissionError(
                f"the socket's directory {directory!r} must belong to you and be closed to others "
                f"(mode 700); it is mode {stat.S_IMODE(info.st_mode):o}"
            )
        try:
            existing = os.lstat(path)
        except FileNotFoundError:
            pass
        else:
            if stat.S_ISSOCK(existing.st_mode) and existing.st_uid == os.getuid():
                os.unlink(path)  # a stale socket from an earlier run
            else:
                raise FileExistsError(f"{path!r} exists and is not a stale socket of yours")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(path)
        os.chmod(path, 0o600)
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    return sock, path
