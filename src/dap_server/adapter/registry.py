"""The adapter's own requests: one table from command to handler, which with the debuggee's
table yields the capabilities `initialize` advertises. The handlers are in `commands.py`, which
the package imports so that the table is always complete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dap_server.debuggee.commands import TABLE as DEBUGGEE_TABLE

if TYPE_CHECKING:
    from dap_server.adapter.session import AdapterSession

AdapterHandler = Callable[
    ["AdapterSession", dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any] | None]
]


@dataclass(frozen=True)
class AdapterCommand:
    handler: AdapterHandler
    capabilities: tuple[str, ...] = ()


ADAPTER_COMMANDS: dict[str, AdapterCommand] = {}


def adapter_command(name: str, *capabilities: str) -> Callable[[AdapterHandler], AdapterHandler]:
    def register(fn: AdapterHandler) -> AdapterHandler:
        ADAPTER_COMMANDS[name] = AdapterCommand(fn, capabilities)
        return fn

    return register


def capabilities() -> dict[str, Any]:
    """What `initialize` advertises: the debuggee's table plus the adapter's own commands."""
    caps = DEBUGGEE_TABLE.capabilities()
    for cmd in ADAPTER_COMMANDS.values():
        for flag in cmd.capabilities:
            caps[flag] = True
    return caps
