"""Launch and attach configurations: the config boundary, validated with pydantic.

Field names are the ones editors put in launch.json (debugpy's where the meaning is the same,
so a debugpy configuration works after changing only its `type`). Unknown options are kept
(editors and users add their own) and reported once, never rejected.

Every timeout is a named option, and its name and value appear in the error it causes, so the
user knows which knob to turn.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Fields every DAP client sends (or VS Code adds) that are not options of ours.
_CLIENT_FIELDS = frozenset(
    {
        "type",
        "request",
        "name",
        "__sessionId",
        "__configurationTarget",
        "__restart",
        "__parentId",
        "internalConsoleOptions",
        "preLaunchTask",
        "postDebugTask",
        "presentation",
        "debugServer",
    }
)

Console = Literal["internalConsole", "integratedTerminal", "externalTerminal"]


class ConfigError(ValueError):
    """A configuration that cannot work; the message is for the user."""


class PathMapping(BaseModel):
    model_config = ConfigDict(extra="allow")

    localRoot: str
    remoteRoot: str


class Connect(BaseModel):
    model_config = ConfigDict(extra="allow")

    host: str = "127.0.0.1"
    port: int


class _Common(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    justMyCode: bool = True
    pathMappings: list[PathMapping] = Field(default_factory=list)
    subProcess: bool = True
    showReturnValue: bool = True
    logDir: str | None = None
    # Access token of a listening debuggee (see `dap-server --listen`).
    token: str | None = None
    # Seconds to wait for the debuggee to connect (launch) or to accept our connection (attach).
    connectTimeout: float = 15.0
    # Seconds a child process waits for the editor to attach before it runs on undebugged.
    subProcessTimeout: float = 10.0
    # Safety options: checked and applied by the debuggee (see the README's security model).
    securityPolicy: dict[str, Any] | None = None
    auditLog: str | None = None
    sensitivePatterns: list[str] | None = None
    redactSecrets: bool = True

    @field_validator("connectTimeout", "subProcessTimeout", check_fields=False)
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    def unknown_options(self) -> list[str]:
        extra: dict[str, Any] = self.model_extra or {}
        return sorted(k for k in extra if k not in _CLIENT_FIELDS)


class LaunchConfig(_Common):
    program: str | None = None
    module: str | None = None
    code: str | None = None
    args: list[str] | str = Field(default_factory=list)
    cwd: str | None = None
    env: dict[str, str | None] = Field(default_factory=dict)
    envFile: str | None = None
    # debugpy's older name for `python` is accepted too.
    python: str | list[str] | None = None
    pythonPath: str | None = None
    pythonArgs: list[str] = Field(default_factory=list)
    console: Console = "internalConsole"
    # Also send the program's output as `output` events when it runs in a terminal.
    redirectOutput: bool | None = None
    stopOnEntry: bool = False
    noDebug: bool = False
    # Seconds `terminate` waits after the graceful KeyboardInterrupt before killing.
    terminateTimeout: float = 3.0
    # Seconds to wait for the editor to answer `runInTerminal`.
    runInTerminalTimeout: float = 15.0

    @field_validator("terminateTimeout", "runInTerminalTimeout")
    @classmethod
    def _positive_launch(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    @field_validator("env")
    @classmethod
    def _env_names(cls, value: dict[str, str | None]) -> dict[str, str | None]:
        for name, text in value.items():
            if not name or "=" in name or "\0" in name:
                raise ValueError(
                    f"{name!r} is not an environment variable name (no '=', not empty)"
                )
            if text is not None and "\0" in text:
                raise ValueError(f"the value of {name!r} contains a NUL character")
        return value

    @field_validator("console", mode="before")
    @classmethod
    def _console(cls, value: Any) -> Any:
        # debugpy accepted these older spellings.
        return {"none": "internalConsole", "internalconsole": "internalConsole"}.get(value, value)

    def check_target(self) -> None:
        """Exactly one of program/module/code (checked here, not in a validator, so the
        message reaches the user as written rather than wrapped by pydantic)."""
        given = [
            name for name in ("program", "module", "code") if getattr(self, name) not in (None, "")
        ]
        if len(given) > 1:
            raise ConfigError(
                "launch: 'program', 'module' and 'code' are mutually exclusive, but "
                + " and ".join(repr(g) for g in given)
                + " were given"
            )
        if not given:
            raise ConfigError(
                "launch: say what to run: 'program' (a Python file), 'module' (as python -m) "
                "or 'code' (as python -c)"
            )

    @property
    def target_kind(self) -> Literal["program", "module", "code"]:
        if self.module:
            return "module"
        if self.code:
            return "code"
        return "program"

    def argv(self) -> list[str]:
        if isinstance(self.args, str):
            try:
                return shlex.split(self.args)
            except ValueError as exc:  # an unbalanced quote: `--name O'Brien`
                raise ConfigError(
                    f"launch: args {self.args!r} cannot be split as a shell would ({exc}): "
                    "quote it, or give args as a list"
                ) from None
        return list(self.args)

    def interpreter(self, default: str) -> list[str]:
        python = self.python if self.python is not None else self.pythonPath
        if python is None:
            return [default]
        return [python] if isinstance(python, str) else list(python)

    def base_dir(self) -> str:
        return os.path.abspath(self.cwd) if self.cwd else os.getcwd()

    def resolved_program(self) -> str:
        assert self.program is not None
        return os.path.normpath(os.path.join(self.base_dir(), self.program))

    def working_dir(self) -> str:
        if self.cwd:
            return os.path.abspath(self.cwd)
        if self.program:
            return os.path.dirname(self.resolved_program())
        return os.getcwd()

    def target_argv(self) -> list[str]:
        """What follows the interpreter (or the debuggee runner's options): the target and args."""
        if self.module:
            head = ["-m", self.module]
        elif self.code:
            head = ["-c", self.code]
        else:
            head = [self.resolved_program()]
        return [*head, *self.argv()]

    def environment_changes(self) -> dict[str, str | None]:
        """envFile first, then env on top (a null value unsets)."""
        changes: dict[str, str | None] = {}
        if self.envFile:
            path = os.path.join(self.working_dir(), os.path.expanduser(self.envFile))
            if not os.path.isfile(path):
                what = "is a directory" if os.path.isdir(path) else "does not exist"
                raise ConfigError(f"launch: envFile '{path}' {what}")
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (UnicodeDecodeError, OSError) as exc:
                raise ConfigError(
                    f"launch: envFile '{path}' cannot be read as UTF-8 text: {exc}"
                ) from None
            changes.update(parse_env_file(text, os.environ))
        changes.update(self.env)
        return changes


class AttachConfig(_Common):
    connect: Connect | None = None
    # debugpy's older top-level spelling of `connect`.
    host: str | None = None
    port: int | None = None
    processId: int | str | None = None
    # Attach by processId: seconds to wait for the target to load the debugger (its main thread
    # must reach a safe point), and whether to inject even when the target disabled remote
    # debugging (PYTHON_DISABLE_REMOTE_DEBUG, -X disable-remote-debug). See docs/attach.md.
    attachTimeout: float = 30.0
    forceAttach: bool = False
    # In the configuration of a child's session, which the adapter asks the editor to start
    # (startDebugging): the child's pid, as debugpy names it. Informational.
    subProcessId: int | None = None

    @field_validator("attachTimeout")
    @classmethod
    def _positive_attach(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    def address(self) -> tuple[str, int] | None:
        if self.connect is not None:
            return self.connect.host, self.connect.port
        if self.port is not None:
            return self.host or "127.0.0.1", self.port
        return None


def parse_env_file(text: str, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """`KEY=VALUE` lines as dotenv files have them: comments, `export`, quotes (a comment may
    follow a quoted value), and `${VAR}` / VS Code's `${env:VAR}` expanded in unquoted and
    double-quoted values, from the lines above and then `environ`."""
    out: dict[str, str] = {}
    known = dict(environ or {})
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        quote = value[:1] if value[:1] in ("'", '"') else ""
        end = _closing_quote(value, quote) if quote else -1
        if end > 0:
            value = value[1:end]
            if quote == '"':
                value = value.replace("\\n", "\n").replace('\\"', '"')
        else:
            quote = ""
            value = value.split(" #", 1)[0].rstrip()
        if quote != "'":
            value = _VARIABLE.sub(lambda m: known.get(m.group(1) or m.group(2), ""), value)
        out[key] = known[key] = value
    return out


# `${env:NAME}` (VS Code) or `${NAME}` (dotenv)
_VARIABLE = re.compile(r"\$\{(?:env:([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))\}")


def _closing_quote(value: str, quote: str) -> int:
    """Index of the quote closing `value`'s opening one (a backslash escapes a double quote),
    or -1."""
    i = 1
    while i < len(value):
        if value[i] == "\\" and quote == '"':
            i += 2
            continue
        if value[i] == quote:
            return i
        i += 1
    return -1
