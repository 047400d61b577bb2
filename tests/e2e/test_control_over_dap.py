"""Run control as an editor drives it, through the real adapter: justMyCode and stepping into
the standard library, sixteen threads on one breakpoint, pausing threads blocked in C calls,
exception groups and chains in exceptionInfo, and how sys.exit ends a program.

(The return value shown after stepOut, `(return) <name>`, is covered in test_inspection.py.)
"""

from __future__ import annotations

import io
import os
import re
import select
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, cast

import pytest

from tests.e2e.adapter_helpers import answer, reverse_request, spawn_terminal
from tests.support.dap_client import SRC, DapClient
from tests.support.programs import line_of, program

LIBRARY_CALLS = program("library_calls.py")
MANY_THREADS = program("many_threads.py")
BLOCKED = program("blocked_threads.py")
ENDINGS = program("uncaught_kinds.py")

# The debuggee runs on this test's interpreter (the adapter starts it with sys.executable), so
# its standard library is this one: textwrap.dedent's file and lines are known here.
TEXTWRAP = os.path.realpath(textwrap.__file__)
_DEDENT_CODE = textwrap.dedent.__code__
_DEDENT_BODY = sorted(
    {n for *_, n in _DEDENT_CODE.co_lines() if n is not None and n > _DEDENT_CODE.co_firstlineno}
)
DEDENT_FIRST = _DEDENT_BODY[0]  # `margin = None`: where a step into dedent lands
DEDENT_LATER = _DEDENT_BODY[1]  # the next line of its body: where a breakpoint goes

# As in many_threads.py.
THREADS = 16
ROUNDS = 20
WORKERS = [f"worker-{k:02d}" for k in range(THREADS)]


def start(
    client: DapClient,
    prog: str,
    breakpoints: dict[str, list[int]] | None = None,
    exceptions: list[str] | None = None,
    **options: Any,
) -> None:
    """initialize, launch, setBreakpoints (each must bind where asked), setExceptionBreakpoints,
    configurationDone."""
    client.initialize()
    seq = client.send_request("launch", {"program": prog, **options})
    client.wait_event("initialized")
    for path, lines in (breakpoints or {}).items():
        body = client.request(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
        )
        assert [(b["verified"], b["line"]) for b in body["breakpoints"]] == [
            (True, n) for n in lines
        ]
    if exceptions is not None:
        client.request("setExceptionBreakpoints", {"filters": exceptions})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


def where(client: DapClient, tid: int) -> list[tuple[str, int]]:
    return [(f["name"], f["line"]) for f in client.stack(tid)]


# --- justMyCode and the standard library ---------------------------------------------------------


def test_step_in_to_a_library_call_lands_on_the_next_user_line(client: DapClient) -> None:
    start(client, LIBRARY_CALLS, {LIBRARY_CALLS: [line_of(LIBRARY_CALLS, "call-dedent")]})
    tid = client.wait_event("stopped")["threadId"]
    client.request("stepIn", {"threadId": tid})
    assert client.wait_event("stopped") == {
        "reason": "step",
        "threadId": tid,
        "allThreadsStopped": False,
    }
    # textwrap.dedent ran to its end unseen: the next line of main, not a line of textwrap.
    assert where(client, tid) == [
        ("main", line_of(LIBRARY_CALLS, "after-dedent")),
        ("<module>", line_of(LIBRARY_CALLS, "call-main")),
    ]
    assert client.locals(client.stack(tid)[0]["id"])["text"]["value"] == repr("a\nb\n")
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert len(client.events("stopped")) == 2


