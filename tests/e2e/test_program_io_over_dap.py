"""The debugged program's output, input and unusual lifecycles, through the real adapter.

What a program writes reaches the editor as `output` events, whole, in order and before the news
of its end; a program reading stdin in the internal console gets end-of-file; and the session
ends cleanly however the program ends: atexit handlers, threads outliving the main thread,
os.execv, a signal it sends itself.
"""

from __future__ import annotations

import re
import signal
from typing import Any

import pytest

from tests.e2e.adapter_helpers import answer, configure, reverse_request
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

FLOOD = program("io_flood.py")
ODD = program("io_odd_output.py")
PRINTS = program("io_prints_while_stopped.py")
BIG = program("io_big_print_then_stop.py")
INPUT = program("io_input.py")
ATEXIT = program("io_atexit.py")
THREAD_DIES = program("io_thread_uncaught.py")
SWAPS = program("io_swaps_stdout.py")
HOOK = program("io_excepthook.py")
LATE = program("io_main_ends_first.py")
EXECS = program("io_execs.py")
EXEC_TARGET = program("io_exec_target.py")
SIGTERM = program("io_sigterm.py")


def start(
    client: DapClient,
    prog: str,
    args: list[str] | None = None,
    breakpoints: dict[str, list[int]] | None = None,
    filters: list[str] | None = None,
    capabilities: dict[str, Any] | None = None,
    **options: Any,
) -> None:
    """initialize, launch, setBreakpoints (each must bind where asked), setExceptionBreakpoints
    (none unless given), configurationDone."""
    client.initialize(**(capabilities or {}))
    seq = client.send_request("launch", {"program": prog, "args": args or [], **options})
    client.wait_event("initialized")
    for path, lines in (breakpoints or {}).items():
        body = client.request(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
        )
        assert [(b["verified"], b["line"]) for b in body["breakpoints"]] == [
            (True, n) for n in lines
        ]
    client.request("setExceptionBreakpoints", {"filters": filters or []})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]


def finish(client: DapClient) -> int:
    """Waits for the end and disconnects, so that every message is in. Checks that `exited`
    comes once, after every `output` of the program and before `terminated`, which is last;
    returns the exit code."""
    client.wait_event("terminated", timeout=30)
    client.request("disconnect")
    client.wait_closed()
    events = [m for m in client.messages if m.get("type") == "event"]
    names = [m["event"] for m in events]
    assert names.count("exited") == 1 and names.count("terminated") == 1, names
    exited_at = names.index("exited")
    assert names[exited_at + 1 :] == ["terminated"], names[exited_at:]
    code = events[exited_at]["body"]["exitCode"]
    assert isinstance(code, int)
    return code


def stopped_at(client: DapClient, thread_id: int) -> tuple[str, int]:
    top = client.stack(thread_id)[0]
    return top["name"], top["line"]


def output_before(client: DapClient, message: dict[str, Any], category: str = "stdout") -> str:
    """What the program wrote (in `category`) that reached the editor before `message`."""
    text: list[str] = []
    for m in client.messages:
        if m is message:
            return "".join(text)
        if m.get("event") == "output" and m["body"].get("category") == category:
            text.append(m["body"]["output"])
    raise AssertionError("message not received")


# -- 1. a flood of output -----------------------------------------------------------------------


def test_twenty_thousand_lines_arrive_whole_and_in_order_before_exited(client: DapClient) -> None:
    start(client, FLOOD, ["20000"])
    assert finish(client) == 3
    assert client.output("stdout") == "".join(f"line {n:05d}\n" for n in range(20000))
    assert client.output("stderr") == "".join(f"err {n:05d}\n" for n in range(999, 20000, 1000))
    assert client.output("console") == ""


# -- 2. output by unusual roads ---------------------------------------------------------------------


def test_raw_bytes_fd_writes_a_childs_output_and_no_final_newline(client: DapClient) -> None:
    start(client, ODD, subProcess=False)
    assert finish(client) == 0
    assert client.output("stdout") == (
        "start\n"
        "bytes:\ufffd\ufffd\n"  # not UTF-8: replaced, not dropped, nothing crashes
        "split:\u00e9\n"  # one character written in two halves
        "raw fd\n"
        "from child\n"
        "end\n"
        "no newline at exit"
    )
    assert client.output("stderr") == "raw err\n"


