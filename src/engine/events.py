"""Plain domain events the engine reports, and the plain specs it accepts.

These are the engine's whole vocabulary towards its user (the debuggee-side DAP server, the
in-process Python API, or anything else). They are frozen dataclasses with no behaviour: cheap to
build inside a monitoring callback and free of any protocol knowledge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import FrameType
from typing import Literal

StopReason = Literal[
    "breakpoint",
    "function breakpoint",
    "exception",
    "step",
    "pause",
    "entry",
    "goto",
]
StepKind = Literal["over", "into", "out"]
OutputCategory = Literal["console", "stdout", "stderr", "important"]


# --- what the engine is asked to do -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceBreakpointSpec:
    """One requested line breakpoint. Conditions are compiled once, when set."""

    line: int
    condition: str | None = None
    hit_condition: str | None = None
    log_message: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionBreakpointSpec:
    """`func`, `module.func` or `module.Class.method`."""

    name: str
    condition: str | None = None
    hit_condition: str | None = None


@dataclass(frozen=True, slots=True)
class ExceptionFilterSpec:
    """`raised`, `uncaught` or `userUnhandled`, optionally with a condition on the exception."""

    filter: Literal["raised", "uncaught", "userUnhandled"]
    condition: str | None = None


# --- what the engine reports ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreakpointStatus:
    """The engine's view of one breakpoint: bound (verified) to a real line, or why not."""

    id: int
    verified: bool
    line: int | None = None
    path: str | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class Stopped:
    thread_id: int
    reason: StopReason
    description: str | None = None
    text: str | None = None
    hit_breakpoint_ids: tuple[int, ...] = ()
    all_threads_stopped: bool = False
    # For reason "exception": the filter that stopped ("raised", "uncaught", "userUnhandled").
    exception_filter: str | None = None


@dataclass(frozen=True, slots=True)
class Continued:
    thread_id: int
    all_threads_continued: bool = True


@dataclass(frozen=True, slots=True)
class ThreadStarted:
    thread_id: int
    name: str


@dataclass(frozen=True, slots=True)
class ThreadExited:
    thread_id: int


@dataclass(frozen=True, slots=True)
class Output:
    """Text for the user: logpoint messages, condition errors, engine diagnostics.

    `frame` is set when the text quotes an error raised by an expression evaluated in that
    frame (a condition, a logpoint part): its message may show the frame's values, secrets
    included, so whoever shows the text can check it against them. Valid only while the event
    is being handled (events are delivered on the thread that runs the frame).
    """

    text: str
    category: OutputCategory = "console"
    path: str | None = None
    line: int | None = None
    frame: FrameType | None = None


@dataclass(frozen=True, slots=True)
class BreakpointChanged:
    """A breakpoint bound late (its code loaded after it was set), or changed its line."""

    status: BreakpointStatus


@dataclass(frozen=True, slots=True)
class EngineError:
    """An engine bug caught inside a monitoring callback; the program ran on."""

    message: str
    traceback: str = field(default="")


Event = (
    Stopped | Continued | ThreadStarted | ThreadExited | Output | BreakpointChanged | EngineError
)
