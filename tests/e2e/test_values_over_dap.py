"""Inspection as VS Code drives it, through the real adapter: the Variables view (values, types,
children, evaluateName, paging), setVariable / setExpression, the Debug Console (`repl`),
hover / watch / clipboard evaluation, completions, redaction, and stale references.

Programs: tests/programs/val_kinds.py (values of many kinds), val_setvar.py (assignment
targets; it prints what it sees after the stop), val_secrets.py (secrets next to plain values).
"""

from __future__ import annotations

from typing import Any

from tests.support.dap_client import DapClient
from tests.support.programs import line_of, program

KINDS = program("val_kinds.py")
SETVAR = program("val_setvar.py")
SECRETS = program("val_secrets.py")

Var = dict[str, Any]


# -- helpers -----------------------------------------------------------------------------------


def stop(client: DapClient, prog: str, *markers: str, **options: Any) -> tuple[int, int]:
    """Launch `prog` with breakpoints on the marked lines; (threadId, top frameId) of the first stop."""
    client.launch(prog, breakpoints={prog: [line_of(prog, m) for m in markers]}, **options)
    tid = client.wait_event("stopped", timeout=30)["threadId"]
    return tid, client.stack(tid)[0]["id"]


def scope_refs(client: DapClient, frame_id: int) -> dict[str, int]:
    scopes = client.request("scopes", {"frameId": frame_id})["scopes"]
    return {s["name"]: s["variablesReference"] for s in scopes}


def children(client: DapClient, ref: int, **extra: Any) -> list[Var]:
    found: list[Var] = client.request("variables", {"variablesReference": ref, **extra})[
        "variables"
    ]
    return found


def by_name(variables: list[Var]) -> dict[str, Var]:
    return {v["name"]: v for v in variables}


def data(variables: list[Var]) -> list[Var]:
    """Without the virtual groups (special / function / class variables)."""
    return [v for v in variables if v.get("presentationHint", {}).get("kind") != "virtual"]


def evaluate(client: DapClient, frame_id: int | None, expression: str, context: str) -> Var:
    args: dict[str, Any] = {"expression": expression, "context": context}
    if frame_id is not None:
        args["frameId"] = frame_id
    body: Var = client.request("evaluate", args)
    return body


def evaluate_error(client: DapClient, frame_id: int, expression: str, context: str) -> str:
    return client.request_error(
        "evaluate", {"expression": expression, "frameId": frame_id, "context": context}
    )


def set_variable(client: DapClient, ref: int, name: str, value: str) -> Var:
    body: Var = client.request(
        "setVariable", {"variablesReference": ref, "name": name, "value": value}
    )
    return body


def run_to_end(client: DapClient, tid: int) -> str:
    client.request("setBreakpoints", {"source": {"path": SETVAR}, "breakpoints": []})
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    return client.output("stdout")


def completion_targets(client: DapClient, frame_id: int, text: str, column: int) -> list[Var]:
    targets: list[Var] = client.request(
        "completions", {"text": text, "column": column, "frameId": frame_id}
    )["targets"]
    return targets


# -- 1. the Variables view ------------------------------------------------------------------------


