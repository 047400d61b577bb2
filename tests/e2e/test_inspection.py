"""Stepping, evaluation, exceptions and redaction through the real adapter."""

from __future__ import annotations

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

PROG = program("inspect_me.py")


def stop_at(
    client: DapClient, marker: str, **options: object
) -> tuple[int, list[dict[str, object]]]:
    client.launch(PROG, breakpoints={PROG: [line_of(PROG, marker)]}, **options)
    stopped = client.wait_event("stopped")
    return stopped["threadId"], client.stack(stopped["threadId"])


def test_step_over_into_out_land_on_exact_lines(client: DapClient) -> None:
    tid, frames = stop_at(client, "call-helper")
    assert frames[0]["line"] == line_of(PROG, "call-helper")

    client.request("stepIn", {"threadId": tid})
    assert client.wait_event("stopped")["reason"] == "step"
    frames = client.stack(tid)
    assert (frames[0]["name"], frames[0]["line"]) == ("helper", line_of(PROG, "helper-body"))

    client.request("stepOut", {"threadId": tid})
    client.wait_event("stopped")
    frames = client.stack(tid)
    assert frames[0]["name"] == "work"
    assert frames[0]["line"] in (line_of(PROG, "call-helper"), line_of(PROG, "after-call"))
    scopes = client.request("scopes", {"frameId": frames[0]["id"]})["scopes"]
    ref = scopes[0]["variablesReference"]
    names = {
        v["name"]: v["value"]
        for v in client.request("variables", {"variablesReference": ref})["variables"]
    }
    assert names["(return) helper"] == "6"

    while client.stack(tid)[0]["line"] != line_of(PROG, "after-call"):
        client.request("next", {"threadId": tid})
        client.wait_event("stopped")
    client.request("next", {"threadId": tid})
    client.wait_event("stopped")
    assert client.stack(tid)[0]["line"] == line_of(PROG, "print")
    assert client.locals(client.stack(tid)[0]["id"])["total"]["value"] == "7"


def test_evaluate_repl_expression_statement_and_error(client: DapClient) -> None:
    tid, frames = stop_at(client, "print")
    fid = frames[0]["id"]
    result = client.request(
        "evaluate", {"expression": "total * 10", "frameId": fid, "context": "repl"}
    )
    assert (result["result"], result["type"]) == ("70", "int")
    client.request("evaluate", {"expression": "total = 41", "frameId": fid, "context": "repl"})
    assert (
        client.request("evaluate", {"expression": "total", "frameId": fid, "context": "repl"})[
            "result"
        ]
        == "41"
    )
    message = client.request_error(
        "evaluate", {"expression": "undefined_name + 1", "frameId": fid, "context": "repl"}
    )
    assert message == "NameError: name 'undefined_name' is not defined"
    # the assignment stuck in the frame: the program prints the new value
    client.request("continue", {"threadId": tid})
    client.wait_event("stopped")  # the worker thread hits the same breakpoint
    assert "total 41 3\n" in client.output("stdout")


def test_hover_never_changes_the_program(client: DapClient) -> None:
    _, frames = stop_at(client, "print")
    fid = frames[0]["id"]
    hover = client.request(
        "evaluate",
        {"expression": "items.append(99) or len(items)", "frameId": fid, "context": "hover"},
    )
    assert hover["result"] == "4"  # evaluated on a copy...
    repl = client.request("evaluate", {"expression": "items", "frameId": fid, "context": "repl"})
    assert repl["result"] == "[1, 2, 3]"  # ...the program's list is unchanged


