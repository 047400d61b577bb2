"""The audit log: one JSON line per debugging operation, and a `sys.audit` event for each.

Runs inside the debuggee (and in the adapter): standard library only.

Each line is {"time": ISO 8601 UTC, "client": ..., "operation": ..., "outcome": ..., "details":
{...}}. Details pass through the redactor (by key name and by value) before they are written or
handed to audit hooks, so an `evaluate` line carries the redacted expression, never a secret.

The file is created owner-only (0o600) and opened in append mode; each line is written with a
single `os.write` under a lock, so lines from several threads never interleave and a crash leaves
at most a partial last line.

`sys.audit("dap_server.<operation>", client, outcome, details)` is raised for every record,
whether or not a file is configured, so a host application's audit hooks (PEP 578) see what the
debugger did to it.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dap_server.state.redaction import REDACTED, Redactor

__all__ = ["AuditLog"]

_OPERATION_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.]*")
_MAX_DETAIL = 2000


class AuditLog:
    def __init__(
        self, path: str | None, *, redactor: Redactor | None = None, client: str | None = None
    ) -> None:
        self.path = path
        self.client = client
        self._redactor = redactor if redactor is not None else Redactor()
        self._lock = threading.Lock()
        self._fd: int | None = None
        if path is not None:
            self._fd = _open_private(path)

    def record(
        self,
        operation: str,
        outcome: str = "ok",
        *,
        client: str | None = None,
        **details: Any,
    ) -> dict[str, Any]:
        """Append one record and raise the matching audit event; returns the record written."""
        if not _OPERATION_RE.fullmatch(operation):
            raise ValueError(f"audit operation names are dotted identifiers, not {operation!r}")
        clean_details = self._clean(details)
        # setVariable / setExpression: the value assigned to a sensitive name is a secret too.
        target = details.get("name", details.get("expression"))
        if (
            "value" in clean_details
            and isinstance(target, str)
            and self._redactor.enabled
            and self._redactor.names_sensitive(target)
        ):
            clean_details["value"] = REDACTED
        who = client if client is not None else self.client
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "client": who,
            "operation": operation,
            "outcome": outcome,
            "details": clean_details,
        }
        sys.audit(f"dap_server.{operation}", who, outcome, clean_details)
        fd = self._fd
        if fd is not None:
            line = (json.dumps(entry, default=str, ensure_ascii=False) + "\n").encode("utf-8")
            with self._lock:
                if self._fd is not None:
                    os.write(self._fd, line)
        return entry

    def close(self) -> None:
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _clean(self, value: Any, name: str = "", depth: int = 0) -> Any:
        redactor = self._redactor
        if name and redactor.enabled and redactor.is_sensitive_name(name):
            return REDACTED
        if isinstance(value, str):
            text = value if len(value) <= _MAX_DETAIL else value[:_MAX_DETAIL] + "..."
            return redactor.redact_text(text)
        if value is None or isinstance(value, bool | int | float):
            return value
        if depth >= 4:
            return "..."
        if isinstance(value, Mapping):
            return {str(k): self._clean(v, str(k), depth + 1) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean(v, "", depth + 1) for v in value[:100]]
        return redactor.redact_text(str(value)[:_MAX_DETAIL])


def _open_private(path: str) -> int:
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)  # never append to wherever a planted symlink points
    fd = os.open(path, flags, 0o600)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"audit log {path!r} is not a regular file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PermissionError(f"audit log {path!r} belongs to another user")
        if info.st_mode & 0o077:
            # An existing log readable by others: tighten it rather than keep leaking it.
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd
