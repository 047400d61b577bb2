"""Builds the debuggee's command line and environment, and owns a process the adapter spawned:
its output, its exit, its termination."""

from __future__ import annotations

import codecs
import os
import shlex
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.abc

from dap_server.adapter.config import LaunchConfig
from dap_server.debuggee.exit_watcher import EXIT_STATUS, TOKEN_ENV, WATCHING

# The directory that holds the `dap_server` and `engine` packages. The debuggee imports only the
# standard library and these two packages, so putting this directory on PYTHONPATH is all any
# Python 3.12+ interpreter needs to run it, whatever is installed in it.
SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

OutputSink = Callable[[str, str], Awaitable[None]]


class LaunchError(Exception):
    """The debuggee could not be started; the message is for the user."""


@dataclass(frozen=True)
class ChildNotify:
    """Where the debuggee's Python children announce themselves (see `subProcess`)."""

    host: str
    port: int
    token: str
    timeout: float


@dataclass
class LaunchPlan:
    command: list[str]
    cwd: str
    # Relative to the adapter's own environment; None unsets. runInTerminal sends exactly this.
    env_changes: dict[str, str | None]

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        for key, value in self.env_changes.items():
            if value is None:
                env.pop(key, None)  # a null value unsets, as in VS Code's launch.json
            else:
                env[key] = value
        return env

    def shell_command(self, args_string: str | None) -> list[str]:
        """For runInTerminal with `argsCanBeInterpretedByShell`: every part already quoted
        except the user's own args string, which the shell interprets (`$HOME`, globs...)."""
        quoted = [shlex.quote(part) for part in self.command]
        return [*quoted, args_string] if args_string else quoted


def check_launch(config: LaunchConfig) -> None:
    """What can be checked before anything starts, with errors that say what to fix."""
    config.check_target()
    if config.program:
        program = config.resolved_program()
        if os.path.isdir(program):
            if not os.path.isfile(os.path.join(program, "__main__.py")):
                raise LaunchError(
                    f"launch: program '{program}' is a directory without a __main__.py"
                )
        elif not os.path.isfile(program):
            raise LaunchError(f"launch: program '{program}' does not exist")
    cwd = config.working_dir()
    if not os.path.isdir(cwd):
        raise LaunchError(f"launch: cwd '{cwd}' is not a directory")


def plan_launch(
    config: LaunchConfig,
    connect: tuple[str, int] | None,
    token: str,
    log_dir: str | None,
    children: ChildNotify | None = None,
    *,
    shell_args: bool = False,
    terminal: bool = False,
) -> LaunchPlan:
    """The command and environment of the debuggee (or, with noDebug, of the plain program).

    With `shell_args` a string `args` is left out of the command, for the caller to append
    unquoted (runInTerminal through a shell); otherwise it is split like a shell would.
    """
    interpreter = [*config.interpreter(sys.executable), *config.pythonArgs]
    target = config.target_argv()
    if shell_args and isinstance(config.args, str):
        target = target[: len(target) - len(config.argv())]
    changes = config.environment_changes()
    changes["PYTHONUNBUFFERED"] = "1"  # output events arrive as the program prints
    if not terminal:
        # Our pipes, our decoder: not the terminal's encoding.
        changes.setdefault("PYTHONIOENCODING", "utf-8")
    if connect is None:
        return LaunchPlan([*interpreter, *target], config.working_dir(), changes)
    if config.noDebug:
        # In a terminal: the plain program under a watcher of ours, which reports its end.
        command = [
            sys.executable,
            "-m",
            "dap_server.debuggee.exit_watcher",
            "--connect",
            f"{connect[0]}:{connect[1]}",
            "--",
            *interpreter,
            *target,
        ]
        _find_this_tree(changes)
        changes[TOKEN_ENV] = token
        return LaunchPlan(command, config.working_dir(), changes)
    command = [*interpreter, "-m", "dap_server.debuggee", "--connect", f"{connect[0]}:{connect[1]}"]
    if config.stopOnEntry:
        command.append("--stop-on-entry")
    if not config.justMyCode:
        command.append("--no-just-my-code")
    if terminal and config.redirectOutput:
        command.append("--redirect-output")
    if terminal:
        # The editor, not the adapter, is the program's parent: a watcher of the runner's
        # reports how it ended (a signal, os._exit), which the program itself cannot.
        command.append("--watch-exit")
    if log_dir:
        command += ["--log-dir", log_dir]
    if children is not None:
        command += [
            "--subprocess-notify",
            f"{children.host}:{children.port}",
            "--subprocess-timeout",
            f"{children.timeout:g}",
        ]
        changes["DAP_SERVER_CHILD_TOKEN"] = children.token
    command += ["--", *target]
    _find_this_tree(changes)
    changes[TOKEN_ENV] = token
    return LaunchPlan(command, config.working_dir(), changes)


def _find_this_tree(changes: dict[str, str | None]) -> None:
    """PYTHONPATH with this source tree first, for the debuggee (or the watcher) to import."""
    base_path = changes["PYTHONPATH"] if "PYTHONPATH" in changes else os.environ.get("PYTHONPATH")
    changes["PYTHONPATH"] = os.pathsep.join(p for p in (SOURCE_ROOT, base_path) if p)


