"""Timestamped transcripts of every message and life-cycle step, for bug reports.

Enabled with `--log-dir DIR` or the `DAP_SERVER_LOG_DIR` environment variable. One file per
process (`adapter-<pid>.log`, `debuggee-<pid>.log`), one line per entry. Standard library only:
the debuggee writes one too.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

LOG_DIR_ENV = "DAP_SERVER_LOG_DIR"

# Applied to every message before it is written, so secrets never reach a log file: launch
# `env` values, evaluated expressions, variable values. A session with its own sensitive
# patterns installs its redactor's `redact_structure`.
Scrubber = Callable[[dict[str, Any]], dict[str, Any]]


class Transcript:
    def __init__(self, stream: TextIO, scrub: Scrubber | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        if scrub is None:
            from dap_server.state.redaction import Redactor

            scrub = Redactor().redact_structure
        self.scrub: Scrubber = scrub
        self.path = getattr(stream, "name", "")

    @classmethod
    def open(cls, directory: str, role: str) -> Transcript:
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, f"{role}-{os.getpid()}.log")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return cls(os.fdopen(fd, "a", encoding="utf-8", buffering=1))

    @classmethod
    def from_env(cls, directory: str | None, role: str) -> Transcript | None:
        directory = directory or os.environ.get(LOG_DIR_ENV)
        return cls.open(directory, role) if directory else None

    def _write(self, kind: str, payload: str) -> None:
        stamp = (
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())
            + f".{int(time.time() * 1000) % 1000:03d}Z"
        )
        with self._lock:
            try:
                self._stream.write(f"{stamp} {kind} {payload}\n")
            except (OSError, ValueError):
                pass  # a log that cannot be written must never break the session

    def record(self, direction: str, message: dict[str, Any]) -> None:
        self._write(direction, json.dumps(self.scrub(message), default=repr))

    def step(self, text: str) -> None:
        self._write("step", text)
