"""Every way `launch` can start a program, through the real adapter and a real debuggee."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.adapter_helpers import (
    answer,
    configure,
    launch_with,
    reverse_request,
    spawn_terminal,
)
from tests.support.dap_client import DapClient
from tests.support.programs import PROGRAMS, line_of, program

SHOW_ENV = program("show_env.py")
BASIC = program("basic.py")


def report(client: DapClient) -> dict[str, Any]:
    client.wait_event("terminated")
    lines = [line for line in client.output("stdout").splitlines() if line.startswith("{")]
    assert len(lines) == 1, client.output()
    result: dict[str, Any] = json.loads(lines[0])
    return result


def test_program_with_list_args_cwd_env_and_env_file(client: DapClient, tmp_path: Path) -> None:
    (tmp_path / "vars.env").write_text(
        '# comment\nDAP_TEST_FILE=from-file\nexport DAP_TEST_SET=overridden-by-env\nDAP_TEST_QUOTED="a b"\n'
    )
    os.environ["DAP_TEST_UNSET"] = "inherited"
    try:
        client.launch(
            SHOW_ENV,
            args=["one", "two words"],
            cwd=str(tmp_path),
            env={"DAP_TEST_SET": "set", "DAP_TEST_UNSET": None},
            envFile="vars.env",
        )
    finally:
        del os.environ["DAP_TEST_UNSET"]
    r = report(client)
    assert r["name"] == "__main__"
    assert r["argv"] == [SHOW_ENV, "one", "two words"]
    assert r["cwd"] == str(tmp_path)
    assert r["path0"] == str(PROGRAMS)
    assert r["env"] == {
        "DAP_TEST_SET": "set",
        "DAP_TEST_FILE": "from-file",
        "DAP_TEST_UNSET": None,
        "DAP_TEST_QUOTED": "a b",
    }
    assert r["token_leaked"] is False
    assert client.events("exited") == [{"exitCode": 0}]


def test_args_as_a_string_are_split_like_a_shell(client: DapClient) -> None:
    client.launch(SHOW_ENV, args="a 'b c' d")
    assert report(client)["argv"] == [SHOW_ENV, "a", "b c", "d"]


def test_module_runs_as_python_dash_m(client: DapClient) -> None:
    launch_with(client, {"module": "show_env", "cwd": str(PROGRAMS), "args": ["x"]})
    r = report(client)
    assert r["name"] == "__main__"
    assert r["argv"] == [SHOW_ENV, "x"]  # alter_sys: argv[0] is the module's file
    assert r["path0"] == str(PROGRAMS)


def test_module_breakpoint_and_package_main(client: DapClient) -> None:
    main = str(PROGRAMS / "pkg_main" / "__main__.py")
    line = line_of(main, "pkg-main")
    launch_with(
        client, {"module": "pkg_main", "cwd": str(PROGRAMS), "args": ["arg"]}, {main: [line]}
    )
    stopped = client.wait_event("stopped")
    frames = client.stack(stopped["threadId"])
    assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == (
        "<module>",
        line,
        main,
    )
    client.request("continue", {"threadId": stopped["threadId"]})
    client.wait_event("terminated")
    assert client.output("stdout") == "package main __main__ ['arg']\n"


def test_missing_module_is_a_clear_error(client: DapClient) -> None:
    client.initialize()
    message = client.request_error(
        "launch", {"module": "no_such_module_here", "cwd": str(PROGRAMS)}
    )
    assert message.startswith(
        "launch: the debuggee exited with code 2 before the debugger could connect"
    )
    assert "No module named 'no_such_module_here'" in message


def test_code_runs_as_python_dash_c(client: DapClient) -> None:
    code = "import sys; print('code says', sys.argv, __name__)"
    launch_with(client, {"code": code, "args": ["p"]})
    client.wait_event("terminated")
    assert client.output("stdout") == "code says ['-c', 'p'] __main__\n"


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"program": BASIC, "module": "basic"}, "'program' and 'module'"),
        ({"module": "basic", "code": "pass"}, "'module' and 'code'"),
        ({"program": BASIC, "module": "m", "code": "pass"}, "'program' and 'module' and 'code'"),
    ],
)
def test_program_module_code_are_mutually_exclusive(
    client: DapClient, given: dict[str, str], named: str
) -> None:
    client.initialize()
    assert client.request_error("launch", given) == (
        f"launch: 'program', 'module' and 'code' are mutually exclusive, but {named} were given"
    )


def test_nothing_to_run_is_a_clear_error(client: DapClient) -> None:
    client.initialize()
    assert client.request_error("launch", {"args": ["x"]}) == (
        "launch: say what to run: 'program' (a Python file), 'module' (as python -m) or 'code' (as python -c)"
    )


def test_python_and_python_args(client: DapClient) -> None:
    client.launch(SHOW_ENV, python=sys.executable, pythonArgs=["-O"])
    assert report(client)["optimize"] == 1


def test_debugpy_python_path_name_is_accepted(client: DapClient) -> None:
    client.launch(SHOW_ENV, pythonPath=sys.executable)
    report(client)
    assert "unknown" not in client.output("console")


def test_unknown_options_are_reported_once(client: DapClient) -> None:
    client.launch(
        SHOW_ENV, django=True, myOwnSetting=1, type="dap-python", name="x", request="launch"
    )
    report(client)
    assert (
        client.output("console")
        == "dap-server: ignoring unknown launch options: django, myOwnSetting\n"
    )


def test_missing_env_file_is_a_clear_error(client: DapClient, tmp_path: Path) -> None:
    client.initialize()
    missing = tmp_path / "nope.env"
    assert client.request_error("launch", {"program": SHOW_ENV, "envFile": str(missing)}) == (
        f"launch: envFile '{missing}' does not exist"
    )


def test_just_my_code_false_is_passed_on(client: DapClient) -> None:
    line = line_of(BASIC, "greet-print")
    client.launch(BASIC, breakpoints={BASIC: [line]}, justMyCode=False)
    stopped = client.wait_event("stopped")
    assert client.stack(stopped["threadId"])[0]["line"] == line
    client.request("disconnect", {"terminateDebuggee": True})


def test_no_debug_runs_the_plain_program(client: DapClient) -> None:
    line = line_of(BASIC, "greet-print")
    bps = client.launch(BASIC, breakpoints={BASIC: [line]}, noDebug=True, args=["5"])
    assert bps[BASIC]["breakpoints"] == [
        {"verified": False, "message": "the program runs without the debugger (noDebug)"}
    ]
    assert client.wait_event("exited") == {"exitCode": 5}
    client.wait_event("terminated")
    assert client.output("stdout") == "hello ada\nhello bobby\ntotal 8\n"
    assert client.output("stderr") == "to stderr\n"
    assert not client.events("stopped")
    assert not client.events("process")  # no debuggee server ever ran


def test_connect_timeout_is_named_in_its_error(client: DapClient) -> None:
    client.initialize()
    # An "interpreter" that never starts the debuggee: the adapter gives up after connectTimeout.
    message = client.request_error(
        "launch",
        {"program": BASIC, "python": ["/bin/sh", "-c", "sleep 30", "sh"], "connectTimeout": 0.5},
    )
    assert (
        message
        == "launch: the debuggee did not connect within 0.5 s (launch option connectTimeout)"
    )


# -- console: integratedTerminal / externalTerminal through runInTerminal ----------------------


@pytest.mark.parametrize(
    ("console", "kind"), [("integratedTerminal", "integrated"), ("externalTerminal", "external")]
)
def test_run_in_terminal_with_stdin(client: DapClient, console: str, kind: str) -> None:
    reads = program("reads_stdin.py")
    line = line_of(reads, "read")
    client.initialize(supportsRunInTerminalRequest=True)
    launch_seq = client.send_request(
        "launch", {"program": reads, "console": console, "env": {"DAP_TEST_SET": "t"}}
    )
    request = reverse_request(client, "runInTerminal")
    arguments = request["arguments"]
    assert arguments["kind"] == kind
    assert arguments["cwd"] == str(PROGRAMS)
    assert arguments["args"][-2:] == ["--", reads]
    assert arguments["env"]["DAP_TEST_SET"] == "t"
    terminal = spawn_terminal(arguments)
    try:
        answer(client, request, {"processId": terminal.pid})
        client.wait_event("initialized")
        configure(client, {reads: [line]})
        assert client.wait_response(launch_seq)["success"]
        stopped = client.wait_event("stopped")
        assert client.stack(stopped["threadId"])[0]["line"] == line
        client.request("continue", {"threadId": stopped["threadId"]})
        out, _err = terminal.communicate(b"typed line\n", timeout=15)
        assert out == b"got 'typed line'\n"
        assert client.wait_event("exited") == {"exitCode": 0}
        client.wait_event("terminated")
        assert client.output("stdout") == ""  # the terminal has it, not the debug console
    finally:
        if terminal.poll() is None:
            terminal.kill()
            terminal.wait()


def test_run_in_terminal_with_redirect_output_also_sends_output_events(client: DapClient) -> None:
    client.initialize(supportsRunInTerminalRequest=True)
    launch_seq = client.send_request(
        "launch", {"program": BASIC, "console": "integratedTerminal", "redirectOutput": True}
    )
    request = reverse_request(client, "runInTerminal")
    terminal = spawn_terminal(request["arguments"], stdin=False)
    try:
        answer(client, request, {"processId": terminal.pid})
        client.wait_event("initialized")
        configure(client)
        assert client.wait_response(launch_seq)["success"]
        client.wait_event("terminated")
        out, _err = terminal.communicate(timeout=15)
        assert out == b"hello ada\nhello bobby\ntotal 8\n"
        assert client.output("stdout") == "hello ada\nhello bobby\ntotal 8\n"
        assert client.output("stderr") == "to stderr\n"
    finally:
        if terminal.poll() is None:
            terminal.kill()
            terminal.wait()


def test_args_string_goes_to_the_shell_when_the_editor_allows(client: DapClient) -> None:
    client.initialize(supportsRunInTerminalRequest=True, supportsArgsCanBeInterpretedByShell=True)
    launch_seq = client.send_request(
        "launch",
        {
            "program": SHOW_ENV,
            "console": "integratedTerminal",
            "args": "$DAP_TEST_SET 'x y'",
            "env": {"DAP_TEST_SET": "expanded"},
        },
    )
    request = reverse_request(client, "runInTerminal")
    assert request["arguments"]["argsCanBeInterpretedByShell"] is True
    terminal = spawn_terminal(request["arguments"], stdin=False)
    try:
        answer(client, request, {"processId": terminal.pid})
        client.wait_event("initialized")
        configure(client)
        assert client.wait_response(launch_seq)["success"]
        out, _ = terminal.communicate(timeout=15)
        assert json.loads(out)["argv"] == [SHOW_ENV, "expanded", "x y"]
        client.wait_event("terminated")
    finally:
        if terminal.poll() is None:
            terminal.kill()
            terminal.wait()


def test_terminal_console_needs_a_client_that_supports_it(client: DapClient) -> None:
    client.initialize()
    assert client.request_error("launch", {"program": BASIC, "console": "integratedTerminal"}) == (
        'launch: "console": "integratedTerminal" needs an editor that can run a command in a terminal '
        '(runInTerminal), and this one did not say it can; use "console": "internalConsole"'
    )


def test_editor_refusing_run_in_terminal_fails_the_launch(client: DapClient) -> None:
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request("launch", {"program": BASIC, "console": "integratedTerminal"})
    answer(client, reverse_request(client, "runInTerminal"), success=False)
    response = client.wait_response(seq)
    assert response["success"] is False
    assert (
        response["message"]
        == "launch: the editor could not start the program in a terminal: refused by the test"
    )


def test_run_in_terminal_timeout_is_named(client: DapClient) -> None:
    client.initialize(supportsRunInTerminalRequest=True)
    seq = client.send_request(
        "launch", {"program": BASIC, "console": "integratedTerminal", "runInTerminalTimeout": 0.3}
    )
    reverse_request(client, "runInTerminal")  # and never answer it
    response = client.wait_response(seq)
    assert (
        response["message"]
        == "runInTerminal: the editor did not answer within 0.3 s (launch option runInTerminalTimeout)"
    )
