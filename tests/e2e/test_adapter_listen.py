"""Listen mode: `dap-server --listen`, the in-code API, attach through the adapter or straight
to the debuggee, the access token, detach and attach again."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.adapter_helpers import (
    Listening,
    configure,
    env_with_src,
    start_listening,
    start_listening_command,
    wait_gone,
)
from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

TICKER = program("ticker.py")
TICK = line_of(TICKER, "tick")


@pytest.fixture
def ticker(tmp_path: Path) -> Iterator[Listening]:
    listening = start_listening(
        ["--listen", "0", "--wait-for-client", TICKER, str(tmp_path / "stop")]
    )
    try:
        yield listening
    finally:
        (tmp_path / "stop").write_text("")
        listening.stop()


def _checked(client: DapClient) -> None:
    client.close()
    assert not client.schema_errors, "messages that break the DAP schema:\n" + "\n".join(
        client.schema_errors
    )


def _stop_at_tick(client: DapClient) -> int:
    stopped = client.wait_event("stopped")
    frames = client.stack(stopped["threadId"])
    assert (frames[0]["name"], frames[0]["line"], frames[0]["source"]["path"]) == (
        "tick",
        TICK,
        TICKER,
    )
    assert client.locals(frames[0]["id"])["n"]["type"] == "int"
    thread_id: int = stopped["threadId"]
    return thread_id


def test_direct_attach_needs_the_token_then_detach_and_attach_again_through_the_adapter(
    ticker: Listening,
) -> None:
    assert ticker.token is not None
    direct = DapClient.connect(ticker.host, ticker.port)
    try:
        direct.initialize()
        message = direct.request_error("attach", {})
        assert message.startswith(
            "attach: not authorized: this debuggee requires an access token; present the access token"
        )
        assert direct.request_error(
            "setBreakpoints", {"source": {"path": TICKER}, "breakpoints": [{"line": TICK}]}
        ).startswith("setBreakpoints: not authorized")
        assert direct.request_error("attach", {"token": "wrong"}).startswith(
            "attach: wrong access token"
        )
        direct.wait_closed()  # a wrong token is not worth a second guess on this connection
    finally:
        _checked(direct)
    direct = DapClient.connect(ticker.host, ticker.port)
    try:
        direct.initialize()
        direct.request("attach", {"token": ticker.token})
        direct.wait_event("initialized")
        assert direct.events("process")[0]["systemProcessId"] == ticker.pid
        configure(direct, {TICKER: [TICK]})
        _stop_at_tick(direct)
        direct.request("disconnect", {})  # detach: the program runs on
    finally:
        _checked(direct)
    assert ticker.process.poll() is None, "detaching ended the program"

    # A new client, through the adapter this time, attaches again later.
    via_adapter = DapClient.adapter()
    try:
        via_adapter.initialize()
        seq = via_adapter.send_request(
            "attach", {"connect": {"host": ticker.host, "port": ticker.port}, "token": ticker.token}
        )
        via_adapter.wait_event("initialized")
        configure(via_adapter, {TICKER: [TICK]})
        assert via_adapter.wait_response(seq)["success"]
        _stop_at_tick(via_adapter)
        # End the program from the editor: graceful first, so its `finally` runs.
        via_adapter.request("disconnect", {"terminateDebuggee": True})
        ticker.wait_stdout("ticker stopped")
        assert ticker.process.wait(timeout=15) != 0
    finally:
        _checked(via_adapter)


def test_token_in_initialize_arguments(ticker: Listening) -> None:
    direct = DapClient.connect(ticker.host, ticker.port)
    try:
        direct.initialize(token=ticker.token)
        direct.request("attach", {})
        direct.wait_event("initialized")
        configure(direct, {TICKER: [TICK]})
        _stop_at_tick(direct)
        direct.request("disconnect", {"terminateDebuggee": True})
        assert ticker.process.wait(timeout=15) != 0
    finally:
        _checked(direct)


def test_a_second_client_is_refused_while_one_is_attached(ticker: Listening) -> None:
    first = DapClient.connect(ticker.host, ticker.port)
    second: DapClient | None = None
    try:
        first.initialize(token=ticker.token)
        first.request("attach", {})
        second = DapClient.connect(ticker.host, ticker.port)
        assert second.request_error("initialize", {"adapterID": "x"}) == (
            f"another client is already debugging process {ticker.pid}; disconnect it first"
        )
    finally:
        _checked(first)
        if second is not None:
            second.close()


def test_attach_through_the_adapter_with_a_wrong_token_is_refused(ticker: Listening) -> None:
    client = DapClient.adapter()
    try:
        client.initialize()
        message = client.request_error(
            "attach", {"connect": {"host": ticker.host, "port": ticker.port}, "token": "nope"}
        )
        assert message.startswith(
            "attach: wrong access token; present the access token printed by the listener"
        )
    finally:
        _checked(client)


def test_attach_to_nothing_says_how_to_listen() -> None:
    client = DapClient.adapter()
    try:
        client.initialize()
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # free, and nobody listens there
        message = client.request_error("attach", {"connect": {"host": "127.0.0.1", "port": port}})
        assert message == (
            f"attach: cannot connect to 127.0.0.1:{port}: Connection refused. Is the program running with "
            f"`dap-server --listen {port} ...` or dap_server.listen({port})?"
        )
        assert client.request_error("attach", {}).startswith(
            'attach: say where the program listens: "connect"'
        )
    finally:
        _checked(client)


def test_public_address_needs_allow_remote() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "dap_server", "--listen", "0.0.0.0:0", TICKER],
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "dap-server: refusing to listen on '0.0.0.0': other machines could connect"
    )
    assert "--allow-remote" in result.stderr


def test_token_file_and_no_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    listening = start_listening(
        [
            "--listen",
            "127.0.0.1:0",
            "--token-file",
            str(token_file),
            "--wait-for-client",
            "-c",
            "print('ran')",
        ]
    )
    try:
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        assert listening.token is None  # not printed
        assert f"access token in {token_file}" in listening.stderr_lines[0]
        client = DapClient.connect(listening.host, listening.port)
        try:
            client.initialize()
            client.request("attach", {"token": token_file.read_text().strip()})
            configure(client)
            listening.wait_stdout("ran")
            assert listening.process.wait(timeout=15) == 0
            assert client.wait_event("exited") == {"exitCode": 0}
        finally:
            _checked(client)
    finally:
        listening.stop()

    open_door = start_listening(
        ["--listen", "0", "--no-token", "--wait-for-client", "-c", "print('ran')"]
    )
    try:
        assert "no access token (--no-token)" in open_door.stderr_lines[0]
        client = DapClient.connect(open_door.host, open_door.port)
        try:
            client.initialize()
            client.request("attach", {})
            configure(client)
            open_door.wait_stdout("ran")
        finally:
            _checked(client)
    finally:
        open_door.stop()


def test_in_code_listen_wait_for_client_and_breakpoint() -> None:
    listening_program = program("in_code_listen.py")
    listening = start_listening_command([sys.executable, listening_program])
    try:
        client = DapClient.adapter()
        try:
            client.initialize()
            seq = client.send_request(
                "attach", {"connect": {"port": listening.port}, "token": listening.token}
            )
            client.wait_event("initialized")
            configure(client)
            assert client.wait_response(seq)["success"]
            stopped = client.wait_event("stopped")
            assert stopped["reason"] == "breakpoint"  # dap_server.breakpoint()
            frames = client.stack(stopped["threadId"])
            assert (frames[0]["name"], frames[0]["line"]) == (
                "<module>",
                line_of(listening_program, "after-breakpoint"),
            )
            assert client.locals(frames[0]["id"])["answer"]["value"] == "42"
            client.request("continue", {"threadId": stopped["threadId"]})
            client.wait_event("terminated")
        finally:
            _checked(client)
        assert listening.wait_stdout("after breakpoint") == "after breakpoint 42\n"
        assert listening.process.wait(timeout=15) == 0
    finally:
        listening.stop()


def test_listen_without_wait_runs_at_once_and_the_program_exit_ends_the_listener() -> None:
    listening = start_listening(
        ["--listen", "0", "-c", "import sys; print('no wait'); sys.exit(4)"]
    )
    try:
        listening.wait_stdout("no wait")
        assert listening.process.wait(timeout=15) == 4
        assert wait_gone(listening.pid)
    finally:
        listening.stop()


def test_attach_by_process_id_then_detach(tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    target = subprocess.Popen(
        [sys.executable, TICKER, str(stop)], env=env_with_src(), stdout=subprocess.PIPE, text=True
    )
    client = DapClient.adapter()
    try:
        client.initialize()
        seq = client.send_request("attach", {"processId": target.pid, "connectTimeout": 30})
        client.wait_event("initialized", timeout=40)
        configure(client, {TICKER: [TICK]})
        response = client.wait_response(seq)
        assert response["success"], response.get("message")
        _stop_at_tick(client)
        client.request("disconnect", {})
        assert client.process is not None and client.process.wait(timeout=15) == 0
        assert target.poll() is None, "detaching ended the program"
        stop.write_text("")
        out, _ = target.communicate(timeout=15)
        assert out == "ticker stopped\n"
    finally:
        _checked(client)
        if target.poll() is None:
            target.kill()
            target.wait()


def test_attach_by_process_id_of_nothing_is_a_clear_error() -> None:
    client = DapClient.adapter()
    try:
        client.initialize()
        message = client.request_error("attach", {"processId": 2**22 + 12345})
        assert message.startswith("attach: ")
        assert str(2**22 + 12345) in message
    finally:
        _checked(client)
