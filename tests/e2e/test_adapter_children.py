"""Child processes (subProcess): each Python child of the debuggee becomes its own session,
announced to the editor with the standard `startDebugging` reverse request."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from tests.e2e.adapter_helpers import (
    alive,
    answer,
    configure,
    launch_with,
    reverse_request,
    wait_gone,
)
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


# -- forked children -------------------------------------------------------------------------------

FORKS = program("forks.py")


def _launch_forks(client: DapClient, how: str, **extra: Any) -> dict[str, Any]:
    client.initialize(supportsStartDebuggingRequest=True)
    seq = client.send_request("launch", {"program": FORKS, "args": [how], **extra})
    client.wait_event("initialized")
    configure(client)
    assert client.wait_response(seq)["success"]
    request = reverse_request(client, "startDebugging")
    answer(client, request)
    configuration: dict[str, Any] = request["arguments"]["configuration"]
    return configuration


def test_forked_child_stops_in_its_own_session_while_the_parent_runs_on(
    client: DapClient,
) -> None:
    configuration = _launch_forks(client, "fork")
    line = line_of(FORKS, "fork-child")
    child = _attach_child(configuration, {FORKS: [line]})
    try:
        stopped = child.wait_event("stopped")
        # The forking (main) thread is the child's main thread: its id is the child's pid.
        assert stopped["threadId"] == configuration["subProcessId"]
        process = next(m for m in child.messages if m.get("event") == "process")
        assert process["body"]["systemProcessId"] == configuration["subProcessId"]
        threads = child.request("threads")["threads"]
        assert [t["id"] for t in threads] == [configuration["subProcessId"]]
        frames = child.stack(stopped["threadId"])
        assert (frames[0]["line"], frames[0]["source"]["path"]) == (line, FORKS)
        assert child.locals(frames[0]["id"])["label"]["value"] == "'forked'"
        # The parent was not stopped by its child's breakpoint, nor does it wait for it.
        client.wait_event("output", where=lambda b: "parent continues" in b["output"])
        assert not [m for m in client.messages if m.get("event") == "stopped"]
        child.request("continue", {"threadId": stopped["threadId"]})
        assert child.wait_event("exited") == {"exitCode": 3}
        child.wait_event("terminated")
    finally:
        child.close()
        assert not child.schema_errors, "\n".join(child.schema_errors)
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert "child exit code 3\nparent done\n" in client.output("stdout")


def test_forked_child_nobody_attaches_to_runs_on_undebugged(client: DapClient) -> None:
    launch_with(
        client,
        {"program": FORKS, "args": ["fork"], "subProcessTimeout": 0.5},
        {FORKS: [line_of(FORKS, "fork-child")]},
        supportsStartDebuggingRequest=True,
    )
    reverse_request(client, "startDebugging")  # acknowledged by nobody
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    stdout = client.output("stdout")
    assert "child exit code 3\nparent done\n" in stdout
    assert "forked in " in stdout
    # The parent's breakpoints are not the child's: nobody stopped anywhere.
    assert not [m for m in client.messages if m.get("event") == "stopped"]


def test_forked_child_with_sub_process_false_runs_undebugged(client: DapClient) -> None:
    launch_with(
        client,
        {"program": FORKS, "args": ["fork"], "subProcess": False},
        {FORKS: [line_of(FORKS, "fork-child")]},
        supportsStartDebuggingRequest=True,
    )
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert "child exit code 3\nparent done\n" in client.output("stdout")
    assert not [m for m in client.messages if m.get("type") == "request"]
    assert not [m for m in client.messages if m.get("event") == "stopped"]


@pytest.mark.parametrize("how", ["mp-fork", "forkserver"])
def test_multiprocessing_fork_and_forkserver_children_stop_at_their_breakpoints(
    client: DapClient, how: str
) -> None:
    configuration = _launch_forks(client, how)
    line = line_of(FORKS, "fork-child")
    child = _attach_child(configuration, {FORKS: [line]})
    try:
        stopped = child.wait_event("stopped")
        assert stopped["threadId"] == configuration["subProcessId"]
        frames = child.stack(stopped["threadId"])
        assert (frames[0]["line"], frames[0]["source"]["path"]) == (line, FORKS)
        assert child.locals(frames[0]["id"])["label"]["value"] == repr(how)
        child.request("continue", {"threadId": stopped["threadId"]})
        # multiprocessing ends its children with os._exit(exitcode): reported all the same.
        assert child.wait_event("exited") == {"exitCode": 5}
        child.wait_event("terminated")
    finally:
        child.close()
        assert not child.schema_errors, "\n".join(child.schema_errors)
    assert client.wait_event("exited") == {"exitCode": 0}
    client.wait_event("terminated")
    assert "child exit code 5\nparent done\n" in client.output("stdout")


def test_forkserver_pool_runs_to_completion_with_sub_process_on(client: DapClient) -> None:
    """Pool workers nobody attaches to run on after subProcessTimeout; the fork server itself
    is never announced and never blocks."""
    launch_with(
        client,
        {"program": FORKS, "args": ["forkserver-pool"], "subProcessTimeout": 0.5},
        supportsStartDebuggingRequest=True,
    )
    assert client.wait_event("exited", timeout=30) == {"exitCode": 0}
    client.wait_event("terminated")
    assert "squares [1, 2, 3]\nparent done\n" in client.output("stdout")
    announced = [
        m["arguments"]["configuration"]["subProcessId"]
        for m in client.messages
        if m.get("type") == "request" and m.get("command") == "startDebugging"
    ]
    assert len(announced) == 2  # the two workers, not the fork server


# -- terminate ends the whole tree -----------------------------------------------------------------


@pytest.mark.parametrize("how", ["terminate", "disconnect"])
def test_ending_the_program_ends_its_children(client: DapClient, how: str) -> None:
    launch_with(
        client,
        # terminateTimeout: the children ignore SIGINT, so the grace always runs out; the
        # program's own graceful end must come within it, which a loaded CI machine has taken
        # more than 1 s to deliver (then the kill's -9 failed the test).
        {"program": FORKS, "args": ["tree"], "subProcessTimeout": 0.5, "terminateTimeout": 3},
        supportsStartDebuggingRequest=True,
    )
    line = client.wait_event("output", where=lambda b: b["output"].startswith("pids "))
    pids = [int(p) for p in line["output"].split()[1:]]
    try:
        assert len(pids) == 3 and all(alive(p) for p in pids)
        if how == "terminate":
            client.request("terminate")
            assert client.wait_event("exited") == {"exitCode": -2}  # KeyboardInterrupt: SIGINT
            client.wait_event("terminated")
        else:
            client.request("disconnect", {"terminateDebuggee": True})
        for pid in pids:
            assert wait_gone(pid), f"process {pid} outlived the program"
    finally:
        for pid in pids:  # whatever the outcome, this test leaves nothing behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
