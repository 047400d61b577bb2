"""The adapter's side of one editor session.

The adapter answers `initialize` itself (at once, before any debuggee exists), owns the
requests that concern the debuggee's life (`launch`, `attach`, `restart`, `disconnect`,
`terminate`; their handlers are in `commands.py`, their table in `registry.py`) and relays
every other request, validated, to the debuggee-side server, which
owns live objects. Responses come back with the editor's sequence numbers, their paths mapped
back (`pathMappings`).

Who reports the end of the program depends on who owns the process:
- launched in the internal console, the adapter spawned it: `exited` (the real exit status,
  signals included) and `terminated` are the adapter's own, sent once the process has ended and
  its output is drained, so they always come after the program's last output;
- launched in a terminal, the editor owns the process; the runner's watcher, the program's
  parent in the terminal, reports its exit status on a connection of its own, and the adapter
  sends `exited` with it (signals included) and `terminated` once the program's connection has
  ended and the status is in. The debuggee's own `exited` stands in when there is no watcher
  (or it vanished without a word);
- attached, the debuggee reports `exited` itself and the adapter sends `terminated` when the
  debuggee's connection ends.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc
from pydantic import BaseModel, ValidationError

from dap_server.adapter.config import AttachConfig, ConfigError, LaunchConfig
from dap_server.adapter.launcher import (
    DEBUGGEE_HELLO,
    ChildNotify,
    DebuggeeProcess,
    LaunchError,
    LaunchPlan,
    check_launch,
    describe_exit,
    exit_status,
    hello_token,
    plan_launch,
    spawn,
    watched_pid,
)
from dap_server.adapter.paths import PathMapper
from dap_server.adapter.registry import ADAPTER_COMMANDS, AdapterCommand
from dap_server.auth import check_token, generate_token
from dap_server.debuggee.commands import TABLE as DEBUGGEE_TABLE
from dap_server.debuggee.exit_watcher import WATCHER_HELLO
from dap_server.protocol.models import REQUESTS, EmptyArguments
from dap_server.protocol.validation import MessageValidationError, validate_request
from dap_server.transcript import Transcript
from dap_server.wire.async_stream import MessageStream, TcpMessageListener, listen_tcp
from dap_server.wire.framing import FramingError

log = logging.getLogger("dap_server.adapter")

# This server's own requests (not in the DAP specification, e.g. `setSensitivePatterns`):
# relayed like any other; the debuggee checks their arguments itself.
_CUSTOM_COMMANDS: dict[str, type[BaseModel]] = {
    name: EmptyArguments for name in DEBUGGEE_TABLE.names() if name not in REQUESTS
}

# Requests whose last arguments are replayed to a restarted debuggee, keyed so that a later
# request replaces an earlier one (setBreakpoints is per source).
_REPLAYED = (
    "setBreakpoints",
    "setFunctionBreakpoints",
    "setExceptionBreakpoints",
    "setDataBreakpoints",
    "setInstructionBreakpoints",
)

# A program run with noDebug has no debuggee server: the adapter answers the configuration
# requests every editor sends itself, so the session looks normal.
_NO_DEBUG_REASON = "the program runs without the debugger (noDebug)"


# The answers to requests the program cannot answer because it has ended (it took them and
# ended first, or they came after its end). Run control succeeds: its effect (the program
# started, resumed) happened, and the program may well end, by os._exit, a signal or simply by
# finishing, before its answer leaves the process. Every other request fails, saying why.
_AFTER_THE_END: dict[str, dict[str, Any] | None] = {
    "configurationDone": None,
    "continue": {"allThreadsContinued": True},
    "next": None,
    "stepIn": None,
    "stepOut": None,
}


class RequestFailed(Exception):
    """An adapter-side request failure; the message goes to the editor."""


@dataclass(eq=False)
class ExitWatch:
    """How a program started in a terminal ended, as its watcher (its parent) reports it."""

    stream: MessageStream  # the watcher's connection
    debuggee: MessageStream | None = None  # the program's own, once it has connected
    reported: anyio.Event = field(default_factory=anyio.Event)
    code: int | None = None
    # The program's own `exited` body: used if the watcher ends without reporting (killed).
    fallback: dict[str, Any] | None = None


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
        self.config: LaunchConfig | AttachConfig | None = None
        self.launch_args: dict[str, Any] = {}
        self.process: DebuggeeProcess | None = None
        self.debuggee: MessageStream | None = None
        # The end of the current (or last) debuggee connection, set once all it sent has been
        # relayed; None while no program has connected yet.
        self._debuggee_ended: anyio.Event | None = None
        # The debuggee's pid when the adapter does not own its process (terminal, attach).
        self.debuggee_pid: int | None = None
        self.no_debug = False
        self.mapper = PathMapper([])
        self.finished = anyio.Event()
        self._seq = 0
        self._dseq = 0
        # debuggee request seq -> (editor request seq, command, unmapped breakpoint path)
        self._relayed: dict[int, tuple[int, str, str | None]] = {}
        # debuggee request seq -> slot for the adapter's own requests
        self._own: dict[int, tuple[anyio.Event, list[dict[str, Any]]]] = {}
        # our seq -> slot, for reverse requests to the editor (runInTerminal, startDebugging)
        self._reverse: dict[int, tuple[anyio.Event, list[dict[str, Any]]]] = {}
        self._replay: dict[tuple[str, str], dict[str, Any]] = {}
        self._send_lock = anyio.Lock()
        self._tg: anyio.abc.TaskGroup | None = None
        self._terminated_sent = False
        self._launch_refused = False  # the debuggee refused `launch`: it never ran the program
        self._early_stderr: list[str] = []
        self._connected = False
        self._restarting = False
        self._swallow_initialized = False
        self._children: TcpMessageListener | None = None
        self._child_token = ""
        # Announced children of the debuggee (subProcess): ended with a program in a terminal.
        self._child_pids: set[int] = set()
        # Set by a disconnect that detaches: the program runs on without the debugger.
        self.detached = False
        # A program launched in a terminal: its exit status, from the runner's watcher.
        self._exit_watch: ExitWatch | None = None

    # -- to the editor ---------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self._send_locked(message)

    async def _send_locked(self, message: dict[str, Any]) -> None:
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

    async def editor_request(
        self, command: str, arguments: dict[str, Any], timeout: float, option: str
    ) -> dict[str, Any]:
        """A reverse request to the editor; returns its response, raises LaunchError on timeout."""
        slot: tuple[anyio.Event, list[dict[str, Any]]] = (anyio.Event(), [])
        async with self._send_lock:
            # Registered before the bytes leave, so even an instant answer finds its slot.
            seq = self._seq + 1
            self._reverse[seq] = slot
            await self._send_locked({"type": "request", "command": command, "arguments": arguments})
        try:
            with anyio.fail_after(timeout):
                await slot[0].wait()
        except TimeoutError:
            raise LaunchError(
                f"{command}: the editor did not answer within {timeout:g} s (launch option {option})"
            ) from None
        finally:
            self._reverse.pop(seq, None)
        if not slot[1]:
            raise LaunchError(f"{command}: the editor went away before answering")
        return slot[1][0]

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
        for event, _ in self._reverse.values():
            event.set()
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
        if message.get("type") == "response":
            slot = self._reverse.pop(message.get("request_seq", -1), None)
            if slot is not None:
                slot[1].append(message)
                slot[0].set()
            return
        if message.get("type") != "request":
            return
        try:
            command, _ = validate_request(message, extra_commands=_CUSTOM_COMMANDS)
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
        if self.no_debug:
            await self._answer_no_debug(message, command, arguments)
            return
        if self.debuggee is None:
            await self.fail(
                message["seq"],
                command,
                f"{command}: the program has ended"
                if self._debuggee_ended is not None
                else f"{command}: no program is being debugged yet (send 'launch' or 'attach' first)",
            )
            return
        pid = self.process.pid if self.process is not None else self.debuggee_pid
        if pid and not _running(pid):
            # Its connection may still hold events to relay: a write to the socket of a process
            # that has ended draws a reset, which would discard them unread. (debuggee_pid is
            # always on this machine: a terminal's program or one attached to by process id.)
            await self._answer_after_the_end(message["seq"], command)
            return
        unmapped: list[str] = []
        if self.mapper:
            message = dict(self.mapper.rewrite(message, "to_remote", unmapped))
        self._remember_configuration(command, message.get("arguments") or {})
        if command == "cancel" and not self._cancel_names_relayed(message):
            await self.respond(message, None)  # answered already, or not the debuggee's
            return
        self._dseq += 1
        self._relayed[self._dseq] = (message["seq"], command, unmapped[0] if unmapped else None)
        try:
            await self.debuggee.send({**message, "seq": self._dseq})
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            # The debuggee went away just now: answer here; its end is reported as usual.
            self._relayed.pop(self._dseq, None)
            await self._answer_after_the_end(message["seq"], command)

    def _cancel_names_relayed(self, message: dict[str, Any]) -> bool:
        """Points a `cancel` at the debuggee's number for the request it names (requests are
        renumbered on their way there); False when that request is not in flight there.
        A cancel without a requestId (progress) goes on as it is."""
        arguments = message.get("arguments")
        if not isinstance(arguments, dict) or arguments.get("requestId") is None:
            return True
        request_id = arguments["requestId"]
        for dseq, (editor_seq, _command, _unmapped) in self._relayed.items():
            if editor_seq == request_id:
                message["arguments"] = {**arguments, "requestId": dseq}
                return True
        return False

    def _remember_configuration(self, command: str, arguments: dict[str, Any]) -> None:
        if command not in _REPLAYED:
            return
        key = ""
        if command == "setBreakpoints":
            source = arguments.get("source") or {}
            key = str(source.get("path") or source.get("sourceReference") or "")
        self._replay[(command, key)] = arguments

    async def _answer_no_debug(
        self, request: dict[str, Any], command: str, arguments: dict[str, Any]
    ) -> None:
        if command in ("setBreakpoints", "setFunctionBreakpoints"):
            count = len(arguments.get("breakpoints") or arguments.get("lines") or [])
            bps = [{"verified": False, "message": _NO_DEBUG_REASON} for _ in range(count)]
            await self.respond(request, {"breakpoints": bps})
        elif command in ("setExceptionBreakpoints", "configurationDone"):
            await self.respond(request, None)
        elif command == "threads":
            await self.respond(request, {"threads": []})
        else:
            await self.fail(request["seq"], command, f"{command}: {_NO_DEBUG_REASON}")

    async def _run_own(
        self, cmd: AdapterCommand, request: dict[str, Any], arguments: dict[str, Any]
    ) -> None:
        try:
            body = await cmd.handler(self, request, arguments)
        except (RequestFailed, LaunchError, ConfigError) as exc:
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
        stream = self.debuggee
        if stream is None:
            raise RequestFailed(f"{command}: the debuggee is gone")
        self._dseq += 1
        seq = self._dseq
        slot: tuple[anyio.Event, list[dict[str, Any]]] = (anyio.Event(), [])
        self._own[seq] = slot
        try:
            await stream.send(
                {"seq": seq, "type": "request", "command": command, "arguments": arguments}
            )
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            self._own.pop(seq, None)
            raise RequestFailed(f"{command}: the debuggee is gone") from None
        with anyio.fail_after(timeout):
            await slot[0].wait()
        if not slot[1]:
            raise RequestFailed(f"{command}: the debuggee ended before answering")
        return slot[1][0]

    def attach_stream(self, stream: MessageStream) -> anyio.Event:
        """Starts relaying `stream`; the event is set when it ends."""
        self.debuggee = stream
        self._connected = True
        ended = self._debuggee_ended = anyio.Event()
        assert self._tg is not None
        self._tg.start_soon(self._read_debuggee, stream, ended)
        return ended

    async def _read_debuggee(self, stream: MessageStream, ended: anyio.Event) -> None:
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
        ended.set()
        if self.debuggee is not stream:
            return  # replaced by a restart: the old one's end means nothing to the editor
        self.debuggee = None
        for event, _ in self._own.values():
            event.set()  # wake anyone waiting; they see no response
        await self._answer_orphans()
        if self.process is None and not self._restarting:
            # Not our process (terminal, attach): the connection's end is the session's end.
            watch = self._exit_watch
            if watch is not None and watch.debuggee is stream:
                if not await self._report_watched_exit(watch):
                    return
            await self.send_terminated()

    async def _report_watched_exit(self, watch: ExitWatch) -> bool:
        """`exited` for a terminal program whose connection has ended; False when the session
        has moved on meanwhile (a restart), and nothing is to be said.

        The connection ends as the process ends, and the watcher reports within moments; a
        program that outlives its connection (non-daemon threads) is waited for, as a spawned
        one is, and `terminate` and `disconnect` still end it. A watcher that dies closes its
        connection; one that is stuck (stopped) is given up on shortly after the program is
        gone, so that the session always ends."""
        if self.detached:
            return True  # the program runs on; it has not exited
        pid = self.debuggee_pid
        gone_at: float | None = None
        while not watch.reported.is_set():
            with anyio.move_on_after(0.1):  # polling: a non-child's end has no event to wait on
                await watch.reported.wait()
            if pid and gone_at is None and not _running(pid):
                gone_at = anyio.current_time()
            if gone_at is not None and anyio.current_time() - gone_at > _WATCHER_GRACE:
                break
        if self._restarting or self._exit_watch is not watch:
            return False
        if watch.code is not None:
            if watch.code < 0:
                await self.output("console", f"The program was {describe_exit(watch.code)}.\n")
            await self.event("exited", {"exitCode": watch.code})
        elif watch.fallback is not None:
            await self.event("exited", watch.fallback)
        return True

    def watch_exit(self, debuggee: MessageStream | None, watch: ExitWatch | None) -> None:
        """`watch` reports how the program on `debuggee` ends (None: no watcher, e.g. not a
        terminal, or a runner that could not fork one; no debuggee: a noDebug program)."""
        previous = self._exit_watch
        self._exit_watch = watch
        if watch is not None:
            watch.debuggee = debuggee
        if previous is not None:
            assert self._tg is not None
            self._tg.start_soon(previous.stream.aclose)  # a restart's: that run is over

    async def _read_watcher(self, watch: ExitWatch) -> None:
        try:
            while True:
                message = await watch.stream.receive()
                if message is None:
                    break
                if not isinstance(message, dict):
                    continue
                if self.transcript:
                    self.transcript.record("from-watcher", message)
                pid = watched_pid(message)
                if pid is not None:
                    # A noDebug program's pid, which terminate must signal (a debugged one's
                    # comes from its own connection).
                    if self.no_debug and self._exit_watch is watch:
                        self.debuggee_pid = pid
                    continue
                code = exit_status(message)
                if code is not None:
                    watch.code = code
                    break
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass
        finally:
            watch.reported.set()
        await watch.stream.aclose()

    async def _answer_orphans(self) -> None:
        """Requests relayed to a debuggee that died before answering still get a response."""
        orphans, self._relayed = self._relayed, {}
        for editor_seq, command, _ in orphans.values():
            await self._answer_after_the_end(editor_seq, command)

    async def _answer_after_the_end(self, editor_seq: int, command: str) -> None:
        if command in _AFTER_THE_END:
            await self.respond({"seq": editor_seq, "command": command}, _AFTER_THE_END[command])
        else:
            await self.fail(editor_seq, command, f"{command}: the program has ended")

    async def _on_debuggee_message(self, message: dict[str, Any]) -> None:
        if self.mapper:
            message = self.mapper.rewrite(message, "to_local")
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
                editor_seq, command, unmapped = relayed
                if unmapped is not None and command == "setBreakpoints":
                    message = self._explain_unmapped(message, unmapped)
                await self.send({**message, "request_seq": editor_seq})
        elif kind == "event":
            name = message.get("event")
            if name == DEBUGGEE_HELLO:
                return
            if name in ("exited", "terminated") and (self.process is not None or self._restarting):
                # The adapter reports the end of a process it owns itself, after the output.
                return
            if name in ("exited", "terminated") and self._exit_watch is not None:
                # The watcher's status is the real one (atexit handlers, a crash at shutdown
                # come after the runner's `exited`); it is reported when the connection ends.
                if name == "exited":
                    self._exit_watch.fallback = dict(message.get("body") or {})
                return
            if name == "terminated":
                await self.send_terminated()
                return
            if name == "initialized" and self._swallow_initialized:
                # A restarted debuggee: the adapter replays the configuration itself.
                self._swallow_initialized = False
                return
            if name == "stopped" and self.process is not None:
                # What the program printed before it stopped comes before the stop.
                with anyio.move_on_after(1):
                    await self.process.output_caught_up()
            await self.send(dict(message))

    def _explain_unmapped(self, message: dict[str, Any], path: str) -> dict[str, Any]:
        body = dict(message.get("body") or {})
        hint = f"{path} is under no pathMappings localRoot (tried: {self.mapper.describe()})"
        bps = []
        for bp in body.get("breakpoints") or []:
            if not bp.get("verified"):
                bp = {**bp, "message": f"{bp['message']}; {hint}" if bp.get("message") else hint}
            bps.append(bp)
        body["breakpoints"] = bps
        return {**message, "body": body}

    # -- life cycle ------------------------------------------------------------------------------

    async def watch_process(self, process: DebuggeeProcess) -> None:
        code = await process.wait()
        with anyio.move_on_after(5):
            await process.output_done.wait()
            # What the program sent before it ended comes before the news of its end.
            ended = self._debuggee_ended if process is self.process else None
            if ended is not None:
                await ended.wait()
        if self.transcript:
            self.transcript.step(f"debuggee {process.pid} {describe_exit(code)}")
        if process is not self.process or self._restarting:
            return  # replaced by a restart
        if self._launch_refused:
            await self.send_terminated()
            return
        if code < 0:
            await self.output("console", f"The program was {describe_exit(code)}.\n")
        await self.event("exited", {"exitCode": code})
        await self.send_terminated()

    async def send_terminated(self) -> None:
        if not self._terminated_sent:
            self._terminated_sent = True
            await self.event("terminated")

    async def accept_debuggee(
        self,
        listener: socket.socket,
        process: DebuggeeProcess | None,
        token: str,
        timeout: float,
        request: str = "launch",
        watchers: list[ExitWatch] | None = None,
    ) -> tuple[MessageStream, int]:
        """Waits for the spawned debuggee to connect back and prove itself with its token;
        returns the stream and the debuggee's pid. An exit watcher presenting the same token (a
        terminal program's, which connects first) is read from then on and goes to `watchers`."""
        watcher_seen = anyio.Event()

        async def exited_early() -> None:
            if process is None:
                await watcher_seen.wait()
                assert watchers
                await watchers[0].reported.wait()
                code = watchers[0].code
                if code is None:
                    await anyio.sleep_forever()  # the watcher died: only the timeout can tell
                    return
                raise LaunchError(
                    f"{request}: the program {describe_exit(code)} before the debugger could "
                    "connect (its output is in the terminal)"
                )
            code = await process.wait()
            with anyio.move_on_after(2):
                await process.output_done.wait()
            stderr = "".join(self._early_stderr).strip()
            detail = f":\n{stderr[-2000:]}" if stderr else ""
            raise LaunchError(
                f"launch: the debuggee {describe_exit(code)} before the debugger could connect{detail}"
            )

        result: list[tuple[MessageStream, int]] = []

        kinds = (DEBUGGEE_HELLO,) if watchers is None else (DEBUGGEE_HELLO, WATCHER_HELLO)

        async def accept() -> None:
            while True:
                stream, first = await self._accept_hello(listener, token, *kinds)
                if first.get("event") == DEBUGGEE_HELLO:
                    pid = (first.get("body") or {}).get("pid")
                    result.append((stream, pid if isinstance(pid, int) else 0))
                    return
                assert watchers is not None
                watch = ExitWatch(stream)
                assert self._tg is not None
                self._tg.start_soon(self._read_watcher, watch)
                watchers.append(watch)
                watcher_seen.set()

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
                f"{request}: the debuggee did not connect within {timeout:g} s ({request} option connectTimeout)"
            ) from None
        except BaseExceptionGroup as group:
            for exc in group.exceptions:
                if isinstance(exc, LaunchError):
                    raise exc from None
            raise
        finally:
            listener.close()
        return result[0]

    async def start_debuggee(self, config: LaunchConfig, args: dict[str, Any]) -> None:
        """Starts the program (spawned, or through the editor's terminal) and, unless noDebug,
        connects its debuggee server and sends it initialize + launch."""
        check_launch(config)
        terminal = config.console != "internalConsole"
        shell_args = (
            terminal
            and isinstance(config.args, str)
            and bool(self.client_args.get("supportsArgsCanBeInterpretedByShell"))
        )
        if config.noDebug:
            if terminal:
                await self.run_plain_in_terminal(config, shell_args)
            else:
                plan = plan_launch(config, None, "", None, shell_args=shell_args)
                await self.spawn_owned(plan, "")
            self.no_debug = True
            return
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        token = generate_token()
        children = await self.open_child_listener(config) if config.subProcess else None
        log_dir = self.log_dir or config.logDir
        plan = plan_launch(
            config,
            ("127.0.0.1", listener.getsockname()[1]),
            token,
            log_dir,
            children,
            shell_args=shell_args,
            terminal=terminal,
        )
        process: DebuggeeProcess | None = None
        try:
            if terminal:
                await self.run_in_terminal(config, plan, shell_args)
            else:
                process = await self.spawn_owned(plan, token)
        except BaseException:
            listener.close()
            raise
        watchers: list[ExitWatch] = []
        try:
            stream, pid = await self.accept_debuggee(
                listener, process, token, config.connectTimeout, watchers=watchers
            )
        except BaseException as exc:
            if process is not None and isinstance(exc, LaunchError):
                process.kill()
            with anyio.CancelScope(shield=True):
                for watch in watchers:
                    await watch.stream.aclose()
            raise
        self.debuggee_pid = pid
        for extra in watchers[1:]:
            await extra.stream.aclose()  # one watcher per program: another cannot be ours
        # Before the relay starts: the program may end at once.
        self.watch_exit(stream, watchers[0] if watchers else None)
        self.attach_stream(stream)
        init = await self.debuggee_request("initialize", self.client_args)
        if not init.get("success"):
            raise RequestFailed(str(init.get("message", "initialize failed in the debuggee")))
        response = await self.debuggee_request("launch", args)
        if not response.get("success"):
            # The program never ran (it does not compile...): the kill that ends the waiting
            # debuggee is not the program's end, and is not reported as one.
            self._launch_refused = True
            self.kill_debuggee()
            raise RequestFailed(str(response.get("message", "launch failed in the debuggee")))

    async def run_plain_in_terminal(self, config: LaunchConfig, shell_args: bool) -> None:
        """noDebug in the editor's terminal: the program runs plain, under an exit watcher
        (`dap_server.debuggee.exit_watcher`) whose report ends the session, as a debugged
        program's end does. The launch does not wait for the watcher: with none (a platform
        without one), the program runs all the same and the editor ends the session."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        token = generate_token()
        plan = plan_launch(
            config,
            ("127.0.0.1", listener.getsockname()[1]),
            token,
            None,
            shell_args=shell_args,
            terminal=True,
        )
        try:
            await self.run_in_terminal(config, plan, shell_args)
        except BaseException:
            listener.close()
            raise
        assert self._tg is not None
        self._tg.start_soon(self._follow_plain_program, listener, token, config.connectTimeout)

    async def _follow_plain_program(
        self, listener: socket.socket, token: str, timeout: float
    ) -> None:
        try:
            with anyio.fail_after(timeout):
                stream, _ = await self._accept_hello(listener, token, WATCHER_HELLO)
        except TimeoutError:
            await self.output(
                "console",
                f"dap-server: the program's exit watcher did not connect within {timeout:g} s "
                "(launch option connectTimeout): its end will not be reported\n",
            )
            return
        finally:
            listener.close()
        watch = ExitWatch(stream)
        self.watch_exit(None, watch)
        assert self._tg is not None
        self._tg.start_soon(self._read_watcher, watch)
        await watch.reported.wait()
        if await self._report_watched_exit(watch):
            await self.send_terminated()

    async def _accept_hello(
        self, listener: socket.socket, token: str, *kinds: str
    ) -> tuple[MessageStream, dict[str, Any]]:
        """The next connection whose first message is one of `kinds` (hello events) with
        `token`; returns it with that message. Any other connection is refused."""
        while True:
            conn, _ = await anyio.to_thread.run_sync(listener.accept, abandon_on_cancel=True)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            stream = MessageStream.from_stream(await anyio.abc.SocketStream.from_socket(conn))
            with anyio.move_on_after(5):
                first = await stream.receive()
                if isinstance(first, dict) and any(
                    check_token(hello_token(first, kind), token) for kind in kinds
                ):
                    return stream, first
            # Not ours: somebody else found the port. Refuse and keep waiting.
            log.warning("refused a connection without the launch's token")
            await stream.aclose()

    async def spawn_owned(self, plan: LaunchPlan, token: str) -> DebuggeeProcess:
        process = await spawn(plan, token)
        self.process = process
        self._connected = False
        self._early_stderr = []
        if self.transcript:
            self.transcript.step(f"spawned debuggee pid {process.pid}")
        assert self._tg is not None
        self._tg.start_soon(process.capture_output, self.output)
        self._tg.start_soon(self.watch_process, process)
        return process

    async def run_in_terminal(
        self, config: LaunchConfig, plan: LaunchPlan, shell_args: bool
    ) -> None:
        if not self.client_args.get("supportsRunInTerminalRequest"):
            raise LaunchError(
                f'launch: "console": "{config.console}" needs an editor that can run a command in a terminal '
                '(runInTerminal), and this one did not say it can; use "console": "internalConsole"'
            )
        arguments: dict[str, Any] = {
            "kind": "external" if config.console == "externalTerminal" else "integrated",
            "title": f"Python: {config.program or config.module or 'code'}",
            "cwd": plan.cwd,
            "args": plan.shell_command(str(config.args)) if shell_args else plan.command,
            "env": plan.env_changes,
        }
        if shell_args:
            arguments["argsCanBeInterpretedByShell"] = True
        response = await self.editor_request(
            "runInTerminal", arguments, config.runInTerminalTimeout, "runInTerminalTimeout"
        )
        if not response.get("success"):
            raise LaunchError(
                f"launch: the editor could not start the program in a terminal: {response.get('message', 'no reason given')}"
            )
        body = response.get("body") or {}
        pid = body.get("processId")
        if isinstance(pid, int):
            self.debuggee_pid = pid

    def kill_debuggee(self) -> None:
        if self.process is not None:
            self.process.kill()
        elif self.debuggee_pid:
            _kill(self.debuggee_pid, signal.SIGKILL)
        self.kill_children()

    def kill_children(self) -> None:
        """The debugged children this session announced: a program the editor started in a
        terminal is not in a process group of ours, so its children are ended one by one
        (children announced of a spawned program are in its group already)."""
        for pid in self._child_pids:
            _kill(pid, signal.SIGKILL)

    # -- child processes ---------------------------------------------------------------------------

    async def open_child_listener(self, config: LaunchConfig) -> ChildNotify:
        if self._children is None:
            self._children = await listen_tcp("127.0.0.1", 0)
            self._child_token = generate_token()
            assert self._tg is not None
            self._tg.start_soon(self._accept_children, self._children)
        return ChildNotify(
            "127.0.0.1", self._children.port, self._child_token, config.subProcessTimeout
        )

    async def _accept_children(self, listener: TcpMessageListener) -> None:
        async with anyio.create_task_group() as tg:
            while True:
                try:
                    stream = await listener.accept()
                except (anyio.ClosedResourceError, OSError):
                    return
                tg.start_soon(self._on_child, stream)

    async def _on_child(self, stream: MessageStream) -> None:
        """A child of the debuggee announces itself: ask the editor to attach to it."""
        async with stream:
            with anyio.move_on_after(5):
                first = await stream.receive()
            if not isinstance(first, dict) or first.get("event") != "dap_server.child":
                return
            body = first.get("body") or {}
            if not check_token(body.get("token"), self._child_token):
                log.warning("refused a child announcement without the token")
                return
            accepted = bool(self.client_args.get("supportsStartDebuggingRequest"))
            try:
                await stream.send(
                    {
                        "seq": 1,
                        "type": "event",
                        "event": "dap_server.childAck",
                        "body": {"accepted": accepted},
                    }
                )
            except (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
                return
        pid = body.get("pid")
        if isinstance(pid, int) and pid > 0:
            self._child_pids.add(pid)
        if self.transcript:
            self.transcript.step(
                f"child process {pid} (parent {body.get('ppid')}) announced; accepted={accepted}"
            )
        if not accepted:
            await self.output(
                "console",
                f"dap-server: child process {pid} runs undebugged: this editor cannot start child sessions (startDebugging)\n",
            )
            return
        await self.announce_child(body)

    async def announce_child(self, body: dict[str, Any]) -> None:
        config = self.config
        configuration: dict[str, Any] = {
            "name": f"Subprocess {body.get('pid')}",
            "request": "attach",
            "connect": {"host": body.get("host", "127.0.0.1"), "port": body.get("port")},
            "subProcessId": body.get("pid"),
        }
        if body.get("childToken"):
            configuration["token"] = body["childToken"]
        if "type" in self.launch_args:
            configuration["type"] = self.launch_args["type"]
        if config is not None:
            configuration["justMyCode"] = config.justMyCode
            configuration["subProcess"] = config.subProcess
            if config.pathMappings:
                configuration["pathMappings"] = [m.model_dump() for m in config.pathMappings]
        timeout = config.subProcessTimeout if config is not None else 10.0
        try:
            response = await self.editor_request(
                "startDebugging",
                {"request": "attach", "configuration": configuration},
                timeout,
                "subProcessTimeout",
            )
        except LaunchError as exc:
            await self.output("console", f"dap-server: child process {body.get('pid')}: {exc}\n")
            return
        if not response.get("success"):
            await self.output(
                "console",
                f"dap-server: the editor did not start a session for child process {body.get('pid')}: {response.get('message')}\n",
            )

    async def _shutdown(self) -> None:
        """The editor is gone or has disconnected: never leave the debuggee behind."""
        process = self.process
        if process is not None and not self.detached and (process.running or process.group_alive()):
            if self.transcript:
                self.transcript.step(f"ending debuggee {process.pid}")
            process.kill()
            with anyio.move_on_after(5):
                await process.wait()
        elif (
            process is None
            and self.debuggee_pid
            and isinstance(self.config, LaunchConfig)
            and not self.detached
        ):
            _kill(self.debuggee_pid, signal.SIGKILL)  # launched in a terminal
            self.kill_children()
        stream = self.debuggee
        if stream is not None:
            await stream.aclose()
        if self._exit_watch is not None:
            # The watcher goes on without us: it ends with the program, as the terminal expects.
            await self._exit_watch.stream.aclose()
        if self._children is not None:
            await self._children.aclose()


def _kill(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _validation_message(command: str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"arguments.{where}: {err['msg']}")
    return f"{command}: " + "; ".join(parts)


# --- the adapter's own requests ------------------------------------------------------------------


# How long a terminal program's watcher may take to report once the program is gone; it takes
# milliseconds (it is waiting in waitpid), so only a stuck watcher ever reaches this.
_WATCHER_GRACE = 2.0


def _running(pid: int) -> bool:
    """Alive and not a zombie (a terminal program's zombie waits for its watcher to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[0] != b"Z"
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        return _alive(pid)  # no /proc


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def run_stdio(log_dir: str | None) -> None:
    from dap_server.wire.async_stream import open_stdio

    transcript = Transcript.from_env(log_dir, "adapter")
    async with open_stdio() as editor:
        session = AdapterSession(
            editor, transcript, log_dir or os.environ.get("DAP_SERVER_LOG_DIR")
        )
        await session.serve()
