"""The debuggee's state layer: variable references, presentation, evaluation, completions.

Runs inside the debuggee (standard library only). The pieces the debuggee server wires up:

* `Presenter(UserCall(run_user_code, timeout_exceptions), redactor)`: bounded rendering.
* `VariableStore(presenter, supports_paging=...)`: `scopes`, `variables`, `invalidate`.
* `Evaluator(store, write_locals=..., safe_evaluator=...)`: `evaluate`.
* `WatchList(evaluator)` and `completions(...)`.

`redaction`, `policy` and `safe_eval` (the redactor, the security policy and the
side-effect-free evaluator plugged into the seams above) are separate modules of this package.
"""

from .completions import completions
from .evaluation import (
    EvalRequest,
    EvaluationError,
    Evaluator,
    PreRendered,
    SafeEvaluator,
    WatchList,
    WriteLocals,
    default_evaluate,
)
from .presentation import (
    CLIPBOARD_LIMITS,
    DEFAULT_LIMITS,
    Budget,
    Limits,
    NullRedactor,
    Presenter,
    Redactor,
    Runner,
    UserCall,
    UserCallResult,
)
from .variables import InvalidReferenceError, StaleReferenceError, VariableStore

__all__ = [
    "CLIPBOARD_LIMITS",
    "DEFAULT_LIMITS",
    "Budget",
    "EvalRequest",
    "EvaluationError",
    "Evaluator",
    "InvalidReferenceError",
    "Limits",
    "NullRedactor",
    "PreRendered",
    "Presenter",
    "Redactor",
    "Runner",
    "SafeEvaluator",
    "StaleReferenceError",
    "UserCall",
    "UserCallResult",
    "VariableStore",
    "WatchList",
    "WriteLocals",
    "completions",
    "default_evaluate",
]
