"""Issue 6, "Done when": the safety promises of the README's "Security model", end to end.

Through the real adapter (and, for listeners, straight to a listening debuggee), with a program
holding real-looking fake secrets (tests/programs/secrets_app.py): nothing sensitive leaves the
debuggee by any path, each policy refusal has its exact message, side-effect-free evaluation
leaves the program untouched, strangers and other users cannot connect, and the audit log is
complete. A bounded fuzz test hovers generated expressions and checks the program never changed.
"""

from __future__ import annotations

import json
import os
import pwd
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dap_server.wire.framing import FrameDecoder, encode_message
from tests.e2e.adapter_helpers import configure, env_with_src
from tests.support.dap_client import DapClient, DapError
from tests.support.programs import line_of, program

APP = program("secrets_app.py")
STOP = line_of(APP, "stop")
LOG = line_of(APP, "log")
RAISE = line_of(APP, "raise")
REDACTED = "[REDACTED]"

# Every secret the program (or its launch configuration) holds, as distinctive fragments: none
# may appear in anything the debugger sends, logs or writes.
SECRETS = (
    "local-hunter2-pw-4417",
    "Conn-Url-Pw-5521",
    "nested-dict-pw-3391",
    "nested-api-key-7782",
    "user-token-ada-1111",
    "user-token-bob-2222",
    "inner-depth3-pw-8812",
    "global-api-token-5f1e9a77",
    "Pg-Url-Pass-7731",
    "MIIEowIBAAKCAQEAu1SU1",
    "AKIAZ7QW3ERT5YUI8OPL",
    "9f8e7d6c5b4a39281706abcd",
    "eyJzdWIiOiJvcmRlcnMi",
    "c2lnbmF0dXJlLW9mLXRoZS1qd3Q",
    "env-secret-9931",
    "Env-Url-Pw-7788",
    "Typed-Pw-4242",
    "Set-Var-Pw-6677",
)
LAUNCH_ENV = {"DB_PASSWORD": "env-secret-9931", "CACHE_URL": "redis://cache:Env-Url-Pw-7788@r/0"}

HOW = (
    "present the access token printed by the listener (or written to its --token-file) "
    "as 'token' in the attach arguments (launch.json) or in the initialize arguments"
)
STRICT = {
    "allow_file_access": False,
    "allow_network_access": False,
    "allow_system_calls": False,
    "max_execution_time": 1,
    "memory_limit": 128 * 1024 * 1024,
}


def leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def assert_no_leak(client: DapClient) -> None:
    """Nothing the debugger sent holds a secret. The program's own stdout/stderr is the
    program's business (an uncaught exception's traceback is printed by Python itself)."""
    sent = [
        m
        for m in client.messages
        if not (
            m.get("event") == "output"
            and (m.get("body") or {}).get("category") in ("stdout", "stderr")
        )
    ]
    found = leaks(json.dumps(sent))
    assert not found, f"secrets sent to the client: {found}"


@pytest.fixture
def client() -> Iterator[DapClient]:
    c = DapClient.adapter()
    try:
        yield c
    finally:
        c.close()
        assert not c.schema_errors, "messages that break the DAP schema:\n" + "\n".join(
            c.schema_errors
        )


def start(
    client: DapClient,
    out: Path,
    *,
    mode: str = "inspect",
    breakpoints: list[dict[str, Any]] | None = None,
    exceptions: list[str] | None = None,
    **options: Any,
) -> tuple[int, int]:
    """Launches secrets_app.py, waits for the first stop; returns (thread id, top frame id)."""
    client.initialize()
    seq = client.send_request("launch", {"program": APP, "args": [mode, str(out)], **options})
    client.wait_event("initialized")
    client.request(
        "setBreakpoints",
        {"source": {"path": APP}, "breakpoints": breakpoints or [{"line": STOP}]},
    )
    if exceptions is not None:
        client.request("setExceptionBreakpoints", {"filters": exceptions})
    client.request("configurationDone")
    response = client.wait_response(seq)
    assert response["success"], response
    stopped = client.wait_event("stopped", timeout=30)
    thread_id: int = stopped["threadId"]
    return thread_id, client.stack(thread_id)[0]["id"]


def evaluate(client: DapClient, fid: int, expression: str, context: str) -> dict[str, Any]:
    return client.request(
        "evaluate", {"expression": expression, "frameId": fid, "context": context}
    )


def refused(client: DapClient, fid: int, expression: str, context: str) -> str:
    return client.request_error(
        "evaluate", {"expression": expression, "frameId": fid, "context": context}, timeout=20
    )


def children(client: DapClient, ref: int) -> dict[str, dict[str, Any]]:
    assert ref > 0
    found = client.request("variables", {"variablesReference": ref})["variables"]
    return {v["name"].strip("'\""): v for v in found}


def scope(client: DapClient, fid: int, name: str) -> dict[str, dict[str, Any]]:
    scopes = client.request("scopes", {"frameId": fid})["scopes"]
    return children(client, next(s["variablesReference"] for s in scopes if s["name"] == name))


