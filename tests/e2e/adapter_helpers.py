"""Helpers of the adapter's end-to-end tests: reverse requests, listening debuggees, processes."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.support.dap_client import SRC, DapClient, DapError

TIMEOUT = 15.0


def env_with_src(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH")) if p)
    env.update(extra or {})
    return env


def reverse_request(client: DapClient, command: str, timeout: float = TIMEOUT) -> dict[str, Any]:
    """Waits for a request the server sends to the client (runInTerminal, startDebugging)."""
    return client._next(
        lambda m: m.get("type") == "request" and m.get("command") == command,
        timeout,
        f"reverse request '{command}'",
    )


def answer(
    client: DapClient,
    request: dict[str, Any],
    body: dict[str, Any] | None = None,
    *,
    success: bool = True,
) -> None:
    with client._lock:
        client._seq += 1
        seq = client._seq
    msg: dict[str, Any] = {
        "seq": seq,
        "type": "response",
        "request_seq": request["seq"],
        "command": request["command"],
        "success": success,
    }
    if body is not None:
        msg["body"] = body
    if not success:
        msg["message"] = "refused by the test"
    client.send(msg)


def configure(
    client: DapClient, breakpoints: dict[str, list[int]] | None = None
) -> dict[str, dict[str, Any]]:
    results = {}
    for path, lines in (breakpoints or {}).items():
        results[path] = client.request(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
        )
    client.request("configurationDone")
    return results


def spawn_terminal(arguments: dict[str, Any], stdin: bool = True) -> subprocess.Popen[bytes]:
    """Does what an editor does with runInTerminal: start the command with the env changes."""
    env = dict(os.environ)
    for key, value in (arguments.get("env") or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    args = arguments["args"]
    shell = bool(arguments.get("argsCanBeInterpretedByShell"))
    return subprocess.Popen(
        " ".join(args) if shell else args,
        shell=shell,
        cwd=arguments.get("cwd") or None,
        env=env,
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


_LISTENING = re.compile(
    r"listening on \[?([0-9a-f.:]+?)\]?:(\d+) pid (\d+) \((?:access token (\S+)|.*)\)"
)


@dataclass
class Listening:
    process: subprocess.Popen[str]
    host: str
    port: int
    pid: int
    token: str | None
    stderr_lines: list[str] = field(default_factory=list)
    stdout_lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def wait_stdout(self, text: str, timeout: float = TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DapError(f"timed out waiting for {text!r} on the program's stdout")
            try:
                line = self.stdout_lines.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                raise DapError(f"the program's stdout closed before {text!r}")
            if text in line:
                return line

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def start_listening(
    args: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> Listening:
    """Starts `python -m dap_server <args>` (listen mode) and reads where it listens."""
    return start_listening_command([sys.executable, "-m", "dap_server", *args], env, cwd)


def start_listening_command(
    command: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> Listening:
    """Starts `command` (listen mode, or a program calling dap_server.listen()) and reads where
    it listens; its output is read in the background (`wait_stdout`, `stderr_lines`)."""
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env_with_src(env),
        cwd=cwd,
    )
    assert proc.stderr is not None and proc.stdout is not None
    lines: queue.Queue[str | None] = queue.Queue()
    seen: list[str] = []
    out: queue.Queue[str | None] = queue.Queue()

    def pump_err() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            lines.put(line)
        lines.put(None)

    def pump_out() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            out.put(line)
        out.put(None)

    threading.Thread(target=pump_err, daemon=True).start()
    threading.Thread(target=pump_out, daemon=True).start()
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if line is None:
            proc.wait(timeout=10)
            raise DapError(f"the listener exited with {proc.returncode}: {''.join(seen)}")
        match = _LISTENING.search(line)
        if match:
            return Listening(proc, match[1], int(match[2]), int(match[3]), match[4], seen, out)
    proc.kill()
    raise DapError(f"the listener never said where it listens: {''.join(seen)}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pid: int, timeout: float = TIMEOUT) -> bool:
    deadline = time.monotonic() + timeout
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)  # polling the OS for a process to vanish; there is no event to wait on
    return not alive(pid)


def launch_with(
    client: DapClient,
    arguments: dict[str, Any],
    breakpoints: dict[str, list[int]] | None = None,
    **initialize: Any,
) -> dict[str, dict[str, Any]]:
    """DapClient.launch with any launch arguments (no `program` forced in)."""
    client.initialize(**initialize)
    seq = client.send_request("launch", arguments)
    client.wait_event("initialized")
    results = configure(client, breakpoints)
    response = client.wait_response(seq)
    if not response.get("success"):
        raise DapError(f"launch failed: {response.get('message')}")
    return results