def test_hover_in_a_forked_copy_is_no_child_session(client: DapClient) -> None:
    # The copy a hover runs in is a fork of the program: it must not announce itself as a child
    # process (an editor that supports startDebugging would open a session for every hover).
    client.launch(
        PROG,
        breakpoints={PROG: [line_of(PROG, "print")]},
        capabilities={"supportsStartDebuggingRequest": True},
    )
    tid = client.wait_event("stopped")["threadId"]
    fid = client.stack(tid)[0]["id"]
    hover = client.request(
        "evaluate", {"expression": "len(items)", "frameId": fid, "context": "hover"}
    )
    assert hover["result"] == "3"
    client.request("setBreakpoints", {"source": {"path": PROG}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert [m["command"] for m in client.messages if m.get("type") == "request"] == []
    assert "dap-server:" not in client.output()


def test_secrets_are_redacted_everywhere(client: DapClient) -> None:
    _, frames = stop_at(client, "print")
    fid = frames[0]["id"]
    local_vars = client.locals(fid)
    assert local_vars["db_password"]["value"] == "[REDACTED]"
    assert local_vars["db_password"]["variablesReference"] == 0
    assert local_vars["conn"]["value"] == "'postgres://admin:[REDACTED]@db.example.com/prod'"
    account = client.request(
        "variables", {"variablesReference": local_vars["account"]["variablesReference"]}
    )
    attrs = {v["name"]: v["value"] for v in account["variables"]}
    assert attrs["api_key"] == "[REDACTED]"
    assert attrs["owner"] == "'ada'"
    repl = client.request(
        "evaluate", {"expression": "db_password", "frameId": fid, "context": "repl"}
    )
    assert repl["result"] == "[REDACTED]"
    hover = client.request_error(
        "evaluate", {"expression": "db_password[0:4]", "frameId": fid, "context": "hover"}
    )
    assert "db_password" in hover and "sensitive" in hover


def test_exception_breakpoints_and_exception_info(client: DapClient) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": PROG})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["uncaught"]})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "exception"
    tid = stopped["threadId"]
    frames = client.stack(tid)
    assert (frames[0]["name"], frames[0]["line"]) == ("fails", line_of(PROG, "raise-value"))
    info = client.request("exceptionInfo", {"threadId": tid})
    assert info["exceptionId"] == "ValueError"
    assert info["description"] == "bad value"
    assert info["breakMode"] == "unhandled"
    assert info["details"]["innerException"][0]["typeName"] == "KeyError"
    assert info["details"]["innerException"][0]["message"] == "'missing'"
    client.request("continue", {"threadId": tid})
    assert client.wait_event("exited") == {"exitCode": 1}


def test_observe_mode_refuses_mutation(client: DapClient) -> None:
    _, frames = stop_at(client, "print", securityPolicy={"observe": True})
    fid = frames[0]["id"]
    message = client.request_error(
        "evaluate", {"expression": "total = 0", "frameId": fid, "context": "repl"}
    )
    assert "observe mode" in message
    assert (
        client.request("evaluate", {"expression": "total + 1", "frameId": fid, "context": "repl"})[
            "result"
        ]
        == "8"
    )


def test_policy_refuses_file_access_in_evaluation(client: DapClient) -> None:
    _, frames = stop_at(client, "print", securityPolicy={"allow_file_access": False})
    fid = frames[0]["id"]
    message = client.request_error(
        "evaluate",
        {"expression": "open('/etc/hostname').read()", "frameId": fid, "context": "repl"},
    )
    assert message.startswith(
        "SecurityViolation: file access refused by the security policy: open('/etc/hostname'"
    )


def test_set_variable_and_expression_stick(client: DapClient) -> None:
    tid, frames = stop_at(client, "print")
    fid = frames[0]["id"]
    scopes = client.request("scopes", {"frameId": fid})["scopes"]
    locals_ref = scopes[0]["variablesReference"]
    result = client.request(
        "setVariable", {"variablesReference": locals_ref, "name": "total", "value": "100"}
    )
    assert (result["value"], result["type"]) == ("100", "int")
    items_ref = client.locals(fid)["items"]["variablesReference"]
    client.request(
        "setVariable", {"variablesReference": items_ref, "name": "0", "value": "'first'"}
    )
    result = client.request(
        "setExpression", {"expression": "items[1]", "value": "2 * 21", "frameId": fid}
    )
    assert result["value"] == "42"
    bad = client.request_error(
        "setVariable", {"variablesReference": locals_ref, "name": "nope", "value": "1"}
    )
    assert bad == f"setVariable: no variable named 'nope' under variablesReference {locals_ref}"
    client.request("continue", {"threadId": tid})
    client.wait_event("stopped")
    assert "total 100 3\n" in client.output("stdout")
    # after the resume, the old reference is stale: a clear error, never a wrong value
    message = client.request_error("variables", {"variablesReference": items_ref})
    assert "no longer valid" in message


def test_completions_in_the_console(client: DapClient) -> None:
    _, frames = stop_at(client, "print")
    targets = client.request(
        "completions", {"text": "acc", "column": 4, "frameId": frames[0]["id"]}
    )["targets"]
    assert "account" in [t["label"] for t in targets]
    targets = client.request(
        "completions", {"text": "account.ow", "column": 11, "frameId": frames[0]["id"]}
    )["targets"]
    assert [t["label"] for t in targets] == ["owner"]


def test_bad_requests_get_errors_and_the_session_goes_on(client: DapClient) -> None:
    tid, _ = stop_at(client, "print")
    assert client.request_error("noSuchCommand", {}) == "unknown command 'noSuchCommand'"
    message = client.request_error("stackTrace", {"threadId": "main"})
    assert "threadId" in message
    client.send_raw(b"Content-Length: 5\r\n\r\n{nope")
    client.send_raw(b"Content-Length: 12\r\n\r\n[1, 2, 3, 4]")
    assert client.stack(tid)[0]["line"] == line_of(PROG, "print")


def test_show_return_value_off_and_custom_sensitive_patterns(client: DapClient) -> None:
    tid, _ = stop_at(client, "call-helper", showReturnValue=False, sensitivePatterns=["items"])
    client.request("stepIn", {"threadId": tid})
    client.wait_event("stopped")
    client.request("stepOut", {"threadId": tid})
    client.wait_event("stopped")
    local_vars = client.locals(client.stack(tid)[0]["id"])
    assert not any(name.startswith("(return)") for name in local_vars)
    assert local_vars["items"]["value"] == "[REDACTED]"
    assert local_vars["db_password"]["value"] != "[REDACTED]"  # only the session's own patterns
    # patterns can change while the program runs (this server's setSensitivePatterns request)
    client.request("setSensitivePatterns", {"patterns": ["password"]})
    local_vars = client.locals(client.stack(tid)[0]["id"])
    assert local_vars["db_password"]["value"] == "[REDACTED]"
    assert local_vars["items"]["value"] == "[1, 2, 3]"


def test_source_of_code_without_a_file(client: DapClient) -> None:
    prog = program("no_file.py")
    client.launch(prog, breakpoints={prog: [line_of(prog, "call-generated")]})
    tid = client.wait_event("stopped")["threadId"]
    client.request("stepIn", {"threadId": tid})
    client.wait_event("stopped")
    top = client.stack(tid)[0]
    assert (top["name"], top["line"], top["source"]["name"]) == ("made_here", 2, "<generated>")
    ref = top["source"]["sourceReference"]
    message = client.request_error(
        "source", {"source": {"sourceReference": ref}, "sourceReference": ref}
    )
    assert message == (
        "source: the source of <generated> is not available: Python keeps no copy of code "
        "compiled from a string (exec, eval, compile)"
    )
    client.request("stepOut", {"threadId": tid})
    client.wait_event("stopped")
    assert client.stack(tid)[0]["line"] == line_of(prog, "call-cell")
    client.request("stepIn", {"threadId": tid})
    client.wait_event("stopped")
    top = client.stack(tid)[0]
    assert top["source"]["name"] == "<cell-1>"
    ref = top["source"]["sourceReference"]
    body = client.request("source", {"source": {"sourceReference": ref}, "sourceReference": ref})
    assert body["content"] == "def made_here(x):\n    y = x + 1\n    return y\n"


def test_loaded_sources_and_modules(client: DapClient) -> None:
    stop_at(client, "print")
    sources = [s["path"] for s in client.request("loadedSources")["sources"]]
    assert PROG in sources
    assert not any("/dap_server/" in p or "/engine/" in p for p in sources)
    body = client.request("modules", {"startModule": 0, "moduleCount": 0})
    names = [m["name"] for m in body["modules"]]
    assert "__main__" in names and "threading" in names
    assert body["totalModules"] == len(names)


def test_coroutines_generators_and_top_level_await(client: DapClient) -> None:
    prog = program("asyncy.py")
    client.launch(prog, breakpoints={prog: [line_of(prog, "in-coroutine")]})
    tid = client.wait_event("stopped")["threadId"]
    frame = client.stack(tid)[0]
    assert (frame["name"], frame["line"]) == ("fetch", line_of(prog, "in-coroutine"))
    local_vars = client.locals(frame["id"])
    assert local_vars["n"]["value"] == "1"
    assert local_vars["gen"]["type"] == "generator"
    assert "GEN_SUSPENDED" in local_vars["gen"]["value"]
    result = client.request(
        "evaluate",
        {
            "expression": "await asyncio.sleep(0, result=n * 10)",
            "frameId": frame["id"],
            "context": "repl",
        },
    )
    assert result["result"] == "10"
    # stepping over an await stays in the same coroutine, not the event loop
    client.request("setBreakpoints", {"source": {"path": prog}, "breakpoints": []})
    client.request("next", {"threadId": tid})
    client.wait_event("stopped")
    client.request("next", {"threadId": tid})
    client.wait_event("stopped")
    frame = client.stack(tid)[0]
    assert (frame["name"], frame["line"]) == ("fetch", line_of(prog, "after-await"))
    assert client.locals(frame["id"])["n"]["value"] == "1"  # the same coroutine, not fetch(2)
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated")
    assert client.output("stdout") == "[4, 7]\n"