def finish(client: DapClient, thread_id: int) -> str:
    """Continue to the end; the program's stdout."""
    client.request("continue", {"threadId": thread_id})
    client.wait_event("terminated", timeout=30)
    return client.output("stdout")


def assert_hidden(variable: dict[str, Any]) -> None:
    assert variable["value"] == REDACTED, variable
    assert variable["variablesReference"] == 0, "a redacted value must not be expandable"


# --- 1. nothing sensitive leaves the debuggee -------------------------------------------------------


def test_no_secret_leaves_by_variables_evaluate_completions_notices_or_transcripts(
    tmp_path: Path,
) -> None:
    logs = tmp_path / "logs"
    c = DapClient.adapter("--log-dir", str(logs))
    try:
        tid, fid = start(c, tmp_path, env=LAUNCH_ENV)

        # Variables: locals, nested dicts, a list of dicts, attributes at depth 3, globals.
        local = scope(c, fid, "Locals")
        assert_hidden(local["password"])
        assert local["conn_url"]["value"] == "'postgres://admin:[REDACTED]@db.example.com/prod'"
        assert local["label"]["value"] == "'visible'"
        config = children(c, local["config"]["variablesReference"])
        db = children(c, config["db"]["variablesReference"])
        assert_hidden(db["password"])
        assert db["user"]["value"] == "'orders_app'"
        assert_hidden(children(c, config["cache"]["variablesReference"])["api_key"])
        users = children(c, local["users"]["variablesReference"])
        for entry in users.values():
            if entry["variablesReference"]:
                user = children(c, entry["variablesReference"])
                assert_hidden(user["token"])
                assert user["name"]["value"] in ("'ada'", "'bob'")
        middle = children(c, local["outer"]["variablesReference"])["middle"]
        inner = children(
            c, children(c, middle["variablesReference"])["inner"]["variablesReference"]
        )
        assert_hidden(inner["password"])
        assert inner["label"]["value"] == "'inner-label'"
        glob = scope(c, fid, "Globals")
        assert_hidden(glob["API_TOKEN"])
        # Secret formats, whatever the name.
        assert glob["DATABASE_URL"]["value"] == (
            "'postgresql://orders_app:[REDACTED]@db.internal:5432/orders'"
        )
        assert glob["SIGNING_PEM"]["value"] == "'[REDACTED]'"
        assert glob["CLOUD_ID"]["value"] == "'[REDACTED]'"
        assert glob["BEARER_NOTE"]["value"] == "'header was Bearer [REDACTED]'"
        assert glob["SIGNED_CLAIMS"]["value"] == "'[REDACTED]'"

        # evaluate, every context: the sensitive name itself is hidden everywhere...
        for context in ("repl", "clipboard", "variables"):
            for expression in ("password", "outer.middle.inner.password", "API_TOKEN"):
                body = evaluate(c, fid, expression, context)
                assert (body["result"], body["variablesReference"]) == (REDACTED, 0)
            assert evaluate(c, fid, "config", context)["result"] == (
                "{'db': {'user': 'orders_app', 'password': [REDACTED], 'host': 'db'}, "
                "'cache': {'api_key': [REDACTED], 'ttl': 30}}"
            )
            assert evaluate(c, fid, "users", context)["result"] == (
                "[{'name': 'ada', 'token': [REDACTED]}, {'name': 'bob', 'token': [REDACTED]}]"
            )
            assert evaluate(c, fid, "SIGNED_CLAIMS", context)["result"] == "'[REDACTED]'"
        for context in ("hover", "watch"):
            assert refused(c, fid, "password", context) == (
                "refused: the expression uses 'password', whose name is sensitive"
            )
            assert evaluate(c, fid, "conn_url", context)["result"] == (
                "'postgres://admin:[REDACTED]@db.example.com/prod'"
            )
            assert evaluate(c, fid, "SIGNED_CLAIMS", context)["result"] == "'[REDACTED]'"
            # ...and cannot be recovered by a derived expression in a safe context.
            for expression, message in (
                ("password[0]", "the expression uses 'password', whose name is sensitive"),
                ("str(password)", "the expression uses 'password', whose name is sensitive"),
                ("locals()", "'locals' could reveal redacted values"),
                ("vars()", "'vars' could reveal redacted values"),
                (
                    "getattr(outer.middle.inner, 'pass'+'word')",
                    "'getattr' with a computed attribute name could reveal redacted values",
                ),
                (
                    "outer.middle.inner.password",
                    "the expression uses the attribute 'password', whose name is sensitive",
                ),
            ):
                assert refused(c, fid, expression, context) == f"refused: {message}"
            # Reached without naming it: caught by value.
            assert evaluate(c, fid, "[v for k, v in config['db'].items()]", context)["result"] == (
                REDACTED
            )

        # completions: the names are listed, never the values.
        targets = c.request("completions", {"text": "pass", "column": 5, "frameId": fid})["targets"]
        assert "password" in [t["label"] for t in targets]
        targets = c.request("completions", {"text": "API", "column": 4, "frameId": fid})["targets"]
        assert "API_TOKEN" in [t["label"] for t in targets]

        assert "program read back: written by the program" in finish(c, tid)
    finally:
        c.close()
    assert not c.schema_errors
    # Every message the client received, the adapter's own notices included...
    assert_no_leak(c)
    # ...and the transcripts, launch `env` values included.
    transcripts = sorted(logs.iterdir())
    assert {p.name.split("-")[0] for p in transcripts} == {"adapter", "debuggee"}
    text = "".join(p.read_text() for p in transcripts)
    assert "DB_PASSWORD" in text, "the launch request is in the transcript, redacted"
    assert leaks(text) == []


