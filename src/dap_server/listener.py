"""Debugging a program from inside it: `listen`, `wait_for_client`, `breakpoint`.

    import dap_server
    dap_server.listen(5678)          # prints the address and the access token on stderr
    dap_server.wait_for_client()     # optional: block until an editor has attached
    dap_server.breakpoint()          # stop here when an editor is attached

An editor attaches with `attach` + `connect: {host, port}` and `token` (through `dap-server`)
or straight to the port (nvim-dap's `server` adapter type). Standard library only: importing
this module does not import pydantic or anyio.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dap_server.debuggee.bootstrap import Listener

__all__ = ["Endpoint", "breakpoint", "is_client_connected", "listen", "wait_for_client"]


class Endpoint(tuple[str, int]):
    """`(host, port)` the listener is bound to; `.token` is the access token (None if off)."""

    token: str | None

    def __new__(cls, host: str, port: int, token: str | None) -> Endpoint:
        self = super().__new__(cls, (host, port))
        self.token = token
        return self

    @property
    def host(self) -> str:
        return self[0]

    @property
    def port(self) -> int:
        return self[1]


def listen(
    address: int | tuple[str, int] | str = ("127.0.0.1", 0),
    *,
    allow_remote: bool = False,
    token: str | None = None,
    token_file: str | None = None,
    no_token: bool = False,
    quiet: bool = False,
    audit_log: str | None = None,
    auth_timeout: float | None = None,
) -> Endpoint:
    """Starts a DAP listener in this process (once: later calls return the same endpoint).

    `address` is a port, `(host, port)` or `"[host:]port"`; the host is loopback unless given.
    A non-loopback host needs `allow_remote=True` (raises `dap_server.auth.BindAddressError`
    otherwise). A fresh access token is made unless `token` is given or `no_token=True`; it is
    printed on stderr unless `quiet`, and written owner-only to `token_file` when given.
    With `audit_log` (a path), connections accepted and refused and every client's operations
    are appended to that file (created 0600) as JSON lines. A connection that has not
    presented the token `auth_timeout` seconds (default 10) after connecting is closed, so a
    stranger that connects and waits cannot keep you out.
    """
    from dap_server.debuggee import bootstrap
    from dap_server.debuggee.runner import announce_listener, parse_address

    existing = bootstrap.current_listener()
    if existing is not None and not existing.closed:
        return Endpoint(*existing.address, existing.token)
    if isinstance(address, int):
        host, port = "127.0.0.1", address
    elif isinstance(address, str):
        host, port = parse_address(address)
    else:
        host, port = address
    listener = bootstrap.listen(
        host,
        port,
        token=token,
        no_token=no_token,
        token_file=token_file,
        allow_remote=allow_remote,
        audit_log=audit_log,
        auth_timeout=bootstrap.AUTH_TIMEOUT if auth_timeout is None else auth_timeout,
    )
    if not quiet:
        announce_listener(listener.address, listener.token, token_file)
    return Endpoint(*listener.address, listener.token)


def wait_for_client(timeout: float | None = None) -> bool:
    """Blocks until a client has attached and finished configuring (its breakpoints are set).

    Returns False when `timeout` seconds pass first. Requires `listen()` first.
    """
    listener = _listener("wait_for_client")
    return listener.configured.wait(timeout)


def is_client_connected() -> bool:
    from dap_server.debuggee import bootstrap

    listener = bootstrap.current_listener()
    return listener is not None and listener.configured.is_set()


def breakpoint() -> None:
    """Stops the calling thread at the caller's next line when a client is attached; does
    nothing otherwise (so it is safe to leave in code that sometimes runs undebugged)."""
    from dap_server.debuggee import bootstrap

    listener = bootstrap.current_listener()
    if listener is None or not listener.configured.is_set():
        return
    listener.host.debugger.pause(threading.get_native_id(), reason="breakpoint")


def _listener(what: str) -> Listener:
    from dap_server.debuggee import bootstrap

    listener = bootstrap.current_listener()
    if listener is None:
        raise RuntimeError(f"dap_server.{what}() needs dap_server.listen() first")
    return listener
