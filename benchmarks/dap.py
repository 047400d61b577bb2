"""A minimal, standard-library-only DAP client for the benchmarks.

It mirrors tests/support/dap_client.py but deliberately shares no code with `src/` or
`tests/`: the benchmark must be able to drive debugpy even when this project's own code is
broken, and the test client validates every message against the JSON schema on its reader
thread, which would add milliseconds to every latency measured here.

Every received message is stamped with `time.perf_counter()` on the reader thread the moment
it is decoded, so latencies are measured from the send to the arrival of the answer, not to
when the main thread happens to look at it.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

Message = dict[str, Any]


class DapError(RuntimeError):
    """The adapter answered with an error, closed, or did not answer in time."""


class Received:
    """A message and the perf_counter() time it arrived at."""

    __slots__ = ("at", "msg")

    def __init__(self, msg: Message, at: float) -> None:
        self.msg = msg
        self.at = at


class DapSession:
    """One adapter process spoken to over its stdin/stdout."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        # stderr goes to a file: a chatty adapter must never block on a full pipe, and the
        # tail is useful when a run fails.
        self._stderr = tempfile.TemporaryFile()
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        self._seq = 0
        self._cond = threading.Condition()
        self._inbox: list[Received] = []
        self._closed = False
        self._stdout: list[str] = []
        self._program_stderr: list[str] = []
        self._reader = threading.Thread(target=self._read_loop, name="dap-reader", daemon=True)
        self._reader.start()

    # -- wire ----------------------------------------------------------------------------

    def _read_loop(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        try:
            while True:
                length = -1
                while True:
                    line = stream.readline()
                    if not line:
                        return
                    line = line.strip()
                    if not line:
                        break
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip())
                if length < 0:
                    continue
                body = stream.read(length)
                if len(body) < length:
                    return
                msg = json.loads(body)
                at = time.perf_counter()
                with self._cond:
                    if msg.get("type") == "event" and msg.get("event") == "output":
                        out = msg.get("body") or {}
                        if out.get("category") == "stdout":
                            self._stdout.append(str(out.get("output", "")))
                        elif out.get("category") == "stderr":
                            self._program_stderr.append(str(out.get("output", "")))
                    self._inbox.append(Received(msg, at))
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()

    def send_request(self, command: str, arguments: Message | None = None) -> tuple[int, float]:
        """Sends a request; returns its seq and the perf_counter() time it was written."""
        self._seq += 1
        msg: Message = {"seq": self._seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        data = json.dumps(msg).encode()
        stdin = self.proc.stdin
        assert stdin is not None
        at = time.perf_counter()
        stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(data), data))
        stdin.flush()
        return self._seq, at

    # -- waiting -------------------------------------------------------------------------

    def _take(self, match: Callable[[Message], bool], timeout: float, what: str) -> Received:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for i, item in enumerate(self._inbox):
                    if match(item.msg):
                        return self._inbox.pop(i)
                if self._closed:
                    raise DapError(
                        f"the adapter closed its output while waiting for {what}{self._tail()}"
                    )
                left = deadline - time.monotonic()
                if left <= 0:
                    raise DapError(
                        f"timed out after {timeout:g} s waiting for {what}{self._tail()}"
                    )
                self._cond.wait(left)

    def wait_response(self, seq: int, timeout: float = 60.0) -> Received:
        got = self._take(
            lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
            timeout,
            f"the response to request {seq}",
        )
        if not got.msg.get("success"):
            raise DapError(f"{got.msg.get('command')} failed: {got.msg.get('message')}")
        return got

    def wait_event(self, name: str, timeout: float = 60.0) -> Received:
        return self._take(
            lambda m: m.get("type") == "event" and m.get("event") == name,
            timeout,
            f"event {name!r}",
        )

    def wait_launch_started(self, launch_seq: int, timeout: float = 60.0) -> None:
        """Waits for `initialized`, failing at once if the launch request is refused.

        debugpy answers `launch` only after `configurationDone`, this project before
        `initialized`: a successful answer is left in the inbox for `wait_response`.
        """

        def match(m: Message) -> bool:
            if m.get("type") == "event":
                return m.get("event") == "initialized"
            return (
                m.get("type") == "response"
                and m.get("request_seq") == launch_seq
                and not m.get("success")
            )

        got = self._take(match, timeout, "event 'initialized'")
        if got.msg.get("type") == "response":
            raise DapError(f"launch failed: {got.msg.get('message')}")

    def wait_stdout_line(self, prefix: str, timeout: float = 60.0) -> str:
        """The first complete stdout line starting with `prefix`.

        Fails at once on a `stopped` event (these runs are meant never to stop), and soon after
        `terminated` or the adapter's exit if the line has still not come (output may trail
        the end of the program by a few messages, never by seconds).
        """
        deadline = time.monotonic() + timeout
        ended: str | None = None
        with self._cond:
            while True:
                for line in "".join(self._stdout).splitlines(keepends=True):
                    if line.startswith(prefix) and line.endswith("\n"):
                        return line.strip()
                for item in self._inbox:
                    if item.msg.get("type") != "event":
                        continue
                    if item.msg.get("event") == "stopped":
                        raise DapError(f"the program stopped unexpectedly: {item.msg.get('body')}")
                    if item.msg.get("event") == "terminated" and ended is None:
                        ended = "the program ended"
                        deadline = min(deadline, time.monotonic() + 2.0)
                if self._closed and ended is None:
                    ended = "the adapter closed"
                    deadline = min(deadline, time.monotonic() + 0.5)
                left = deadline - time.monotonic()
                if left <= 0:
                    why = ended or f"timed out after {timeout:g} s"
                    raise DapError(f"{why} without printing its result{self._tail()}")
                self._cond.wait(left)

    def request(
        self, command: str, arguments: Message | None = None, timeout: float = 60.0
    ) -> Message:
        seq, _ = self.send_request(command, arguments)
        body: Message = self.wait_response(seq, timeout).msg.get("body") or {}
        return body

    def timed_request(
        self, command: str, arguments: Message | None = None, timeout: float = 60.0
    ) -> tuple[Message, float]:
        """The response body and the seconds from sending the request to its response."""
        seq, sent = self.send_request(command, arguments)
        got = self.wait_response(seq, timeout)
        body: Message = got.msg.get("body") or {}
        return body, got.at - sent

    def stdout(self) -> str:
        with self._cond:
            return "".join(self._stdout)

    def _tail(self) -> str:
        try:
            self._stderr.seek(0)
            err = self._stderr.read().decode(errors="replace")[-1500:]
        except (OSError, ValueError):
            err = ""
        recent = [
            f"{m.msg.get('type')} {m.msg.get('event') or m.msg.get('command')}"
            for m in self._inbox[-8:]
        ]
        out = f"; pending: {recent}" if recent else ""
        program_err = "".join(self._program_stderr)[-1500:].strip()
        if program_err:
            out += f"; program stderr: {program_err}"
        return out + (f"; adapter stderr: {err.strip()}" if err.strip() else "")

    # -- conversations -------------------------------------------------------------------

    def initialize(self) -> Message:
        return self.request(
            "initialize",
            {
                "clientID": "vscode",
                "clientName": "dap-bench",
                "adapterID": "python",
                "linesStartAt1": True,
                "columnsStartAt1": True,
                "pathFormat": "path",
                "supportsVariableType": True,
                "supportsVariablePaging": True,
                "supportsRunInTerminalRequest": False,
            },
        )

    def close(self, timeout: float = 10.0) -> None:
        """Ends the session: disconnect (terminating the debuggee), then the adapter process."""
        if self.proc.poll() is None and not self._closed:
            try:
                seq, _ = self.send_request("disconnect", {"terminateDebuggee": True})
                self._take(
                    lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
                    5.0,
                    "the disconnect response",
                )
            except (DapError, OSError, ValueError):
                pass
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5.0)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._stderr.close()


def adapter_env(extra_pythonpath: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if extra_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (extra_pythonpath, env.get("PYTHONPATH")) if p
        )
    env["PYTHONUNBUFFERED"] = "1"
    return env