def test_exception_messages_and_exception_info_are_redacted(
    client: DapClient, tmp_path: Path
) -> None:
    tid, _ = start(client, tmp_path, mode="raise", exceptions=["uncaught"])
    info = client.request("exceptionInfo", {"threadId": tid})
    expected = (
        "login failed for postgresql://orders_app:[REDACTED]@db.internal:5432/orders "
        "with [REDACTED]"
    )
    assert info["description"] == expected
    assert info["details"]["message"] == expected
    assert f'secrets_app.py", line {RAISE}, in fail' in info["details"]["stackTrace"]
    frames = client.stack(tid)
    assert frames[0]["line"] == RAISE
    assert evaluate(client, frames[0]["id"], "jwt", "repl")["result"] == "'[REDACTED]'"
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    stopped = next(m for m in client.messages if m.get("event") == "stopped")
    client.messages.remove(stopped)  # checked on its own below
    assert_no_leak(client)


def test_the_stopped_event_text_is_redacted(client: DapClient, tmp_path: Path) -> None:
    start(client, tmp_path, mode="raise", exceptions=["uncaught"])
    assert client.events("stopped")[0]["text"] == (
        "RuntimeError: login failed for postgresql://orders_app:[REDACTED]@db.internal:5432/"
        "orders with [REDACTED]"
    )


def test_logpoint_messages_are_redacted(client: DapClient, tmp_path: Path) -> None:
    tid, _ = start(
        client,
        tmp_path,
        breakpoints=[
            {"line": LOG, "logMessage": "pw={password} url={conn_url} db={config['db']}"},
            {"line": STOP},
        ],
    )
    console = client.output("console")
    assert "pw=[REDACTED] url=postgres://admin:[REDACTED]@db.example.com/prod" in console
    finish(client, tid)
    assert_no_leak(client)


def test_redaction_off_shows_values_and_says_so(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path, redactSecrets=False)
    notice = (
        "dap-server: secret redaction is OFF for this session (redactSecrets: false): "
        "values are shown exactly as they are in the program.\n"
    )
    assert notice in client.output("important")
    assert scope(client, fid, "Locals")["password"]["value"] == "'local-hunter2-pw-4417'"
    assert evaluate(client, fid, "password[:5]", "hover")["result"] == "'local'"
    finish(client, tid)


def test_the_adapter_knows_the_safety_options(client: DapClient, tmp_path: Path) -> None:
    tid, _ = start(
        client,
        tmp_path,
        securityPolicy={"observe": False},
        sensitivePatterns=["password"],
        auditLog=str(tmp_path / "audit.jsonl"),
    )
    assert "unknown launch options" not in client.output()
    finish(client, tid)


# --- 2. the security policy ------------------------------------------------------------------------


def test_each_policy_refusal_with_its_exact_message(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path, securityPolicy=STRICT)
    policy = "SecurityViolation: {} refused by the security policy: {}"
    for expression, category, what in (
        ("open('/etc/hostname')", "file access", "open('/etc/hostname', 'r')"),
        (
            "__import__('socket').create_connection(('127.0.0.1', 9))",
            "network access",
            "socket.getaddrinfo('127.0.0.1', 9, 0, 1, 0)",
        ),
        (
            "__import__('socket').socket().connect(('127.0.0.1', 9))",
            "network access",
            "socket.socket()",
        ),
        (
            "__import__('subprocess').run(['true'])",
            "process/system access",
            "subprocess.Popen(['true'])",
        ),
        ("__import__('os').system('true')", "process/system access", "os.system('true')"),
    ):
        assert refused(client, fid, expression, "repl") == policy.format(category, what)
    # Past max_execution_time: stopped, reported, and the thread stays usable.
    assert refused(client, fid, "while True: pass", "repl") == (
        "TimeoutError: evaluation did not finish within 1s and was interrupted"
    )
    assert evaluate(client, fid, "len(items) + 1", "repl")["result"] == "4"
    # Past memory_limit, in a safe context (the forked child).
    assert refused(client, fid, "bytearray(10**9)", "hover") == (
        "evaluation exceeded its memory limit of 128 MB"
    )
    assert evaluate(client, fid, "len(items)", "hover")["result"] == "3"
    # The program itself is never affected: it opens and writes its own file.
    assert "program read back: written by the program" in finish(client, tid)
    assert (tmp_path / "program-wrote.txt").read_text() == "written by the program"
    assert_no_leak(client)


# --- 3. side-effect-free evaluation ----------------------------------------------------------------