def test_step_in_to_a_library_that_calls_back_lands_in_the_callback(client: DapClient) -> None:
    start(client, LIBRARY_CALLS, {LIBRARY_CALLS: [line_of(LIBRARY_CALLS, "call-dumps")]})
    tid = client.wait_event("stopped")["threadId"]
    client.request("stepIn", {"threadId": tid})
    assert client.wait_event("stopped")["reason"] == "step"
    frames = where(client, tid)
    # json's own frames lie between: stepped over, but on the stack.
    assert frames[0] == ("default", line_of(LIBRARY_CALLS, "callback"))
    assert frames[-2:] == [
        ("main", line_of(LIBRARY_CALLS, "call-dumps")),
        ("<module>", line_of(LIBRARY_CALLS, "call-main")),
    ]
    assert "dumps" in [name for name, _ in frames[1:-2]]
    # Out of the callback: back through json, to main's next line.
    client.request("stepOut", {"threadId": tid})
    assert client.wait_event("stopped")["reason"] == "step"
    assert where(client, tid)[0] == ("main", line_of(LIBRARY_CALLS, "after-dumps"))
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.output("stdout") == '4 {"k": "custom"}\n'


def test_step_in_without_just_my_code_stops_inside_the_library(client: DapClient) -> None:
    start(
        client,
        LIBRARY_CALLS,
        {LIBRARY_CALLS: [line_of(LIBRARY_CALLS, "call-dedent")]},
        justMyCode=False,
    )
    tid = client.wait_event("stopped")["threadId"]
    client.request("stepIn", {"threadId": tid})
    assert client.wait_event("stopped")["reason"] == "step"
    top, caller = client.stack(tid)[:2]
    assert top["source"]["path"].endswith(os.sep + "textwrap.py")
    assert os.path.realpath(top["source"]["path"]) == TEXTWRAP
    assert (top["name"], top["line"]) == ("dedent", DEDENT_FIRST)
    assert (caller["name"], caller["line"]) == ("main", line_of(LIBRARY_CALLS, "call-dedent"))
    assert client.locals(top["id"])["text"]["value"] == repr("    a\n    b\n")
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}


def test_breakpoint_in_a_library_file_is_honoured_with_just_my_code(client: DapClient) -> None:
    start(client, LIBRARY_CALLS, {TEXTWRAP: [DEDENT_LATER]})  # justMyCode: on by default
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    tid = stopped["threadId"]
    top, caller = client.stack(tid)[:2]
    assert os.path.realpath(top["source"]["path"]) == TEXTWRAP
    assert (top["name"], top["line"]) == ("dedent", DEDENT_LATER)
    assert (caller["name"], caller["line"]) == ("main", line_of(LIBRARY_CALLS, "call-dedent"))
    assert client.locals(top["id"])["margin"]["value"] == "None"
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert len(client.events("stopped")) == 1


# --- sixteen threads, one breakpoint ------------------------------------------------------------


def thread_story(client: DapClient, tid: int) -> list[tuple[str, str]]:
    """The `thread` and `stopped` events of one thread, in the order they came."""
    return [
        (m["event"], m["body"]["reason"])
        for m in client.messages
        if m.get("type") == "event"
        and m.get("event") in ("thread", "stopped")
        and m["body"].get("threadId") == tid
    ]


def on_thread(tid: int, reason: str | None = None) -> Callable[[dict[str, Any]], bool]:
    """A `where` for wait_event: an event body of this thread (with this reason)."""

    def match(body: dict[str, Any]) -> bool:
        return body.get("threadId") == tid and reason in (None, body.get("reason"))

    return match


def wait_thread_exits(client: DapClient, tids: list[int]) -> None:
    for tid in tids:
        client.wait_event("thread", where=on_thread(tid, "exited"))


