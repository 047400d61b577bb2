"""The audit log: JSON lines, owner-only file, redacted details, sys.audit events."""

from __future__ import annotations

import json
import os
import stat
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from dap_server.state.audit import AuditLog

_seen: list[tuple[str, tuple[Any, ...]]] = []
_recording = threading.Event()


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if _recording.is_set() and event.startswith("dap_server."):
        _seen.append((event, args))


sys.addaudithook(_hook)  # hooks cannot be removed; this one records only while a test asks


@pytest.fixture
def recorded() -> Any:
    _seen.clear()
    _recording.set()
    yield _seen
    _recording.clear()


def test_lines_fields_and_mode(tmp_path: Path, recorded: list[Any]) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(str(path), client="127.0.0.1:50000") as log:
        log.record("connect", "accepted")
        log.record("evaluate", "ok", expression="db_password + 'x'", context="hover")
        log.record("setVariable", "refused", name="api_key", value="abc123")
        log.record("attach", "ok", env={"GITHUB_TOKEN": "ghp_x", "HOME": "/root"})
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(e["operation"], e["outcome"]) for e in lines] == [
        ("connect", "accepted"),
        ("evaluate", "ok"),
        ("setVariable", "refused"),
        ("attach", "ok"),
    ]
    for entry in lines:
        assert set(entry) == {"time", "client", "operation", "outcome", "details"}
        assert entry["client"] == "127.0.0.1:50000"
        assert datetime.fromisoformat(entry["time"]).utcoffset() is not None
    assert lines[1]["details"] == {"expression": "db_password + 'x'", "context": "hover"}
    # The value assigned to a sensitive name is a secret too.
    assert lines[2]["details"] == {"name": "api_key", "value": "[REDACTED]"}
    assert lines[3]["details"] == {"env": {"GITHUB_TOKEN": "[REDACTED]", "HOME": "/root"}}
    assert [event for event, _ in recorded] == [
        "dap_server.connect",
        "dap_server.evaluate",
        "dap_server.setVariable",
        "dap_server.attach",
    ]
    assert recorded[0][1] == ("127.0.0.1:50000", "accepted", {})


def test_secret_values_in_details_are_redacted(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    with AuditLog(str(path)) as log:
        log.record(
            "evaluate", expression="connect('postgres://u:hunter2@db/x')", password="hunter2"
        )
    text = path.read_text()
    assert "hunter2" not in text
    assert "postgres://u:[REDACTED]@db/x" in text


def test_existing_log_is_tightened_to_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    path.write_text("")
    path.chmod(0o644)
    AuditLog(str(path)).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_symlinks_are_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(elsewhere)
    with pytest.raises(OSError):
        AuditLog(str(link))


def test_events_without_a_file(recorded: list[Any]) -> None:
    log = AuditLog(None, client="stdio")
    entry = log.record("disconnect")
    assert entry["operation"] == "disconnect" and entry["client"] == "stdio"
    assert recorded == [("dap_server.disconnect", ("stdio", "ok", {}))]


def test_concurrent_writers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    log = AuditLog(str(path))

    def write(n: int) -> None:
        for i in range(200):
            log.record("setBreakpoints", thread=n, i=i, payload="x" * 500)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    lines = path.read_text().splitlines()
    assert len(lines) == 800
    assert all(json.loads(line)["operation"] == "setBreakpoints" for line in lines)


def test_bad_operation_names_are_rejected() -> None:
    with pytest.raises(ValueError):
        AuditLog(None).record("evil\nline")