SNAPSHOT = "(items, counter.counter, counter.reads, STATE, config['cache']['ttl'])"
UNTOUCHED = "([1, 2, 3], 0, 0, 'untouched', 30)"


def test_hover_and_watch_leave_the_program_untouched(client: DapClient, tmp_path: Path) -> None:
    # Redaction off, so that every expression really runs (in the forked child) instead of
    # being refused by the taint check (`globals()`).
    tid, fid = start(client, tmp_path, redactSecrets=False)
    target = tmp_path / "hover-wrote.txt"
    for context in ("hover", "watch"):
        for expression, in_the_copy in (
            ("items.append(4) or items", "[1, 2, 3, 4]"),
            ("counter.__setattr__('counter', counter.counter + 1) or counter.counter", "1"),
            ("next(gen)", "1"),
            ("counter.bumped", "1"),
            ("globals().__setitem__('STATE', 'changed') or STATE", "'changed'"),
            ("config['cache'].update(ttl=0) or config['cache']['ttl']", "0"),
        ):
            assert evaluate(client, fid, expression, context)["result"] == in_the_copy
            assert evaluate(client, fid, SNAPSHOT, "repl")["result"] == UNTOUCHED, expression
        assert refused(client, fid, f"open({str(target)!r}, 'w').write('x')", context) == (
            f"SecurityViolation: file access refused by the security policy: "
            f"open({str(target)!r}, 'w')"
        )
        assert not target.exists()
    out = finish(client, tid)
    # items, counter.counter, counter.reads, next(gen) (the generator was never advanced), STATE
    assert "after [1, 2, 3] 0 0 1 untouched" in out


def test_reflective_global_assignment_is_refused_with_redaction_on(
    client: DapClient, tmp_path: Path
) -> None:
    tid, fid = start(client, tmp_path)
    assert refused(client, fid, "globals().__setitem__('STATE', 'changed')", "hover") == (
        "refused: 'globals' could reveal redacted values"
    )
    assert evaluate(client, fid, SNAPSHOT, "repl")["result"] == UNTOUCHED
    finish(client, tid)


# --- 4 and 5. the audit log, through the adapter ------------------------------------------------------


def _audit_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_audit_log_records_every_operation_redacted_and_owner_only(
    client: DapClient, tmp_path: Path
) -> None:
    audit = tmp_path / "audit.jsonl"
    tid, fid = start(client, tmp_path, auditLog=str(audit))
    assert evaluate(client, fid, "'postgres://u:Typed-Pw-4242@h/db'.split('@')[1]", "repl")[
        "result"
    ] == ("'h/db'")
    locals_ref = next(
        s["variablesReference"]
        for s in client.request("scopes", {"frameId": fid})["scopes"]
        if s["name"] == "Locals"
    )
    body = client.request(
        "setVariable",
        {"variablesReference": locals_ref, "name": "password", "value": "'Set-Var-Pw-6677'"},
    )
    assert body["value"] == REDACTED
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    client.request("disconnect", {})

    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
    text = audit.read_text()
    assert leaks(text) == []
    lines = _audit_lines(audit)
    for line in lines:
        assert set(line) == {"time", "client", "operation", "outcome", "details"}
        assert line["client"] == "tests"
    operations = [(line["operation"], line["outcome"]) for line in lines]
    assert operations[:2] == [("launch", "ok"), ("setBreakpoints", "ok")]
    assert ("evaluate", "ok") in operations
    assert ("setVariable", "ok") in operations
    assert ("continue", "ok") in operations
    evaluated = next(line for line in lines if line["operation"] == "evaluate")
    assert evaluated["details"]["expression"] == ("'postgres://u:[REDACTED]@h/db'.split('@')[1]")
    assigned = next(line for line in lines if line["operation"] == "setVariable")
    assert assigned["details"]["name"] == "password"
    assert assigned["details"]["value"] == REDACTED
    # The host application's own audit hook saw the debugger's operations (sys.audit).
    seen = (tmp_path / "host-audit.jsonl").read_text()
    assert leaks(seen) == []
    events = [json.loads(line)[0] for line in seen.splitlines()]
    # (launch and setBreakpoints happen before the program's first line installs its hook)
    for event in ("evaluate", "setVariable", "continue"):
        assert f"dap_server.{event}" in events
    assert_no_leak(client)


def test_audit_log_records_disconnect(client: DapClient, tmp_path: Path) -> None:
    audit = tmp_path / "audit.jsonl"
    start(client, tmp_path, auditLog=str(audit))
    client.request("disconnect", {"terminateDebuggee": True})
    client.wait_closed()
    assert "disconnect" in [line["operation"] for line in _audit_lines(audit)]


# --- 4. listeners -------------------------------------------------------------------------------------


