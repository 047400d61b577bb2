"""Generated models: freshness, round-trips, registries, validation errors."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from dap_server.protocol import models as m
from dap_server.protocol.validation import (
    MessageValidationError,
    UnknownCommandError,
    format_location,
    validate_event,
    validate_request,
    validate_response,
)
from tests.support.schema import assert_valid_message, load_schema

REPO = Path(__file__).resolve().parents[2]


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_models", REPO / "scripts" / "gen_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_models"] = module  # dataclasses look the module up while defining
    spec.loader.exec_module(module)
    return module


def test_checked_in_models_are_what_the_generator_writes() -> None:
    gen = load_generator()
    expected = (REPO / "src" / "dap_server" / "protocol" / "models.py").read_text(encoding="utf-8")
    assert gen.generate(gen.find_schema()) == expected, "stale: run python scripts/gen_models.py"


def test_no_schema_descriptions_are_copied() -> None:
    text = (REPO / "src" / "dap_server" / "protocol" / "models.py").read_text(encoding="utf-8")
    assert '"""' not in text
    assert "The debug adapter supports" not in text


def test_registries_cover_the_whole_protocol() -> None:
    definitions = load_schema()["definitions"]
    requests = {n for n in definitions if n.endswith("Request") and n != "Request"}
    events = {n for n in definitions if n.endswith("Event") and n != "Event"}
    assert {cls.__name__ for cls in m.REQUESTS.values()} == requests
    assert {cls.__name__ for cls in m.EVENTS.values()} == events
    assert set(m.REQUEST_ARGUMENTS) == set(m.REQUESTS)
    assert m.REQUEST_ARGUMENTS["setBreakpoints"] is m.SetBreakpointsArguments
    assert m.REQUEST_ARGUMENTS["threads"] is m.EmptyArguments
    assert m.RESPONSE_BODIES["setBreakpoints"] is m.SetBreakpointsResponseBody
    assert m.RESPONSE_BODIES["initialize"] is m.Capabilities
    assert m.EVENT_BODIES["stopped"] is m.StoppedEventBody
    assert "initialized" in m.EVENTS and "initialized" not in m.EVENT_BODIES


def test_every_model_builds() -> None:
    # defer_build postpones schema building; force it so a broken annotation shows here.
    for name in dir(m):
        obj = getattr(m, name)
        if isinstance(obj, type) and issubclass(obj, m.DapModel):
            obj.model_rebuild(force=True)


SET_BREAKPOINTS: dict[str, Any] = {
    "seq": 4,
    "type": "request",
    "command": "setBreakpoints",
    "arguments": {
        "source": {"name": "app.py", "path": "/src/app.py", "vendorThing": 1},
        "breakpoints": [{"line": 10}, {"line": 12, "condition": "x > 1"}],
        "sourceModified": False,
        "clientSpecific": {"keep": True},
    },
}


def test_real_request_with_unknown_fields_validates_and_round_trips() -> None:
    command, args = validate_request(SET_BREAKPOINTS)
    assert command == "setBreakpoints"
    assert isinstance(args, m.SetBreakpointsArguments)
    assert args.source.path == "/src/app.py"
    assert args.breakpoints is not None and args.breakpoints[1].condition == "x > 1"
    assert m.dump(m.SetBreakpointsRequest.model_validate(SET_BREAKPOINTS)) == SET_BREAKPOINTS


def test_dump_omits_unset_fields_and_keeps_discriminators() -> None:
    event = m.StoppedEvent(seq=3, body=m.StoppedEventBody(reason="breakpoint", threadId=7))
    dumped = m.dump(event)
    assert dumped == {
        "seq": 3,
        "type": "event",
        "event": "stopped",
        "body": {"reason": "breakpoint", "threadId": 7},
    }
    assert_valid_message(dumped)
    response = m.SetBreakpointsResponse(
        seq=5,
        request_seq=4,
        success=True,
        command="setBreakpoints",
        body=m.SetBreakpointsResponseBody(breakpoints=[m.Breakpoint(verified=True, line=10)]),
    )
    assert m.dump(response)["body"] == {"breakpoints": [{"verified": True, "line": 10}]}
    assert_valid_message(m.dump(response))


