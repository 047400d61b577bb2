"""A small DAP client for tests: speaks to a real adapter (or debuggee) over pipes or a socket.

Every message received is kept in order (`messages`) and validated against Microsoft's DAP
JSON schema, so the whole suite checks that everything the project sends is well formed.
Waiting is always on a message with a timeout, never a sleep.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dap_server.wire.framing import FrameDecoder, FramingError, encode_message
from tests.support.schema import assert_valid_message

SRC = str(Path(__file__).resolve().parents[2] / "src")
DEFAULT_TIMEOUT = 15.0


class DapError(AssertionError):
    pass


class DapClient:
    def __init__(
        self, write: Callable[[bytes], None], read: Callable[[], bytes], close: Callable[[], None]
    ) -> None:
        self._write = write
        self._read = read
        self._close = close
        self._seq = 0
        self._lock = threading.Lock()
        self.messages: list[dict[str, Any]] = []
        self.schema_errors: list[str] = []
        self._inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._pending: list[dict[str, Any]] = []  # received, not yet consumed by a wait
        self.process: subprocess.Popen[bytes] | None = None
        self.local_address = ""
        self._reader = threading.Thread(target=self._read_loop, daemon=True)
        self._reader.start()

    # -- construction --------------------------------------------------------------------------

    @classmethod
    def adapter(cls, *extra_args: str, env: dict[str, str] | None = None) -> DapClient:
        full_env = dict(os.environ)
        full_env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, full_env.get("PYTHONPATH")) if p)
        full_env.update(env or {})
        proc = subprocess.Popen(
            [sys.executable, "-m", "dap_server", *extra_args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def write(data: bytes) -> None:
            stdin.write(data)
            stdin.flush()

        def close() -> None:
            try:
                stdin.close()
            except OSError:
                pass

        client = cls(write, lambda: stdout.read1(65536), close)
        client.process = proc
        return client

    @classmethod
    def connect(cls, host: str, port: int) -> DapClient:
        sock = socket.create_connection((host, port), timeout=DEFAULT_TIMEOUT)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def read() -> bytes:
            try:
                return sock.recv(65536)
            except OSError:
                return b""

        def close() -> None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

        client = cls(sock.sendall, read, close)
        # The address a listener sees this client from (its `client` in an audit log).
        host, port = sock.getsockname()[:2]
        client.local_address = f"{host}:{port}"
        return client

    # -- wire ---------------------------------------------------------------------------------

    def _read_loop(self) -> None:
        decoder = FrameDecoder()
        while True:
            data = self._read()
            if not data:
                self._inbox.put(None)
                return
            for item in decoder.feed(data):
                if isinstance(item, FramingError):
                    self.schema_errors.append(
                        f"undecodable message from the server: {item.message}"
                    )
                    continue
                message = item
                try:
                    assert_valid_message(message)
                except AssertionError as exc:
                    self.schema_errors.append(str(exc))
                self.messages.append(message)
                self._inbox.put(message)

    def send_raw(self, data: bytes) -> None:
        self._write(data)

    def send(self, message: dict[str, Any]) -> None:
        self._write(encode_message(message))

    def send_request(
        self, command: str, arguments: dict[str, Any] | None = None, **extra: Any
    ) -> int:
        with self._lock:
            self._seq += 1
            seq = self._seq
        msg: dict[str, Any] = {"seq": seq, "type": "request", "command": command, **extra}
        if arguments is not None:
            msg["arguments"] = arguments
        self.send(msg)
        return seq

    # -- waiting -----------------------------------------------------------------------------------

    def _next(
        self, match: Callable[[dict[str, Any]], bool], timeout: float, what: str
    ) -> dict[str, Any]:
        for i, msg in enumerate(self._pending):
            if match(msg):
                return self._pending.pop(i)
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        try:
            while not deadline.is_set():
                try:
                    msg = self._inbox.get(timeout=0.05)
                except queue.Empty:
                    continue
                if msg is None:
                    raise DapError(
                        f"connection closed while waiting for {what}; received: {self._summary()}"
                    )
                if match(msg):
                    return msg
                self._pending.append(msg)
        finally:
            timer.cancel()
        raise DapError(
            f"timed out after {timeout} s waiting for {what}; received: {self._summary()}"
        )

    def _summary(self) -> str:
        parts = []
        for m in self.messages[-15:]:
            if m.get("type") == "event":
                parts.append(f"event {m.get('event')} {m.get('body', '')}")
            else:
                parts.append(
                    f"{m.get('type')} {m.get('command')} success={m.get('success')} {m.get('message', '')}"
                )
        return "\n  " + "\n  ".join(parts)

    def wait_response(self, seq: int, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
        return self._next(
            lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
            timeout,
            f"the response to request {seq}",
        )

    def request(
        self,
        command: str,
        arguments: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> dict[str, Any]:
        """Sends a request and returns its response body; fails the test on an error response."""
        resp = self.wait_response(self.send_request(command, arguments), timeout)
        if not resp.get("success"):
            raise DapError(f"{command} failed: {resp.get('message')}")
        body: dict[str, Any] = resp.get("body") or {}
        return body

    def request_error(
        self,
        command: str,
        arguments: dict[str, Any] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> str:
        """Sends a request that must fail; returns its error message."""
        resp = self.wait_response(self.send_request(command, arguments), timeout)
        if resp.get("success"):
            raise DapError(f"{command} unexpectedly succeeded: {resp}")
        return str(resp.get("message"))

    def wait_event(
        self,
        name: str,
        timeout: float = DEFAULT_TIMEOUT,
        where: Callable[[dict[str, Any]], bool] | None = None,
    ) -> dict[str, Any]:
        def match(m: dict[str, Any]) -> bool:
            return (
                m.get("type") == "event"
                and m.get("event") == name
                and (where is None or where(m.get("body") or {}))
            )

        msg = self._next(match, timeout, f"event '{name}'")
        body: dict[str, Any] = msg.get("body") or {}
        return body

    def wait_any_event(
        self, names: Sequence[str], timeout: float = DEFAULT_TIMEOUT
    ) -> dict[str, Any]:
        """The first of the named events to arrive, as the whole message (to tell which)."""
        return self._next(
            lambda m: m.get("type") == "event" and m.get("event") in names,
            timeout,
            f"one of the events {', '.join(names)}",
        )

    def wait_closed(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._reader.join(timeout)
        if self._reader.is_alive():
            raise DapError("the server did not close the connection")

    def output(self, category: str | None = None) -> str:
        return "".join(
            m["body"]["output"]
            for m in self.messages
            if m.get("event") == "output"
            and (category is None or m["body"].get("category") == category)
        )

    def events(self, name: str) -> list[dict[str, Any]]:
        return [
            m.get("body") or {}
            for m in self.messages
            if m.get("type") == "event" and m.get("event") == name
        ]

    # -- conversations ------------------------------------------------------------------------------

    def initialize(self, **extra: Any) -> dict[str, Any]:
        return self.request(
            "initialize",
            {
                "clientID": "tests",
                "adapterID": "python",
                "linesStartAt1": True,
                "columnsStartAt1": True,
                "pathFormat": "path",
                "supportsVariableType": True,
                "supportsVariablePaging": True,
                **extra,
            },
        )

    def launch(
        self,
        program: str | Path,
        breakpoints: dict[str, list[int]] | None = None,
        *,
        capabilities: dict[str, Any] | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """initialize (with extra client `capabilities`), launch, setBreakpoints,
        configurationDone: the conversation every editor has.

        Returns the setBreakpoints bodies by path.
        """
        self.initialize(**(capabilities or {}))
        launch_seq = self.send_request("launch", {"program": str(program), **options})
        self.wait_event("initialized")
        results = {}
        for path, lines in (breakpoints or {}).items():
            results[path] = self.request(
                "setBreakpoints",
                {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
            )
        self.request("configurationDone")
        resp = self.wait_response(launch_seq)
        if not resp.get("success"):
            raise DapError(f"launch failed: {resp.get('message')}")
        return results

    def stack(self, thread_id: int) -> list[dict[str, Any]]:
        frames: list[dict[str, Any]] = self.request("stackTrace", {"threadId": thread_id})[
            "stackFrames"
        ]
        return frames

    def locals(self, frame_id: int) -> dict[str, dict[str, Any]]:
        scopes = self.request("scopes", {"frameId": frame_id})["scopes"]
        ref = next(s["variablesReference"] for s in scopes if s["name"] == "Locals")
        return {
            v["name"]: v
            for v in self.request("variables", {"variablesReference": ref})["variables"]
        }

    def close(self) -> None:
        self._close()
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            for pipe in (self.process.stdout, self.process.stderr):
                if pipe is not None:
                    pipe.close()
