"""SecurityPolicy: each refusal inside the guard, nothing refused outside it or on other threads."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from dap_server.state.policy import (
    STRICT_POLICY,
    SecurityPolicy,
    SecurityViolation,
    active_policy,
    check_request_allowed,
    guard,
)


def test_from_dict_accepts_camel_and_snake_case() -> None:
    policy = SecurityPolicy.from_dict(
        {"allowFileAccess": False, "allow_network_access": False, "maxExecutionTime": 2.5,
         "memoryLimit": 100 * 1024 * 1024, "observe": True}
    )  # fmt: skip
    assert policy == SecurityPolicy(
        allow_file_access=False,
        allow_network_access=False,
        max_execution_time=2.5,
        memory_limit=100 * 1024 * 1024,
        observe=True,
    )
    assert SecurityPolicy.from_dict(policy.to_dict()) == policy
    assert SecurityPolicy.from_dict(policy.to_dict(camel_case=True)) == policy
    assert policy.to_dict(camel_case=True)["allowFileAccess"] is False


def test_from_dict_rejects_unknown_keys_and_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown option\\(s\\) 'allowFileAcess'"):
        SecurityPolicy.from_dict({"allowFileAcess": False})
    with pytest.raises(ValueError, match="allow_file_access must be true or false, not 'no'"):
        SecurityPolicy.from_dict({"allowFileAccess": "no"})
    with pytest.raises(ValueError, match="memory_limit must be a positive integer"):
        SecurityPolicy(memory_limit=-1)


def test_file_open_refused_with_its_name() -> None:
    with guard(SecurityPolicy(allow_file_access=False)):
        with pytest.raises(SecurityViolation) as info:
            open("/etc/passwd")
    assert str(info.value) == (
        "SecurityViolation: file access refused by the security policy: open('/etc/passwd', 'r')"
    )
    assert info.value.category == "file"
    # The same call outside the guard works.
    with open("/etc/passwd") as f:
        assert f.read(1)


def test_os_open_and_listdir_refused(tmp_path: Path) -> None:
    target = tmp_path / "f"
    with guard(SecurityPolicy(allow_file_access=False)):
        with pytest.raises(SecurityViolation, match=r"os\.open\("):
            os.open(target, os.O_WRONLY | os.O_CREAT)
        with pytest.raises(SecurityViolation, match=r"os\.listdir"):
            os.listdir(tmp_path)
    assert not target.exists()


def test_socket_connect_refused() -> None:
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    client = socket.socket()
    try:
        with guard(SecurityPolicy(allow_network_access=False)):
            with pytest.raises(SecurityViolation) as info:
                client.connect(("127.0.0.1", port))
            with pytest.raises(SecurityViolation) as created:
                socket.socket()
        assert str(info.value) == (
            "SecurityViolation: network access refused by the security policy: "
            f"socket.connect(('127.0.0.1', {port}))"
        )
        assert str(created.value).endswith(
            "network access refused by the security policy: socket.socket()"
        )
        client.connect(("127.0.0.1", port))  # outside the guard
    finally:
        client.close()
        server.close()


def test_subprocess_and_os_system_refused() -> None:
    with guard(SecurityPolicy(allow_system_calls=False)):
        with pytest.raises(SecurityViolation) as popen:
            subprocess.run(["true"], check=False)
        with pytest.raises(SecurityViolation) as system:
            os.system("true")
        with pytest.raises(SecurityViolation, match="starting a thread"):
            threading.Thread(target=lambda: None).start()
    assert str(popen.value) == (
        "SecurityViolation: process/system access refused by the security policy: "
        "subprocess.Popen(['true'])"
    )
    assert str(system.value) == (
        "SecurityViolation: process/system access refused by the security policy: os.system('true')"
    )
    assert subprocess.run(["true"], check=False).returncode == 0


def test_secrets_in_refused_operations_are_redacted() -> None:
    with guard(SecurityPolicy(allow_system_calls=False)):
        with pytest.raises(SecurityViolation) as info:
            os.system("curl -H 'Authorization: Bearer abcdefgh12345678' https://x")
    assert "abcdefgh12345678" not in str(info.value)


def test_other_threads_are_never_affected() -> None:
    ready, go, done = threading.Event(), threading.Event(), threading.Event()
    results: list[object] = []

    def worker() -> None:
        ready.set()
        go.wait(10)
        try:
            with open("/etc/passwd") as f:
                results.append(f.read(1))
            s = socket.socket()
            s.close()
            results.append(subprocess.run(["true"], check=False).returncode)
        except BaseException as exc:
            results.append(exc)
        done.set()

    thread = threading.Thread(target=worker)
    thread.start()  # before the guard: starting threads inside it is refused
    assert ready.wait(10)
    with guard(STRICT_POLICY):
        go.set()
        assert done.wait(10)
        with pytest.raises(SecurityViolation):
            open("/etc/passwd")
    thread.join(10)
    assert len(results) == 2 and results[1] == 0, results


def test_guards_nest_and_unwind() -> None:
    assert active_policy() is None
    with guard(SecurityPolicy(allow_network_access=False)) as outer:
        with guard(STRICT_POLICY):
            assert active_policy() is STRICT_POLICY
            with pytest.raises(SecurityViolation):
                open(sys.executable, "rb")
        assert active_policy() is outer
        with open(sys.executable, "rb") as f:  # files allowed again by the outer policy
            assert f.read(1)
    assert active_policy() is None


def test_observe_mode_refuses_mutating_requests() -> None:
    observe = SecurityPolicy(observe=True)
    with pytest.raises(SecurityViolation) as info:
        check_request_allowed(observe, "setVariable", {"name": "x", "value": "1"})
    assert str(info.value) == (
        "SecurityViolation: 'setVariable' refused: the session is in observe mode, "
        "which never changes the program"
    )
    with pytest.raises(SecurityViolation, match="statements are refused"):
        check_request_allowed(observe, "evaluate", {"expression": "x = 1", "context": "repl"})
    check_request_allowed(observe, "evaluate", {"expression": "x + 1", "context": "repl"})
    check_request_allowed(observe, "stackTrace", {})
    check_request_allowed(SecurityPolicy(), "setVariable", {})
