"""Adversarial checks of the README's "Security model" through the real adapter.

The program (tests/programs/sec_adversarial_app.py) holds secrets in scope, a dict keyed by
objects whose `__eq__` records every call, and a loop for conditional breakpoints and
logpoints. Each test is what a careless or hostile user of an editor would send: hovers and
watches that must neither change the program nor show a secret, and, under `securityPolicy`,
breakpoint conditions and logpoints (code the debugger runs in the program too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dap_server.state.safe_eval import fork_available
from tests.support.dap_client import DapClient, DapError
from tests.support.programs import line_of, program

APP = program("sec_adversarial_app.py")
STOP = line_of(APP, "stop")
LOOP = line_of(APP, "loop")
INT_OF_PASSWORD = line_of(APP, "int")
SECRETS = ("Local-Pw-4417xyz", "Holder-Pw-8812abc")

pytestmark = pytest.mark.skipif(not fork_available(), reason="the safe contexts fork here")


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text or s[::-1] in text or s.upper() in text]


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.adapter()
    try:
        yield c
    finally:
        c.close()


def start(
    client: DapClient,
    out: Path,
    *,
    breakpoints: list[dict[str, Any]] | None = None,
    **options: Any,
) -> tuple[int, int]:
    """Launch, stop at the first breakpoint; (thread id, top frame id)."""
    client.initialize()
    seq = client.send_request("launch", {"program": APP, "args": [str(out)], **options})
    client.wait_event("initialized")
    client.request(
        "setBreakpoints",
        {"source": {"path": APP}, "breakpoints": breakpoints or [{"line": STOP}]},
    )
    client.request("configurationDone")
    response = client.wait_response(seq)
    assert response["success"], response
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "breakpoint", stopped
    thread_id: int = stopped["threadId"]
    frame = client.stack(thread_id)[0]
    assert frame["line"] == STOP and frame["name"] == "main", frame
    return thread_id, frame["id"]


def evaluate(client: DapClient, fid: int, expression: str, context: str) -> str:
    body = client.request(
        "evaluate", {"expression": expression, "frameId": fid, "context": context}, timeout=30
    )
    return str(body["result"])


def outcome(client: DapClient, fid: int, expression: str, context: str) -> str:
    """The result text, or the error message of a failed evaluation."""
    resp = client.wait_response(
        client.send_request(
            "evaluate", {"expression": expression, "frameId": fid, "context": context}
        ),
        timeout=30,
    )
    if resp.get("success"):
        return str(resp["body"]["result"])
    return f"ERR {resp.get('message')}"


def finish(client: DapClient, thread_id: int) -> str:
    client.request("continue", {"threadId": thread_id})
    client.wait_event("terminated", timeout=30)
    return client.output("stdout")


# --- hover / watch: derived secrets ------------------------------------------------------------------


@pytest.mark.parametrize("context", ["hover", "watch"])
def test_derived_secrets_are_refused_in_hover_and_watch(
    client: DapClient, tmp_path: Path, context: str
) -> None:
    _tid, fid = start(client, tmp_path)
    for expression in (
        "password[::-1]",
        "' '.join(password)",
        "holder.password.upper()",
        "getattr(holder, 'pass' + 'word')[::-1]",
        "vars(holder)",
        "locals()",
        "sys._getframe().f_locals",
        "repr(holder.__dict__)",
    ):
        shown = outcome(client, fid, expression, context)
        assert shown.startswith("ERR refused: "), (expression, shown)
    assert evaluate(client, fid, "holder.user", context) == "'orders'"
    sent = json.dumps(client.messages)
    assert not leaks(sent)


def test_hover_computed_getattr_through_builtins_module_is_refused(
    client: DapClient, tmp_path: Path
) -> None:
    _tid, fid = start(client, tmp_path)
    shown = outcome(
        client, fid, "__import__('builtins').getattr(holder, 'pass' + 'word')[::-1]", "hover"
    )
    assert not leaks(shown), shown


def test_exception_info_hides_a_secret_quoted_by_the_error_message(
    client: DapClient, tmp_path: Path
) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": APP, "args": [str(tmp_path)]})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["raised"]})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "exception", stopped
    tid = stopped["threadId"]
    assert client.stack(tid)[0]["line"] == INT_OF_PASSWORD
    info = client.request("exceptionInfo", {"threadId": tid})
    assert info["exceptionId"] == "ValueError"
    assert info["description"].startswith("invalid literal for int() with base 10: ")
    assert not leaks(json.dumps(client.messages)), leaks(json.dumps(client.messages))


# --- hover / watch: side effects ------------------------------------------------------------------------


def test_hover_dict_item_runs_no_user_code_in_the_program(
    client: DapClient, tmp_path: Path
) -> None:
    tid, fid = start(client, tmp_path)
    assert evaluate(client, fid, "tags['red']", "hover") == "1"
    assert evaluate(client, fid, "len(EQ_CALLS)", "repl") == "0"
    assert "eq=0 " in finish(client, tid)


def test_hover_mutations_happen_to_a_copy(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path)
    for expression in (
        "hits.append(1)",
        "setattr(holder, 'user', 'mallory')",
        "tags.clear()",
        "[hits.append(n) for n in range(5)]",
        "sorted(range(3), key=lambda n: hits.append(n) or n)",
        "__import__('sys').modules['__main__'].EQ_CALLS.append('x')",
    ):
        outcome(client, fid, expression, "hover")
    assert evaluate(client, fid, "(len(hits), holder.user, len(tags))", "repl") == (
        "(0, 'orders', 2)"
    )
    out = finish(client, tid)
    assert "stop 2 orders 16" in out and "eq=0 hits=0 total=3" in out, out


def test_hover_cannot_kill_the_program_with_os_kill(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path)
    shown = outcome(client, fid, "__import__('os').kill(__import__('os').getppid(), 9)", "hover")
    assert shown.startswith(
        "ERR SecurityViolation: process/system access refused by the security policy: os.kill("
    ), shown
    assert "eq=0 hits=0 total=3" in finish(client, tid)


def test_hover_cannot_kill_the_program_with_a_pidfd(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path)
    outcome(
        client,
        fid,
        "__import__('signal').pidfd_send_signal(__import__('os').pidfd_open("
        "__import__('os').getppid()), 9)",
        "hover",
    )
    try:
        assert evaluate(client, fid, "1 + 1", "repl") == "2"
    except DapError as exc:
        pytest.fail(f"the program is gone: {exc}")
    assert "eq=0 hits=0 total=3" in finish(client, tid)


# --- code the debugger runs in the program: conditions and logpoints --------------------------------------


def _open_call(target: str) -> str:
    return f"open({target!r}, 'w').close()"


@pytest.mark.parametrize(
    ("policy", "kind", "make", "refusal"),
    [
        (
            {"observe": True},
            "condition",
            lambda target: "hits.append(i)",
            "'hits.append(i)' calls 'hits.append', and the session is in observe mode",
        ),
        (
            {"observe": True},
            "logMessage",
            lambda target: "i={i} {hits.append(i)}",
            "'hits.append(i)' calls 'hits.append', and the session is in observe mode",
        ),
        (
            {"allow_file_access": False},
            "condition",
            _open_call,
            '.close", and the security policy restricts it',
        ),
        (
            {"allow_file_access": False},
            "logMessage",
            lambda target: "{" + _open_call(target) + "}",
            '.close", and the security policy restricts it',
        ),
    ],
)
def test_guarded_sessions_refuse_breakpoint_expressions_that_do_more_than_read(
    client: DapClient,
    tmp_path: Path,
    policy: dict[str, Any],
    kind: str,
    make: Any,
    refusal: str,
) -> None:
    # Conditions and logpoints run in the program on the engine's callbacks, outside any
    # guard: a guarded session accepts only those that read.
    target = str(tmp_path / "from-breakpoint")
    client.initialize()
    seq = client.send_request(
        "launch", {"program": APP, "args": [str(tmp_path)], "securityPolicy": policy}
    )
    client.wait_event("initialized")
    refused = client.wait_response(
        client.send_request(
            "setBreakpoints",
            {
                "source": {"path": APP},
                "breakpoints": [{"line": LOOP, kind: make(target)}, {"line": STOP}],
            },
        )
    )
    assert refused["success"] is False
    assert refused["message"].startswith("setBreakpoints: breakpoints[0]: "), refused
    assert refusal in refused["message"], refused["message"]
    # A condition that only reads is fine; the session goes on.
    client.request(
        "setBreakpoints",
        {"source": {"path": APP}, "breakpoints": [{"line": STOP, "condition": "len(hits) == 0"}]},
    )
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    tid = client.wait_event("stopped", timeout=30)["threadId"]
    fid = client.stack(tid)[0]["id"]
    assert evaluate(client, fid, "len(hits)", "hover") == "0"
    assert "hits=0" in finish(client, tid)
    assert not Path(target).exists()


def test_observe_mode_refuses_statements_whatever_the_context_string(
    client: DapClient, tmp_path: Path
) -> None:
    tid, fid = start(client, tmp_path, securityPolicy={"observe": True})
    for context in ("repl", "console", "watch", "hover", "clipboard", "variables"):
        if context not in ("clipboard", "variables"):
            outcome(client, fid, "hits.append(7)", context)
        resp = client.wait_response(
            client.send_request(
                "evaluate", {"expression": "hits = [9]", "frameId": fid, "context": context}
            ),
            timeout=30,
        )
        assert not resp["success"], (context, resp)
    # No context at all: the console, side-effect-free in observe mode.
    outcome(client, fid, "hits.append(8)", "repl")
    client.request("evaluate", {"expression": "hits.append(8)", "frameId": fid}, timeout=30)
    assert evaluate(client, fid, "len(hits)", "hover") == "0"
    assert "hits=0" in finish(client, tid)


@pytest.mark.parametrize("context", ["clipboard", "variables"])
def test_observe_mode_clipboard_and_variables_contexts_change_nothing(
    client: DapClient, tmp_path: Path, context: str
) -> None:
    tid, fid = start(client, tmp_path, securityPolicy={"observe": True})
    outcome(client, fid, "hits.append(7)", context)
    assert evaluate(client, fid, "len(hits)", "hover") == "0"
    assert "hits=0" in finish(client, tid)
