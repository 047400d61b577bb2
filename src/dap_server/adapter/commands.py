"""The requests the adapter answers itself: those about the debuggee's life (`initialize`,
`launch`, `attach`, `restart`, `disconnect`, `terminate`). Every other request is relayed to
the debuggee by `AdapterSession`."""

from __future__ import annotations

import logging
import os
import signal
import socket
from collections.abc import Sequence
from typing import Any

import anyio
import anyio.abc

from dap_server.adapter.config import AttachConfig, LaunchConfig
from dap_server.adapter.launcher import (
    LaunchError,
    check_launch,
)
from dap_server.adapter.paths import PathMapper
from dap_server.adapter.registry import adapter_command, capabilities
from dap_server.adapter.session import (
    AdapterSession,
    RequestFailed,
    _alive,
    _kill,
)
from dap_server.auth import generate_token
from dap_server.wire.async_stream import MessageStream, connect_tcp

log = logging.getLogger("dap_server.adapter")


@adapter_command("initialize")
async def initialize(
    s: AdapterSession, request: dict[str, Any], args: dict[str, Any]
) -> dict[str, Any]:
    s.client_args = dict(args)
    return capabilities()


async def _report_unknown(
    s: AdapterSession, config: LaunchConfig | AttachConfig, what: str
) -> None:
    unknown = config.unknown_options()
    if unknown:
        await s.output(
            "console", f"dap-server: ignoring unknown {what} options: {', '.join(unknown)}\n"
        )