def release_and_end(client: DapClient) -> None:
    """many_threads.py's main thread idles once the workers are done: stop it there, let it
    go, and see the program end well."""
    idle = line_of(MANY_THREADS, "idle")
    client.request(
        "setBreakpoints", {"source": {"path": MANY_THREADS}, "breakpoints": [{"line": idle}]}
    )
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    frame = client.stack(stopped["threadId"])[0]
    assert (frame["name"], frame["line"]) == ("<module>", idle)
    client.request(
        "evaluate", {"expression": "released = True", "frameId": frame["id"], "context": "repl"}
    )
    client.request("setBreakpoints", {"source": {"path": MANY_THREADS}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.output("stdout") == f"all {THREADS} done\nreleased\n"


def test_sixteen_threads_every_stop_reported_once_and_in_order(client: DapClient) -> None:
    hit = line_of(MANY_THREADS, "hit")
    start(client, MANY_THREADS, {MANY_THREADS: [hit]})
    counters: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for _ in range(THREADS * ROUNDS):
        body = client.wait_event("stopped")
        tid = body["threadId"]
        assert body["reason"] == "breakpoint"
        if tid not in names:
            names[tid] = {t["id"]: t["name"] for t in client.request("threads")["threads"]}[tid]
        frame = client.stack(tid)[0]
        assert (frame["name"], frame["line"]) == ("work", hit)
        counters.setdefault(tid, []).append(int(client.locals(frame["id"])["i"]["value"]))
        # Only this thread: the others stay stopped where they are, to be read in turn.
        resumed = client.request("continue", {"threadId": tid, "singleThread": True})
        assert resumed == {"allThreadsContinued": False}
    assert sorted(names.values()) == WORKERS
    assert counters == {tid: list(range(ROUNDS)) for tid in names}
    wait_thread_exits(client, list(names))
    for tid in names:
        assert thread_story(client, tid) == [
            ("thread", "started"),
            *[("stopped", "breakpoint")] * ROUNDS,
            ("thread", "exited"),
        ], names[tid]
    started = [e["threadId"] for e in client.events("thread") if e["reason"] == "started"]
    assert sorted(started) == sorted(names)
    release_and_end(client)


def test_sixteen_threads_continue_all_races_the_next_stops(client: DapClient) -> None:
    # Each `continue` resumes every stopped thread, often one whose stop the test has not read
    # yet, while others are about to stop again: no stop may be lost, doubled, or end at once.
    start(client, MANY_THREADS, {MANY_THREADS: [line_of(MANY_THREADS, "hit")]})
    stops: Counter[int] = Counter()
    continues = []
    for _ in range(THREADS * ROUNDS):
        body = client.wait_event("stopped")
        assert body["reason"] == "breakpoint"
        stops[body["threadId"]] += 1
        continues.append(client.send_request("continue", {"threadId": body["threadId"]}))
    for seq in continues:
        response = client.wait_response(seq)
        assert response["success"], response
        assert response["body"] == {"allThreadsContinued": True}
    assert sorted(stops.values()) == [ROUNDS] * THREADS
    wait_thread_exits(client, list(stops))
    for tid in stops:
        assert thread_story(client, tid) == [
            ("thread", "started"),
            *[("stopped", "breakpoint")] * ROUNDS,
            ("thread", "exited"),
        ]
    release_and_end(client)
    assert len(client.events("stopped")) == THREADS * ROUNDS + 1


# --- pausing threads blocked in C calls -------------------------------------------------------------


def test_pause_threads_blocked_in_sleep_and_in_event_wait(client: DapClient) -> None:
    start(client, BLOCKED, {BLOCKED: [line_of(BLOCKED, "release")]})
    main = client.wait_event("stopped")
    assert main["reason"] == "breakpoint"
    ids = {t["name"]: t["id"] for t in client.request("threads")["threads"]}
    assert set(ids) == {"MainThread", "sleeper", "waiter"}
    loops = {
        "sleeper": (
            "doze",
            [line_of(BLOCKED, m) for m in ("doze-loop", "doze-sleep", "doze-count")],
        ),
        "waiter": ("wait_around", [line_of(BLOCKED, m) for m in ("wait-loop", "wait-count")]),
    }
    for name, (function, lines) in loops.items():
        tid = ids[name]
        client.request("pause", {"threadId": tid})
        paused = client.wait_event("stopped", where=on_thread(tid))
        assert paused == {"reason": "pause", "threadId": tid, "allThreadsStopped": False}
        frames = client.stack(tid)
        assert frames[0]["name"] == function, name
        assert frames[0]["line"] in lines, (name, frames[0]["line"])
        assert frames[0]["source"]["path"] == BLOCKED
        assert frames[1]["name"] == "Thread.run"
    # a thread blocked in C code stops in its own Python code: nothing to tell the user
    assert "library or native code" not in client.output()
    # Each stopped once, and only when asked; the main thread is still where it stopped.
    assert [(e["threadId"], e["reason"]) for e in client.events("stopped")] == [
        (ids["MainThread"], "breakpoint"),
        (ids["sleeper"], "pause"),
        (ids["waiter"], "pause"),
    ]
    assert where(client, ids["MainThread"])[0] == ("<module>", line_of(BLOCKED, "release"))
    client.request("continue", {"threadId": ids["MainThread"]})  # all three
    assert client.wait_event("exited") == {"exitCode": 0}
    assert client.output("stdout") == "both stopped\n"


# --- exception groups, chains, and sys.exit -----------------------------------------------------

_TB_FRAME = re.compile(r'^  File "(.+)", line (\d+), in (.+)$', re.MULTILINE)


def tb_frames(stack_trace: str) -> list[tuple[str, int, str]]:
    """(file, line, function) of each frame of a formatted traceback."""
    return [(m[1], int(m[2]), m[3]) for m in _TB_FRAME.finditer(stack_trace)]


def at(marker: str, function: str) -> tuple[str, int, str]:
    return (ENDINGS, line_of(ENDINGS, marker), function)


def shape(details: dict[str, Any]) -> tuple[Any, ...]:
    """typeName, fullTypeName, message and inner exceptions of DAP ExceptionDetails."""
    return (
        details["typeName"],
        details["fullTypeName"],
        details["message"],
        [shape(inner) for inner in details.get("innerException", [])],
    )


def stop_uncaught(client: DapClient, kind: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """Runs uncaught_kinds.py KIND with the `uncaught` filter: the stopped body, the thread,
    and its exceptionInfo."""
    start(client, ENDINGS, exceptions=["uncaught"], args=[kind])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    return tid, stopped, client.request("exceptionInfo", {"threadId": tid})


def test_uncaught_exception_group_lists_its_sub_exceptions(client: DapClient) -> None:
    tid, stopped, info = stop_uncaught(client, "group")
    assert stopped == {
        "reason": "exception",
        "threadId": tid,
        "allThreadsStopped": False,
        "description": "Uncaught exception",
        "text": "ExceptionGroup: two tasks failed (2 sub-exceptions)",
    }
    assert where(client, tid) == [
        ("gather", line_of(ENDINGS, "raise-group")),
        ("<module>", line_of(ENDINGS, "call-group")),
    ]
    assert {k: v for k, v in info.items() if k != "details"} == {
        "exceptionId": "ExceptionGroup",
        "description": "two tasks failed (2 sub-exceptions)",
        "breakMode": "unhandled",
    }
    details = info["details"]
    assert "evaluateName" not in details  # nothing evaluates to it: not promised
    assert shape(details) == (
        "ExceptionGroup",
        "ExceptionGroup",
        "two tasks failed (2 sub-exceptions)",
        [
            ("ValueError", "ValueError", "bad value", []),
            (
                "TaskFailed",
                "__main__.TaskFailed",
                "task 2",
                [("TimeoutError", "TimeoutError", "no answer in 5 s", [])],
            ),
        ],
    )
    bad_value, task_failed = details["innerException"]
    assert bad_value["stackTrace"] == ""  # made, never raised
    assert tb_frames(task_failed["stackTrace"]) == [
        at("call-attempt", "gather"),
        at("raise-task", "attempt"),
    ]
    assert tb_frames(task_failed["innerException"][0]["stackTrace"]) == [
        at("raise-timeout", "attempt")
    ]
    assert tb_frames(details["stackTrace"])[-2:] == [
        at("call-group", "<module>"),
        at("raise-group", "gather"),
    ]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}
    stderr = client.output("stderr")
    assert "ExceptionGroup: two tasks failed (2 sub-exceptions)\n" in stderr
    assert "| TaskFailed: task 2\n" in stderr


def test_uncaught_chain_of_causes(client: DapClient) -> None:
    tid, stopped, info = stop_uncaught(client, "chain")
    assert stopped["text"] == "ConnectionError: cannot connect"
    assert where(client, tid) == [
        ("connect", line_of(ENDINGS, "raise-connect")),
        ("<module>", line_of(ENDINGS, "call-connect")),
    ]
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "ConnectionError",
        "cannot connect",
        "unhandled",
    )
    assert shape(info["details"]) == (
        "ConnectionError",
        "ConnectionError",
        "cannot connect",
        [
            (
                "LookupError",
                "LookupError",
                "no port configured",
                [("KeyError", "KeyError", "'port'", [])],
            )
        ],
    )
    (lookup,) = info["details"]["innerException"]
    assert tb_frames(lookup["stackTrace"]) == [
        at("call-load", "connect"),
        at("raise-lookup", "load"),
    ]
    assert tb_frames(lookup["innerException"][0]["stackTrace"]) == [
        at("call-read-port", "load"),
        at("lookup", "read_port"),
    ]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}
    assert client.output("stderr").count("was the direct cause of the following exception") == 2


