"""Validates DAP messages against Microsoft's official JSON schema.

The schema is the debugProtocol.json shipped inside the installed debugpy package (a dev
dependency), never fetched from the web, so the tests run offline and reproducibly.

    from tests.support.schema import assert_valid_message
    assert_valid_message(message)   # on every message the project sends

Each message is checked against its own definition: `<Command>Request`, `<Command>Response`
(`ErrorResponse` when `success` is false), `<Event>Event`; messages outside the protocol
(custom commands or events) against the base `Request`/`Response`/`Event`.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from referencing import Registry
from referencing.jsonschema import DRAFT4

__all__ = [
    "assert_valid_message",
    "definition_for",
    "load_schema",
    "message_problems",
    "schema_path",
]

_SCHEMA_IN_DEBUGPY = "_vendored/pydevd/_pydevd_bundle/_debug_adapter/debugProtocol.json"
# The base URI the schema is registered under; its internal "#/definitions/X" refs resolve
# against it.
_BASE_URI = "urn:dap:debugProtocol.json"


def schema_path() -> Path:
    spec = importlib.util.find_spec("debugpy")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("debugpy is not installed: it ships the DAP schema the tests use")
    path = Path(next(iter(spec.submodule_search_locations))) / _SCHEMA_IN_DEBUGPY
    if not path.is_file():
        raise RuntimeError(f"DAP schema not found at {path}")
    return path


@functools.cache
def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path().read_text(encoding="utf-8"))
    return schema


@functools.cache
def _registry() -> Registry[Any]:
    registry: Registry[Any] = Registry().with_resource(
        _BASE_URI, DRAFT4.create_resource(load_schema())
    )
    return registry


@functools.cache
def _validator(definition: str) -> Any:
    return jsonschema.Draft4Validator(
        {"$ref": f"{_BASE_URI}#/definitions/{definition}"}, registry=_registry()
    )


def _capitalised(name: str) -> str:
    return name[:1].upper() + name[1:]


def definition_for(msg: dict[str, Any]) -> str:
    """The schema definition `msg` must satisfy, e.g. 'SetBreakpointsResponse'."""
    definitions = load_schema()["definitions"]
    kind = msg.get("type")
    if kind == "request":
        name = f"{_capitalised(str(msg.get('command', '')))}Request"
        return name if name in definitions else "Request"
    if kind == "response":
        if msg.get("success") is False:
            return "ErrorResponse"
        name = f"{_capitalised(str(msg.get('command', '')))}Response"
        return name if name in definitions else "Response"
    if kind == "event":
        name = f"{_capitalised(str(msg.get('event', '')))}Event"
        return name if name in definitions else "Event"
    # Not a request, response or event: the base definition reports what is wrong.
    return "ProtocolMessage"


def message_problems(msg: dict[str, Any]) -> list[str]:
    """Every schema violation in `msg`, as 'path: problem' lines (empty when valid)."""
    definition = definition_for(msg)
    problems = []
    for error in sorted(_validator(definition).iter_errors(msg), key=lambda e: list(e.path)):
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        problems.append(f"{definition}{path or ' (message)'}: {error.message}")
    if definition == "ProtocolMessage" and not problems:
        problems.append(f"ProtocolMessage: unknown message type {msg.get('type')!r}")
    return problems


def assert_valid_message(msg: dict[str, Any]) -> None:
    """Fails the test with every violation listed when `msg` does not match the schema."""
    problems = message_problems(msg)
    if problems:
        shown = json.dumps(msg, ensure_ascii=False)
        if len(shown) > 2000:
            shown = shown[:2000] + "..."
        raise AssertionError(
            "DAP message does not match the schema:\n  "
            + "\n  ".join(problems)
            + f"\nmessage: {shown}"
        )