def test_reserved_field_names_use_aliases() -> None:
    args = m.LaunchRequestArguments.model_validate({"__restart": {"n": 1}, "program": "a.py"})
    assert args.restart_ == {"n": 1}
    assert m.dump(args) == {"__restart": {"n": 1}, "program": "a.py"}


def test_nullable_dict_values_survive_dump() -> None:
    args = m.RunInTerminalRequestArguments(
        cwd="/", args=["python"], env={"DROP": None, "KEEP": "1"}
    )
    assert m.dump(args)["env"] == {"DROP": None, "KEEP": "1"}


def test_validation_error_names_the_field() -> None:
    bad = {**SET_BREAKPOINTS, "arguments": {"source": {"path": 5}}}
    with pytest.raises(MessageValidationError) as info:
        validate_request(bad)
    assert (
        str(info.value) == "setBreakpoints: arguments.source.path: Input should be a valid string"
    )
    assert (info.value.seq, info.value.command, info.value.location) == (
        4,
        "setBreakpoints",
        "arguments.source.path",
    )


def test_list_positions_in_error_locations() -> None:
    bad = {
        **SET_BREAKPOINTS,
        "arguments": {"source": {}, "breakpoints": [{"line": 1}, {"line": "ten"}]},
    }
    with pytest.raises(
        MessageValidationError,
        match=r"arguments\.breakpoints\[1\]\.line: Input should be a valid integer",
    ):
        validate_request(bad)
    assert format_location(("a", 0, "b")) == "a[0].b"


def test_missing_required_arguments() -> None:
    with pytest.raises(
        MessageValidationError, match=r"^setBreakpoints: arguments: Field required$"
    ):
        validate_request({"seq": 1, "type": "request", "command": "setBreakpoints"})


def test_optional_or_absent_arguments_give_a_model() -> None:
    assert validate_request({"seq": 1, "type": "request", "command": "threads"}) == (
        "threads",
        m.EmptyArguments(),
    )
    _, args = validate_request({"seq": 2, "type": "request", "command": "configurationDone"})
    assert isinstance(args, m.ConfigurationDoneArguments)


def test_unknown_command() -> None:
    with pytest.raises(UnknownCommandError, match="unknown command 'frobnicate'") as info:
        validate_request({"seq": 9, "type": "request", "command": "frobnicate"})
    assert info.value.seq == 9


def test_extra_commands() -> None:
    class Custom(m.DapModel):
        level: int

    msg = {"seq": 1, "type": "request", "command": "custom", "arguments": {"level": 2}}
    command, args = validate_request(msg, extra_commands={"custom": Custom})
    assert command == "custom" and isinstance(args, Custom) and args.level == 2
    with pytest.raises(MessageValidationError, match=r"custom: arguments\.level"):
        validate_request({**msg, "arguments": {"level": "x"}}, extra_commands={"custom": Custom})


def test_validate_response_and_event() -> None:
    ok = validate_response(
        {
            "seq": 1,
            "type": "response",
            "request_seq": 1,
            "success": True,
            "command": "threads",
            "body": {"threads": [{"id": 1, "name": "main"}]},
        }
    )
    assert isinstance(ok, m.ThreadsResponse) and ok.body.threads[0].name == "main"
    failed = validate_response(
        {
            "seq": 2,
            "type": "response",
            "request_seq": 1,
            "success": False,
            "command": "threads",
            "message": "no",
            "body": {},
        }
    )
    assert isinstance(failed, m.ErrorResponse)
    with pytest.raises(MessageValidationError, match=r"^threads response: body\.threads\[0\]\.id"):
        validate_response(
            {
                "seq": 1,
                "type": "response",
                "request_seq": 1,
                "success": True,
                "command": "threads",
                "body": {"threads": [{"name": "x"}]},
            }
        )
    assert isinstance(
        validate_event({"seq": 3, "type": "event", "event": "stopped", "body": {"reason": "step"}}),
        m.StoppedEvent,
    )
    assert type(validate_event({"seq": 4, "type": "event", "event": "dap_server.hello"})) is m.Event
    with pytest.raises(
        MessageValidationError, match=r"^stopped event: body\.reason: Field required$"
    ):
        validate_event({"seq": 3, "type": "event", "event": "stopped", "body": {}})