class Listening:
    """`secrets_app.py listen OUT` (in-code `dap_server.listen`), where it listens."""

    def __init__(self, out: Path, *, no_token: bool = False, audit: Path | None = None) -> None:
        env = {"SECRETS_APP_NO_TOKEN": "1" if no_token else ""}
        if audit is not None:
            env["SECRETS_APP_AUDIT_LOG"] = str(audit)
        self.process = subprocess.Popen(
            [sys.executable, APP, "listen", str(out)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_with_src(env),
        )
        assert self.process.stderr is not None
        line = self.process.stderr.readline()
        assert line.startswith("dap-server: listening on 127.0.0.1:"), line
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.token = line.rsplit("access token ", 1)[1].rstrip(")\n") if not no_token else None

    def connect(self, **initialize: Any) -> DapClient:
        """A client that got past initialize. The listener serves one client at a time, and
        notices a previous client's hang-up asynchronously: retry while it says so."""
        deadline = time.monotonic() + 10
        while True:
            client = DapClient.connect("127.0.0.1", self.port)
            try:
                client.initialize(**initialize)
                return client
            except DapError as exc:
                client.close()
                if "already debugging" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.05)  # the previous connection's end has no event to wait on

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        out, _ = self.process.communicate(timeout=10)
        return out


def test_listener_refuses_every_request_until_the_token_and_audits_connections(
    tmp_path: Path,
) -> None:
    audit = tmp_path / "listener-audit.jsonl"
    app = Listening(tmp_path, audit=audit)
    try:
        # A stranger: initialize is answered (it may carry the token), nothing else is.
        stranger = DapClient.connect("127.0.0.1", app.port)
        try:
            stranger.initialize()
            for command, arguments in (
                ("attach", {}),
                ("threads", {}),
                ("setBreakpoints", {"source": {"path": APP}, "breakpoints": [{"line": STOP}]}),
                ("evaluate", {"expression": "password", "context": "repl"}),
                ("configurationDone", {}),
                ("disconnect", {}),
            ):
                assert stranger.request_error(command, arguments) == (
                    f"{command}: not authorized: this debuggee requires an access token; {HOW}"
                )
            assert stranger.request_error("attach", {"token": "not-the-token"}) == (
                f"attach: wrong access token; {HOW}"
            )
            stranger.wait_closed()  # closed at once after a wrong token
        finally:
            stranger.close()
        # The owner, with the token.
        assert app.token is not None
        owner = app.connect(token=app.token)
        try:
            owner.request("attach", {})
            owner.wait_event("initialized")
            configure(owner, {APP: [STOP]})
            stopped = owner.wait_event("stopped", timeout=30)
            fid = owner.stack(stopped["threadId"])[0]["id"]
            assert evaluate(owner, fid, "password", "repl")["result"] == REDACTED
            owner.send_request("disconnect", {})  # the program then ends: no answer needed
        finally:
            owner.close()
        out, _ = app.process.communicate(timeout=20)  # detached: the program runs to its end
        assert "program read back: written by the program" in out
        assert_no_leak(owner)
        assert_no_leak(stranger)
    finally:
        app.stop()
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600
    lines = _audit_lines(audit)
    assert leaks(audit.read_text()) == []
    operations = [(line["operation"], line["outcome"].split(":")[0]) for line in lines]
    assert operations[0] == ("listen", "ok")
    # The stranger never held the listener's place, so the owner was not turned away meanwhile.
    connections = [line for line in lines if line["operation"] == "connection"]
    assert [c["outcome"] for c in connections][:3] == [
        "accepted",
        "closed: wrong access token",
        "accepted",
    ]
    stranger_at, owner_at = connections[0]["client"], connections[2]["client"]
    refusals = [line for line in lines if line["operation"] == "authorization"]
    assert [r["outcome"] for r in refusals] == [
        f"refused: {command}: not authorized: this debuggee requires an access token; {HOW}"
        for command in (
            "attach",
            "threads",
            "setBreakpoints",
            "evaluate",
            "configurationDone",
            "disconnect",
        )
    ] + [f"refused: attach: wrong access token; {HOW}", "ok"]
    assert [r["client"] for r in refusals] == [stranger_at] * 7 + [owner_at]
    # The owner's operations are in the same log, under its clientID and address.
    owned = [(line["operation"], line["outcome"], line["client"]) for line in lines]
    # (not `disconnect`: the program exits right after it, before its record is written; see
    # test_audit_log_records_disconnect)
    for operation in ("attach", "setBreakpoints", "evaluate"):
        assert (operation, "ok", f"tests ({owner_at})") in owned
    seen = [
        json.loads(line)[0] for line in (tmp_path / "host-audit.jsonl").read_text().splitlines()
    ]
    assert "dap_server.connection" in seen and "dap_server.authorization" in seen


def test_wildcard_bind_without_allow_remote_is_refused_with_the_reason() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dap_server", "--listen", "0.0.0.0:0", APP],
        capture_output=True,
        text=True,
        env=env_with_src(),
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "dap-server: refusing to listen on '0.0.0.0': other machines could connect, and a "
        "debugger connection can run any code in the program. Listen on 127.0.0.1 (the "
        'default), or pass --allow-remote (launch option "allowRemote": true) if you really '
        "mean it, keep the access token on, and prefer an SSH tunnel.\n"
    )


