"""Runners, a fake redactor and frame capture for the state-layer tests."""

from __future__ import annotations

import re
import sys
import threading
import types
from collections.abc import Callable
from typing import Any

from dap_server.state import NullRedactor, Presenter, UserCall, VariableStore


def direct_runner[T](fn: Callable[[], T], timeout: float) -> T:
    """The suspended thread is this thread: just call it."""
    return fn()


class ThreadRunner:
    """Runs fn on another thread and gives up after `timeout`, like the engine's runner.

    Abandoned threads are daemons blocked on events the tests release at teardown.
    """

    def __init__(self) -> None:
        self.calls = 0

    def __call__[T](self, fn: Callable[[], T], timeout: float) -> T:
        self.calls += 1
        box: dict[str, Any] = {}

        def target() -> None:
            try:
                box["value"] = fn()
            except BaseException as exc:
                box["error"] = exc

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"timed out after {timeout}s")
        if "error" in box:
            raise box["error"]
        return box["value"]  # type: ignore[no-any-return]


class FakeRedactor:
    """Names containing password/secret/token are sensitive; `sk-...` strings are secrets."""

    enabled = True
    _names = re.compile(r"password|secret|token", re.I)
    _values = re.compile(r"sk-[A-Za-z0-9]{8,}")

    def is_sensitive_name(self, name: str) -> bool:
        return bool(self._names.search(name))

    def redact_text(self, text: str) -> str:
        return self._values.sub("[REDACTED]", text)


def make_store(
    runner: Callable[[Callable[[], Any], float], Any] = direct_runner,
    redactor: Any = None,
    **kwargs: Any,
) -> VariableStore:
    presenter_kwargs = {k: kwargs.pop(k) for k in ("repr_timeout", "limits") if k in kwargs}
    presenter = Presenter(
        UserCall(runner), redactor if redactor is not None else NullRedactor(), **presenter_kwargs
    )
    return VariableStore(presenter, **kwargs)


def frame_of(**values: Any) -> tuple[types.FrameType, dict[str, object]]:
    """A real frame whose locals are `values`, and a snapshot of them."""

    def holder(**kw: Any) -> types.FrameType:
        return sys._getframe()

    frame = holder(**values)
    return frame, dict(values)


def by_name(variables: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {v["name"]: v for v in variables}
