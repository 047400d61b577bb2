"""What `initialize` advertises is what the dispatch tables implement, and the reverse."""

from __future__ import annotations

import re

from dap_server.adapter.registry import ADAPTER_COMMANDS, capabilities
from dap_server.debuggee.commands import TABLE
from tests.support.schema import load_schema

# Capabilities named after the request they announce, where the name does not say it plainly.
_SPECIAL = {
    "supportsConfigurationDoneRequest": "configurationDone",
    "supportTerminateDebuggee": "disconnect",
    "supportsExceptionFilterOptions": "setExceptionBreakpoints",
}


def _request_capabilities() -> dict[str, str]:
    """Every `supports<Command>Request` of the DAP schema's Capabilities -> the command."""
    props = load_schema()["definitions"]["Capabilities"]["properties"]
    out = {}
    for name in props:
        match = re.fullmatch(r"supports(\w+)Request", name)
        if match:
            command = match[1][0].lower() + match[1][1:]
            out[name] = command
    return out


def _implemented() -> set[str]:
    return set(TABLE.names()) | set(ADAPTER_COMMANDS)


def test_every_advertised_request_is_implemented() -> None:
    caps = capabilities()
    mapping = {**_request_capabilities(), **_SPECIAL}
    for flag, value in caps.items():
        if value is True and flag in mapping:
            assert mapping[flag] in _implemented(), (
                f"{flag} advertised but {mapping[flag]!r} has no handler"
            )


def test_every_implemented_request_with_a_capability_is_advertised() -> None:
    caps = capabilities()
    implemented = _implemented()
    for flag, command in _request_capabilities().items():
        if command in implemented:
            assert caps.get(flag) is True, (
                f"{command!r} is implemented but {flag} is not advertised"
            )


def test_capabilities_match_the_schema() -> None:
    props = load_schema()["definitions"]["Capabilities"]["properties"]
    unknown = set(capabilities()) - set(props)
    assert unknown == set()
    assert [f["filter"] for f in capabilities()["exceptionBreakpointFilters"]] == [
        "raised",
        "uncaught",
        "userUnhandled",
    ]