def _as_user(uid: int, port: int) -> dict[str, Any]:
    """Connects to 127.0.0.1:port from a forked child running as `uid`, sends `initialize`;
    returns the response (only raw sockets and os calls in the child)."""
    request = encode_message(
        {"seq": 1, "type": "request", "command": "initialize", "arguments": {"adapterID": "x"}}
    )
    # The child connects by name, which needs the idna codec, and as `uid` it may not be able to
    # read the standard library (under /root, say): load it now, while it is inherited.
    "127.0.0.1".encode("idna")
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            os.close(read_fd)
            os.setgid(uid)
            os.setuid(uid)
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(request)
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                os.write(write_fd, data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks = []
    while data := os.read(read_fd, 65536):
        chunks.append(data)
    os.close(read_fd)
    os.waitpid(pid, 0)
    messages = [m for m in FrameDecoder().feed(b"".join(chunks)) if isinstance(m, dict)]
    assert messages, "no answer to the other user's initialize"
    return messages[0]


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root on Linux"
)
def test_another_users_connection_is_refused_even_without_a_token(tmp_path: Path) -> None:
    nobody = pwd.getpwnam("nobody").pw_uid
    audit = tmp_path / "listener-audit.jsonl"
    app = Listening(tmp_path, no_token=True, audit=audit)
    try:
        answer = _as_user(nobody, app.port)
        message = (
            f"connection refused: the connecting process runs as user {nobody}, and only "
            "processes of user 0, who runs the program, may debug it"
        )
        assert (answer["success"], answer["message"]) == (False, message)
        # The owner (same user) gets in without a token (--no-token).
        owner = app.connect()
        try:
            owner.request("attach", {})
            owner.wait_event("initialized")
            configure(owner, {APP: [STOP]})
            owner.wait_event("stopped", timeout=30)
            owner.send_request("disconnect", {})  # the program then ends: no answer needed
        finally:
            owner.close()
    finally:
        app.stop()
    refusals = [
        line
        for line in _audit_lines(audit)
        if line["operation"] == "connection" and line["outcome"].startswith("refused")
    ]
    assert [r["outcome"] for r in refusals] == [f"refused: {message}"]


# A listener whose connections have AUTH_TIMEOUT seconds to present the token (argv: the audit
# log, the deadline, "no-token"); it runs until killed, saying when a client has configured.
WAITING_PROGRAM = """
import sys, time
import dap_server
dap_server.listen(
    0, audit_log=sys.argv[1], auth_timeout=float(sys.argv[2]), no_token=sys.argv[3:] == ["no-token"]
)
dap_server.wait_for_client()
print("configured", flush=True)
while True:
    time.sleep(0.05)
"""


