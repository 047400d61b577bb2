"""Stand-in for dap_server.debuggee.bootstrap.connect_back, imported inside attach targets.

Like the real one it returns at once and connects from a thread, and a second call reuses what
the first set up (the sys.monitoring tool id): the tests check idempotence through ``calls``.
It sends one JSON line with what the tests assert: pid, thread names, the tool holding
DEBUGGER_ID, and whether it was called on the main thread.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading

calls = 0


def connect(host: str, port: int, token: str) -> None:
    global calls
    calls += 1
    mon = sys.monitoring
    if mon.get_tool(mon.DEBUGGER_ID) is None:
        mon.use_tool_id(mon.DEBUGGER_ID, "dap-attach-test")
    payload = {
        "token": token,
        "pid": os.getpid(),
        "calls": calls,
        "on_main_thread": threading.current_thread() is threading.main_thread(),
        "threads": sorted(t.name for t in threading.enumerate()),
        "tool": mon.get_tool(mon.DEBUGGER_ID),
        # The gdb route's line runs in __main__'s namespace: it must bind nothing there.
        "main_leaks": sorted(
            n
            for n in ("f", "s", "_CONFIG", "_dap_attach_bootstrap")
            if n in vars(sys.modules["__main__"])
        ),
        "version": "{}.{}".format(*sys.version_info[:2]),
    }

    def send() -> None:
        with socket.create_connection((host, port), timeout=10) as s:
            s.sendall(json.dumps(payload).encode() + b"\n")

    threading.Thread(target=send, name="dap-attach-test-connect", daemon=True).start()


def fail(host: str, port: int, token: str) -> None:
    raise RuntimeError("entry point failed on purpose")
