"""Child processes (subProcess): each Python child of the debuggee becomes its own session,
announced to the editor with the standard `startDebugging` reverse request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.adapter_helpers import answer, configure, launch_with, reverse_request
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PARENT = program("spawns_children.py")
CHILD = program("child.py")


def _attach_child(configuration: dict[str, Any], breakpoints: dict[str, list[int]]) -> DapClient:
    """What the editor does with startDebugging: a new adapter session that attaches."""
    child = DapClient.adapter()
    child.initialize()
    seq = child.send_request("attach", configuration)
    child.wait_event("initialized")
    configure(child, breakpoints)
    assert child.wait_response(seq)["success"]
    return child


def _parent_launch(client: DapClient, how: str) -> dict[str, Any]:
    client.initialize(supportsStartDebuggingRequest=True)
    seq = client.send_request("launch", {"program": PARENT, "args": [how], "type": "dap-python"})
    client.wait_event("initialized")
    configure(client)
    assert client.wait_response(seq)["success"]
    request = reverse_request(client, "startDebugging")
    answer(client, request)
    arguments: dict[str, Any] = request["arguments"]
    return arguments


@pytest.mark.parametrize(
    ("how", "path", "marker", "label"),
    [
        ("subprocess", CHILD, "child-print", "'from-subprocess'"),
        ("spawn", PARENT, "child-work", "'spawned'"),
    ],
)
def test_child_is_announced_and_stops_at_its_breakpoint(
    client: DapClient, how: str, path: str, marker: str, label: str
) -> None:
    arguments = _parent_launch(client, how)
    assert arguments["request"] == "attach"
    configuration = arguments["configuration"]
    assert configuration["request"] == "attach"
    assert configuration["type"] == "dap-python"
    assert configuration["connect"]["host"] == "127.0.0.1"
    assert configuration["name"] == f"Subprocess {configuration['subProcessId']}"
    line = line_of(path, marker)
    child = _attach_child(configuration, {path: [line]})
    try:
        stopped = child.wait_event("stopped")
        assert stopped["threadId"] == configuration["subProcessId"]
        frames = child.stack(stopped["threadId"])
        assert (frames[0]["line"], frames[0]["source"]["path"]) == (line, path)
        assert child.locals(frames[0]["id"])["label"]["value"] == label
        child.request("continue", {"threadId": stopped["threadId"]})
        child.wait_event("terminated")
    finally:
        child.close()
        assert not child.schema_errors, "\n".join(child.schema_errors)
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert "parent done\n" in client.output("stdout")


def test_child_runs_undebugged_when_the_editor_cannot_start_sessions(client: DapClient) -> None:
    launch_with(client, {"program": PARENT, "args": ["subprocess"]})
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.output("stdout") == "child says from-subprocess\nparent done\n"
    assert (
        "runs undebugged: this editor cannot start child sessions (startDebugging)"
        in client.output("console")
    )


def test_sub_process_false_leaves_children_alone(client: DapClient) -> None:
    launch_with(
        client,
        {"program": PARENT, "args": ["subprocess"], "subProcess": False},
        supportsStartDebuggingRequest=True,
    )
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.output("stdout") == "child says from-subprocess\nparent done\n"
    assert not [m for m in client.messages if m.get("type") == "request"]


def test_child_nobody_attaches_to_runs_on_after_sub_process_timeout(client: DapClient) -> None:
    launch_with(
        client,
        {"program": PARENT, "args": ["subprocess"], "subProcessTimeout": 0.5},
        supportsStartDebuggingRequest=True,
    )
    reverse_request(client, "startDebugging")  # acknowledged by nobody
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.output("stdout") == "child says from-subprocess\nparent done\n"
    assert "within 0.5 s (launch option subProcessTimeout); it runs on undebugged" in client.output(
        "stderr"
    )
