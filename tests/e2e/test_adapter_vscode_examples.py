"""vscode-launch-examples/: every file is valid JSON, every configuration matches the
extension's schema, and the adapter really accepts each one (launched or attached)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.e2e.adapter_helpers import (
    answer,
    configure,
    env_with_src,
    spawn_terminal,
    start_listening,
)
from tests.support.dap_client import DapClient
from tests.support.programs import program

EXAMPLES = Path(__file__).resolve().parents[2] / "vscode-launch-examples"
LAUNCH = json.loads((EXAMPLES / "launch.json").read_text())
MANIFEST = json.loads((EXAMPLES / "extension" / "package.json").read_text())
DEBUGGER = MANIFEST["contributes"]["debuggers"][0]
CLIENT_KEYS = {"type", "request", "name"}


def test_every_example_is_valid_json() -> None:
    files = sorted(EXAMPLES.rglob("*.json"))
    assert [f.relative_to(EXAMPLES).as_posix() for f in files] == [
        "extension/package.json",
        "launch.json",
    ]
    for f in files:
        json.loads(f.read_text())


def test_the_extension_contributes_dap_python_running_dap_server() -> None:
    assert DEBUGGER["type"] == "dap-python"
    adapter = EXAMPLES / "extension" / DEBUGGER["program"]
    assert os.access(adapter, os.X_OK)
    assert "dap-server" in adapter.read_text()
    assert (EXAMPLES / "extension" / DEBUGGER["windows"]["program"]).is_file()
    assert {"launch", "attach"} == set(DEBUGGER["configurationAttributes"])


def _schema(request: str) -> dict[str, Any]:
    props = dict(DEBUGGER["configurationAttributes"][request]["properties"])
    for key in CLIENT_KEYS:
        props[key] = {"type": "string"}
    return {
        "type": "object",
        "properties": props,
        "additionalProperties": False,
        "required": ["type", "request", "name"],
    }


EXAMPLE_CONFIGS = LAUNCH["configurations"]
SNIPPETS = [s["body"] for s in DEBUGGER["configurationSnippets"]] + DEBUGGER[
    "initialConfigurations"
]


@pytest.mark.parametrize("config", EXAMPLE_CONFIGS + SNIPPETS, ids=lambda c: c["name"])
def test_configuration_matches_the_schema(config: dict[str, Any]) -> None:
    assert config["type"] == "dap-python"
    jsonschema.validate(config, _schema(config["request"]))


def test_the_five_kinds_of_configuration_are_there() -> None:
    names = [c["name"] for c in EXAMPLE_CONFIGS]
    assert names == [
        "Python: launch a file",
        "Python: current file with arguments",
        "Python: module",
        "Python: attach to a listening program (dap-server --listen 5678 ...)",
        "Python: attach by process id",
    ]


def _substitute(value: Any, variables: dict[str, str]) -> Any:
    """What VS Code does to `${...}` before the adapter sees a configuration."""
    if isinstance(value, str):
        for name, replacement in variables.items():
            value = value.replace("${" + name + "}", replacement)
        return value
    if isinstance(value, list):
        return [_substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, variables) for k, v in value.items()}
    return value


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "main.py").write_text("import sys\nprint('main', sys.argv[1:])\n")
    (tmp_path / "mypackage").mkdir()
    (tmp_path / "mypackage" / "__init__.py").write_text("")
    (tmp_path / "mypackage" / "__main__.py").write_text(
        "import os, sys\nprint('module', sys.argv[1:], os.environ['FROM_ENV_FILE'])\n"
    )
    (tmp_path / ".env").write_text("FROM_ENV_FILE=yes\n")
    return tmp_path


def _run_launch(config: dict[str, Any]) -> str:
    """The VS Code conversation, runInTerminal included; returns all the program's output."""
    client = DapClient.adapter()
    terminal: subprocess.Popen[bytes] | None = None
    try:
        client.initialize(
            supportsRunInTerminalRequest=True, supportsArgsCanBeInterpretedByShell=True
        )
        seq = client.send_request("launch", config)
        first = client._next(
            lambda m: (
                (m.get("type") == "request" and m.get("command") == "runInTerminal")
                or (m.get("type") == "event" and m.get("event") == "initialized")
            ),
            15,
            "runInTerminal or initialized",
        )
        if first.get("type") == "request":
            terminal = spawn_terminal(first["arguments"], stdin=False)
            answer(client, first, {"processId": terminal.pid})
            client.wait_event("initialized")
        configure(client)
        response = client.wait_response(seq)
        assert response["success"], response.get("message")
        client.wait_event("terminated")
        out = client.output("stdout")
        if terminal is not None:
            out += terminal.communicate(timeout=15)[0].decode()
        assert client.output("console") == ""  # no unknown options
        return out
    finally:
        client.close()
        assert not client.schema_errors, "\n".join(client.schema_errors)
        if terminal is not None and terminal.poll() is None:
            terminal.kill()
            terminal.wait()


def test_launch_a_file(workspace: Path) -> None:
    config = _substitute(EXAMPLE_CONFIGS[0], {"workspaceFolder": str(workspace)})
    assert _run_launch(config) == "main []\n"


def test_current_file_with_arguments(workspace: Path) -> None:
    config = _substitute(
        EXAMPLE_CONFIGS[1],
        {"file": str(workspace / "main.py"), "input:programArgs": "one 'two three'"},
    )
    assert _run_launch(config) == "main ['one', 'two three']\n"


def test_module(workspace: Path) -> None:
    config = _substitute(EXAMPLE_CONFIGS[2], {"workspaceFolder": str(workspace)})
    assert _run_launch(config) == "module ['--verbose'] yes\n"


def test_attach_to_a_listening_program(workspace: Path) -> None:
    listening = start_listening(["--listen", "0", "--wait-for-client", str(workspace / "main.py")])
    try:
        assert listening.token is not None
        config = _substitute(
            EXAMPLE_CONFIGS[3],
            {"workspaceFolder": str(workspace), "input:accessToken": listening.token},
        )
        config["connect"]["port"] = (
            listening.port
        )  # the example says 5678; the test took a free port
        client = DapClient.adapter()
        try:
            client.initialize()
            seq = client.send_request("attach", config)
            client.wait_event("initialized")
            configure(client)
            assert client.wait_response(seq)["success"]
            assert client.wait_event("exited") == {"exitCode": 0}
            client.wait_event("terminated")
            assert client.output("console") == ""
        finally:
            client.close()
            assert not client.schema_errors, "\n".join(client.schema_errors)
        listening.wait_stdout("main []")
    finally:
        listening.stop()


def test_attach_by_process_id(tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    target = subprocess.Popen(
        [sys.executable, program("ticker.py"), str(stop)],
        env=env_with_src(),
        stdout=subprocess.DEVNULL,
    )
    try:
        config = _substitute(EXAMPLE_CONFIGS[4], {"input:processId": str(target.pid)})
        client = DapClient.adapter()
        try:
            client.initialize()
            seq = client.send_request("attach", config)
            client.wait_event("initialized", timeout=40)
            configure(client)
            response = client.wait_response(seq)
            assert response["success"], response.get("message")
            assert client.events("process")[0]["systemProcessId"] == target.pid
            client.request("disconnect")
        finally:
            client.close()
            assert not client.schema_errors, "\n".join(client.schema_errors)
        assert target.poll() is None
    finally:
        stop.write_text("")
        target.wait(timeout=15)