def test_a_child_run_undebugged_adds_nothing_to_the_programs_stderr(client: DapClient) -> None:
    start(client, ODD)  # subProcess on (the default); this editor has no startDebugging
    assert finish(client) == 0
    assert "from child\n" in client.output("stdout")
    assert "runs undebugged: this editor cannot start child sessions (startDebugging)" in (
        client.output("console")
    )
    # The console has said why; the program's stderr is the program's.
    assert client.output("stderr") == "raw err\n"


# -- 3. output while stopped ------------------------------------------------------------------------


def _ticks(text: str) -> list[int]:
    return [int(m[1]) for m in re.finditer(r"^tick (\d+)$", text, re.MULTILINE)]


def test_another_thread_prints_on_while_main_is_stopped(client: DapClient) -> None:
    bp = line_of(PRINTS, "bp")
    start(client, PRINTS, breakpoints={PRINTS: [bp]})
    stopped = client.wait_event("stopped")
    main = stopped["threadId"]
    assert (stopped["reason"], main) == (
        "breakpoint",
        client.events("process")[0]["systemProcessId"],
    )
    stop_message = next(m for m in client.messages if m.get("event") == "stopped")
    seen = _ticks(output_before(client, stop_message))
    # Three more ticks, printed while the main thread stays stopped.
    goal = (max(seen) if seen else -1) + 3
    client.wait_event(
        "output", where=lambda b: goal in _ticks(b.get("output", "")) and b["category"] == "stdout"
    )
    assert not client.events("continued")
    assert stopped_at(client, main) == ("<module>", bp)
    client.request("continue", {"threadId": main})
    assert finish(client) == 0
    out = client.output("stdout")
    ticks = _ticks(out)
    assert ticks == list(range(len(ticks))) and len(ticks) > goal
    assert out.endswith("worker done\nmain done\n")


def test_output_written_before_a_breakpoint_arrives_before_its_stop(client: DapClient) -> None:
    count = 10_000  # 1 MB a round
    bp = line_of(BIG, "bp")
    start(client, BIG, [str(count)], breakpoints={BIG: [bp]})
    for round_ in range(3):
        stopped = client.wait_event("stopped")
        stop_message = [m for m in client.messages if m.get("event") == "stopped"][round_]
        before = output_before(client, stop_message)
        client.request("continue", {"threadId": stopped["threadId"]})
        assert len(before) == (round_ + 1) * count * 100, f"round {round_}"
    assert finish(client) == 0
    assert client.output("stdout").endswith("done\n")


# -- 4. stdin in the internal console -----------------------------------------------------------


@pytest.mark.parametrize(
    ("how", "printed"), [("input", "name? EOF\n"), ("read", "read ''\n")], ids=["input", "read"]
)
def test_reading_stdin_in_the_internal_console_gets_end_of_file(
    client: DapClient, how: str, printed: str
) -> None:
    start(client, INPUT, [how])
    assert finish(client) == 0
    assert client.output("stdout") == printed
    assert client.output("stderr") == ""


def test_input_without_a_handler_is_an_uncaught_eof_error(client: DapClient) -> None:
    start(client, INPUT, ["uncaught"], filters=["uncaught"])
    stopped = client.wait_event("stopped", timeout=15)
    assert (stopped["reason"], stopped["text"]) == (
        "exception",
        "EOFError: EOF when reading a line",
    )
    assert stopped_at(client, stopped["threadId"]) == ("<module>", line_of(INPUT, "uncaught-input"))
    info = client.request("exceptionInfo", {"threadId": stopped["threadId"]})
    assert (info["exceptionId"], info["breakMode"]) == ("EOFError", "unhandled")
    client.request("continue", {"threadId": stopped["threadId"]})
    assert finish(client) == 1
    assert client.output("stdout") == ""
    assert client.output("stderr").endswith("EOFError: EOF when reading a line\n")


# -- 5. atexit -----------------------------------------------------------------------------------------


def test_atexit_output_arrives_before_exited(client: DapClient) -> None:
    start(client, ATEXIT)
    assert finish(client) == 0
    assert client.output("stdout") == "main done\natexit says goodbye to ada\n"


