"""Who may talk to a listening debuggee: the access-token gate in front of the dispatch table.

A listener (`dap-server --listen`, `dap_server.listen()`, a child process waiting for its
editor) accepts TCP connections from anyone who can reach the port, and a debugger connection
can run any code in the program. So until the client presents the listener's token, as
`token` in the `initialize` arguments or in the `attach` arguments, every request except
`initialize` is refused with a message saying how to present it.

The listener (`bootstrap.Listener`) runs the gate itself while a connection has not presented
the token, before the connection is given the session, so that a client that never does cannot
hold the listener's one place; a wrong token (`WrongToken`) closes the connection.

`GatedTable` wraps the session's `CommandTable` for one connection: `Connection` only calls
`get()` (and `capabilities()` through `initialize`), so the gate needs no change to the
dispatcher. One gate per connection: a new client starts locked again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, NoReturn

from dap_server.auth import check_token
from dap_server.debuggee.dispatch import Body, Command, CommandTable, Request, RequestError

HOW = (
    "present the access token printed by the listener (or written to its --token-file) "
    "as 'token' in the attach arguments (launch.json) or in the initialize arguments"
)


class WrongToken(RequestError):
    """A token was presented and is not the listener's: the connection is closed after the
    error, rather than left open for guessing."""


class AccessGate:
    """The state of one connection: locked until the right token is seen.

    `on_decision(request, outcome)` is told every grant ("ok") and every refusal
    ("refused: ..."), for the audit log.
    """

    def __init__(
        self,
        expected: str | None,
        on_decision: Callable[[Request, str], None] | None = None,
    ) -> None:
        # None means `--no-token`: the user explicitly turned the check off.
        self.expected = expected
        self.granted = expected is None
        self._on_decision = on_decision

    def admit(self, request: Request) -> None:
        """Raises RequestError when `request` may not run (yet)."""
        if self.granted:
            return
        given = request.arguments.get("token")
        assert self.expected is not None
        if request.command in ("initialize", "attach") and given is not None:
            if check_token(given, self.expected):
                self.granted = True
                self._tell(request, "ok")
                return
            self._refuse(request, f"{request.command}: wrong access token; {HOW}", WrongToken)
        if request.command == "initialize":
            return  # the token may still come with attach
        self._refuse(
            request,
            f"{request.command}: not authorized: this debuggee requires an access token; {HOW}",
        )

    def _refuse(
        self, request: Request, message: str, error: type[RequestError] = RequestError
    ) -> NoReturn:
        self._tell(request, f"refused: {message}")
        raise error(message)

    def _tell(self, request: Request, outcome: str) -> None:
        if self._on_decision is not None:
            self._on_decision(request, outcome)


class GatedTable(CommandTable):
    """A `CommandTable` seen through an `AccessGate`, plus hooks run after a command succeeded
    (the listener's own state: a client configured, a client left)."""

    def __init__(
        self,
        table: CommandTable,
        gate: AccessGate,
        after: dict[str, Callable[[Request], None]] | None = None,
    ) -> None:
        super().__init__()
        self._table = table
        self.gate = gate
        self._after = after or {}
        self._wrapped: dict[str, Command] = {}

    def get(self, name: str) -> Command | None:
        entry = self._wrapped.get(name)
        if entry is not None:
            return entry
        inner = self._table.get(name)
        if inner is None:
            return None
        gate = self.gate
        hook = self._after.get(name)
        handler = inner.handler

        def gated(session: Any, request: Request) -> Body:
            gate.admit(request)
            body = handler(session, request)
            if hook is not None:
                hook(request)
            return body

        entry = dataclasses.replace(inner, handler=gated)
        self._wrapped[name] = entry
        return entry

    def names(self) -> list[str]:
        return self._table.names()

    def capabilities(self) -> dict[str, Any]:
        return self._table.capabilities()