def test_uncaught_while_handling_lists_the_context_unless_from_none(client: DapClient) -> None:
    tid, _, info = stop_uncaught(client, "context")
    assert where(client, tid)[0] == ("clean_up", line_of(ENDINGS, "raise-during"))
    assert shape(info["details"]) == (
        "RuntimeError",
        "RuntimeError",
        "clean-up failed",
        [
            (
                "LookupError",
                "LookupError",
                "no port configured",
                [("KeyError", "KeyError", "'port'", [])],
            )
        ],
    )
    assert tb_frames(info["details"]["innerException"][0]["stackTrace"]) == [
        at("clean-up-load", "clean_up"),
        at("raise-lookup", "load"),
    ]
    client.request("disconnect", {"terminateDebuggee": True})


def test_uncaught_raised_from_none_has_no_inner_exception(client: DapClient) -> None:
    tid, _, info = stop_uncaught(client, "suppressed")
    assert where(client, tid)[0] == ("quietly", line_of(ENDINGS, "raise-quiet"))
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "RuntimeError",
        "gave up",
        "unhandled",
    )
    assert "innerException" not in info["details"]
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_uncaught_exception_info_traceback_is_the_programs_own(client: DapClient) -> None:
    _, _, info = stop_uncaught(client, "chain")
    assert tb_frames(info["details"]["stackTrace"]) == [
        at("call-connect", "<module>"),
        at("raise-connect", "connect"),
    ]