def test_breakpoint_in_an_atexit_handler_stops(client: DapClient) -> None:
    line = line_of(ATEXIT, "in-handler")
    start(client, ATEXIT, breakpoints={ATEXIT: [line]})
    stopped = client.wait_any_event(("stopped", "exited"))
    assert stopped["event"] == "stopped", stopped
    tid = stopped["body"]["threadId"]
    assert stopped_at(client, tid) == ("goodbye", line)
    assert client.locals(client.stack(tid)[0]["id"])["name"]["value"] == "'ada'"
    assert client.output("stdout") == "main done\n"
    client.request("continue", {"threadId": tid})
    assert finish(client) == 0
    assert client.output("stdout") == "main done\natexit says goodbye to ada\n"


# -- 6. an uncaught exception in a thread --------------------------------------------------------------

_THREAD_TRACEBACK_END = (
    '  File "{path}", line {line}, in work\n'
    '    raise ValueError("worker failed")  # @raise\n'
    "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    "ValueError: worker failed\n"
)


def test_uncaught_exception_in_a_thread_stops_and_the_program_goes_on(client: DapClient) -> None:
    start(client, THREAD_DIES, filters=["uncaught"])
    stopped = client.wait_event("stopped")
    main = client.events("process")[0]["systemProcessId"]
    tid = stopped["threadId"]
    assert tid != main
    assert (stopped["reason"], stopped["text"]) == ("exception", "ValueError: worker failed")
    assert stopped_at(client, tid) == ("work", line_of(THREAD_DIES, "raise"))
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["breakMode"]) == ("ValueError", "unhandled")
    assert "worker" in {t["name"] for t in client.request("threads")["threads"]}
    assert client.output("stdout") == ""  # the main thread waits in join()
    client.request("continue", {"threadId": tid})
    assert finish(client) == 0
    assert client.output("stdout") == "main goes on\n"
    stderr = client.output("stderr")
    assert stderr.startswith("Exception in thread worker:\nTraceback (most recent call last):\n")
    assert stderr.endswith(
        _THREAD_TRACEBACK_END.format(path=THREAD_DIES, line=line_of(THREAD_DIES, "raise"))
    )
    assert len(client.events("stopped")) == 1


def test_uncaught_exception_in_a_thread_without_the_filter_only_prints(client: DapClient) -> None:
    start(client, THREAD_DIES)
    assert finish(client) == 0
    assert not client.events("stopped")
    assert client.output("stdout") == "main goes on\n"
    assert client.output("stderr").endswith(
        _THREAD_TRACEBACK_END.format(path=THREAD_DIES, line=line_of(THREAD_DIES, "raise"))
    )


# -- 7. a program that replaces sys.stdout or sys.excepthook ------------------------------------------


def test_stdout_replaced_by_the_program_and_put_back(client: DapClient) -> None:
    line = line_of(SWAPS, "replaced")
    start(client, SWAPS, breakpoints={SWAPS: [line]})
    stopped = client.wait_event("stopped")
    frame = client.stack(stopped["threadId"])[0]
    assert frame["line"] == line
    value = client.request("evaluate", {"expression": "buffer.getvalue()", "frameId": frame["id"]})
    assert value["result"] == repr("captured 1\n")
    client.request("continue", {"threadId": stopped["threadId"]})
    assert finish(client) == 0
    assert client.output("stdout") == "before\nafter 'captured 1\\n' 'captured 2\\n'\n"


@pytest.mark.parametrize("filters", [[], ["uncaught"]], ids=["no-filter", "uncaught"])
def test_the_programs_own_excepthook_reports_its_uncaught_exception(
    client: DapClient, filters: list[str]
) -> None:
    start(client, HOOK, filters=filters)
    if filters:
        stopped = client.wait_event("stopped")
        assert (stopped["reason"], stopped["text"]) == ("exception", "LookupError: missing")
        assert stopped_at(client, stopped["threadId"]) == ("<module>", line_of(HOOK, "raise"))
        client.request("continue", {"threadId": stopped["threadId"]})
    assert finish(client) == 1
    assert client.output("stdout") == "hook set\n"
    assert client.output("stderr") == "custom hook: LookupError: missing\n"  # no traceback


# -- 8. threads outliving the main thread -----------------------------------------------------------


def test_breakpoint_in_a_thread_after_the_main_thread_ended_stops(client: DapClient) -> None:
    line = line_of(LATE, "after-main")
    start(client, LATE, ["after-main"], breakpoints={LATE: [line]})
    stopped = client.wait_any_event(("stopped", "exited"))
    assert stopped["event"] == "stopped", stopped
    tid = stopped["body"]["threadId"]
    assert tid != client.events("process")[0]["systemProcessId"]
    assert stopped_at(client, tid) == ("after_main", line)
    assert client.output("stdout") == "main ends\nmain thread finished\n"
    client.request("continue", {"threadId": tid})
    assert finish(client) == 0
    assert client.output("stdout") == "main ends\nmain thread finished\nworker after main 42\n"


