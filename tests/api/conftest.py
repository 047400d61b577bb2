"""Each API test runs twice: against the code in this process (`session()` + `run`) and against
the same file launched as a program through the real adapter (`session(program=...)`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import dap_server
from dap_server.api import Session, Stop
from tests.api import target_code
from tests.support.programs import line_of

TARGET = str(Path(target_code.__file__).resolve())
TIMEOUT = 20.0


def line(marker: str) -> int:
    return line_of(TARGET, marker)


@dataclass
class Target:
    """How a test names and starts the target code in one mode."""

    mode: str
    module: str  # the module name breakpoints use ("target_code" runs as __main__ out of process)
    open: Callable[..., Session]
    argv: list[str]

    def start(self, s: Session) -> Stop:
        """Starts `main(argv)` (argv as given to `open`) and waits for the first stop."""
        self.begin(s)
        return s.run_until_breakpoint(timeout=TIMEOUT)

    def begin(self, s: Session) -> None:
        """In process, starts `main(argv)` in its worker thread (a program starts by itself)."""
        if self.mode == "in-process":
            s.run(target_code.main, self.argv)


@pytest.fixture(params=["in-process", "out-of-process"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    opened: list[Session] = []

    if request.param == "in-process":

        def open_in(*argv: str, **kwargs: Any) -> Session:
            t.argv = list(argv)
            s = dap_server.session(**kwargs)
            opened.append(s)
            return s

        t = Target("in-process", "tests.api.target_code", open_in, [])
        yield t
    else:

        def open_out(*argv: str, **kwargs: Any) -> Session:
            s = dap_server.session(program=TARGET, args=list(argv), **kwargs)
            opened.append(s)
            return s

        yield Target("out-of-process", "target_code", open_out, [])
    for s in opened:
        s.close()
