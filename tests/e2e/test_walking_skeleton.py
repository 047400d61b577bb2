"""The first slice through every layer: an editor's conversation with the real adapter process,
which spawns a real debuggee, over real pipes and sockets."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

BASIC = program("basic.py")


def test_initialize_answers_with_capabilities(client: DapClient) -> None:
    caps = client.initialize()
    assert caps["supportsConfigurationDoneRequest"] is True
    assert caps["supportsConditionalBreakpoints"] is True
    assert [f["filter"] for f in caps["exceptionBreakpointFilters"]] == [
        "raised",
        "uncaught",
        "userUnhandled",
    ]


def test_breakpoint_stack_locals_continue_output_exit(client: DapClient) -> None:
    line = line_of(BASIC, "greet-print")
    bps = client.launch(BASIC, breakpoints={BASIC: [line]})
    assert bps[BASIC]["breakpoints"] == [
        {
            "id": bps[BASIC]["breakpoints"][0]["id"],
            "verified": True,
            "line": line,
            "source": {"name": "basic.py", "path": BASIC},
        }
    ]

    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "breakpoint"
    thread_id = stopped["threadId"]
    frames = client.stack(thread_id)
    assert [(f["name"], f["line"]) for f in frames] == [
        ("greet", line),
        ("main", line_of(BASIC, "greet-print") + 7),
        ("<module>", line_of(BASIC, "entry")),
    ]
    assert frames[0]["source"]["path"] == BASIC
    local_vars = client.locals(frames[0]["id"])
    assert local_vars["name"]["value"] == "'ada'"
    assert local_vars["name"]["type"] == "str"
    assert local_vars["count"]["value"] == "3"
    assert local_vars["count"]["type"] == "int"
    assert local_vars["message"]["value"] == "'hello ada'"

    client.request("continue", {"threadId": thread_id})
    stopped = client.wait_event("stopped")
    frames = client.stack(stopped["threadId"])
    assert client.locals(frames[0]["id"])["name"]["value"] == "'bobby'"
    client.request("continue", {"threadId": stopped["threadId"]})

    exited = client.wait_event("exited")
    assert exited == {"exitCode": 0}
    client.wait_event("terminated")
    assert client.output("stdout") == "hello ada\nhello bobby\ntotal 8\n"
    assert client.output("stderr") == "to stderr\n"
    # exited comes after the last output
    names = [m.get("event") for m in client.messages if m.get("type") == "event"]
    assert names.index("exited") > max(i for i, n in enumerate(names) if n == "output")
    client.request("disconnect")


def test_stop_on_entry(client: DapClient) -> None:
    client.launch(BASIC, stopOnEntry=True)
    stopped = client.wait_event("stopped")
    assert stopped["reason"] == "entry"
    frames = client.stack(stopped["threadId"])
    assert (frames[0]["name"], frames[0]["line"]) == ("<module>", 1)
    client.request("continue", {"threadId": stopped["threadId"]})
    assert client.wait_event("exited") == {"exitCode": 0}


def test_breakpoint_on_blank_line_binds_to_next_line(client: DapClient) -> None:
    blank = line_of(BASIC, "greet-count") + 1
    assert Path(BASIC).read_text().splitlines()[blank - 1].strip() == ""
    bps = client.launch(BASIC, breakpoints={BASIC: [blank]})
    bp = bps[BASIC]["breakpoints"][0]
    assert bp["verified"] is True
    assert bp["line"] == blank + 1
    stopped = client.wait_event("stopped")
    assert client.stack(stopped["threadId"])[0]["line"] == blank + 1
    # removing the breakpoint while stopped takes effect at once: no second stop
    client.request("setBreakpoints", {"source": {"path": BASIC}, "breakpoints": []})
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert len(client.events("stopped")) == 1


def test_exit_code_is_reported(client: DapClient) -> None:
    client.launch(BASIC, args=["3"])
    assert client.wait_event("exited") == {"exitCode": 3}
    client.wait_event("terminated")


def test_program_that_raises_and_dies(client: DapClient) -> None:
    raises = program("raises.py")
    client.initialize()
    seq = client.send_request("launch", {"program": raises})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": []})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    assert client.wait_event("exited") == {"exitCode": 1}
    client.wait_event("terminated")
    stderr = client.output("stderr")
    assert "ValueError: invalid literal for int() with base 10: 'not a number'" in stderr
    assert f'File "{raises}", line {line_of(raises, "raise")}, in parse' in stderr
    assert "runpy" not in stderr and "dap_server" not in stderr
    assert client.output("stdout") == "before\n"


def test_missing_program_is_a_clear_error(client: DapClient, tmp_path: Path) -> None:
    client.initialize()
    missing = str(tmp_path / "nope.py")
    assert (
        client.request_error("launch", {"program": missing})
        == f"launch: program '{missing}' does not exist"
    )


def test_syntax_error_is_a_clear_error(client: DapClient, tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("x = 1\ndef broken(:\n    pass\n")
    client.initialize()
    message = client.request_error("launch", {"program": str(bad)})
    assert message.startswith(f"launch: cannot run {bad}: SyntaxError: invalid syntax")
    assert "line 2" in message


def test_interpreter_without_sys_monitoring_is_a_clear_error(
    client: DapClient, tmp_path: Path
) -> None:
    old = Path(os.path.expanduser("~/.pyenv/versions/3.11.7/bin/python3"))
    if not old.exists():
        pytest.skip("no Python 3.11 interpreter on this machine")
    client.initialize()
    message = client.request_error("launch", {"program": BASIC, "python": str(old)})
    assert "needs Python 3.12 or newer" in message
    assert "3.11" in message


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return False


def test_editor_closing_ends_the_debuggee(tmp_path: Path) -> None:
    client = DapClient.adapter()
    line = line_of(BASIC, "greet-print")
    client.launch(BASIC, breakpoints={BASIC: [line]})
    client.wait_event("stopped")
    pid = client.events("process")[0]["systemProcessId"]
    assert _alive(pid)
    client.close()  # the editor goes away: stdin closes
    assert client.process is not None
    assert client.process.wait(timeout=10) == 0
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the OS for a process to vanish; there is no event to wait on
    assert not _alive(pid), "the debuggee was left running after the editor went away"


def test_adapter_killed_takes_the_debuggee_down() -> None:
    client = DapClient.adapter()
    client.launch(BASIC, breakpoints={BASIC: [line_of(BASIC, "greet-print")]})
    client.wait_event("stopped")
    pid = client.events("process")[0]["systemProcessId"]
    assert client.process is not None
    client.process.send_signal(signal.SIGKILL)
    client.process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the OS for a process to vanish; there is no event to wait on
    assert not _alive(pid), "the debuggee outlived its adapter"
    client.close()


def test_log_dir_writes_redacted_transcripts(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    client = DapClient.adapter("--log-dir", str(logs))
    try:
        line = line_of(BASIC, "greet-print")
        client.launch(
            BASIC,
            breakpoints={BASIC: [line]},
            env={"API_TOKEN": "tok-9f8e7d6c5b4a", "PLAIN": "visible"},
        )
        stopped = client.wait_event("stopped")
        client.request("continue", {"threadId": stopped["threadId"]})
        client.wait_event("stopped")
        client.request("continue", {"threadId": stopped["threadId"]})
        client.wait_event("terminated")
        client.request("disconnect")
    finally:
        client.close()
    adapter_logs = list(logs.glob("adapter-*.log"))
    debuggee_logs = list(logs.glob("debuggee-*.log"))
    assert len(adapter_logs) == 1 and len(debuggee_logs) == 1
    adapter_text = adapter_logs[0].read_text()
    debuggee_text = debuggee_logs[0].read_text()
    # every message and life-cycle step, timestamped
    assert '"command":"launch"' in adapter_text.replace(" ", "")
    assert "spawned debuggee pid" in adapter_text
    assert '"event":"stopped"' in debuggee_text.replace(" ", "")
    first = adapter_text.splitlines()[0]
    assert first[:4].isdigit() and first[10] == "T"
    # secrets never reach a log file
    assert "tok-9f8e7d6c5b4a" not in adapter_text + debuggee_text
    assert "visible" in adapter_text
    assert (adapter_logs[0].stat().st_mode & 0o777) == 0o600
