"""The debuggee's DAP commands: one table from command to handler (see `dispatch.py`), filled by
the modules of this package, grouped by what they are about. The table also yields the
capabilities `initialize` advertises, so what is advertised is what is implemented.
"""

from __future__ import annotations

from typing import Any

from dap_server.debuggee.dispatch import CommandTable

TABLE = CommandTable()

# Every filter takes the same kind of condition: exception types, tested with one lookup per
# raise, or any expression over the exception.
_CONDITION = (
    "Exception types (ValueError, KeyError) or an expression over the exception `exc`, "
    "e.g. isinstance(exc, OSError) and exc.errno == 2"
)

EXCEPTION_FILTERS: list[dict[str, Any]] = [
    {
        "filter": "raised",
        "label": "Raised Exceptions",
        "description": "Stop whenever an exception is raised",
        "default": False,
        "supportsCondition": True,
        "conditionDescription": _CONDITION,
    },
    {
        "filter": "uncaught",
        "label": "Uncaught Exceptions",
        "description": "Stop when an exception is not handled by the program",
        "default": True,
        "supportsCondition": True,
        "conditionDescription": _CONDITION,
    },
    {
        "filter": "userUnhandled",
        "label": "User Uncaught Exceptions",
        "description": "Stop when an exception leaves your code into library code that swallows it",
        "default": False,
        "supportsCondition": True,
        "conditionDescription": _CONDITION,
    },
]
TABLE.advertise(exceptionBreakpointFilters=EXCEPTION_FILTERS)


# Registration happens on import; the order does not matter.
from dap_server.debuggee.commands import (  # noqa: E402
    breakpoints,
    evaluation,
    execution,
    inspection,
    lifecycle,
)

__all__ = [
    "EXCEPTION_FILTERS",
    "TABLE",
    "breakpoints",
    "evaluation",
    "execution",
    "inspection",
    "lifecycle",
]