@pytest.mark.parametrize("filters", [["uncaught"], ["raised", "uncaught", "userUnhandled"]])
def test_sys_exit_zero_is_no_error_and_does_not_stop(client: DapClient, filters: list[str]) -> None:
    start(client, ENDINGS, exceptions=filters, args=["exit0"])
    assert client.wait_any_event(("stopped", "exited"))["body"] == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.events("stopped") == []
    assert client.output("stdout") == "ending with exit0\n"
    assert client.output("stderr") == ""


def test_sys_exit_three_is_the_exit_code_and_a_raised_stop(client: DapClient) -> None:
    start(client, ENDINGS, exceptions=["raised"], args=["exit3"])
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    assert (stopped["reason"], stopped["text"]) == ("exception", "SystemExit: 3")
    assert where(client, tid) == [("<module>", line_of(ENDINGS, "exit3"))]
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "SystemExit",
        "3",
        "always",
    )
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 3}
    assert len(client.events("stopped")) == 1
    assert client.output("stderr") == ""


def test_sys_exit_three_is_an_uncaught_stop(client: DapClient) -> None:
    start(client, ENDINGS, exceptions=["uncaught"], args=["exit3"])
    event = client.wait_any_event(("stopped", "exited"))
    assert event["event"] == "stopped", event
    tid = event["body"]["threadId"]
    assert event["body"]["reason"] == "exception"
    assert where(client, tid)[0] == ("<module>", line_of(ENDINGS, "exit3"))
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"], info["breakMode"]) == (
        "SystemExit",
        "3",
        "unhandled",
    )
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 3}


# --- the end of a program whose last events are still on their way ------------------------------

BURST = program("event_burst.py")
BURST_SIZE = 1000  # as in event_burst.py


