"""In-process harness: the engine runs in this process, targets run in worker threads.

The test thread plays the server thread (hidden). Targets are small modules written to tmp_path;
tests wait for engine events on a queue with timeouts, never sleeps.
"""

from __future__ import annotations

import importlib
import os
import queue
import runpy
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar

import pytest

from engine import Debugger, Event, Stopped

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 10.0
E = TypeVar("E")


class Harness:
    def __init__(
        self, tmp_path: Path, just_my_code: bool = True, hidden_paths: tuple[str, ...] = ()
    ) -> None:
        self.tmp_path = tmp_path
        self.events: queue.Queue[Event] = queue.Queue()
        self.seen: list[Event] = []
        # This directory (the harness) is hidden like the server's own code would be.
        self.dbg = Debugger(
            self.events.put, just_my_code=just_my_code, hidden_paths=[HERE, *hidden_paths]
        )
        self.dbg.start()
        self.dbg.hide_current_thread()
        self.workers: list[threading.Thread] = []
        self.errors: list[BaseException] = []
        self.results: list[Any] = []
        if str(tmp_path) not in sys.path:
            sys.path.insert(0, str(tmp_path))

    def write(self, source: str, name: str | None = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:10]}"
        path = self.tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source).lstrip("\n"))
        return str(path)

    def start(self, fn: Callable[[], Any], name: str = "worker") -> threading.Thread:
        def body() -> None:
            try:
                self.results.append(fn())
            except BaseException as exc:  # recorded for the test to assert on
                self.errors.append(exc)

        t = threading.Thread(target=body, name=name, daemon=True)
        self.workers.append(t)
        t.start()
        return t

    def run_path(self, path: str) -> threading.Thread:
        return self.start(lambda: runpy.run_path(path, run_name="__main__"))

    def import_module(self, path: str) -> threading.Thread:
        name = Path(path).stem
        return self.start(lambda: importlib.import_module(name))

    def wait(self, kind: type[E], timeout: float = TIMEOUT) -> E:
        while True:
            try:
                ev = self.events.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {kind.__name__} event; saw {self.seen}") from None
            self.seen.append(ev)
            if isinstance(ev, kind):
                return ev

    def stopped(self, reason: str | None = None) -> Stopped:
        ev = self.wait(Stopped)
        if reason is not None:
            assert ev.reason == reason, ev
        return ev

    def top(self, tid: int) -> FrameType:
        return self.dbg.frames(tid)[0]

    def where(self, tid: int) -> tuple[str, int]:
        f = self.top(tid)
        return f.f_code.co_name, f.f_lineno

    def locals(self, tid: int, index: int = 0) -> dict[str, Any]:
        frame = self.dbg.frames(tid)[index]
        return self.dbg.run_on_thread(tid, lambda: dict(frame.f_locals), 5.0)

    def drain(self) -> list[Event]:
        out = []
        while True:
            try:
                out.append(self.events.get_nowait())
            except queue.Empty:
                self.seen.extend(out)
                return out

    def join(self, timeout: float = TIMEOUT) -> None:
        for t in self.workers:
            t.join(timeout)
            assert not t.is_alive(), f"{t.name} did not finish"

    def close(self) -> None:
        self.dbg.close()
        for t in self.workers:
            t.join(TIMEOUT)


@pytest.fixture
def h(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path)
    try:
        yield harness
    finally:
        harness.close()
        assert sys.monitoring.get_tool(sys.monitoring.DEBUGGER_ID) is None


@pytest.fixture
def make_harness(tmp_path: Path) -> Iterator[Callable[..., Harness]]:
    made: list[Harness] = []

    def make(**kwargs: Any) -> Harness:
        harness = Harness(tmp_path, **kwargs)
        made.append(harness)
        return harness

    yield make
    for harness in made:
        harness.close()