@dataclass
class DebuggeeProcess:
    process: anyio.abc.Process
    token: str
    # The read ends of the program's stdout and stderr pipes, read here directly (os.read, no
    # stream buffering of anyio's or asyncio's), so that what is read is what has been relayed.
    pipes: dict[str, int] = field(default_factory=dict)
    output_done: anyio.Event = field(default_factory=anyio.Event)
    _reading: int = 0  # pumps between a read and the end of relaying what it read
    _caught_up: anyio.Event = field(default_factory=anyio.Event)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def capture_output(self, sink: OutputSink) -> None:
        """Forwards stdout and stderr as they come; returns when both are closed."""
        self._caught_up.set()

        async def pump(fd: int, category: str) -> None:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            try:
                while True:
                    try:
                        await anyio.wait_readable(fd)
                    except anyio.ClosedResourceError:
                        break
                    self._begin_read()
                    try:
                        try:
                            data = os.read(fd, 65536)
                        except BlockingIOError:
                            continue
                        except OSError:
                            break
                        if not data:
                            break
                        text = decoder.decode(data)
                        if text:
                            await sink(category, text)
                    finally:
                        self._end_read()
                tail = decoder.decode(b"", final=True)
                if tail:
                    await sink(category, tail)
            finally:
                os.close(fd)

        async with anyio.create_task_group() as tg:
            for category, fd in self.pipes.items():
                tg.start_soon(pump, fd, category)
        self.output_done.set()

    def _begin_read(self) -> None:
        if self._reading == 0:
            self._caught_up = anyio.Event()
        self._reading += 1

    def _end_read(self) -> None:
        self._reading -= 1
        if self._reading == 0:
            self._caught_up.set()

    async def output_caught_up(self) -> None:
        """Returns once everything read from the program's pipes so far has been relayed.

        The debuggee sends `stopped` only once its pipes are empty (see
        `dap_server.debuggee.runner.output_read_by_adapter`): every byte written before the
        stop has been read by a pump, which counts as reading from before its read until what
        it read is relayed. Waiting for no pump to be reading then puts that output first."""
        while self._reading:
            await self._caught_up.wait()

    async def wait(self) -> int:
        return await self.process.wait()

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    def signal(self, sig: int) -> None:
        """Signals the whole process group (the program and every child it started that did
        not leave the group), even after the program itself has ended: its children outlive it
        otherwise. Once the group is empty the group id is no one's, and nothing is sent."""
        try:
            os.killpg(self.process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True

    async def terminate(self, graceful_timeout: float) -> None:
        """KeyboardInterrupt first, so `finally` blocks run; then kill the whole group: the
        program's children get the same grace, and whatever is left then (a child that ignores
        SIGINT, one stopped at a breakpoint) is killed."""
        if self.process.returncode is not None and not self.group_alive():
            return
        self.signal(signal.SIGINT)
        with anyio.move_on_after(graceful_timeout):
            await self.process.wait()
            while self.group_alive():
                await anyio.sleep(0.05)  # no wait() for grandchildren: poll the group
        self.kill()

    def kill(self) -> None:
        self.signal(signal.SIGKILL)


async def spawn(plan: LaunchPlan, token: str) -> DebuggeeProcess:
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    try:
        process = await anyio.open_process(
            plan.command,
            cwd=plan.cwd,
            env=plan.environment(),
            stdin=subprocess.DEVNULL,  # internalConsole: the program's stdin is not connected
            stdout=out_write,
            stderr=err_write,
            start_new_session=True,  # its own process group, so terminate ends children too
        )
    except OSError as exc:
        os.close(out_read)
        os.close(err_read)
        raise LaunchError(
            f"launch: cannot start the interpreter {plan.command[0]!r}: {exc.strerror or exc}"
        ) from exc
    finally:
        os.close(out_write)  # the program's ends: the pipes close when it (and its children)
        os.close(err_write)  # end, which is how the pumps learn that the output is complete
    os.set_blocking(out_read, False)
    os.set_blocking(err_read, False)
    return DebuggeeProcess(process, token, {"stdout": out_read, "stderr": err_read})


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


# The first message of a debuggee's connection (the runner's, bootstrap's after an attach).
DEBUGGEE_HELLO = "dap_server.hello"


def hello_token(message: dict[str, Any], event: str = DEBUGGEE_HELLO) -> str | None:
    """The token of a first message `event` (the debuggee's hello, or the exit watcher's)."""
    if message.get("type") == "event" and message.get("event") == event:
        body = message.get("body") or {}
        token = body.get("token")
        return token if isinstance(token, str) else None
    return None


def exit_status(message: dict[str, Any]) -> int | None:
    """The exit code of a watcher's report (negative: the signal), or None."""
    return _int_of(message, EXIT_STATUS, "exitCode")


def watched_pid(message: dict[str, Any]) -> int | None:
    """The program's pid, as its watcher announces it once forked, or None."""
    return _int_of(message, WATCHING, "pid")


def _int_of(message: dict[str, Any], event: str, key: str) -> int | None:
    if message.get("type") == "event" and message.get("event") == event:
        value = (message.get("body") or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None