@adapter_command("launch")
async def launch(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    if s.config is not None:
        raise RequestFailed("launch: a program is already being debugged in this session")
    config = LaunchConfig.model_validate(args)
    config.check_target()
    s.config = config
    s.launch_args = dict(args)
    s.mapper = PathMapper([(m.localRoot, m.remoteRoot) for m in config.pathMappings])
    await _report_unknown(s, config, "launch")
    try:
        await s.start_debuggee(config, args)
    except BaseException:
        s.config = None
        raise
    if s.no_debug:
        await s.event("initialized")


@adapter_command("attach")
async def attach(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    if s.config is not None:
        raise RequestFailed("attach: a program is already being debugged in this session")
    config = AttachConfig.model_validate(args)
    address = config.address()
    if address is None and config.processId not in (None, ""):
        await _attach_to_pid(s, config, args)
        return
    if address is None:
        raise RequestFailed(
            'attach: say where the program listens: "connect": {"host": "127.0.0.1", "port": 5678} '
            "(start it with `dap-server --listen 5678 program.py` or dap_server.listen(5678))"
        )
    s.config = config
    s.launch_args = dict(args)
    s.mapper = PathMapper([(m.localRoot, m.remoteRoot) for m in config.pathMappings])
    await _report_unknown(s, config, "attach")
    host, port = address
    try:
        with anyio.fail_after(config.connectTimeout):
            stream = await connect_tcp(host, port)
    except TimeoutError:
        s.config = None
        raise RequestFailed(
            f"attach: could not connect to {host}:{port} within {config.connectTimeout:g} s (attach option connectTimeout)"
        ) from None
    except OSError as exc:
        s.config = None
        # anyio reports "All connection attempts failed" and chains the reason itself.
        cause = exc.__cause__ if isinstance(exc.__cause__, OSError) else exc
        reason = os.strerror(cause.errno) if cause.errno else str(cause)
        raise RequestFailed(
            f"attach: cannot connect to {host}:{port}: {reason}. Is the program running with "
            f"`dap-server --listen {port} ...` or dap_server.listen({port})?"
        ) from None
    s.attach_stream(stream)
    try:
        # The token travels in the attach arguments (relayed as they are), so a wrong one is
        # reported as the attach's failure.
        init = await s.debuggee_request("initialize", s.client_args, config.connectTimeout)
        if not init.get("success"):
            raise RequestFailed(f"attach: {init.get('message')}")
        response = await s.debuggee_request("attach", args, config.connectTimeout)
    except TimeoutError:
        raise RequestFailed(
            f"attach: {host}:{port} accepted the connection but did not answer within "
            f"{config.connectTimeout:g} s (attach option connectTimeout)"
        ) from None
    if not response.get("success"):
        await stream.aclose()
        s.debuggee = None
        s.config = None
        raise RequestFailed(str(response.get("message", "attach failed in the debuggee")))


async def _attach_to_pid(s: AdapterSession, config: AttachConfig, args: dict[str, Any]) -> None:
    """Attach by process id: the target loads the debugger (sys.remote_exec on 3.14, gdb before)
    and connects back to a loopback port of ours with a fresh token, as a launched one does."""
    import threading

    from dap_server.attach import AttachError, attach_to_pid

    try:
        pid = int(config.processId)  # type: ignore[arg-type]
    except ValueError:
        raise RequestFailed(
            f"attach: processId must be a process id, not {config.processId!r}"
        ) from None
    s.config = config
    s.launch_args = dict(args)
    s.mapper = PathMapper([(m.localRoot, m.remoteRoot) for m in config.pathMappings])
    await _report_unknown(s, config, "attach")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    port = listener.getsockname()[1]
    token = generate_token()
    connected = threading.Event()
    timeout = config.attachTimeout

    def progress(line: str) -> None:
        # Said while waiting (a blocked main thread can take long), not after the fact.
        try:
            anyio.from_thread.run(s.output, "console", line + "\n")
        except Exception:
            log.info("attach: %s", line)

    def inject() -> None:
        attach_to_pid(
            pid,
            "127.0.0.1",
            port,
            token,
            timeout=timeout,
            on_progress=progress,
            force=config.forceAttach,
            wait_connected=connected.wait,
        )

    result: list[tuple[MessageStream, int]] = []
    failure: list[BaseException] = []

    async def injecting() -> None:
        try:
            await anyio.to_thread.run_sync(inject, abandon_on_cancel=True)
        except AttachError as exc:
            failure.append(exc)
            tg.cancel_scope.cancel()

    async def accepting() -> None:
        try:
            # The injection owns the deadline (and says why it passed); this one is a backstop.
            result.append(await s.accept_debuggee(listener, None, token, timeout + 10, "attach"))
        except LaunchError as exc:
            failure.append(exc)
            tg.cancel_scope.cancel()
            return
        connected.set()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(injecting)
            tg.start_soon(accepting)
    finally:
        connected.set()
        listener.close()
    if failure or not result:
        s.config = None
        reason = str(failure[0]) if failure else "the process did not connect"
        raise RequestFailed(reason if reason.startswith("attach: ") else f"attach: {reason}")
    stream, debuggee_pid = result[0]
    s.debuggee_pid = debuggee_pid
    s.attach_stream(stream)
    init = await s.debuggee_request("initialize", s.client_args, config.connectTimeout)
    if not init.get("success"):
        raise RequestFailed(f"attach: {init.get('message')}")
    response = await s.debuggee_request("attach", args, config.connectTimeout)
    if not response.get("success"):
        raise RequestFailed(str(response.get("message", "attach failed in the debuggee")))


@adapter_command("restart", "supportsRestartRequest")
async def restart(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    config = s.config
    if not isinstance(config, LaunchConfig):
        raise RequestFailed(
            "restart: only a launched program can be restarted (this session is attached)"
        )
    new_args = args.get("arguments") or s.launch_args
    new_config = LaunchConfig.model_validate(new_args)
    # What can be checked before the running program is ended: a restart that fails here
    # leaves it running (`program: ${file}` after the editor's active file changed...).
    check_launch(new_config)
    new_config.environment_changes()
    new_config.argv()
    s._restarting = True
    started = False
    try:
        old_process, old_stream = s.process, s.debuggee
        s.kill_debuggee()
        if old_process is not None:
            with anyio.move_on_after(10):
                await old_process.wait()
                await old_process.output_done.wait()
        if old_stream is not None:
            await old_stream.aclose()
        s.process = None
        s.debuggee = None
        s.no_debug = False
        s.config = new_config
        s.launch_args = dict(new_args)
        s.mapper = PathMapper([(m.localRoot, m.remoteRoot) for m in new_config.pathMappings])
        s._swallow_initialized = not new_config.noDebug
        await s.start_debuggee(new_config, new_args)
        started = True
        if not s.no_debug:
            # The editor configured the first run; this one gets the same configuration.
            for (command, _key), arguments in list(s._replay.items()):
                await s.debuggee_request(command, arguments)
            await s.debuggee_request("configurationDone", {})
    finally:
        s._restarting = False
        if not started:
            # The old program is gone and no new one runs (an interpreter that cannot run
            # it...): the session is over, and the editor must hear so.
            with anyio.CancelScope(shield=True):
                await s.send_terminated()


@adapter_command("disconnect", "supportTerminateDebuggee")
async def disconnect(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    launched = isinstance(s.config, LaunchConfig)
    terminate = args.get("terminateDebuggee")
    if terminate is None:
        terminate = launched  # launched programs end with the session, attached ones run on
    if not terminate:
        s.detached = True
    stream = s.debuggee  # the reader clears s.debuggee when the connection ends meanwhile
    if stream is not None:
        # Detach (or ask an attached program to end): the debuggee clears our breakpoints and
        # resumes every thread; closing the connection then leaves it waiting for a new client.
        # A launched program that is to end hears it too (its audit log records it) and stays
        # stopped until it is killed below.
        try:
            await s.debuggee_request(
                "disconnect",
                {**args, "terminateDebuggee": bool(terminate)},
                timeout=1 if launched and terminate else 5,
            )
        except (TimeoutError, RequestFailed):
            pass
        await stream.aclose()
    if launched and terminate:
        s.kill_debuggee()
        if s.process is not None:
            with anyio.move_on_after(5):
                await s.process.wait()


@adapter_command("terminate", "supportsTerminateRequest")
async def terminate(s: AdapterSession, request: dict[str, Any], args: dict[str, Any]) -> None:
    process = s.process
    if isinstance(s.config, LaunchConfig):
        timeout = s.config.terminateTimeout
        assert s._tg is not None
        if process is not None:
            s._tg.start_soon(process.terminate, timeout)
            return
        if s.debuggee_pid:
            s._tg.start_soon(_terminate_pid, s.debuggee_pid, timeout, sorted(s._child_pids))
            return
    stream = s.debuggee
    if isinstance(s.config, AttachConfig) and stream is not None:
        await s.debuggee_request("disconnect", {"terminateDebuggee": True}, timeout=5)
        await stream.aclose()
        return
    raise RequestFailed("terminate: no program is running")


async def _terminate_pid(pid: int, timeout: float, children: Sequence[int] = ()) -> None:
    """A program the editor started (terminal): interrupt it and its announced children, kill
    whichever lingers."""
    pids = [pid, *children]
    for p in pids:
        _kill(p, signal.SIGINT)
    with anyio.move_on_after(timeout):
        while any(_alive(p) for p in pids):
            await anyio.sleep(0.05)  # not our children: no wait() to block on, so poll
        return
    for p in pids:
        _kill(p, signal.SIGKILL)
