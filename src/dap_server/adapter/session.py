"""The adapter's side of one editor session.

The adapter answers `initialize` itself (at once, before any debuggee exists), owns the
requests that concern the debuggee's life (`launch`, `attach`, `disconnect`, `terminate`) and
relays every other request, validated, to the debuggee-side server, which owns live objects.
Responses come back with the editor's sequence numbers; `exited` and `terminated` are the
adapter's own, sent once the process has ended and its output is drained, so they always come
after the program's last output.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.abc
from pydantic import ValidationError

from dap_server.adapter.config import LaunchConfig
from dap_server.adapter.launcher import (
    DebuggeeProcess,
    LaunchError,
    describe_exit,
    hello_token,
    spawn,
)
from dap_server.debuggee.session import TABLE as DEBUGGEE_TABLE
from dap_server.protocol.validation import MessageValidationError, validate_request
from dap_server.transcript import Transcript
from dap_server.wire.async_stream import MessageStream
from dap_server.wire.framing import FramingError

log = logging.getLogger("dap_server.adapter")

AdapterHandler = Callable[
    ["AdapterSession", dict[str, Any], dict[str, Any]], Awaitable[dict[str, Any] | None]
]


@dataclass(frozen=True)
class AdapterCommand:
    handler: AdapterHandler
    capabilities: tuple[str, ...] = ()


ADAPTER_COMMANDS: dict[str, AdapterCommand] = {}


def adapter_command(name: str, *capabilities: str) -> Callable[[AdapterHandler], AdapterHandler]:
    def register(fn: AdapterHandler) -> AdapterHandler:
        ADAPTER_COMMANDS[name] = AdapterCommand(fn, capabilities)
        return fn

    return register


def capabilities() -> dict[str, Any]:
    """What `initialize` advertises: the debuggee's table plus the adapter's own commands."""
    caps = DEBUGGEE_TABLE.capabilities()
    for cmd in ADAPTER_COMMANDS.values():
        for flag in cmd.capabilities:
            caps[flag] = True
    return caps


class RequestFailed(Exception):
    """An adapter-side request failure; the message goes to the editor."""


class AdapterSession:
    def __init__(
        self,
        editor: MessageStream,
        transcript: Transcript | None = None,
        log_dir: str | None = None,
    ) -> None:
        self.editor = editor
        self.transcript = transcript
        self.log_dir = log_dir
        self.client_args: dict[str, Any] = {}
        self.config: LaunchConfig | None = None
        self.process: DebuggeeProcess | None = None
        self.debuggee: MessageStream | None = None
        self.finished = anyio.Event()
        self._seq = 0
        self._dseq = 0
        # debuggee request seq -> (editor request seq, command) for relayed requests
        self._relayed: dict[int, tuple[int, str]] = {}
        # debuggee request seq -> slot for the adapter's own requests
        self._own: dict[int, tuple[anyio.Event, list[dict[str, Any]]]] = {}
        self._send_lock = anyio.Lock()
        self._tg: anyio.abc.TaskGroup | None = None
        self._terminated_sent = False
        self._early_stderr: list[str] = []
        self._connected = False
        # Set by a disconnect that detaches: the program runs on without the debugger.
        self.detached = False

    # -- to the editor ---------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            self._seq += 1
            message["seq"] = self._seq
            if self.transcript:
                self.transcript.record("to-editor", message)
            try:
                await self.editor.send(message)
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                self.finished.set()

    async def event(self, name: str, body: dict[str, Any] | None = None) -> None:
        msg: dict[str, Any] = {"type": "event", "event": name}
        if body is not None:
            msg["body"] = body
        await self.send(msg)

    async def respond(self, request: dict[str, Any], body: dict[str, Any] | None) -> None:
        msg: dict[str, Any] = {
            "type": "response",
            "request_seq": request["seq"],
            "success": True,
            "command": request["command"],
        }
        if body is not None:
            msg["body"] = body
        await self.send(msg)

    async def fail(self, seq: int, command: str, message: str) -> None:
        await self.send(
            {
                "type": "response",
                "request_seq": seq,
                "success": False,
                "command": command,
                "message": message,
                "body": {"error": {"id": 2, "format": message, "showUser": True}},
            }
        )

    async def output(self, category: str, text: str) -> None:
        if not self._connected and category == "stderr":
            self._early_stderr.append(text)
        await self.event("output", {"category": category, "output": text})

    # -- main loop -----------------------------------------------------------------------------

    async def serve(self) -> None:
        async with anyio.create_task_group() as tg:
            self._tg = tg
            tg.start_soon(self._read_editor)
            await self.finished.wait()
            tg.cancel_scope.cancel()
        await self._shutdown()

    async def _read_editor(self) -> None:
        try:
            while not self.finished.is_set():
                message = await self.editor.receive()
                if message is None:
                    break
                await self._on_editor_message(message)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass
        if self.transcript:
            self.transcript.step("editor connection closed")
        self.finished.set()

    async def _on_editor_message(self, message: dict[str, Any] | FramingError) -> None:
        if isinstance(message, FramingError):
            if message.seq is not None:
                await self.fail(message.seq, message.command or "unknown", message.message)
            else:
                log.warning("dropped undecodable input from the editor: %s", message.message)
            return
        if self.transcript:
            self.transcript.record("from-editor", message)
        if message.get("type") != "request":
            return
        try:
            command, _ = validate_request(message)
        except MessageValidationError as exc:
            seq = message.get("seq")
            if isinstance(seq, int):
                await self.fail(seq, str(message.get("command", "unknown")), str(exc))
            return
        arguments = message.get("arguments") or {}
        own = ADAPTER_COMMANDS.get(command)
        if own is not None:
            assert self._tg is not None
            self._tg.start_soon(self._run_own, own, message, arguments)
            return
        if DEBUGGEE_TABLE.get(command) is None:
            await self.fail(message["seq"], command, f"unknown command '{command}'")
            return
        if self.debuggee is None:
            await self.fail(
                message["seq"],
                command,
                f"{command}: no program is being debugged yet (send 'launch' or 'attach' first)",
            )
            return
        self._dseq += 1
        self._relayed[self._dseq] = (message["seq"], command)
        await self.debuggee.send({**message, "seq": self._dseq})

    async def _run_own(
        self, cmd: AdapterCommand, request: dict[str, Any], arguments: dict[str, Any]
    ) -> None:
        try:
            body = await cmd.handler(self, request, arguments)
        except (RequestFailed, LaunchError) as exc:
            await self.fail(request["seq"], request["command"], str(exc))
            return
        except ValidationError as exc:
            await self.fail(
                request["seq"], request["command"], _validation_message(request["command"], exc)
            )
            return
        except Exception as exc:
            log.exception("adapter handler %s failed", request["command"])
            await self.fail(
                request["seq"],
                request["command"],
                f"internal error in {request['command']}: {exc!r}",
            )
            return
        await self.respond(request, body)
        if request["command"] == "disconnect":
            self.finished.set()

    # -- the debuggee connection ---------------------------------------------------------------

    async def debuggee_request(
        self, command: str, arguments: dict[str, Any], timeout: float = 30.0
    ) -> dict[str, Any]:
        assert self.debuggee is not None
        self._dseq += 1
        slot: tuple[anyio.Event, list[dict[str, Any]]] = (anyio.Event(), [])
        self._own[self._dseq] = slot
        await self.debuggee.send(
            {"seq": self._dseq, "type": "request", "command": command, "arguments": arguments}
        )
        with anyio.fail_after(timeout):
            await slot[0].wait()
        return slot[1][0]

    async def _read_debuggee(self, stream: MessageStream) -> None:
        try:
            while True:
                message = await stream.receive()
                if message is None:
                    break
                if isinstance(message, FramingError):
                    log.warning("undecodable message from the debuggee: %s", message.message)
                    continue
                if self.transcript:
                    self.transcript.record("from-debuggee", message)
                await self._on_debuggee_message(message)
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass
        self.debuggee = None
        for event, _ in self._own.values():
            event.set()  # wake anyone waiting; they see no response

    async def _on_debuggee_message(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "response":
            seq = message.get("request_seq")
            if not isinstance(seq, int):
                return
            own = self._own.pop(seq, None)
            if own is not None:
                own[1].append(message)
                own[0].set()
                return
            relayed = self._relayed.pop(seq, None)
            if relayed is not None:
                await self.send({**message, "request_seq": relayed[0]})
        elif kind == "event":
            # The adapter reports the end of the program itself, after the output is drained.
            if message.get("event") in ("exited", "terminated", "dap_server.hello"):
                return
            await self.send(dict(message))

    # -- life cycle ------------------------------------------------------------------------------

    async def watch_process(self, process: DebuggeeProcess) -> None:
        code = await process.wait()
        with anyio.move_on_after(5):
            await process.output_done.wait()
        if self.transcript:
            self.transcript.step(f"debuggee {process.pid} {describe_exit(code)}")
        if code < 0:
            await self.output("console", f"The program was {describe_exit(code)}.\n")
        await self.event("exited", {"exitCode": code})
        await self.send_terminated()

    async def send_terminated(self) -> None:
        if not self._terminated_sent:
            self._terminated_sent = True
            await self.event("terminated")

    async def accept_debuggee(
        self, listener: socket.socket, process: DebuggeeProcess, timeout: float
    ) -> MessageStream:
        """Waits for the spawned debuggee to connect back and prove itself with its token."""

        async def exited_early() -> None:
            code = await process.wait()
            with anyio.move_on_after(2):
                await process.output_done.wait()
            stderr = "".join(self._early_stderr).strip()
            detail = f":\n{stderr[-2000:]}" if stderr else ""
            raise LaunchError(
                f"launch: the debuggee {describe_exit(code)} before the debugger could connect{detail}"
            )

        result: list[MessageStream] = []

        async def accept() -> None:
            while True:
                conn, _ = await anyio.to_thread.run_sync(listener.accept, abandon_on_cancel=True)
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                stream = MessageStream.from_stream(await anyio.abc.SocketStream.from_socket(conn))
                with anyio.move_on_after(5):
                    first = await stream.receive()
                    if isinstance(first, dict) and hello_token(first) == process.token:
                        result.append(stream)
                        return
                # Not our debuggee: somebody else found the port. Refuse and keep waiting.
                log.warning("refused a connection without the debuggee's token")
                await stream.aclose()

        try:
            with anyio.fail_after(timeout):
                async with anyio.create_task_group() as tg:

                    async def first_wins() -> None:
                        await accept()
                        tg.cancel_scope.cancel()

                    tg.start_soon(first_wins)
                    tg.start_soon(exited_early)
        except TimeoutError:
            raise LaunchError(
                f"launch: the debuggee did not connect within {timeout:g} s (launch option connectTimeout)"
            ) from None
        except BaseExceptionGroup as group:
            for exc in group.exceptions:
                if isinstance(exc, LaunchError):
                    raise exc from None
            raise
        finally:
            listener.close()
        return result[0]

    async def _shutdown(self) -> None:
        """The editor is gone or has disconnected: never leave the debuggee behind."""
        process = self.process
        if process is not None and process.process.returncode is None and not self.detached:
            if self.transcript:
                self.transcript.step(f"ending debuggee {process.pid}")
            process.kill()
            with anyio.move_on_after(5):
                await process.wait()
        if self.debuggee is not None:
            await self.debuggee.aclose()


def _validation_message(command: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"arguments.{where}: {err['msg']}")
    return f"{command}: " + "; ".join(parts)


# --- the adapter's own requests ------------------------------------------------------------------


@adapter_command("initialize")
async def initialize(
    s: AdapterSession, request: dict[str, Any], args: dict[str, Any]
) -> dict[str, Any]:
    s.client_args = dict(args)
    return capabilities()


@adapter_command("launch")
async def launch(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    if s.process is not None:
        raise RequestFailed("launch: a program is already being debugged in this session")
    config = LaunchConfig.model_validate(args)
    s.config = config
    unknown = config.unknown_options()
    if unknown:
        await s.output(
            "console", f"dap-server: ignoring unknown launch options: {', '.join(unknown)}\n"
        )
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    try:
        process = await spawn(config, ("127.0.0.1", port), s.log_dir or config.logDir)
    except LaunchError:
        listener.close()
        raise
    s.process = process
    if s.transcript:
        s.transcript.step(f"spawned debuggee pid {process.pid}")
    assert s._tg is not None
    s._tg.start_soon(process.capture_output, s.output)
    s._tg.start_soon(s.watch_process, process)
    try:
        stream = await s.accept_debuggee(listener, process, config.connectTimeout)
    except LaunchError:
        process.kill()
        raise
    s._connected = True
    s.debuggee = stream
    s._tg.start_soon(s._read_debuggee, stream)
    await s.debuggee_request("initialize", s.client_args)
    response = await s.debuggee_request("launch", args)
    if not response.get("success"):
        process.kill()
        raise RequestFailed(str(response.get("message", "launch failed in the debuggee")))


@adapter_command("disconnect", "supportTerminateDebuggee")
async def disconnect(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    process = s.process
    terminate = args.get("terminateDebuggee")
    if terminate is None:
        terminate = process is not None  # launched programs end with the session, as in debugpy
    if not terminate:
        s.detached = True
    if s.debuggee is not None and not terminate:
        try:
            await s.debuggee_request("disconnect", args, timeout=5)
        except TimeoutError:
            pass
    if process is not None and terminate:
        process.kill()
        with anyio.move_on_after(5):
            await process.wait()


@adapter_command("terminate", "supportsTerminateRequest")
async def terminate(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    process = s.process
    if process is None:
        raise RequestFailed("terminate: no program is running")
    timeout = s.config.terminateTimeout if s.config else 3.0
    assert s._tg is not None
    s._tg.start_soon(process.terminate, timeout)


async def run_stdio(log_dir: str | None) -> None:
    from dap_server.wire.async_stream import open_stdio

    transcript = Transcript.from_env(log_dir, "adapter")
    async with open_stdio() as editor:
        session = AdapterSession(
            editor, transcript, log_dir or os.environ.get("DAP_SERVER_LOG_DIR")
        )
        await session.serve()
