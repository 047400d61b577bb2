"""Joining a program that is already running: attach by process id, and in-code `listen`.

`connect_back` is what the injected bootstrap calls in the target process. It starts the
engine and a server thread that connects to the adapter and returns at once: it runs as a
pending call on the target's main thread, which must get back to the user's code quickly.
It is idempotent: a second attach reuses the engine already running in the process.
"""

from __future__ import annotations

import os
import threading

from dap_server.debuggee.runner import DebuggeeHost
from dap_server.debuggee.session import LaunchOptions
from dap_server.transcript import Transcript
from dap_server.wire.sync_stream import connect_tcp

_lock = threading.Lock()
_host: DebuggeeHost | None = None


def host() -> DebuggeeHost:
    """The process's one debuggee host, created on first use."""
    global _host
    with _lock:
        if _host is None:
            transcript = Transcript.from_env(None, "debuggee")
            _host = DebuggeeHost(LaunchOptions(program=None, runs_program=False), transcript)
        return _host


def connect_back(host_name: str, port: int, token: str) -> None:
    """Connects to an adapter waiting at host_name:port and serves DAP there, in the background."""

    def run() -> None:
        h = host()
        assert h.session is not None
        h.session.hide_current_thread()
        h.session.disconnected.clear()
        stream = connect_tcp(host_name, port)
        stream.send({"seq": 0, "type": "event", "event": "dap_server.hello", "body": {"token": token, "pid": os.getpid()}})
        h.serve_in_background(stream)

    # Connecting may take a moment; the main thread returns to the program right away.
    threading.Thread(target=run, name="dap_server.connect", daemon=True).start()
