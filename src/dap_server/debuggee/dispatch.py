"""One table from DAP command to handler, which also yields the advertised capabilities.

Each handler declares, where it is registered, what the dispatcher needs to know about it:
whether it may run while the program runs, whether it is run control (which cancels inspection
still in flight), and which `Capabilities` flags it makes true. `initialize` answers with
`capabilities()`, so what is advertised can never drift from what is implemented.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Args = dict[str, Any]
Body = dict[str, Any] | None
Kind = Literal["control", "inspection", "config"]


class RequestError(Exception):
    """A request that cannot be served; its message goes to the client as is."""


class Cancelled(RequestError):
    """Raised in a request's handler once the request was cancelled (and answered)."""

    def __init__(self) -> None:
        super().__init__("cancelled")


@dataclass(eq=False)  # hashed by identity: kept in a set of requests in flight
class CancelToken:
    _event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class Request:
    seq: int
    command: str
    arguments: Args
    cancel: CancelToken


Handler = Callable[[Any, Request], Body]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    kind: Kind
    # True when the request needs a stopped thread (stackTrace, variables...).
    needs_stop: bool
    capabilities: tuple[str, ...]


class CommandTable:
    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}
        self._extra_capabilities: dict[str, Any] = {}

    def command(
        self,
        name: str,
        *,
        kind: Kind = "config",
        needs_stop: bool = False,
        capabilities: Iterable[str] = (),
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            if name in self._commands:
                raise ValueError(f"command {name!r} registered twice")
            self._commands[name] = Command(name, fn, kind, needs_stop, tuple(capabilities))
            return fn

        return register

    def advertise(self, **values: Any) -> None:
        """Capabilities that are data rather than a flag per command (exception filters...)."""
        self._extra_capabilities.update(values)

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def names(self) -> list[str]:
        return sorted(self._commands)

    def capabilities(self) -> dict[str, Any]:
        caps: dict[str, Any] = {}
        for cmd in self._commands.values():
            for flag in cmd.capabilities:
                caps[flag] = True
        caps.update(self._extra_capabilities)
        return caps


def arg(
    args: Args, path: str, kind: type | tuple[type, ...], *, command: str, default: Any = ...
) -> Any:
    """Read `args[path]` (dotted path) checking its type; a clear error names the field."""
    current: Any = args
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current or current[part] is None:
            if default is not ...:
                return default
            raise RequestError(f"{command}: arguments.{path} is required")
        current = current[part]
    # bool is an int subclass; never accept it where a number is meant.
    if isinstance(current, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise RequestError(f"{command}: arguments.{path} must be {_kind_name(kind)}, not a boolean")
    if not isinstance(current, kind):
        raise RequestError(
            f"{command}: arguments.{path} must be {_kind_name(kind)}, not {type(current).__name__}"
        )
    return current


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        int: "an integer",
        str: "a string",
        bool: "a boolean",
        list: "an array",
        dict: "an object",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