def test_scalars_and_strings_as_the_variables_view_shows_them(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    local_vars = client.locals(fid)
    shown = {
        name: (local_vars[name]["value"], local_vars[name]["type"])
        for name in ("i", "f", "c", "b", "n", "s_quotes", "s_newline", "s_unicode", "by", "ba")
    }
    assert shown == {
        "i": ("42", "int"),
        "f": ("1.5", "float"),
        "c": ("(1+2j)", "complex"),
        "b": ("True", "bool"),
        "n": ("None", "NoneType"),
        "s_quotes": ("'it\\'s \"quoted\"'", "str"),
        "s_newline": ("'line1\\nline2\\ttab'", "str"),
        "s_unicode": ("'héllo → 世界 😀'", "str"),
        "by": ("b'\\x00\\xffabc'", "bytes"),
        "ba": ("bytearray(b'xyz')", "bytearray"),
    }
    for name in ("i", "f", "c", "b", "n", "s_quotes", "s_unicode", "by", "empty_list"):
        assert local_vars[name]["variablesReference"] == 0, name
        assert local_vars[name]["evaluateName"] == name
    # a long string is cut in the view, with its length...
    s_long = "abcdefghij" * 100
    assert local_vars["s_long"]["value"] == repr(s_long[:500]) + "... (1,000 chars)"
    # ...and whole for "Copy Value" (clipboard), in the console it is the view's text
    assert evaluate(client, fid, "s_long", "clipboard")["result"] == repr(s_long)
    assert evaluate(client, fid, "s_long", "repl")["result"] == local_vars["s_long"]["value"]
    # the console echoes each scalar's evaluateName exactly as the view shows it
    for name in ("i", "f", "c", "b", "n", "s_quotes", "s_newline", "s_unicode", "by", "ba"):
        assert evaluate(client, fid, name, "repl")["result"] == local_vars[name]["value"], name
        assert evaluate(client, fid, name, "watch")["result"] == local_vars[name]["value"], name


def test_containers_children_evaluate_names_and_counts(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    local_vars = client.locals(fid)

    def kids(name: str) -> list[tuple[str, str, str | None, str]]:
        return [
            (v["name"], v["value"], v.get("evaluateName"), v["type"])
            for v in data(children(client, local_vars[name]["variablesReference"]))
        ]

    nested = local_vars["nested"]
    assert nested["value"] == "{'list': [1, (2, 3), {4, 5}], 'fs': frozenset({7})}"
    assert (nested["indexedVariables"], nested["namedVariables"]) == (2, 0)
    assert kids("nested") == [
        ("'list'", "[1, (2, 3), {4, 5}]", "nested['list']", "list"),
        ("'fs'", "frozenset({7})", "nested['fs']", "frozenset"),
    ]
    inner_list = data(children(client, local_vars["nested"]["variablesReference"]))[0]
    inner = data(children(client, inner_list["variablesReference"]))
    assert [(v["name"], v["value"], v["evaluateName"]) for v in inner] == [
        ("0", "1", "nested['list'][0]"),
        ("1", "(2, 3)", "nested['list'][1]"),
        ("2", "{4, 5}", "nested['list'][2]"),
    ]
    a_set = data(children(client, inner[2]["variablesReference"]))
    assert [(v["name"], v["value"], v["evaluateName"]) for v in a_set] == [
        ("0", "4", "list(nested['list'][2])[0]"),
        ("1", "5", "list(nested['list'][2])[1]"),
    ]
    assert all("readOnly" in v["presentationHint"]["attributes"] for v in a_set)
    # keys that are not strings: named by their repr, reached by a literal
    assert kids("odd_map") == [
        ("(1, 2)", "'tuple'", "odd_map[(1, 2)]", "str"),
        ("3", "'int'", "odd_map[3]", "str"),
        ("None", "'none'", "odd_map[None]", "str"),
        ("1.5", "'float'", "odd_map[1.5]", "str"),
        ("'s'", "'str'", "odd_map['s']", "str"),
    ]
    assert local_vars["od"]["value"] == "OrderedDict({'z': 1, 'a': 2})"
    assert kids("od") == [("'z'", "1", "od['z']", "int"), ("'a'", "2", "od['a']", "int")]
    assert local_vars["dd"]["value"] == "defaultdict(<class 'list'>, {'k': [1]})"
    assert kids("dd") == [("'k'", "[1]", "dd['k']", "list")]
    assert local_vars["counter"]["value"] == "Counter({'a': 2, 'b': 1})"
    assert kids("counter") == [
        ("'a'", "2", "counter['a']", "int"),
        ("'b'", "1", "counter['b']", "int"),
    ]
    assert local_vars["dq"]["value"] == "deque([1, 2, 3], maxlen=5)"
    assert local_vars["dq"]["indexedVariables"] == 3
    assert kids("dq") == [
        ("0", "1", "dq[0]", "int"),
        ("1", "2", "dq[1]", "int"),
        ("2", "3", "dq[2]", "int"),
    ]
    assert local_vars["point"]["value"] == "Point(x=3, y=4)"
    assert kids("point") == [("x", "3", "point.x", "int"), ("y", "4", "point.y", "int")]
    assert local_vars["pair"]["value"] == "Pair(left=1, right='two')"
    assert local_vars["pair"]["namedVariables"] == 2
    assert kids("pair") == [
        ("left", "1", "pair.left", "int"),
        ("right", "'two'", "pair.right", "str"),
    ]
    assert local_vars["color"]["value"] == "<Color.GREEN: 'g'>"
    assert local_vars["slotted"]["value"].startswith("<__main__.Slotted object at 0x")
    assert kids("slotted") == [("a", "1", "slotted.a", "int")]  # the unset slot `b` is left out
    # self-references: no infinite recursion, and each level expands again
    assert local_vars["selfref_list"]["value"] == "[1, [...]]"
    assert local_vars["selfref_dict"]["value"] == "{'a': 1, 'me': {...}}"
    again = data(children(client, local_vars["selfref_list"]["variablesReference"]))[1]
    assert (again["value"], again["evaluateName"]) == ("[1, [...]]", "selfref_list[1]")
    deeper = data(children(client, again["variablesReference"]))[1]
    assert (deeper["value"], deeper["evaluateName"]) == ("[1, [...]]", "selfref_list[1][1]")

    # "Add to Watch" / "Copy as Expression": every child's evaluateName gives the child's value
    checked = 0
    for name in (
        "nested", "odd_map", "od", "dd", "counter", "dq", "point", "pair", "slotted",
        "selfref_list", "selfref_dict", "plain",
    ):  # fmt: skip
        for child in data(children(client, local_vars[name]["variablesReference"])):
            for context in ("repl", "watch"):
                result = evaluate(client, fid, child["evaluateName"], context)["result"]
                assert result == child["value"], (child["evaluateName"], context)
            checked += 1
    assert checked == 26


def test_paging_with_start_count_and_filters(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    local_vars = client.locals(fid)
    big = local_vars["big"]
    assert (big["indexedVariables"], big["namedVariables"]) == (2500, 0)
    assert big["value"].endswith(", 99, ...] (2,500 items)")
    ref = big["variablesReference"]
    page = children(client, ref, filter="indexed", start=1200, count=3)
    assert [(v["name"], v["value"], v["evaluateName"]) for v in page] == [
        ("1200", "1200", "big[1200]"),
        ("1201", "1201", "big[1201]"),
        ("1202", "1202", "big[1202]"),
    ]
    # the last page is short; past the end there is nothing; count 0 means "all the rest"
    assert [v["name"] for v in children(client, ref, filter="indexed", start=2498, count=5)] == [
        "2498",
        "2499",
    ]
    assert children(client, ref, filter="indexed", start=2500, count=5) == []
    assert len(children(client, ref, filter="indexed", start=2000, count=0)) == 500
    assert children(client, ref, filter="named") == []
    # a dict pages the same way, by position
    odd = children(
        client, local_vars["odd_map"]["variablesReference"], filter="indexed", start=1, count=2
    )
    assert [(v["name"], v["evaluateName"]) for v in odd] == [
        ("3", "odd_map[3]"),
        ("None", "odd_map[None]"),
    ]
    # an object has only named children
    plain_ref = local_vars["plain"]["variablesReference"]
    named = children(client, plain_ref, filter="named")
    assert [v["name"] for v in data(named)] == ["attr", "items"]
    assert children(client, plain_ref, filter="indexed") == []
    message = client.request_error("variables", {"variablesReference": ref, "filter": "both"})
    assert message == "variables: arguments.filter: Input should be 'indexed' or 'named'"


def test_objects_that_fight_back(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    local_vars = client.locals(fid)
    assert local_vars["bad_repr"]["value"] == "<repr failed: RuntimeError: repr exploded>"
    assert local_vars["int_repr"]["value"] == (
        "<repr failed: TypeError: __repr__ returned non-string (type int)>"
    )
    # __getattr__ answering every name is never consulted while listing...
    anything = local_vars["anything"]
    assert anything["value"].startswith("<__main__.Anything object at 0x")
    assert data(children(client, anything["variablesReference"])) == []
    # ...but the console asks it, as Python would
    assert evaluate(client, fid, "anything.whatever", "repl")["result"] == "'<whatever>'"
    assert evaluate(client, fid, "anything.whatever", "watch")["result"] == "'<whatever>'"
    # properties are lazy: evaluated only when expanded; one that raises says so
    props = by_name(children(client, local_vars["props"]["variablesReference"]))
    assert props["plain"]["value"] == "7"
    for name in ("good", "broken"):
        assert props[name]["value"] == "<property: expand to evaluate>"
        assert props[name]["presentationHint"]["lazy"] is True
        assert props[name]["evaluateName"] == f"props.{name}"
    [good] = children(client, props["good"]["variablesReference"])
    assert (good["name"], good["value"], good["type"]) == ("good", "14", "int")
    [broken] = children(client, props["broken"]["variablesReference"])
    assert broken["value"] == "<getter raised ValueError: no good>"
    assert "failedEvaluation" in broken["presentationHint"]["attributes"]
    assert evaluate_error(client, fid, "props.broken", "repl") == "ValueError: no good"
    # generator, module, function, class
    assert local_vars["gen"]["value"] == "<generator object gen_func GEN_CREATED>"
    assert local_vars["gen"]["type"] == "generator"
    gen_kids = by_name(children(client, local_vars["gen"]["variablesReference"]))
    assert gen_kids["gi_running"]["value"] == "False"
    assert local_vars["module"]["value"].startswith("<module 'os' from '")
    module_kids = by_name(children(client, local_vars["module"]["variablesReference"]))
    assert module_kids["sep"]["value"] == "'/'"
    assert module_kids["sep"]["evaluateName"] == "module.sep"
    groups = by_name(
        client.request("variables", {"variablesReference": scope_refs(client, fid)["Locals"]})[
            "variables"
        ]
    )
    functions = by_name(children(client, groups["function variables"]["variablesReference"]))
    assert functions["func"]["value"].startswith("<generator function gen_func at val_kinds.py:")
    classes = by_name(children(client, groups["class variables"]["variablesReference"]))
    assert classes["klass"]["value"] == "<class '__main__.Plain'>"
    assert classes["klass"]["presentationHint"]["kind"] == "class"


def test_children_of_a_class_agree_with_their_evaluate_name(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    ref = scope_refs(client, fid)["Locals"]
    groups = by_name(children(client, ref))
    klass = by_name(children(client, groups["class variables"]["variablesReference"]))["klass"]
    special = by_name(children(client, klass["variablesReference"]))["special variables"]
    dunder = by_name(children(client, special["variablesReference"]))["__dict__"]
    assert dunder["evaluateName"] == "klass.__dict__"
    result = evaluate(client, fid, "klass.__dict__", "repl")["result"]
    assert result.startswith("mappingproxy({'__module__': '__main__'")
    assert dunder["value"] == result  # shown: "<attribute '__dict__' of 'Plain' objects>"


# -- 2. setVariable / setExpression ---------------------------------------------------------------


def test_set_variable_and_set_expression_stick(client: DapClient) -> None:
    tid, fid = stop(client, SETVAR, "stop", "inner")
    scopes = scope_refs(client, fid)
    local_vars = client.locals(fid)
    locals_ref = scopes["Locals"]
    assert set_variable(client, locals_ref, "n", "41 + 1") == {
        "value": "42",
        "type": "int",
        "variablesReference": 0,
    }
    d_ref = local_vars["d"]["variablesReference"]
    assert set_variable(client, d_ref, "'k'", "'new'")["value"] == "'new'"
    assert set_variable(client, d_ref, "7", "'SEVEN'")["value"] == "'SEVEN'"
    assert (
        set_variable(client, local_vars["lst"]["variablesReference"], "2", "n * 10")["value"]
        == "420"
    )
    assert (
        set_variable(client, local_vars["box"]["variablesReference"], "attr", "'set'")["value"]
        == "'set'"
    )
    assert (
        set_variable(client, local_vars["slotted"]["variablesReference"], "a", "2")["value"] == "2"
    )
    # a value that fails: an error that says why, nothing changed, the session goes on
    message = client.request_error(
        "setVariable", {"variablesReference": locals_ref, "name": "n", "value": "undefined_name"}
    )
    assert message == "setVariable: NameError: name 'undefined_name' is not defined"
    message = client.request_error(
        "setVariable", {"variablesReference": locals_ref, "name": "n", "value": "1 +"}
    )
    assert message == "setVariable: cannot assign '1 +' to n: SyntaxError: invalid syntax"
    message = client.request_error(
        "setVariable",
        {"variablesReference": local_vars["pt"]["variablesReference"], "name": "0", "value": "5"},
    )
    assert message == "setVariable: '0' is read-only"
    assert evaluate(client, fid, "n", "repl")["result"] == "42"
    # the view shows the new values at once (the same references)
    assert by_name(children(client, d_ref))["'k'"]["value"] == "'new'"
    assert (
        by_name(client.request("variables", {"variablesReference": locals_ref})["variables"])["n"][
            "value"
        ]
        == "42"
    )
    # setExpression on an attribute, a dict item, a list element
    for expression, value, shown in (
        ("box.attr", "'via-expr'", "'via-expr'"),
        ("d['k']", "'newer'", "'newer'"),
        ("lst[0]", "lst[0] + 1", "11"),
    ):
        body = client.request(
            "setExpression", {"expression": expression, "value": value, "frameId": fid}
        )
        assert body["value"] == shown, expression
    client.request("continue", {"threadId": tid})
    stopped = client.wait_event("stopped", timeout=30)
    # the closure's cell, from the inner function (nonlocal) and from the outer one
    frames = client.stack(stopped["threadId"])
    assert [f["name"] for f in frames[:2]] == ["outer.<locals>.inner", "outer"]
    outer_locals = scope_refs(client, frames[1]["id"])["Locals"]
    assert by_name(children(client, outer_locals))["count"]["value"] == "2"
    assert set_variable(client, outer_locals, "count", "50")["value"] == "50"
    assert evaluate(client, frames[0]["id"], "count", "repl")["result"] == "50"
    inner_locals = scope_refs(client, frames[0]["id"])["Locals"]
    assert set_variable(client, inner_locals, "count", "count * 2")["value"] == "100"
    out = run_to_end(client, tid)
    assert out.splitlines() == [
        "stop",
        "n 42",
        "d {'k': 'newer', 7: 'SEVEN'}",
        "lst [11, 20, 420]",
        "big[1200] 1200",
        "pt (1, 2)",
        "box.attr via-expr",
        "slotted.a 2",
        "LIMIT 3",
        "label local label global label",
        "stack [[1, 2], [3, 4], [5, 6]]",
        "password changed False",
        "inner sees 100",
        "outer sees 100",
        "end 42",
    ]


def test_set_variable_in_the_globals_scope_changes_the_global(client: DapClient) -> None:
    tid, fid = stop(client, SETVAR, "stop")
    scopes = scope_refs(client, fid)
    assert by_name(children(client, scopes["Globals"]))["LIMIT"]["evaluateName"] == "LIMIT"
    assert set_variable(client, scopes["Globals"], "LIMIT", "99")["value"] == "99"
    assert "LIMIT" not in by_name(children(client, scopes["Locals"]))
    assert "LIMIT 99" in run_to_end(client, tid).splitlines()


def test_set_variable_goes_to_the_frame_of_its_reference(client: DapClient) -> None:
    # VS Code caches each frame's scopes: select frame 2, back to frame 0, edit a variable there.
    tid, _ = stop(client, SETVAR, "inner")
    frames = client.stack(tid)
    inner_locals = scope_refs(client, frames[0]["id"])["Locals"]
    main_locals = scope_refs(client, frames[2]["id"])["Locals"]
    assert set_variable(client, inner_locals, "count", "7")["value"] == "7"
    assert by_name(children(client, inner_locals))["count"]["value"] == "7"
    assert "count" not in by_name(children(client, main_locals))
    assert "inner sees 7" in run_to_end(client, tid).splitlines()


def test_set_variable_on_an_element_of_a_long_list(client: DapClient) -> None:
    tid, fid = stop(client, SETVAR, "stop")
    big_ref = client.locals(fid)["big"]["variablesReference"]
    [element] = children(client, big_ref, filter="indexed", start=1200, count=1)
    assert (element["name"], element["value"]) == ("1200", "1200")
    assert set_variable(client, big_ref, "1200", "-1")["value"] == "-1"
    assert "big[1200] -1" in run_to_end(client, tid).splitlines()


def test_set_variable_on_a_console_result_never_reruns_it(client: DapClient) -> None:
    _, fid = stop(client, SETVAR, "stop")
    scope_refs(client, fid)
    popped = evaluate(client, fid, "stack.pop()", "repl")
    assert popped["result"] == "[5, 6]"
    # No expression reaches the items of what a call returned: they have no evaluateName,
    # and setting one is refused rather than done by running stack.pop() again.
    shown = children(client, popped["variablesReference"])
    assert [("evaluateName" in v, v["value"]) for v in shown] == [(False, "5"), (False, "6")]
    assert (
        client.request_error(
            "setVariable",
            {"variablesReference": popped["variablesReference"], "name": "0", "value": "50"},
        )
        == "setVariable: '0' cannot be assigned (no expression reaches it)"
    )
    # the program lost exactly the one element the user popped
    assert evaluate(client, fid, "stack", "repl")["result"] == "[[1, 2], [3, 4]]"


# -- 3. the Debug Console (repl) --------------------------------------------------------------------


def test_console_statements_blocks_imports_output_and_errors(client: DapClient) -> None:
    tid, fid = stop(client, SETVAR, "inner")
    assert evaluate(client, fid, "x = 5", "repl") == {"result": "", "variablesReference": 0}
    assert evaluate(client, fid, "x", "repl")["result"] == "5"
    block = "def triple(v):\n    return v * 3\n\ntriple(x)"
    assert evaluate(client, fid, block, "repl")["result"] == "15"
    assert evaluate(client, fid, "triple(2)", "repl")["result"] == "6"
    result = evaluate(client, fid, "import json as _json\n_json.dumps({'a': [1]})", "repl")
    assert (result["result"], result["type"]) == ("'{\"a\": [1]}'", "str")
    # print() in the console goes out as program output
    assert evaluate(client, fid, "print('from the console', x)", "repl")["result"] == "None"
    out = client.wait_event("output", where=lambda b: "from the console" in b.get("output", ""))
    assert (out["category"], out["output"]) == ("stdout", "from the console 5\n")
    # exceptions: an error response with the exception's text
    assert evaluate_error(client, fid, "1 / 0", "repl") == "ZeroDivisionError: division by zero"
    assert evaluate_error(client, fid, "raise KeyError('gone')", "repl") == "KeyError: 'gone'"
    assert evaluate_error(client, fid, "x +", "repl") == "SyntaxError: invalid syntax"
    # locals of another frame, by its frameId (main is frame 2)
    frames = client.stack(tid)
    assert evaluate(client, frames[1]["id"], "count", "repl")["result"] == "2"
    main_id = frames[2]["id"]
    assert evaluate(client, main_id, "sorted(d, key=str)", "repl")["result"] == "[7, 'k']"
    assert evaluate(client, main_id, "n = n + 100", "repl")["result"] == ""
    assert evaluate(client, main_id, "n", "repl")["result"] == "101"
    # without a frameId: the stopped thread's top frame, globals reachable
    assert evaluate(client, None, "LIMIT * 2", "repl")["result"] == "6"
    # large results: the view's text is bounded, the object is pageable, the clipboard is whole
    huge = evaluate(client, fid, "list(range(100_000))", "repl")
    assert huge["indexedVariables"] == 100_000
    assert huge["result"].endswith(", 99, ...] (100,000 items)")
    page = children(client, huge["variablesReference"], filter="indexed", start=99_998, count=2)
    assert [v["value"] for v in page] == ["99998", "99999"]
    long_text = evaluate(client, fid, "'z' * 100_000", "repl")["result"]
    assert long_text == "'" + "z" * 500 + "'... (100,000 chars)"
    whole = evaluate(client, fid, "'z' * 100_000", "clipboard")["result"]
    assert whole == "'" + "z" * 100_000 + "'"
    assert run_to_end(client, tid).splitlines()[-1] == "end 101"  # the console's n stuck


def test_nested_scopes_in_the_console_see_the_frames_locals(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    assert evaluate(client, fid, "[i + k for k in range(3)]", "repl")["result"] == "[42, 43, 44]"
    assert evaluate(client, fid, "sum(i + k for k in range(3))", "repl")["result"] == "129"
    assert evaluate(client, fid, "(lambda: i * 2)()", "repl")["result"] == "84"
    evaluate(client, fid, "def doubled():\n    return i * 2\n", "repl")
    assert evaluate(client, fid, "doubled()", "repl")["result"] == "84"
    assert evaluate(client, fid, "any(k == i for k in [1, 42])", "watch")["result"] == "True"


# -- 4. hover, watch, clipboard ------------------------------------------------------------------------


def test_hover_and_watch_have_no_side_effects_clipboard_is_whole(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    for context in ("watch", "hover"):
        result = evaluate(client, fid, "empty_list.append(1) or len(empty_list)", context)
        assert result["result"] == "1"
        result = evaluate(client, fid, "next(gen)", context)
        assert result["result"] == "1"
        result = evaluate(client, fid, "props.good", context)
        assert (result["result"], result["type"]) == ("14", "int")
        assert evaluate_error(client, fid, "props.broken", context) == "ValueError: no good"
        assert (
            evaluate_error(client, fid, "nope", context) == "NameError: name 'nope' is not defined"
        )
    assert evaluate(client, fid, "empty_list", "repl")["result"] == "[]"
    assert (
        evaluate(client, fid, "gen", "repl")["result"] == "<generator object gen_func GEN_CREATED>"
    )
    # a statement is no watch expression
    message = evaluate_error(client, fid, "i = 0", "watch")
    assert message.startswith("SyntaxError")
    assert evaluate(client, fid, "i", "repl")["result"] == "42"
    # clipboard: the whole value, however long
    whole = evaluate(client, fid, "big", "clipboard")["result"]
    assert whole == repr(list(range(2500)))
    assert evaluate(client, fid, "s_long", "clipboard")["result"] == repr("abcdefghij" * 100)


def test_watch_and_hover_results_expand(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    for context in ("watch", "hover"):
        result = evaluate(client, fid, "plain", context)
        assert result["variablesReference"] > 0, context
        attrs = by_name(data(children(client, result["variablesReference"])))
        assert attrs["attr"]["value"] == "'a'"
        result = evaluate(client, fid, "nested['list']", context)
        assert result.get("indexedVariables") == 3, context


def test_add_to_watch_of_a_shadowed_global(client: DapClient) -> None:
    _, fid = stop(client, SETVAR, "stop")
    globals_ = by_name(children(client, scope_refs(client, fid)["Globals"]))
    label = globals_["label"]
    assert label["value"] == "'global label'"
    assert evaluate(client, fid, label["evaluateName"], "repl")["result"] == "'global label'"
    assert evaluate(client, fid, label["evaluateName"], "watch")["result"] == "'global label'"


# -- 5. completions ----------------------------------------------------------------------------------


def test_completions_for_attributes_names_and_keys(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    targets = completion_targets(client, fid, "plain.", 7)
    assert [(t["label"], t["type"], t["start"], t["length"]) for t in targets] == [
        ("attr", "variable", 7, 0),
        ("items", "variable", 7, 0),
    ]
    targets = completion_targets(client, fid, "plain.it", 9)
    assert [(t["label"], t.get("detail"), t["start"], t["length"]) for t in targets] == [
        ("items", "list", 7, 2)
    ]
    # the cursor in the middle of a line: only the text before it counts
    targets = completion_targets(client, fid, "x = plain.at + 1", 13)
    assert [(t["label"], t["start"], t["length"]) for t in targets] == [("attr", 11, 2)]
    assert [t["label"] for t in completion_targets(client, fid, "s_", 3)] == [
        "s_long",
        "s_newline",
        "s_quotes",
        "s_unicode",
    ]
    # properties are offered, not run; __getattr__ is not consulted
    assert [(t["label"], t["type"]) for t in completion_targets(client, fid, "props.", 7)] == [
        ("broken", "property"),
        ("good", "property"),
        ("plain", "variable"),
    ]
    assert completion_targets(client, fid, "anything.", 10) == []
    targets = completion_targets(client, fid, "nested['l", 10)
    assert [(t["label"], t["text"], t["start"], t["length"]) for t in targets] == [
        ("list", "list']", 9, 1)
    ]
    targets = completion_targets(client, fid, 'nested["', 9)
    assert [t["text"] for t in targets] == ['fs"]', 'list"]']


def test_completions_with_zero_based_columns(client: DapClient) -> None:
    tid, _ = stop(client, KINDS, "stop", capabilities={"columnsStartAt1": False})
    fid = client.stack(tid)[0]["id"]
    targets = completion_targets(client, fid, "plain.it", 8)
    assert [(t["label"], t["start"], t["length"]) for t in targets] == [("items", 6, 2)]
    targets = completion_targets(client, fid, "x = plain.at + 1", 12)
    assert [(t["label"], t["start"], t["length"]) for t in targets] == [("attr", 10, 2)]


def test_completion_of_a_key_with_a_quote_is_valid_python(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    typed = "quoted['it"
    [target] = completion_targets(client, fid, typed, len(typed) + 1)
    start = target["start"] - 1
    line = typed[:start] + target["text"] + typed[start + target["length"] :]
    assert evaluate(client, fid, line, "repl")["result"] == "1"


def test_completion_columns_are_utf16_units(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    typed = "'😀' + plain.at + 1"
    # the cursor after "plain.at": 14 code points, 15 UTF-16 units -> column 16
    column = len(typed[: typed.index(" + 1")].encode("utf-16-le")) // 2 + 1
    targets = completion_targets(client, fid, typed, column)
    assert [(t["label"], t["start"], t["length"]) for t in targets] == [("attr", column - 2, 2)]


# -- 6. redaction ---------------------------------------------------------------------------------------


def test_redaction_in_the_views_and_on_set_variable(client: DapClient) -> None:
    tid, fid = stop(client, SECRETS, "stop")
    local_vars = client.locals(fid)
    password = local_vars["password"]
    assert (password["value"], password["type"], password["variablesReference"]) == (
        "[REDACTED]",
        "str",
        0,
    )
    assert password["evaluateName"] == "password"
    config = local_vars["config"]
    assert config["value"] == "{'api_key': [REDACTED], 'host': 'db.internal', 'port': 5432}"
    kids = by_name(children(client, config["variablesReference"]))
    assert (kids["'api_key'"]["value"], kids["'api_key'"]["variablesReference"]) == (
        "[REDACTED]",
        0,
    )
    assert kids["'api_key'"]["evaluateName"] == "config['api_key']"
    assert kids["'host'"]["value"] == "'db.internal'"
    token = by_name(children(client, local_vars["client"]["variablesReference"]))["token"]
    assert (token["value"], token["evaluateName"]) == ("[REDACTED]", "client.token")
    record = data(children(client, local_vars["records"]["variablesReference"]))[0]
    assert record["value"] == "{'user': 'ann', 'password': [REDACTED]}"
    inner = by_name(children(client, record["variablesReference"]))
    assert inner["'password'"]["value"] == "[REDACTED]"
    # evaluating an evaluateName of a secret: redacted in the console and clipboard,
    # refused where evaluation must be side-effect free
    for expression in ("password", "config['api_key']", "client.token"):
        assert evaluate(client, fid, expression, "repl")["result"] == "[REDACTED]"
        assert evaluate(client, fid, expression, "clipboard")["result"] == "[REDACTED]"
    assert evaluate_error(client, fid, "password", "watch") == (
        "refused: the expression uses 'password', whose name is sensitive"
    )
    assert evaluate_error(client, fid, "config['api_key']", "hover") == (
        "refused: the expression reads the key 'api_key', whose name is sensitive"
    )
    hover = evaluate(client, fid, "config", "hover")["result"]
    assert "ak-live" not in hover and "'host': 'db.internal'" in hover
    # setVariable on a secret works; the response does not echo it
    locals_ref = scope_refs(client, fid)["Locals"]
    body = set_variable(client, locals_ref, "password", "'changed-pass-value'")
    assert (body["value"], body["type"]) == ("[REDACTED]", "str")
    body = set_variable(client, config["variablesReference"], "'api_key'", "'ak-new-0000-1111'")
    assert body["value"] == "[REDACTED]"
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    assert "after True True\n" in client.output("stdout")


# -- 7. stale references ----------------------------------------------------------------------------


def test_references_from_before_a_resume_get_clear_errors(client: DapClient) -> None:
    tid, fid = stop(client, SETVAR, "stop", "after")
    locals_ref = scope_refs(client, fid)["Locals"]
    local_vars = client.locals(fid)
    box_kids = children(client, local_vars["box"]["variablesReference"])
    special = by_name(box_kids)["special variables"]["variablesReference"]
    result_ref = evaluate(client, fid, "lst", "repl")["variablesReference"]
    assert result_ref > 0
    client.request("continue", {"threadId": tid})
    client.wait_event("stopped", timeout=30)
    stale = "is no longer valid: the program has resumed since it was issued"
    for ref in (locals_ref, special, result_ref):
        message = client.request_error("variables", {"variablesReference": ref})
        assert message == f"variables: variablesReference {ref} {stale}"
    message = client.request_error(
        "setVariable", {"variablesReference": locals_ref, "name": "n", "value": "5"}
    )
    assert message == f"setVariable: variablesReference {locals_ref} {stale}"
    frame_stale = f"frameId {fid} is not valid: the program has resumed since it was issued"
    for context in ("repl", "watch", "hover"):
        message = evaluate_error(client, fid, "n", context)
        assert message == f"evaluate: {frame_stale}"
    message = client.request_error(
        "setExpression", {"expression": "n", "value": "3", "frameId": fid}
    )
    assert message == f"setExpression: {frame_stale}"
    message = client.request_error("completions", {"text": "n", "column": 2, "frameId": fid})
    assert message == f"completions: {frame_stale}"
    message = client.request_error("variables", {"variablesReference": 987_654})
    assert message == "variables: variablesReference 987654 is unknown"
    # the session goes on at the new stop
    new_fid = client.stack(tid)[0]["id"]
    assert client.locals(new_fid)["n"]["value"] == "1"
    client.request("continue", {"threadId": tid})
    client.wait_event("terminated", timeout=30)
    message = client.request_error("variables", {"variablesReference": locals_ref})
    assert message == "variables: the program has ended"


# -- more: exceptions, formats, watch texts ---------------------------------------------------------


def stop_on_uncaught(client: DapClient, prog: str) -> tuple[int, int]:
    client.initialize()
    seq = client.send_request("launch", {"program": prog})
    client.wait_event("initialized")
    client.request("setExceptionBreakpoints", {"filters": ["uncaught"]})
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    stopped = client.wait_event("stopped", timeout=30)
    assert stopped["reason"] == "exception"
    return stopped["threadId"], client.stack(stopped["threadId"])[0]["id"]


def test_the_exception_is_reached_through_its_scope(client: DapClient) -> None:
    prog = program("val_raises.py")
    tid, fid = stop_on_uncaught(client, prog)
    assert client.stack(tid)[0]["line"] == line_of(prog, "raise")
    info = client.request("exceptionInfo", {"threadId": tid})
    assert (info["exceptionId"], info["description"]) == ("__main__.AppError", "code 42")
    scopes = scope_refs(client, fid)
    [shown] = children(client, scopes["Exception"])
    assert (shown["name"], shown["value"], shown["type"]) == (
        "exception",
        "AppError('code 42')",
        "AppError",
    )
    # No evaluateName is promised for the exception (it would have to evaluate); the
    # Exception scope is how it is reached.
    assert "evaluateName" not in info["details"]
    assert children(client, shown["variablesReference"])


def test_hex_format_in_the_views_and_the_console(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    hex_ = {"hex": True}
    body = client.request(
        "evaluate", {"expression": "i", "frameId": fid, "context": "repl", "format": hex_}
    )
    assert body["result"] == "0x2a"
    body = client.request(
        "evaluate", {"expression": "[i, 255]", "frameId": fid, "context": "repl", "format": hex_}
    )
    assert body["result"] == "[0x2a, 0xff]"
    locals_ref = scope_refs(client, fid)["Locals"]
    shown = by_name(children(client, locals_ref, format=hex_))
    assert (shown["i"]["value"], shown["f"]["value"]) == ("0x2a", "1.5")
    dq = children(client, shown["dq"]["variablesReference"], format=hex_)
    assert [v["value"] for v in dq] == ["0x1", "0x2", "0x3"]
    # without the format, decimal again (the same references)
    assert by_name(children(client, locals_ref))["i"]["value"] == "42"


def test_hex_format_in_watch_and_hover(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    for context in ("watch", "hover"):
        body = client.request(
            "evaluate",
            {"expression": "i", "frameId": fid, "context": context, "format": {"hex": True}},
        )
        assert body["result"] == "0x2a", context


def test_watch_shows_what_the_variables_view_shows(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    local_vars = client.locals(fid)
    groups = by_name(children(client, scope_refs(client, fid)["Locals"]))
    func = by_name(children(client, groups["function variables"]["variablesReference"]))["func"]
    shown = {name: local_vars[name]["value"] for name in ("gen", "bad_repr", "int_repr")}
    shown["func"] = func["value"]
    watched = {name: evaluate(client, fid, name, "watch")["result"] for name in shown}
    assert watched == shown


def test_copy_value_of_a_console_result_item_does_not_rerun_it(client: DapClient) -> None:
    _, fid = stop(client, SETVAR, "stop")
    popped = evaluate(client, fid, "stack.pop()", "repl")
    first = children(client, popped["variablesReference"])[0]
    assert first["value"] == "5"
    # VS Code's "Copy Value": evaluate(evaluateName, 'clipboard') when there is an evaluateName
    if "evaluateName" in first:
        copied = evaluate(client, fid, first["evaluateName"], "clipboard")["result"]
        assert copied == "5"
    assert evaluate(client, fid, "stack", "repl")["result"] == "[[1, 2], [3, 4]]"


def test_no_top_level_names_after_a_dot(client: DapClient) -> None:
    _, fid = stop(client, KINDS, "stop")
    for typed in ("nested['list'].", "gen_func().", "1.5."):
        labels = [t["label"] for t in completion_targets(client, fid, typed, len(typed) + 1)]
        assert "abs" not in labels and "import" not in labels, typed
    # with a partial name after the same dot, nothing is offered: the two must agree
    assert completion_targets(client, fid, "nested['list'].ap", 18) == []
