"""The access gate of a listener's connection: which refusal closes the connection."""

from __future__ import annotations

import pytest

from dap_server.debuggee.access import HOW, AccessGate, WrongToken
from dap_server.debuggee.dispatch import CancelToken, Request, RequestError


def _request(command: str, **arguments: object) -> Request:
    return Request(1, command, dict(arguments), CancelToken())


def test_a_missing_token_is_refused_but_a_wrong_one_is_told_apart() -> None:
    decisions: list[tuple[str, str]] = []
    gate = AccessGate(
        "right", on_decision=lambda r, outcome: decisions.append((r.command, outcome))
    )
    gate.admit(_request("initialize"))  # may come without it: the token can come with attach
    with pytest.raises(RequestError) as missing:
        gate.admit(_request("threads"))
    assert not isinstance(missing.value, WrongToken)  # the connection stays open
    with pytest.raises(WrongToken) as wrong:
        gate.admit(_request("attach", token="wrong"))  # the listener closes the connection
    assert str(wrong.value) == f"attach: wrong access token; {HOW}"
    assert not gate.granted
    gate.admit(_request("initialize", token="right"))
    assert gate.granted
    gate.admit(_request("threads"))
    assert decisions == [
        (
            "threads",
            f"refused: threads: not authorized: this debuggee requires an access token; {HOW}",
        ),
        ("attach", f"refused: attach: wrong access token; {HOW}"),
        ("initialize", "ok"),
    ]


def test_without_a_token_everything_is_admitted() -> None:
    gate = AccessGate(None)
    assert gate.granted
    gate.admit(_request("attach", token="anything"))
