"""The schema helper other suites use on every message the project sends."""

from __future__ import annotations

import pytest

from tests.support.schema import assert_valid_message, definition_for, message_problems


def test_valid_stopped_event_passes() -> None:
    assert_valid_message(
        {
            "seq": 7,
            "type": "event",
            "event": "stopped",
            "body": {"reason": "breakpoint", "threadId": 1, "allThreadsStopped": True},
        }
    )


def test_malformed_stopped_event_fails_with_the_path() -> None:
    msg = {"seq": 7, "type": "event", "event": "stopped", "body": {"threadId": "1"}}
    with pytest.raises(AssertionError) as info:
        assert_valid_message(msg)
    text = str(info.value)
    assert "StoppedEvent.body: 'reason' is a required property" in text
    assert "StoppedEvent.body.threadId: '1' is not of type 'integer'" in text


def test_definition_names_follow_the_schema() -> None:
    assert (
        definition_for({"type": "request", "command": "setBreakpoints"}) == "SetBreakpointsRequest"
    )
    assert (
        definition_for({"type": "response", "command": "setBreakpoints", "success": True})
        == "SetBreakpointsResponse"
    )
    assert (
        definition_for({"type": "response", "command": "setBreakpoints", "success": False})
        == "ErrorResponse"
    )
    assert definition_for({"type": "event", "event": "loadedSource"}) == "LoadedSourceEvent"
    assert definition_for({"type": "event", "event": "custom.thing"}) == "Event"


def test_responses_are_checked_against_their_command() -> None:
    good = {
        "seq": 2,
        "type": "response",
        "request_seq": 1,
        "success": True,
        "command": "setBreakpoints",
        "body": {"breakpoints": [{"verified": True, "line": 3}]},
    }
    assert_valid_message(good)
    bad = {**good, "body": {"breakpoints": [{"line": 3}]}}
    assert message_problems(bad) == [
        "SetBreakpointsResponse.body.breakpoints[0]: 'verified' is a required property"
    ]


def test_failed_responses_need_the_error_response_shape() -> None:
    base = {
        "seq": 2,
        "type": "response",
        "request_seq": 1,
        "success": False,
        "command": "launch",
        "message": "boom",
    }
    assert message_problems(base) == ["ErrorResponse (message): 'body' is a required property"]
    assert_valid_message({**base, "body": {"error": {"id": 1, "format": "boom"}}})


def test_messages_that_are_not_dap_fail() -> None:
    with pytest.raises(AssertionError):
        assert_valid_message({"seq": 1, "type": "gossip"})
    with pytest.raises(AssertionError):
        assert_valid_message({"type": "event", "event": "initialized"})  # no seq
