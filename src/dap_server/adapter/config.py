"""Launch and attach configurations: the config boundary, validated with pydantic.

Field names are the ones editors put in launch.json (debugpy's where the meaning is the same).
Unknown options are kept (editors and users add their own) and reported once.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class LaunchConfig(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    program: str | None = None
    args: list[str] | str = Field(default_factory=list)
    cwd: str | None = None
    env: dict[str, str | None] = Field(default_factory=dict)
    python: str | list[str] | None = None
    stopOnEntry: bool = False
    justMyCode: bool = True
    noDebug: bool = False
    logDir: str | None = None
    # Seconds the adapter waits for the spawned debuggee to connect back.
    connectTimeout: float = 15.0
    # Seconds `terminate` waits after the graceful KeyboardInterrupt before killing.
    terminateTimeout: float = 3.0

    @field_validator("connectTimeout", "terminateTimeout")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value

    def argv(self) -> list[str]:
        if isinstance(self.args, str):
            import shlex

            return shlex.split(self.args)
        return list(self.args)

    def interpreter(self, default: str) -> list[str]:
        if self.python is None:
            return [default]
        return [self.python] if isinstance(self.python, str) else list(self.python)

    def unknown_options(self) -> list[str]:
        # Fields every DAP client sends that are not launch options proper.
        ignored = {"type", "request", "name", "__sessionId", "__configurationTarget", "console", "internalConsoleOptions"}
        extra: dict[str, Any] = self.model_extra or {}
        return sorted(k for k in extra if k not in ignored)

    def resolved_program(self) -> str:
        assert self.program is not None
        base = self.cwd or os.getcwd()
        return os.path.normpath(os.path.join(base, self.program))
