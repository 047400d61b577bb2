"""The sys.monitoring debugging engine. Knows nothing of DAP; imports only the standard library."""

from ._breakpoints import split_log_message
from .debugger import Debugger, EngineBusyError, EvaluationTimeout, ThreadBusy
from .events import (
    BreakpointChanged,
    BreakpointStatus,
    Continued,
    EngineError,
    Event,
    ExceptionFilterSpec,
    FunctionBreakpointSpec,
    Output,
    SourceBreakpointSpec,
    StepKind,
    Stopped,
    StopReason,
    ThreadExited,
    ThreadStarted,
)

__all__ = [
    "BreakpointChanged",
    "BreakpointStatus",
    "Continued",
    "Debugger",
    "EngineBusyError",
    "EngineError",
    "EvaluationTimeout",
    "Event",
    "ExceptionFilterSpec",
    "FunctionBreakpointSpec",
    "Output",
    "SourceBreakpointSpec",
    "StepKind",
    "StopReason",
    "Stopped",
    "ThreadBusy",
    "ThreadExited",
    "ThreadStarted",
    "split_log_message",
]