def test_a_stopped_thread_stays_stopped_when_the_main_thread_ends(client: DapClient) -> None:
    line = line_of(LATE, "worker-bp")
    start(client, LATE, ["stopped-at-end"], breakpoints={LATE: [line]})
    stopped = client.wait_event("stopped")
    tid = stopped["threadId"]
    # The interpreter has run the main thread off the end and now waits for the stopped one.
    client.wait_event("output", where=lambda b: "main thread finished" in b.get("output", ""))
    assert "worker resumed" not in client.output("stdout")
    assert stopped_at(client, tid) == ("stopped_at_end", line)
    client.request("continue", {"threadId": tid})
    assert finish(client) == 0
    assert client.output("stdout") == "main ends\nmain thread finished\nworker resumed 7\n"


def test_a_daemon_thread_still_running_at_exit_does_not_hold_the_end(client: DapClient) -> None:
    start(client, LATE, ["daemon"])
    assert finish(client) == 0
    assert client.output("stdout") == "main ends\nmain thread finished\n"
    started = [e["threadId"] for e in client.events("thread") if e["reason"] == "started"]
    assert len(started) == 1


# -- 9. os.execv ---------------------------------------------------------------------------------------


def test_execv_without_sub_process_ends_the_session_with_the_new_programs_status(
    client: DapClient,
) -> None:
    start(client, EXECS, subProcess=False)
    assert finish(client) == 4
    assert client.output("stdout") == "before exec\nafter exec from-exec\n"
    assert client.output("stderr") == ""
    assert len(client.events("process")) == 1


def _follow_exec(client: DapClient, child: DapClient) -> int:
    """Launches io_execs.py with an editor that starts child sessions, attaches `child` to the
    program execv made (announced like a child, with the same pid), stops it at its breakpoint,
    continues it; returns the pid."""
    line = line_of(EXEC_TARGET, "exit")
    start(client, EXECS, capabilities={"supportsStartDebuggingRequest": True})
    pid = client.events("process")[0]["systemProcessId"]
    assert isinstance(pid, int)
    request = reverse_request(client, "startDebugging")
    answer(client, request)
    configuration = request["arguments"]["configuration"]
    assert configuration["subProcessId"] == pid  # the same process, a new program
    child.initialize()
    seq = child.send_request("attach", configuration)
    child.wait_event("initialized")
    configure(child, {EXEC_TARGET: [line]})
    assert child.wait_response(seq)["success"]
    stopped = child.wait_event("stopped")
    assert stopped["threadId"] == pid
    assert stopped_at(child, pid) == ("<module>", line)
    child.request("continue", {"threadId": pid})
    return pid


def test_execv_is_followed_as_a_child_session(client: DapClient) -> None:
    child = DapClient.adapter()
    try:
        _follow_exec(client, child)
        child.wait_event("terminated")
    finally:
        child.close()
        assert not child.schema_errors, "\n".join(child.schema_errors)
    assert finish(client) == 4
    assert client.output("stdout") == "before exec\nafter exec from-exec\n"
    assert client.output("stderr") == ""


@pytest.mark.xfail(
    strict=True,
    reason="BUG: a child session (subProcess, here the program execv made) ends with "
    "`terminated` only: no `exited` with the child's exit code",
)
def test_execv_child_session_reports_the_exit_code(client: DapClient) -> None:
    child = DapClient.adapter()
    try:
        _follow_exec(client, child)
        child.wait_event("terminated")
        names = [m["event"] for m in child.messages if m.get("event") in ("exited", "terminated")]
        assert names == ["exited", "terminated"]
        assert child.events("exited") == [{"exitCode": 4}]
    finally:
        child.close()
        assert not child.schema_errors, "\n".join(child.schema_errors)
    assert finish(client) == 4


# -- 10. a signal the program sends itself -------------------------------------------------------------


def test_program_killed_by_its_own_sigterm(client: DapClient) -> None:
    start(client, SIGTERM)
    assert finish(client) == -int(signal.SIGTERM)
    assert client.output("stdout") == "terminating myself\n"
    assert client.output("console") == "The program was killed by signal SIGTERM.\n"
    assert client.output("stderr") == ""