class ShortDeadline:
    """A listening program (WAITING_PROGRAM) with a short token deadline and an audit log."""

    def __init__(self, tmp_path: Path, auth_timeout: float, *, no_token: bool = False) -> None:
        script = tmp_path / "waiting.py"
        script.write_text(WAITING_PROGRAM)
        self.audit = tmp_path / "audit.jsonl"
        self.process = subprocess.Popen(
            [sys.executable, str(script), str(self.audit), str(auth_timeout)]
            + (["no-token"] if no_token else []),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env_with_src(),
        )
        assert self.process.stderr is not None and self.process.stdout is not None
        line = self.process.stderr.readline()
        if not line.startswith("dap-server: listening on 127.0.0.1:"):
            self.process.kill()
            raise AssertionError(line + self.process.communicate(timeout=10)[1])
        self.port = int(line.split("127.0.0.1:")[1].split()[0])
        self.token = None if no_token else line.rsplit("access token ", 1)[1].rstrip(")\n")

    def connect(self) -> tuple[DapClient, str]:
        """A connection and the address the listener sees it from (its audit-log `client`)."""
        client = DapClient.connect("127.0.0.1", self.port)
        return client, client.local_address

    def attach_owner(self, owner: DapClient) -> None:
        owner.initialize()
        owner.request("attach", {"token": self.token})
        owner.wait_event("initialized")
        configure(owner)
        assert self.process.stdout is not None
        assert self.process.stdout.readline() == "configured\n"

    def connections(self) -> list[tuple[str, str]]:
        """(client, outcome) of every connection record so far."""
        return [
            (line["client"], line["outcome"])
            for line in _audit_lines(self.audit)
            if line["operation"] == "connection"
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate(timeout=10)


def test_a_silent_connection_is_closed_at_the_deadline_then_the_owner_attaches(
    tmp_path: Path,
) -> None:
    app = ShortDeadline(tmp_path, auth_timeout=1)
    try:
        silent, silent_at = app.connect()
        started = time.monotonic()
        silent.wait_closed(timeout=5)
        waited = time.monotonic() - started
        assert 0.95 <= waited < 3, f"closed after {waited:.2f} s, the deadline is 1 s"
        assert silent.messages == []  # nothing was said to it, nothing about the program
        assert app.connections() == [
            (silent_at, "accepted"),
            (silent_at, "closed: no access token within 1 s"),
        ]
        owner, owner_at = app.connect()
        try:
            app.attach_owner(owner)
        finally:
            owner.close()
    finally:
        app.stop()
    assert app.connections()[2] == (owner_at, "accepted")
    grants = [
        (line["client"], line["outcome"])
        for line in _audit_lines(app.audit)
        if line["operation"] == "authorization"
    ]
    assert grants == [(owner_at, "ok")]


def test_the_owner_gets_in_at_once_while_strangers_wait_without_the_token(
    tmp_path: Path,
) -> None:
    # A long deadline: the owner must not have to wait for it.
    app = ShortDeadline(tmp_path, auth_timeout=60)
    strangers: list[DapClient] = []
    try:
        silent, silent_at = app.connect()  # says nothing at all
        strangers.append(silent)
        talker, talker_at = app.connect()  # initialized, and keeps asking without the token
        strangers.append(talker)
        talker.initialize()
        assert talker.request_error("threads") == (
            f"threads: not authorized: this debuggee requires an access token; {HOW}"
        )
        started = time.monotonic()
        owner, owner_at = app.connect()
        try:
            app.attach_owner(owner)
            took = time.monotonic() - started
            assert took < 10, f"the owner waited {took:.1f} s"
            # The strangers lost their connections the moment the owner got in.
            silent.wait_closed(timeout=5)
            talker.wait_closed(timeout=5)
            assert silent.messages == []
            assert [m.get("command") for m in talker.messages] == ["initialize", "threads"]
            # While the owner is attached, a newcomer is turned away with the reason.
            late, late_at = app.connect()
            try:
                assert late.request_error("initialize", {"adapterID": "x"}) == (
                    f"another client is already debugging process {app.process.pid}; "
                    "disconnect it first"
                )
            finally:
                late.close()
            owner.request("threads")  # still served
        finally:
            owner.close()
    finally:
        for stranger in strangers:
            stranger.close()
        app.stop()
    first_in = "closed: another client presented the access token first"
    outcomes = app.connections()
    assert outcomes[:3] == [
        (silent_at, "accepted"),
        (talker_at, "accepted"),
        (owner_at, "accepted"),
    ]
    assert sorted(outcomes[3:5]) == sorted([(silent_at, first_in), (talker_at, first_in)])
    assert (
        late_at,
        f"refused: another client is already debugging process {app.process.pid}; "
        "disconnect it first",
    ) in outcomes


def test_a_flood_of_silent_connections_cannot_keep_the_owner_out(tmp_path: Path) -> None:
    from dap_server.debuggee.bootstrap import MAX_PENDING

    app = ShortDeadline(tmp_path, auth_timeout=60)
    flood = [app.connect() for _ in range(MAX_PENDING + 4)]
    try:
        # The oldest are dropped for the newer ones: never more than MAX_PENDING wait.
        for client, _ in flood[:4]:
            client.wait_closed(timeout=5)
        owner, owner_at = app.connect()
        try:
            app.attach_owner(owner)  # within the 60 s deadline of every one of them
            for client, _ in flood[4:]:
                client.wait_closed(timeout=5)
        finally:
            owner.close()
    finally:
        for client, _ in flood:
            client.close()
        app.stop()
    ended = dict((at, outcome) for at, outcome in app.connections() if outcome != "accepted")
    dropped = (
        f"closed: dropped for a newer connection ({MAX_PENDING} were waiting without the "
        "access token)"
    )
    # The owner's own connection dropped one more (it waits too, for a round trip), then took
    # the place from the other MAX_PENDING - 1.
    assert [ended[at] for _, at in flood] == [dropped] * 5 + [
        "closed: another client presented the access token first"
    ] * (MAX_PENDING - 1)
    assert owner_at not in ended or ended[owner_at] == "closed"


def test_a_wrong_token_closes_the_connection_at_once(tmp_path: Path) -> None:
    app = ShortDeadline(tmp_path, auth_timeout=60)
    try:
        guesser, guesser_at = app.connect()
        try:
            started = time.monotonic()
            assert guesser.request_error("initialize", {"adapterID": "x", "token": "guess"}) == (
                f"initialize: wrong access token; {HOW}"
            )
            guesser.wait_closed(timeout=5)
            assert time.monotonic() - started < 5  # not the 60 s deadline
        finally:
            guesser.close()
        owner, owner_at = app.connect()
        try:
            app.attach_owner(owner)
        finally:
            owner.close()
    finally:
        app.stop()
    assert app.connections()[:3] == [
        (guesser_at, "accepted"),
        (guesser_at, "closed: wrong access token"),
        (owner_at, "accepted"),
    ]
    decisions = [
        (line["client"], line["outcome"], line["details"]["command"])
        for line in _audit_lines(app.audit)
        if line["operation"] == "authorization"
    ]
    assert decisions == [
        (guesser_at, f"refused: initialize: wrong access token; {HOW}", "initialize"),
        (owner_at, "ok", "attach"),
    ]


def test_without_a_token_one_client_at_a_time_as_before(tmp_path: Path) -> None:
    app = ShortDeadline(tmp_path, auth_timeout=0.5, no_token=True)
    try:
        first, first_at = app.connect()
        try:
            time.sleep(1)  # past the deadline: with nothing to present, there is none
            second, _ = app.connect()
            try:
                assert second.request_error("initialize", {"adapterID": "x"}) == (
                    f"another client is already debugging process {app.process.pid}; "
                    "disconnect it first"
                )
            finally:
                second.close()
            first.initialize()
            first.request("attach", {})
        finally:
            first.close()
    finally:
        app.stop()
    assert app.connections()[0] == (first_at, "accepted")


# --- 6. fuzz: hovering anything never changes the program ---------------------------------------------

_TARGETS = ("items", "counter", "gen", "config", "config['cache']", "users", "users[0]", "label")
_MUTATIONS = (
    "{t}.append(7)",
    "{t}.pop()",
    "{t}.clear()",
    "{t}.extend([8, 9])",
    "{t}.update(ttl=-1)",
    "{t}.setdefault('new', 1)",
    "{t}.__setattr__('counter', 99)",
    "{t}.__setitem__(0, 'x')",
    "{t}.__delitem__(0)",
    "next({t})",
    "{t}.bumped",
    "{t}.reads",
    "{t}.sort(reverse=True)",
    "{t}.insert(0, {t})",
    "{t}.close()",
    "globals().__setitem__('STATE', {t})",
    "setattr({t}, 'reads', 5)",
    "[{t}.append(i) for i in range(3)]",
    "({t} := 0)",
    "{t}.send(None)",
    "{t} * 3",
    "len({t})",
    "repr({t})",
    "{t}.__dict__.update(counter=5)",
    "__import__('os')._exit(0)",
    "open('/tmp/fuzz-should-not-exist', 'w')",
)
_FINGERPRINT = (
    "repr((items, vars(counter), STATE, config['cache'], users, label, "
    "gen.gi_frame.f_lasti if gen.gi_frame else None))"
)


@st.composite
def _expressions(draw: st.DrawFn) -> str:
    parts = [
        draw(st.sampled_from(_MUTATIONS)).format(t=draw(st.sampled_from(_TARGETS)))
        for _ in range(draw(st.integers(1, 3)))
    ]
    joiner = draw(st.sampled_from([" or ", " and ", ", ", " + "]))
    return joiner.join(parts)


def test_fuzz_hover_never_changes_the_program(client: DapClient, tmp_path: Path) -> None:
    tid, fid = start(client, tmp_path, redactSecrets=False)
    before = evaluate(client, fid, _FINGERPRINT, "repl")["result"]
    lock = threading.Lock()

    @settings(
        max_examples=50,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(expression=_expressions(), context=st.sampled_from(["hover", "watch"]))
    def check(expression: str, context: str) -> None:
        with lock:
            response = client.wait_response(
                client.send_request(
                    "evaluate", {"expression": expression, "frameId": fid, "context": context}
                ),
                timeout=20,
            )
            assert isinstance(response.get("success"), bool)
            after = evaluate(client, fid, _FINGERPRINT, "repl")["result"]
            assert after == before, f"hovering {expression!r} changed the program"

    check()
    assert not Path("/tmp/fuzz-should-not-exist").exists()
    assert "after [1, 2, 3] 0 0 1 untouched" in finish(client, tid)


def test_listen_cli_audit_log_records_connections(tmp_path: Path) -> None:
    from tests.e2e.adapter_helpers import start_listening

    audit = tmp_path / "listen-audit.jsonl"
    target = tmp_path / "loop.py"
    target.write_text("import time\nfor _ in range(600):\n    time.sleep(0.05)\n")
    listening = start_listening(["--listen", "0", "--audit-log", str(audit), str(target)])
    try:
        # a stranger without the token: refused, and the refusal is on record
        stranger = DapClient.connect(listening.host, listening.port)
        stranger.initialize()
        assert "token" in stranger.request_error("threads")
        stranger.close()
        stranger.wait_closed()
        owner = DapClient.connect(listening.host, listening.port)
        owner.initialize(token=listening.token)
        owner.request("attach", {"token": listening.token})
        owner.request("disconnect", {"terminateDebuggee": False})
        owner.close()
    finally:
        listening.stop()
    records = _audit_lines(audit)
    operations = [(r["operation"], r["outcome"]) for r in records]
    assert ("connection", "accepted") in operations
    assert any(
        op == "authorization" and outcome.startswith("refused") for op, outcome in operations
    )
    assert any(op == "attach" and outcome == "ok" for op, outcome in operations)
    assert stat.S_IMODE(audit.stat().st_mode) == 0o600


def test_listen_cli_auth_timeout_closes_silent_connections(tmp_path: Path) -> None:
    from tests.e2e.adapter_helpers import start_listening

    target = tmp_path / "loop.py"
    target.write_text("import time\nfor _ in range(400):\n    time.sleep(0.05)\n")
    listening = start_listening(["--listen", "0", "--auth-timeout", "1", str(target)])
    try:
        silent = socket.create_connection((listening.host, listening.port), timeout=10)
        started = time.monotonic()
        assert silent.recv(100) == b""  # closed by the listener, nothing sent
        assert 0.9 <= time.monotonic() - started < 5
        silent.close()
    finally:
        listening.stop()