class HeldClient(DapClient):
    """An editor that can stop reading for a while (`hold`/`release`), as a busy one does: the
    adapter's writes to it then block, and the debuggee's events queue up behind them."""

    @classmethod
    def start(cls) -> HeldClient:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH")) if p)
        proc = subprocess.Popen(
            [sys.executable, "-m", "dap_server"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, cast(io.BufferedReader, proc.stdout)
        reading = threading.Event()
        reading.set()

        def read() -> bytes:
            reading.wait()
            return stdout.read1(65536)

        def write(data: bytes) -> None:
            stdin.write(data)
            stdin.flush()

        client = cls(write, read, stdin.close)
        client.process = proc
        client.reading = reading
        return client

    reading: threading.Event

    def hold(self) -> None:
        self.reading.clear()
        # The reader may be inside a read already: one more answer gets it to the gate.
        self.request("threads")

    def release(self) -> None:
        self.reading.set()


@pytest.fixture
def held() -> Iterator[HeldClient]:
    c = HeldClient.start()
    try:
        yield c
    finally:
        c.release()
        # Let the reader see the end of what the adapter sends before the pipes are closed.
        assert c.process is not None and c.process.stdin is not None
        c.process.stdin.close()
        c.wait_closed()
        c.close()
        assert not c.schema_errors, "\n".join(c.schema_errors)


def burst_until_the_program_ends(
    client: HeldClient, terminals: list[subprocess.Popen[bytes]] | None = None
) -> None:
    """Stops before the burst, stops reading, lets the program log BURST_SIZE lines and end.
    Returns once the debuggee process is gone, its last events still queued to the editor.

    With `terminals`, the program runs in the editor's terminal (runInTerminal), a process the
    adapter does not own, and the terminal started goes into the list."""
    if terminals is None:
        client.initialize()
        seq = client.send_request("launch", {"program": BURST})
    else:
        client.initialize(supportsRunInTerminalRequest=True)
        seq = client.send_request("launch", {"program": BURST, "console": "integratedTerminal"})
        request = reverse_request(client, "runInTerminal")
        terminals.append(spawn_terminal(request["arguments"], stdin=False))
        answer(client, request, {"processId": terminals[-1].pid})
    pid = client.wait_event("process")["systemProcessId"]
    client.wait_event("initialized")
    client.request(
        "setBreakpoints",
        {
            "source": {"path": BURST},
            "breakpoints": [
                {"line": line_of(BURST, "before-burst")},
                {"line": line_of(BURST, "logpoint"), "logMessage": "burst {i}"},
            ],
        },
    )
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    tid = client.wait_event("stopped")["threadId"]
    gone = os.pidfd_open(pid)
    try:
        client.hold()
        client.send_request("continue", {"threadId": tid})
        ended, _, _ = select.select([gone], [], [], 20)
    finally:
        os.close(gone)
    if not ended:
        client.release()
        pytest.skip("the burst did not fit in the connection's buffers: the program could not end")


def burst_lines(messages: list[dict[str, Any]]) -> list[str]:
    return [
        m["body"]["output"]
        for m in messages
        if m.get("event") == "output" and m["body"]["output"].startswith("burst ")
    ]


def test_events_sent_before_the_end_come_before_exited(held: HeldClient) -> None:
    burst_until_the_program_ends(held)
    held.release()
    held.wait_event("terminated", timeout=30)
    before_exit = []
    for m in held.messages:
        if m.get("event") == "exited":
            break
        before_exit.append(m)
    assert burst_lines(before_exit) == [f"burst {i}\n" for i in range(BURST_SIZE)]


@pytest.mark.parametrize("console", ["internalConsole", "integratedTerminal"])
def test_a_request_after_the_end_loses_no_events(held: HeldClient, console: str) -> None:
    terminals: list[subprocess.Popen[bytes]] = []
    try:
        burst_until_the_program_ends(held, terminals if console == "integratedTerminal" else None)
        _requests_after_the_end(held)
    finally:
        for terminal in terminals:
            terminal.kill()
            terminal.wait(timeout=15)


def _requests_after_the_end(held: HeldClient) -> None:
    late = [held.send_request("threads") for _ in range(3)]
    held.release()
    held.wait_event("terminated", timeout=30)
    for seq in late:
        held.wait_response(seq)  # answered one way or another
    held.request("disconnect")
    held.wait_closed()
    assert burst_lines(held.messages) == [f"burst {i}\n" for i in range(BURST_SIZE)]
