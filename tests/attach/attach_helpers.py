"""Helpers for the attach tests (imported by the tests and conftest)."""

from __future__ import annotations

import json
import os
import selectors
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
TARGETS = str(HERE / "targets.py")
ENTRY = "dap_attach_test_entry:connect"
#: Passed to attach so the target imports the stand-in entry point from this directory.
SEARCH_PATH = [str(HERE)]

Spawn = Callable[..., subprocess.Popen[str]]


def wait_ready(proc: subprocess.Popen[str], timeout: float = 15.0) -> None:
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            raise AssertionError("target did not start in time")
    line = proc.stdout.readline()
    assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")


@pytest.fixture
def spawn() -> Iterator[Spawn]:
    """Starts targets; every one is killed when the test ends, whatever happened."""
    procs: list[subprocess.Popen[str]] = []

    def start(
        kind: str,
        *args: str,
        python: str = sys.executable,
        env: dict[str, str] | None = None,
        py_opts: Sequence[str] = (),
        argv: Sequence[str] | None = None,
        ready: bool = True,
        user: int | None = None,
    ) -> subprocess.Popen[str]:
        cmd = list(argv) if argv is not None else [python, *py_opts, TARGETS, kind, *args]
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            user=user,
            group=user,
            cwd="/" if user is not None else None,
        )
        procs.append(proc)
        if ready:
            wait_ready(proc)
        return proc

    try:
        yield start
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    srv = socket.create_server(("127.0.0.1", 0))
    srv.settimeout(10)
    try:
        yield srv
    finally:
        srv.close()


def receive(srv: socket.socket) -> dict[str, Any]:
    """The stand-in entry point's one JSON line."""
    conn, _ = srv.accept()
    with conn, conn.makefile("r", encoding="utf-8") as f:
        data: dict[str, Any] = json.loads(f.readline())
    return data
