"""Spawns a debuggee that connects back, and owns its process: output, exit, termination."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc

from dap_server.adapter.config import LaunchConfig

# The directory that holds the `dap_server` and `engine` packages. The debuggee imports only the
# standard library and these two packages, so putting this directory on PYTHONPATH is all any
# Python 3.12+ interpreter needs to run it, whatever is installed in it.
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

OutputSink = Callable[[str, str], Awaitable[None]]


class LaunchError(Exception):
    """The debuggee could not be started; the message is for the user."""


@dataclass
class DebuggeeProcess:
    process: anyio.abc.Process
    token: str
    output_done: anyio.Event = field(default_factory=anyio.Event)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def capture_output(self, sink: OutputSink) -> None:
        """Forwards stdout and stderr as they come; returns when both are closed."""

        async def pump(stream: anyio.abc.ByteReceiveStream | None, category: str) -> None:
            if stream is None:
                return
            import codecs

            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            try:
                async for chunk in stream:
                    text = decoder.decode(chunk)
                    if text:
                        await sink(category, text)
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                pass
            tail = decoder.decode(b"", final=True)
            if tail:
                await sink(category, tail)

        async with anyio.create_task_group() as tg:
            tg.start_soon(pump, self.process.stdout, "stdout")
            tg.start_soon(pump, self.process.stderr, "stderr")
        self.output_done.set()

    async def wait(self) -> int:
        return await self.process.wait()

    def signal(self, sig: int) -> None:
        if self.process.returncode is None:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    async def terminate(self, graceful_timeout: float) -> None:
        """KeyboardInterrupt first, so `finally` blocks run; then kill the whole group."""
        if self.process.returncode is not None:
            return
        self.signal(signal.SIGINT)
        with anyio.move_on_after(graceful_timeout):
            await self.process.wait()
            return
        self.kill()

    def kill(self) -> None:
        self.signal(signal.SIGKILL)


def debuggee_command(
    config: LaunchConfig, connect: tuple[str, int], log_dir: str | None
) -> list[str]:
    cmd = [
        *config.interpreter(sys.executable),
        "-m",
        "dap_server.debuggee",
        "--connect",
        f"{connect[0]}:{connect[1]}",
    ]
    if config.stopOnEntry:
        cmd.append("--stop-on-entry")
    if not config.justMyCode:
        cmd.append("--no-just-my-code")
    if log_dir:
        cmd += ["--log-dir", log_dir]
    cmd += ["--", config.resolved_program(), *config.argv()]
    return cmd


def debuggee_environment(config: LaunchConfig, token: str) -> dict[str, str]:
    env = dict(os.environ)
    for key, value in config.env.items():
        if value is None:
            env.pop(key, None)  # a null value unsets, as in VS Code's launch.json
        else:
            env[key] = value
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SOURCE_ROOT, env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"  # output events arrive as the program prints
    env.setdefault("PYTHONIOENCODING", "utf-8")
    env["DAP_SERVER_TOKEN"] = token
    return env


async def spawn(
    config: LaunchConfig, connect: tuple[str, int], log_dir: str | None
) -> DebuggeeProcess:
    if not config.program:
        raise LaunchError("launch: 'program' is required (the path of the Python file to run)")
    program = config.resolved_program()
    if not os.path.isfile(program):
        raise LaunchError(f"launch: program '{program}' does not exist")
    cwd = config.cwd or os.path.dirname(program)
    if not os.path.isdir(cwd):
        raise LaunchError(f"launch: cwd '{cwd}' is not a directory")
    token = secrets.token_urlsafe(24)
    cmd = debuggee_command(config, connect, log_dir)
    try:
        process = await anyio.open_process(
            cmd,
            cwd=cwd,
            env=debuggee_environment(config, token),
            stdin=subprocess.DEVNULL,  # internalConsole: the program's stdin is not connected
            start_new_session=True,  # its own process group, so terminate ends children too
        )
    except OSError as exc:
        raise LaunchError(
            f"launch: cannot start the interpreter {cmd[0]!r}: {exc.strerror or exc}"
        ) from exc
    return DebuggeeProcess(process, token)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


def hello_token(message: dict[str, Any]) -> str | None:
    if message.get("type") == "event" and message.get("event") == "dap_server.hello":
        body = message.get("body") or {}
        token = body.get("token")
        return token if isinstance(token, str) else None
    return None
