"""What the Variables, Watch, Hover and Debug Console views show, through the real adapter:
exact values for ordinary and pathological objects, paging, and requests that stay bounded."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PROG = program("values.py")


def open_client(paging: bool) -> DapClient:
    c = DapClient.adapter()
    c.initialize(supportsVariablePaging=paging)
    seq = c.send_request("launch", {"program": PROG})
    c.wait_event("initialized")
    c.request(
        "setBreakpoints",
        {"source": {"path": PROG}, "breakpoints": [{"line": line_of(PROG, "stop")}]},
    )
    c.request("configurationDone")
    assert c.wait_response(seq)["success"]
    return c


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = open_client(paging=True)
    try:
        yield c
    finally:
        c.close()
        assert not c.schema_errors, "\n".join(c.schema_errors)


def stopped_locals(c: DapClient) -> tuple[int, dict[str, dict[str, Any]]]:
    stopped = c.wait_event("stopped", timeout=30)
    frame = c.stack(stopped["threadId"])[0]
    return frame["id"], c.locals(frame["id"])


def children(c: DapClient, ref: int, **extra: Any) -> list[dict[str, Any]]:
    variables: list[dict[str, Any]] = c.request("variables", {"variablesReference": ref, **extra})[
        "variables"
    ]
    return variables


def test_locals_of_a_frame_with_huge_containers(client: DapClient) -> None:
    _, local_vars = stopped_locals(client)
    big_list = local_vars["big_list"]
    assert big_list["type"] == "list"
    assert big_list["indexedVariables"] == 1_000_000
    assert big_list["evaluateName"] == "big_list"
    assert local_vars["big_dict"]["type"] == "dict"
    assert local_vars["counter"]["value"].startswith("Counter({'a': 5, 'b': 2, 'r': 2")
    assert local_vars["point"]["value"] == "Point(x=3, y=4)"
    assert local_vars["color"]["value"] == "<Color.RED: 1>"


def test_paging_a_million_element_list_and_dict(client: DapClient) -> None:
    _, local_vars = stopped_locals(client)
    page = children(
        client,
        local_vars["big_list"]["variablesReference"],
        filter="indexed",
        start=500_000,
        count=3,
    )
    assert [(v["name"], v["value"], v["evaluateName"]) for v in page] == [
        ("500000", "500000", "big_list[500000]"),
        ("500001", "500001", "big_list[500001]"),
        ("500002", "500002", "big_list[500002]"),
    ]
    page = children(
        client, local_vars["big_dict"]["variablesReference"], filter="indexed", start=0, count=100
    )
    assert len(page) == 100
    assert (page[7]["name"], page[7]["value"], page[7]["evaluateName"]) == (
        "7",
        "14",
        "big_dict[7]",
    )


def test_client_without_paging_gets_range_groups() -> None:
    c = open_client(paging=False)
    try:
        _, local_vars = stopped_locals(c)
        groups = children(c, local_vars["big_list"]["variablesReference"])
        assert len(groups) == 1000
        assert [g["name"] for g in groups[:2]] == ["[0..999]", "[1000..1999]"]
        assert groups[-1]["name"] == "[999000..999999]"
        inner = children(c, groups[1]["variablesReference"])
        assert len(inner) == 1000
        assert [(v["name"], v["value"], v["evaluateName"]) for v in inner[:2]] == [
            ("1000", "1000", "big_list[1000]"),
            ("1001", "1001", "big_list[1001]"),
        ]
    finally:
        c.close()


def test_pathological_reprs_stay_bounded(client: DapClient) -> None:
    _, local_vars = stopped_locals(client)
    assert "ValueError: no repr for you" in local_vars["raising"]["value"]
    assert "timed out" in local_vars["hanging"]["value"]
    assert len(local_vars["huge"]["value"]) < 2000
    assert len(local_vars["text"]["value"]) < 2000
    # the whole string is there for copying
    frame_id = client.stack(client.events("stopped")[0]["threadId"])[0]["id"]
    whole = client.request(
        "evaluate", {"expression": "text", "frameId": frame_id, "context": "clipboard"}
    )
    assert whole["result"] == "'" + "y" * 5000 + "'"


def test_a_property_that_blocks_is_lazy(client: DapClient) -> None:
    _, local_vars = stopped_locals(client)
    started = time.monotonic()
    attrs = {v["name"]: v for v in children(client, local_vars["blocking"]["variablesReference"])}
    assert time.monotonic() - started < 5
    assert attrs["plain"]["value"] == "1"
    stuck = attrs["stuck"]
    assert stuck["presentationHint"]["lazy"] is True
    started = time.monotonic()
    expanded = children(client, stuck["variablesReference"])
    assert "timed out" in expanded[0]["value"]
    assert time.monotonic() - started < 5  # the request answers within its budget
    # The getter is stuck in a lock wait no interrupt can reach: the thread says so at once
    # instead of hanging each request, and the session goes on.
    tid = client.events("stopped")[0]["threadId"]
    frame_id = client.stack(tid)[0]["id"]
    message = client.request_error(
        "evaluate", {"expression": "1 + 1", "frameId": frame_id, "context": "repl"}
    )
    assert "still running an earlier evaluation" in message
    assert "MainThread" in [t["name"] for t in client.request("threads")["threads"]]


def test_nested_and_recursive_structures(client: DapClient) -> None:
    _, local_vars = stopped_locals(client)
    assert local_vars["recursive"]["value"] == "[1, 2, [...]]"
    ref = local_vars["nested"]["variablesReference"]
    path = []
    for _ in range(4):
        kids = [k for k in children(client, ref) if k["variablesReference"]]
        path.append(kids[-1]["evaluateName"])
        ref = kids[-1]["variablesReference"]
    assert path == [
        "nested['a']",
        "nested['a'][0]",
        "nested['a'][0]['b']",
        "nested['a'][0]['b'][2]",
    ]
    leaf = children(client, ref)
    assert [(v["name"], v["value"]) for v in leaf if not v["name"].startswith(("len", "special"))][
        :1
    ] == [("'c'", "'deep'")]


def test_hex_format_and_evaluate_structured_result(client: DapClient) -> None:
    frame_id, _ = stopped_locals(client)
    result = client.request(
        "evaluate",
        {"expression": "255", "frameId": frame_id, "context": "repl", "format": {"hex": True}},
    )
    assert result["result"] == "0xff"
    result = client.request(
        "evaluate", {"expression": "point", "frameId": frame_id, "context": "watch"}
    )
    assert result["result"] == "Point(x=3, y=4)"
    result = client.request(
        "evaluate", {"expression": "[1, 2, 3]", "frameId": frame_id, "context": "repl"}
    )
    assert result["variablesReference"] > 0
    assert [
        v["value"] for v in children(client, result["variablesReference"]) if v["name"].isdigit()
    ] == ["1", "2", "3"]


def test_run_control_cancels_slow_inspection(client: DapClient) -> None:
    frame_id, _ = stopped_locals(client)
    tid = client.events("stopped")[0]["threadId"]
    # a slow evaluation is in flight when the user continues: continue is answered at once
    slow = client.send_request(
        "evaluate",
        {"expression": "sum(i for i in range(10**9))", "frameId": frame_id, "context": "repl"},
    )
    started = time.monotonic()
    client.request("continue", {"threadId": tid})
    assert time.monotonic() - started < 2
    response = client.wait_response(slow, timeout=30)
    assert response["success"] is False
    assert response["message"] == "cancelled"  # as DAP says; the reason in the error body
    assert response["body"]["error"]["format"] == "cancelled: 'continue' let the program run on"


def test_cancel_request_interrupts_a_slow_evaluation(client: DapClient) -> None:
    frame_id, _ = stopped_locals(client)
    slow = client.send_request(
        "evaluate",
        {"expression": "sum(i for i in range(10**9))", "frameId": frame_id, "context": "repl"},
    )
    client.request("cancel", {"requestId": slow})
    response = client.wait_response(slow, timeout=10)
    assert response["success"] is False
    assert response["message"].startswith("cancelled")
    assert (
        client.request("evaluate", {"expression": "2 + 2", "frameId": frame_id, "context": "repl"})[
            "result"
        ]
        == "4"
    )
