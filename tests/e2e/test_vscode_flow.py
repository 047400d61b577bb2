"""The adapter driven exactly the way VS Code drives it.

VS Code declares many client capabilities in `initialize` (among them
`supportsStartDebuggingRequest` and `supportsRunInTerminalRequest`), sends `__sessionId` in the
launch arguments, and on every stop asks for the threads, the top frame alone, then the next 19
frames, the top frame's scopes, the first scope's variables, then evaluates the watch
expressions (context "watch") and whatever the mouse rests on (context "hover"). Bugs that only
show with such a client (a hover's forked copy announced as a child process) are looked for here:
every test also checks that nothing else happened (no unexpected reverse request, no adapter
message or traceback in the output, no failed response).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.adapter_helpers import answer, reverse_request, wait_gone
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

STEPS = program("vscode_steps.py")
INSPECT = program("inspect_me.py")
PARENT = program("vscode_parent.py")
CHILD = program("child.py")

VSCODE_INITIALIZE: dict[str, Any] = {
    "clientID": "vscode",
    "clientName": "Visual Studio Code",
    "adapterID": "python",
    "pathFormat": "path",
    "linesStartAt1": True,
    "columnsStartAt1": True,
    "supportsVariableType": True,
    "supportsVariablePaging": True,
    "supportsRunInTerminalRequest": True,
    "supportsMemoryReferences": True,
    "supportsProgressReporting": True,
    "supportsInvalidatedEvent": True,
    "supportsMemoryEvent": True,
    "supportsArgsCanBeInterpretedByShell": True,
    "supportsStartDebuggingRequest": True,
    "locale": "en",
}


def _line_with(path: str, text: str) -> int:
    """The first line that is exactly `text` (for lines of existing programs left unmarked)."""
    lines = Path(path).read_text().splitlines()
    return lines.index(text) + 1


def _source(path: str) -> dict[str, Any]:
    return {"name": os.path.basename(path), "path": path}


@dataclass
class Stop:
    """What VS Code knows after its requests on a `stopped` event."""

    event: dict[str, Any]
    threads: list[dict[str, Any]]
    frames: list[dict[str, Any]]
    total_frames: int
    scopes: list[dict[str, Any]]
    variables: dict[str, dict[str, Any]]

    @property
    def thread_id(self) -> int:
        thread_id: int = self.event["threadId"]
        return thread_id

    @property
    def frame_id(self) -> int:
        frame_id: int = self.frames[0]["id"]
        return frame_id

    def where(self) -> list[tuple[str, int]]:
        return [(f["name"], f["line"]) for f in self.frames]

    def value(self, name: str) -> tuple[str, str]:
        v = self.variables[name]
        return v["value"], v["type"]


@dataclass
class VsCode:
    """One debug session as VS Code runs it, over a fresh adapter process."""

    client: DapClient
    failures_expected: set[int] = field(default_factory=set)
    capabilities: dict[str, Any] = field(default_factory=dict)

    def initialize(self) -> dict[str, Any]:
        self.capabilities = self.client.request("initialize", VSCODE_INITIALIZE)
        return self.capabilities

    def configure(
        self,
        breakpoints: dict[str, list[int]],
        exceptions: dict[str, Any] | None = None,
    ) -> None:
        """What VS Code sends on `initialized`, in its order."""
        for path, lines in breakpoints.items():
            body = self.client.request(
                "setBreakpoints",
                {
                    "source": _source(path),
                    "lines": lines,
                    "breakpoints": [{"line": n} for n in lines],
                    "sourceModified": False,
                },
            )
            assert [(b["verified"], b["line"]) for b in body["breakpoints"]] == [
                (True, n) for n in lines
            ]
        assert self.client.request("setFunctionBreakpoints", {"breakpoints": []}) == {
            "breakpoints": []
        }
        self.client.request(
            "setExceptionBreakpoints",
            exceptions if exceptions is not None else {"filters": ["uncaught"]},
        )
        self.client.request("configurationDone")

    def launch(
        self,
        path: str,
        breakpoints: dict[str, list[int]] | None = None,
        exceptions: dict[str, Any] | None = None,
        **options: Any,
    ) -> None:
        self.initialize()
        seq = self.client.send_request(
            "launch",
            {
                "type": "dap-python",
                "request": "launch",
                "name": "Python: current file",
                "program": path,
                "console": "internalConsole",
                "__configurationTarget": 6,
                "__sessionId": str(uuid.uuid4()),
                **options,
            },
        )
        self.client.wait_event("initialized")
        self.configure(breakpoints or {}, exceptions)
        response = self.client.wait_response(seq)
        assert response["success"], response

    def stopped(self, reason: str) -> Stop:
        """Waits for `stopped`, then asks what VS Code asks."""
        event = self.client.wait_event("stopped")
        assert event["reason"] == reason, event
        threads = self.client.request("threads")["threads"]
        assert event["threadId"] in [t["id"] for t in threads]
        top = self.client.request(
            "stackTrace", {"threadId": event["threadId"], "startFrame": 0, "levels": 1}
        )
        assert len(top["stackFrames"]) == 1
        rest = self.client.request(
            "stackTrace", {"threadId": event["threadId"], "startFrame": 1, "levels": 19}
        )
        frames = top["stackFrames"] + rest["stackFrames"]
        assert top["totalFrames"] == rest["totalFrames"] == len(frames)
        scopes = self.client.request("scopes", {"frameId": frames[0]["id"]})["scopes"]
        assert scopes[0]["name"] == "Locals"
        variables = self.client.request(
            "variables", {"variablesReference": scopes[0]["variablesReference"]}
        )["variables"]
        return Stop(
            event,
            threads,
            frames,
            top["totalFrames"],
            scopes,
            {v["name"]: v for v in variables},
        )

    def evaluate(self, expression: str, frame_id: int, context: str) -> dict[str, Any]:
        return self.client.request(
            "evaluate", {"expression": expression, "frameId": frame_id, "context": context}
        )

    def evaluate_error(self, expression: str, frame_id: int, context: str) -> str:
        seq = self.client.send_request(
            "evaluate", {"expression": expression, "frameId": frame_id, "context": context}
        )
        self.failures_expected.add(seq)
        response = self.client.wait_response(seq)
        assert not response["success"], response
        return str(response["message"])

    def shows(self, expression: str, frame_id: int, context: str) -> tuple[str, str]:
        body = self.evaluate(expression, frame_id, context)
        return body["result"], body.get("type", "")

    def step(self, command: str, thread_id: int) -> Stop:
        self.client.request(command, {"threadId": thread_id})
        return self.stopped("step")

    def finish(self, exit_code: int) -> None:
        """The program runs to its end; VS Code then disconnects."""
        assert self.client.wait_event("exited") == {"exitCode": exit_code}
        self.client.wait_event("terminated")
        self.disconnect()

    def disconnect(self) -> None:
        self.client.request("disconnect", {"restart": False})
        assert self.client.process is not None
        assert self.client.process.wait(timeout=15) == 0
        self.client.wait_closed()

    def assert_clean(
        self,
        reverse: tuple[str, ...] = (),
        traceback_allowed: bool = False,
        adapter_says: tuple[str, ...] = (),
    ) -> None:
        """Nothing happened that the flow did not call for."""
        messages = self.client.messages
        assert [m["command"] for m in messages if m["type"] == "request"] == list(reverse)
        failed = [
            m
            for m in messages
            if m["type"] == "response"
            and not m["success"]
            and m["request_seq"] not in self.failures_expected
        ]
        assert not failed
        outputs = [m["body"] for m in messages if m.get("event") == "output"]
        said = [o["output"] for o in outputs if "dap-server" in o["output"]]
        assert said == list(adapter_says)
        if not traceback_allowed:
            assert not [o for o in outputs if "Traceback" in o["output"]]
        assert len(self.client.events("process")) == 1
        assert len(self.client.events("initialized")) == 1
        names = _event_order(self.client)
        assert names[:2] == ["process", "initialized"], names


@pytest.fixture
def vscode(client: DapClient) -> VsCode:
    return VsCode(client)


def _event_order(client: DapClient) -> list[str]:
    return [
        m["event"]
        for m in client.messages
        if m["type"] == "event" and m["event"] not in ("output", "thread", "module")
    ]


# -- initialize ------------------------------------------------------------------------------------


def test_initialize_answers_what_vscode_relies_on(vscode: VsCode) -> None:
    caps = vscode.initialize()
    for key in (
        "supportsConfigurationDoneRequest",
        "supportsEvaluateForHovers",
        "supportsTerminateRequest",
        "supportsDelayedStackTraceLoading",
        "supportsExceptionInfoRequest",
        "supportsExceptionFilterOptions",
        "supportsFunctionBreakpoints",
        "supportsConditionalBreakpoints",
        "supportsLogPoints",
        "supportTerminateDebuggee",
    ):
        assert caps[key] is True, key
    filters = {f["filter"]: f["default"] for f in caps["exceptionBreakpointFilters"]}
    assert filters == {"raised": False, "uncaught": True, "userUnhandled": False}
    # Nothing is sent before launch: no event, no reverse request.
    assert [m["type"] for m in vscode.client.messages] == ["response"]
    vscode.client.request("disconnect", {"restart": False})
    assert vscode.client.process is not None and vscode.client.process.wait(timeout=15) == 0


# -- a whole session -------------------------------------------------------------------------------


def test_stepping_session_with_watch_and_hover(vscode: VsCode) -> None:
    start = line_of(STEPS, "main-start")
    call = line_of(STEPS, "call-scale")
    vscode.launch(STEPS, {STEPS: [start]})

    stop = vscode.stopped("breakpoint")
    assert stop.where() == [("main", start), ("<module>", line_of(STEPS, "run-main"))]
    assert stop.frames[0]["source"] == _source(STEPS)
    assert [t["name"] for t in stop.threads] == ["MainThread"]
    assert [s["name"] for s in stop.scopes] == ["Locals", "Globals"]
    assert list(stop.variables) == ["counter"]
    assert stop.variables["counter"]["type"] == "Counter"
    assert stop.variables["counter"]["variablesReference"] > 0
    assert vscode.evaluate_error("values", stop.frame_id, "watch") == (
        "NameError: name 'values' is not defined"
    )
    assert vscode.shows("counter.hits", stop.frame_id, "hover") == ("0", "int")

    stop = vscode.step("next", stop.thread_id)
    assert stop.where()[0] == ("main", call)
    assert stop.value("values") == ("[1, 2, 3]", "list")
    assert vscode.shows("values", stop.frame_id, "watch") == ("[1, 2, 3]", "list")
    assert vscode.shows("len(values) * 10", stop.frame_id, "watch") == ("30", "int")
    assert vscode.shows("values", stop.frame_id, "hover") == ("[1, 2, 3]", "list")
    # Watch and hover have no side effects: the bump happens in a copy.
    assert vscode.shows("counter.bump()", stop.frame_id, "watch") == ("1", "int")
    assert vscode.shows("counter.bump()", stop.frame_id, "hover") == ("1", "int")
    assert vscode.shows("counter.hits", stop.frame_id, "hover") == ("0", "int")

    stop = vscode.step("stepIn", stop.thread_id)
    scale_body = line_of(STEPS, "scale-body")
    assert stop.where()[:2] == [("scale", scale_body), ("main", call)]
    assert stop.total_frames == 3
    assert stop.value("values") == ("[1, 2, 3]", "list")
    assert stop.value("factor") == ("10", "int")
    assert vscode.shows("factor", stop.frame_id, "hover") == ("10", "int")
    # The caller's frame, as VS Code asks when the user selects it in the call stack.
    assert vscode.shows("counter.hits", stop.frames[1]["id"], "watch") == ("0", "int")

    stop = vscode.step("next", stop.thread_id)
    assert stop.where()[0] == ("scale", line_of(STEPS, "scale-return"))
    assert stop.value("scaled") == ("[10, 20, 30]", "list")
    assert vscode.shows("scaled[-1]", stop.frame_id, "hover") == ("30", "int")

    # stepOut finishes the caller's line too (the assignment): it stops on the next one.
    stop = vscode.step("stepOut", stop.thread_id)
    assert stop.where()[0] == ("main", line_of(STEPS, "after-scale"))
    assert stop.value("result") == ("[10, 20, 30]", "list")
    assert vscode.shows("result", stop.frame_id, "hover") == ("[10, 20, 30]", "list")
    assert vscode.shows("counter.hits", stop.frame_id, "watch") == ("0", "int")

    vscode.client.request("continue", {"threadId": stop.thread_id})
    vscode.finish(0)
    assert vscode.client.output("stdout") == "result [10, 20, 30] 1\n"
    vscode.assert_clean()
    order = [e for e in _event_order(vscode.client) if e != "continued"]
    assert order == ["process", "initialized"] + ["stopped"] * 5 + ["exited", "terminated"]


def test_hovers_in_a_threaded_program_start_nothing(vscode: VsCode) -> None:
    helper = line_of(INSPECT, "helper-body")
    vscode.launch(INSPECT, {INSPECT: [helper]})

    for thread_name in ("MainThread", "worker-1"):
        stop = vscode.stopped("breakpoint")
        assert stop.where() == [("helper", helper), ("work", line_of(INSPECT, "call-helper"))] + (
            [("<module>", _line_with(INSPECT, "work()"))]
            if thread_name == "MainThread"
            else stop.where()[2:]
        )
        names = {t["id"]: t["name"] for t in stop.threads}
        assert names[stop.thread_id] == thread_name
        assert stop.value("n") == ("3", "int")
        for _ in range(5):
            assert vscode.shows("n", stop.frame_id, "hover") == ("3", "int")
            assert vscode.shows("n * 2", stop.frame_id, "watch") == ("6", "int")
        caller = stop.frames[1]["id"]
        assert vscode.shows("items", caller, "hover") == ("[1, 2, 3]", "list")
        assert vscode.shows("account.owner", caller, "hover") == ("'ada'", "str")
        assert vscode.evaluate_error("db_password", caller, "hover") == (
            "refused: the expression uses 'db_password', whose name is sensitive"
        )
        vscode.client.request("continue", {"threadId": stop.thread_id})

    # The second fails() is uncaught: VS Code's default exception filter stops there.
    stop = vscode.stopped("exception")
    assert stop.where()[0] == ("fails", line_of(INSPECT, "raise-value"))
    info = vscode.client.request("exceptionInfo", {"threadId": stop.thread_id})
    assert info["exceptionId"] == "ValueError"
    assert info["description"] == "bad value"
    assert info["breakMode"] == "unhandled"
    # Python deleted `exc` when the exception left its handler.
    assert vscode.evaluate_error("exc", stop.frame_id, "hover") == (
        "NameError: name 'exc' is not defined"
    )
    assert vscode.shows("__name__", stop.frame_id, "watch") == ("'__main__'", "str")
    vscode.client.request("continue", {"threadId": stop.thread_id})
    vscode.finish(1)
    stdout = vscode.client.output("stdout")
    assert stdout == "total 7 3\ntotal 7 3\n"
    assert "ValueError: bad value" in vscode.client.output("stderr")
    vscode.assert_clean(traceback_allowed=True)
    assert not [
        o
        for o in vscode.client.events("output")
        if "Traceback" in o["output"] and o.get("category") != "stderr"
    ]


def test_terminate_while_stopped_then_disconnect(vscode: VsCode) -> None:
    line = line_of(STEPS, "scale-body")
    vscode.launch(STEPS, {STEPS: [line]})
    stop = vscode.stopped("breakpoint")
    assert stop.where()[0] == ("scale", line)
    assert vscode.shows("values", stop.frame_id, "hover") == ("[1, 2, 3]", "list")
    pid = vscode.client.events("process")[0]["systemProcessId"]
    vscode.client.request("terminate")
    exited = vscode.client.wait_event("exited")
    vscode.client.wait_event("terminated")
    assert exited["exitCode"] != 0
    assert wait_gone(pid)
    vscode.disconnect()
    vscode.assert_clean(traceback_allowed=True)
    order = _event_order(vscode.client)
    assert order == ["process", "initialized", "stopped", "exited", "terminated"]


def test_disconnect_while_stopped_ends_the_program(vscode: VsCode) -> None:
    line = line_of(STEPS, "after-scale")
    vscode.launch(STEPS, {STEPS: [line]})
    stop = vscode.stopped("breakpoint")
    assert vscode.shows("result", stop.frame_id, "hover") == ("[10, 20, 30]", "list")
    pid = vscode.client.events("process")[0]["systemProcessId"]
    vscode.disconnect()
    assert wait_gone(pid)
    assert vscode.client.output("stdout") == ""
    vscode.assert_clean()


# -- exception breakpoints as VS Code sends them ---------------------------------------------------


@pytest.mark.parametrize(
    ("exceptions", "stops"),
    [
        # supportsExceptionFilterOptions: VS Code sends every enabled filter as filterOptions.
        ({"filters": [], "filterOptions": [{"filterId": "uncaught"}]}, True),
        (
            {"filters": [], "filterOptions": [{"filterId": "uncaught", "condition": "ValueError"}]},
            True,
        ),
        (
            {"filters": [], "filterOptions": [{"filterId": "uncaught", "condition": "KeyError"}]},
            False,
        ),
        ({"filters": []}, False),
    ],
    ids=["uncaught", "condition-matches", "condition-other-type", "none"],
)
def test_exception_filters_as_vscode_sends_them(
    vscode: VsCode, exceptions: dict[str, Any], stops: bool
) -> None:
    vscode.launch(INSPECT, {}, exceptions)
    if stops:
        stop = vscode.stopped("exception")
        assert stop.where()[0] == ("fails", line_of(INSPECT, "raise-value"))
        info = vscode.client.request("exceptionInfo", {"threadId": stop.thread_id})
        assert (info["exceptionId"], info["description"]) == ("ValueError", "bad value")
        assert vscode.shows("__name__", stop.frame_id, "hover") == ("'__main__'", "str")
        vscode.client.request("continue", {"threadId": stop.thread_id})
    vscode.finish(1)
    assert len(vscode.client.events("stopped")) == int(stops)
    vscode.assert_clean(traceback_allowed=True)


# -- a Python child process ------------------------------------------------------------------------


def _attach_child(configuration: dict[str, Any], breakpoints: dict[str, list[int]]) -> VsCode:
    """What VS Code does with startDebugging: a new session (a new adapter) that attaches."""
    child = VsCode(DapClient.adapter())
    child.initialize()
    seq = child.client.send_request("attach", {**configuration, "__sessionId": str(uuid.uuid4())})
    child.client.wait_event("initialized")
    child.configure(breakpoints)
    assert child.client.wait_response(seq)["success"]
    return child


def test_child_process_is_announced_once_and_the_parent_runs_to_its_end(vscode: VsCode) -> None:
    child_line = line_of(CHILD, "child-print")
    vscode.launch(PARENT, {CHILD: [child_line]})
    request = reverse_request(vscode.client, "startDebugging")
    answer(vscode.client, request)
    configuration = request["arguments"]["configuration"]
    assert request["arguments"]["request"] == "attach"
    assert configuration["request"] == "attach"

    child = _attach_child(configuration, {CHILD: [child_line]})
    try:
        stop = child.stopped("breakpoint")
        assert stop.where() == [("<module>", child_line)]
        assert stop.frames[0]["source"]["path"] == CHILD
        assert stop.value("label") == ("'from-vscode'", "str")
        for _ in range(3):
            assert child.shows("label", stop.frame_id, "hover") == ("'from-vscode'", "str")
            assert child.shows("label.upper()", stop.frame_id, "watch") == (
                "'FROM-VSCODE'",
                "str",
            )
        child.client.request("continue", {"threadId": stop.thread_id})
        # An attached session hears no exit code: `terminated` only.
        child.client.wait_event("terminated")
        child.disconnect()
        assert not child.client.events("exited")
        child.assert_clean()
    finally:
        child.client.close()
        assert not child.client.schema_errors, "\n".join(child.client.schema_errors)

    vscode.finish(0)
    # The child writes to the stdout it inherited: the parent session's.
    assert vscode.client.output("stdout") == "child says from-vscode\nchild exit code 0\n"
    assert child.client.output("stdout") == ""
    # Only the real child was announced; the child's hovers announced nothing anywhere.
    vscode.assert_clean(reverse=("startDebugging",))
    assert not vscode.client.events("stopped")


def test_child_process_answered_but_never_attached_runs_on(vscode: VsCode) -> None:
    vscode.launch(PARENT, {CHILD: [line_of(CHILD, "child-print")]}, subProcessTimeout=0.5)
    request = reverse_request(vscode.client, "startDebugging")
    answer(vscode.client, request)
    vscode.finish(0)
    assert vscode.client.output("stdout") == "child says from-vscode\nchild exit code 0\n"
    pid = request["arguments"]["configuration"]["subProcessId"]
    vscode.assert_clean(
        reverse=("startDebugging",),
        adapter_says=(
            f"dap-server: no debugger attached to child process {pid} within 0.5 s"
            " (launch option subProcessTimeout); it runs on undebugged\n",
        ),
    )


def test_child_session_reports_no_unknown_attach_option(vscode: VsCode) -> None:
    child_line = line_of(CHILD, "child-print")
    vscode.launch(PARENT, {CHILD: [child_line]})
    request = reverse_request(vscode.client, "startDebugging")
    answer(vscode.client, request)
    child = _attach_child(request["arguments"]["configuration"], {CHILD: [child_line]})
    try:
        stop = child.stopped("breakpoint")
        child.client.request("continue", {"threadId": stop.thread_id})
        child.client.wait_event("terminated")
        child.disconnect()
        vscode.finish(0)
        assert [o for o in child.client.events("output") if "dap-server" in o["output"]] == []
    finally:
        child.client.close()
