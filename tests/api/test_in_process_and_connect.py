"""What only one kind of session does: in-process threads and results, connecting to a
listening program, and `import dap_server` staying cheap."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import dap_server
from dap_server.api import DebuggerError, DebuggerTimeout
from tests.api import target_code
from tests.api.conftest import TIMEOUT, line
from tests.support.programs import line_of, program


def test_only_the_worker_thread_stops() -> None:
    with dap_server.session() as s:
        s.set_breakpoint("tests.api.target_code.deep_function")
        run = s.run(target_code.outer, 1)
        s.run_until_breakpoint(timeout=TIMEOUT)
        # The controlling thread crosses the same breakpoint and is never stopped.
        assert target_code.deep_function(5) == 50
        assert run.thread is not None and run.thread is not threading.current_thread()
        assert not run.done()
        s.continue_execution()
        assert run.result(timeout=TIMEOUT) == 21


def test_run_passes_arguments_and_reraises() -> None:
    with dap_server.session(stop_on_uncaught=False) as s:
        run = s.run(target_code.calculate_total, [1, 2], tax=0.0)
        assert run.result(timeout=TIMEOUT) == 3.0
        failing = s.run(target_code.fails, 9)
        with pytest.raises(ValueError, match="x too big: 9"):
            failing.result(timeout=TIMEOUT)


def test_bare_function_name_is_found_in_the_callers_module() -> None:
    with dap_server.session() as s:
        bp = s.set_breakpoint("helper_here")
        assert bp.kind == "function" and bp.function == f"{__name__}.helper_here"
        s.run(helper_here, 4)
        stop = s.run_until_breakpoint(timeout=TIMEOUT)
        assert stop.function_name == "helper_here"
        assert s.get_local_variables() == {"k": 4}


def helper_here(k: int) -> int:
    return k * 2


def test_one_in_process_session_at_a_time() -> None:
    with dap_server.session():
        with pytest.raises(DebuggerError, match="another in-process session is open"):
            dap_server.session()
    with dap_server.session() as again:  # released on close
        assert again.state == "idle"


def test_run_result_timeout_while_stopped() -> None:
    with dap_server.session() as s:
        s.set_breakpoint("tests.api.target_code.deep_function")
        run = s.run(target_code.deep_function, 1)
        s.run_until_breakpoint(timeout=TIMEOUT)
        with pytest.raises(DebuggerTimeout, match="continue it first"):
            run.result(timeout=0.1)
        assert s.finish(timeout=TIMEOUT) == 10


def test_run_is_for_in_process_sessions_only() -> None:
    with dap_server.session(program=target_code.__file__) as s:
        with pytest.raises(DebuggerError, match="in-process sessions"):
            s.run(print)


def test_connect_to_a_listening_program() -> None:
    listening = program("in_code_listen.py")
    env = dict(os.environ, PYTHONPATH=str(Path(dap_server.__file__).parents[1]))
    proc = subprocess.Popen(
        [sys.executable, listening],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert proc.stderr is not None
        banner = ""
        while "token" not in banner.lower():
            chunk = proc.stderr.readline()
            assert chunk, f"the program ended before listening: {banner}"
            banner += chunk
        port_match = re.search(r"127\.0\.0\.1:(\d+)", banner)
        token_match = re.search(r"token[^A-Za-z0-9_-]*([A-Za-z0-9_-]{20,})", banner, re.IGNORECASE)
        assert port_match and token_match, banner
        port, token = int(port_match.group(1)), token_match.group(1)
        with dap_server.session(connect=("127.0.0.1", port), token=token) as s:
            stop = s.run_until_breakpoint(timeout=TIMEOUT)
            assert stop.reason == "breakpoint"
            assert stop.line == line_of(listening, "after-breakpoint")
            assert s.get_variable("answer") == 42
        assert proc.wait(timeout=TIMEOUT) == 0
    finally:
        proc.kill()
        proc.wait()


def test_import_dap_server_stays_light() -> None:
    code = "import sys, dap_server; print(sorted(m for m in sys.modules if m.startswith(('dap_server', 'pydantic', 'anyio', 'typing'))))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['dap_server']"


def test_line_helper_matches_target() -> None:
    assert line("deep") == line_of(target_code.__file__, "deep")
