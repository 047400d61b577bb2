"""Scopes, children, evaluateName, paging, range groups, lazy properties, stale references."""

from __future__ import annotations

import collections
import sys
import threading
import types
import typing
from typing import Any

import pytest

from dap_server.state import InvalidReferenceError, StaleReferenceError, VariableStore

from .helpers import FakeRedactor, ThreadRunner, by_name, frame_of, make_store

MILLION = 1_000_000


class Account:
    kind = "basic"

    def __init__(self) -> None:
        self.owner = "ann"
        self._balance = [10, 20]
        self.password = "hunter2"
        self.api = {"token": "t0k", "url": "http://x"}

    @property
    def total(self) -> int:
        return sum(self._balance)

    @property
    def broken(self) -> int:
        raise ValueError("cannot compute")

    def deposit(self, amount: int) -> None:
        self._balance.append(amount)

    @staticmethod
    def helper() -> None:
        pass

    class Nested:
        pass


class Slots:
    __slots__ = ("a", "b")

    def __init__(self) -> None:
        self.a = 1  # b stays unset


def locals_frame() -> tuple[types.FrameType, dict[str, object]]:
    # The locals are read through the frame, hence "unused".
    big_list = list(range(MILLION))  # noqa: F841
    big_dict = {f"k{i}": i for i in range(MILLION)}  # noqa: F841
    account = Account()  # noqa: F841
    _private = 3
    shadow = "local"  # noqa: F841 - also a global of this module
    frame = sys._getframe()
    return frame, dict(frame.f_locals)


shadow = "global"


def children(store: VariableStore, ref: int, **kw: Any) -> list[dict[str, Any]]:
    return store.variables(ref, **kw)


# ---------------------------------------------------------------------------------------------
# scopes


def test_scopes_locals_globals_exception_and_return_value() -> None:
    store = make_store()
    frame, snap = locals_frame()
    exc = ValueError("boom")
    scopes = store.scopes(frame, snap, exception=exc, return_value=42, return_name="helper")
    assert [s["name"] for s in scopes] == ["Locals", "Globals", "Exception"]
    assert scopes[0]["presentationHint"] == "locals"
    assert scopes[0]["namedVariables"] == len(snap) + 1
    assert all(s["expensive"] is False for s in scopes)

    loc = children(store, scopes[0]["variablesReference"])
    assert loc[0] == {
        "name": "(return) helper",
        "type": "int",
        "value": "42",
        "variablesReference": 0,
        "presentationHint": {"kind": "data", "attributes": ["readOnly"]},
    }
    names = [v["name"] for v in loc]
    assert names[1:] == ["big_list", "big_dict", "account", "_private", "shadow", "frame"]
    v = by_name(loc)
    assert v["_private"]["presentationHint"] == {"kind": "data", "visibility": "private"}
    assert v["shadow"]["evaluateName"] == "shadow"

    glob = by_name(children(store, scopes[1]["variablesReference"]))
    # A global shadowed by a local is reached through globals().
    assert glob["shadow"]["evaluateName"] == "globals()['shadow']"
    assert glob["shadow"]["value"] == "'global'"
    assert glob["MILLION"]["evaluateName"] == "MILLION"
    # Functions, classes and dunders are grouped apart from data.
    assert {"special variables", "function variables", "class variables"} <= set(glob)
    assert "locals_frame" not in glob and "Account" not in glob and "__name__" not in glob
    funcs = by_name(children(store, glob["function variables"]["variablesReference"]))
    assert funcs["locals_frame"]["presentationHint"] == {"kind": "method"}
    classes = by_name(children(store, glob["class variables"]["variablesReference"]))
    assert classes["Account"]["value"] == "<class 'tests.state.test_variables.Account'>"
    assert classes["Account"]["presentationHint"] == {"kind": "class"}
    special = by_name(children(store, glob["special variables"]["variablesReference"]))
    assert special["__name__"]["value"] == "'tests.state.test_variables'"

    (exc_var,) = children(store, scopes[2]["variablesReference"])
    assert exc_var["name"] == "exception"
    assert exc_var["value"] == "ValueError('boom')"
    assert exc_var["type"] == "ValueError"
    exc_children = by_name(children(store, exc_var["variablesReference"]))
    assert exc_children["args"]["value"] == "('boom',)"


def test_module_level_frame_has_no_separate_globals() -> None:
    store = make_store()
    frame = sys._getframe()
    code = compile("import sys\nf = sys._getframe()", "<mod>", "exec")
    ns: dict[str, Any] = {}
    exec(code, ns)
    frame = ns["f"]
    scopes = store.scopes(frame, frame.f_globals)
    assert [s["name"] for s in scopes] == ["Locals"]


def test_locals_of_frame_with_huge_containers_cost_follows_preview() -> None:
    store = make_store()
    frame, snap = locals_frame()
    calls = 0
    render = store.presenter._render

    def counting(value: object, state: Any, depth: int) -> str:
        nonlocal calls
        calls += 1
        return render(value, state, depth)

    store.presenter._render = counting  # type: ignore[method-assign]
    scopes = store.scopes(frame, snap)
    v = by_name(children(store, scopes[0]["variablesReference"]))
    assert calls < 500  # previews only, never a million renders
    assert v["big_list"]["value"].endswith(", ...] (1,000,000 items)")
    assert v["big_list"]["indexedVariables"] == MILLION
    assert v["big_list"]["namedVariables"] == 0
    assert v["big_dict"]["value"].startswith("{'k0': 0, 'k1': 1, ")
    assert v["big_dict"]["indexedVariables"] == MILLION


# ---------------------------------------------------------------------------------------------
# children of objects


def _account_children(store: VariableStore) -> dict[str, dict[str, Any]]:
    frame, snap = frame_of(acct=Account())
    (loc,) = store.scopes(frame, snap)[:1]
    (acct,) = children(store, loc["variablesReference"])
    return by_name(children(store, acct["variablesReference"]))


def test_object_attributes_evaluate_names_and_hints() -> None:
    store = make_store()
    c = _account_children(store)
    assert c["owner"] == {
        "name": "owner",
        "evaluateName": "acct.owner",
        "type": "str",
        "value": "'ann'",
        "variablesReference": 0,
        "presentationHint": {"kind": "data"},
    }
    assert c["_balance"]["presentationHint"] == {"kind": "data", "visibility": "private"}
    assert c["_balance"]["indexedVariables"] == 2
    assert c["kind"]["evaluateName"] == "acct.kind"
    # Properties: lazy, own reference, not evaluated on listing.
    assert c["total"] == {
        "name": "total",
        "evaluateName": "acct.total",
        "value": "<property: expand to evaluate>",
        "type": "property",
        "variablesReference": c["total"]["variablesReference"],
        "presentationHint": {"kind": "property", "lazy": True, "attributes": ["readOnly"]},
    }
    assert c["total"]["variablesReference"] > 0
    (total,) = children(store, c["total"]["variablesReference"])
    assert total["name"] == "total"
    assert total["value"] == "30"
    assert total["evaluateName"] == "acct.total"
    (broken,) = children(store, c["broken"]["variablesReference"])
    assert broken["value"] == "<getter raised ValueError: cannot compute>"
    assert broken["variablesReference"] == 0
    # Methods and nested classes in their groups.
    funcs = by_name(children(store, c["function variables"]["variablesReference"]))
    assert set(funcs) == {"deposit", "helper"}
    assert funcs["deposit"]["evaluateName"] == "acct.deposit"
    assert funcs["deposit"]["value"].startswith("<bound method Account.deposit of <tests.state")
    classes = by_name(children(store, c["class variables"]["variablesReference"]))
    assert classes["Nested"]["value"] == "<class 'tests.state.test_variables.Account.Nested'>"
    special = by_name(children(store, c["special variables"]["variablesReference"]))
    assert special["__class__"]["value"] == "<class 'tests.state.test_variables.Account'>"
    assert special["__class__"]["evaluateName"] == "acct.__class__"
    assert "__dict__" in special and "__init__" in special


def test_slots_listed_unset_slot_skipped() -> None:
    store = make_store()
    frame, snap = frame_of(s=Slots())
    (s,) = children(store, store.scopes(frame, snap)[0]["variablesReference"])
    c = by_name(children(store, s["variablesReference"]))
    assert c["a"]["value"] == "1"
    assert c["a"]["evaluateName"] == "s.a"
    assert "b" not in c


def test_listing_runs_no_user_code() -> None:
    touched: list[str] = []

    class Sneaky:
        def __init__(self) -> None:
            self.x = 1

        def __getattribute__(self, name: str) -> Any:
            touched.append(name)
            return object.__getattribute__(self, name)

        def __getattr__(self, name: str) -> Any:
            touched.append(name)
            raise AttributeError(name)

        def __dir__(self) -> list[str]:
            touched.append("__dir__")
            return []

        @property
        def prop(self) -> int:
            touched.append("prop")
            return 1

    def refusing(fn: Any, timeout: float) -> Any:
        raise AssertionError("the runner must not be used to list")

    store = make_store(refusing)
    obj = Sneaky()
    touched.clear()
    frame, snap = frame_of(obj=obj)
    (v,) = children(store, store.scopes(frame, snap)[0]["variablesReference"])
    c = by_name(children(store, v["variablesReference"]))
    assert c["x"]["value"] == "1"
    assert c["prop"]["presentationHint"]["lazy"] is True
    assert touched == []


def test_blocking_property_is_not_run_on_listing_and_times_out_on_expansion() -> None:
    release = threading.Event()
    started = threading.Event()

    class Blocking:
        @property
        def stuck(self) -> int:
            started.set()
            release.wait(10)
            return 1

    runner = ThreadRunner()
    store = make_store(runner, getter_timeout=0.2)
    try:
        frame, snap = frame_of(b=Blocking())
        (b,) = children(store, store.scopes(frame, snap)[0]["variablesReference"])
        c = by_name(children(store, b["variablesReference"]))
        assert not started.is_set()
        assert runner.calls == 0
        (stuck,) = children(store, c["stuck"]["variablesReference"])
        assert stuck["value"] == "<getter timed out after 0.2s>"
        assert stuck["variablesReference"] == 0
        assert started.is_set()
        # The store still answers after the timeout.
        assert children(store, b["variablesReference"])
    finally:
        release.set()


# ---------------------------------------------------------------------------------------------
# containers, evaluateName paths


def test_container_children_and_evaluate_names() -> None:
    store = make_store()
    Point = collections.namedtuple("Point", "x y")
    frame, snap = frame_of(
        lst=[10, [20]],
        tup=(1,),
        d={"a": 1, 2: "b", (1, "x"): None, Point(0, 0): 3},
        s={5},
        pt=Point(1, 2),
        dq=collections.deque([7]),
        od=collections.OrderedDict([("b", 1), ("a", 2)]),
        r=range(3),
    )
    v = by_name(children(store, store.scopes(frame, snap)[0]["variablesReference"]))

    lst = children(store, v["lst"]["variablesReference"])
    assert [(c["name"], c["evaluateName"], c["value"]) for c in lst] == [
        ("0", "lst[0]", "10"),
        ("1", "lst[1]", "[20]"),
    ]
    (inner,) = children(store, lst[1]["variablesReference"])
    assert inner["evaluateName"] == "lst[1][0]"

    (t0,) = children(store, v["tup"]["variablesReference"])
    assert t0["presentationHint"] == {"kind": "data", "attributes": ["readOnly"]}

    d = children(store, v["d"]["variablesReference"])
    assert [(c["name"], c["evaluateName"], c["value"]) for c in d] == [
        ("'a'", "d['a']", "1"),
        ("2", "d[2]", "'b'"),
        ("(1, 'x')", "d[(1, 'x')]", "None"),
        ("Point(x=0, y=0)", "d[list(d)[3]]", "3"),
    ]

    (s0,) = children(store, v["s"]["variablesReference"])
    assert (s0["name"], s0["evaluateName"], s0["value"]) == ("0", "list(s)[0]", "5")

    pt = children(store, v["pt"]["variablesReference"])
    assert [(c["name"], c["evaluateName"], c["value"]) for c in pt] == [
        ("x", "pt.x", "1"),
        ("y", "pt.y", "2"),
    ]
    assert v["pt"]["namedVariables"] == 2

    (dq0,) = children(store, v["dq"]["variablesReference"])
    assert (dq0["evaluateName"], dq0["value"]) == ("dq[0]", "7")
    od = children(store, v["od"]["variablesReference"])
    assert [c["name"] for c in od] == ["'b'", "'a'"]
    r = children(store, v["r"]["variablesReference"])
    assert [(c["evaluateName"], c["value"]) for c in r] == [
        ("r[0]", "0"),
        ("r[1]", "1"),
        ("r[2]", "2"),
    ]


def test_evaluate_names_of_awkward_parents_and_attributes() -> None:
    store = make_store()

    class Obj:
        pass

    o = Obj()
    setattr(o, "not an identifier", 1)
    ref = store.register(o, "a + b")
    c = by_name(children(store, ref))
    assert c["not an identifier"]["evaluateName"] == "getattr(a + b, 'not an identifier')"
    ref = store.register([1], "a + b")
    assert children(store, ref)[0]["evaluateName"] == "(a + b)[0]"


def test_empty_containers_and_scalars_are_not_expandable() -> None:
    store = make_store()
    frame, snap = frame_of(a=[], b={}, c=0, d="s", e=None)
    v = by_name(children(store, store.scopes(frame, snap)[0]["variablesReference"]))
    assert {k: x["variablesReference"] for k, x in v.items()} == dict.fromkeys("abcde", 0)


def test_recursive_container_expands_step_by_step() -> None:
    store = make_store()
    lst: list[object] = [1]
    lst.append(lst)
    ref = store.register(lst, "lst")
    kids = children(store, ref)
    assert kids[1]["value"] == "[1, [...]]"
    again = children(store, kids[1]["variablesReference"])
    assert again[1]["evaluateName"] == "lst[1][1]"


def test_deeply_nested_structure() -> None:
    store = make_store()
    deep: dict[str, object] = {}
    cur = deep
    for _ in range(5000):
        nxt: dict[str, object] = {}
        cur["n"] = nxt
        cur = nxt
    ref = store.register(deep, "deep")
    expr = "deep"
    for _ in range(50):
        (child,) = children(store, ref)
        expr += "['n']"
        assert child["evaluateName"] == expr
        ref = child["variablesReference"]
    assert child["value"] == "{'n': {'n': {'n': {'n': {...}}}}}"


# ---------------------------------------------------------------------------------------------
# paging


def test_paging_a_million_element_list() -> None:
    store = make_store()
    ref = store.register(list(range(MILLION)), "big")
    page = children(store, ref, filter="indexed", start=0, count=100)
    assert len(page) == 100
    assert page[0] == {
        "name": "0",
        "evaluateName": "big[0]",
        "type": "int",
        "value": "0",
        "variablesReference": 0,
        "presentationHint": {"kind": "data"},
    }
    assert [c["name"] for c in page][-1] == "99"
    late = children(store, ref, filter="indexed", start=999_990, count=100)
    assert [c["value"] for c in late] == [str(i) for i in range(999_990, MILLION)]
    assert children(store, ref, filter="named") == []


def test_paging_a_million_entry_dict_does_not_copy_it() -> None:
    store = make_store()
    big = {f"k{i}": i for i in range(MILLION)}
    ref = store.register(big, "big")
    page = children(store, ref, filter="indexed", start=0, count=100)
    assert [(c["name"], c["evaluateName"], c["value"]) for c in page[:2]] == [
        ("'k0'", "big['k0']", "0"),
        ("'k1'", "big['k1']", "1"),
    ]
    assert len(page) == 100
    page = children(store, ref, filter="indexed", start=500_000, count=3)
    assert [c["value"] for c in page] == ["500000", "500001", "500002"]


def test_range_groups_for_clients_without_paging() -> None:
    store = make_store(supports_paging=False)
    ref = store.register(list(range(MILLION)), "big")
    groups = children(store, ref)
    assert len(groups) == 1000
    assert groups[0] == {
        "name": "[0..999]",
        "value": "",
        "variablesReference": groups[0]["variablesReference"],
        "indexedVariables": 1000,
        "presentationHint": {"kind": "virtual"},
    }
    assert groups[-1]["name"] == "[999000..999999]"
    inner = children(store, groups[3]["variablesReference"])
    assert [c["name"] for c in inner][:2] == ["3000", "3001"]
    assert inner[0]["evaluateName"] == "big[3000]"
    assert len(inner) == 1000


def test_range_groups_nest_for_bigger_containers() -> None:
    store = make_store(supports_paging=False, range_size=10)
    ref = store.register(list(range(1234)), "x")
    top = children(store, ref)
    assert [g["name"] for g in top] == [
        "[0..999]",
        "[1000..1233]",
    ]
    mid = children(store, top[1]["variablesReference"])
    assert [g["name"] for g in mid] == [
        "[1000..1099]",
        "[1100..1199]",
        "[1200..1233]",
    ]
    low = children(store, mid[2]["variablesReference"])
    assert [g["name"] for g in low][-1] == "[1230..1233]"
    leaf = children(store, low[-1]["variablesReference"])
    assert [c["value"] for c in leaf] == ["1230", "1231", "1232", "1233"]


def test_range_groups_for_big_dict_and_small_containers_whole() -> None:
    store = make_store(supports_paging=False)
    ref = store.register({i: i for i in range(2500)}, "d")
    assert [g["name"] for g in children(store, ref)] == [
        "[0..999]",
        "[1000..1999]",
        "[2000..2499]",
    ]
    ref = store.register(list(range(5)), "small")
    assert [c["name"] for c in children(store, ref)] == ["0", "1", "2", "3", "4"]


# ---------------------------------------------------------------------------------------------
# references


def test_stale_references_are_refused_after_resume() -> None:
    store = make_store()
    ref = store.register([1, 2], "x")
    assert children(store, ref)[0]["value"] == "1"
    store.invalidate()
    with pytest.raises(StaleReferenceError) as info:
        children(store, ref)
    assert str(info.value) == (
        f"variablesReference {ref} is no longer valid: the program has resumed since it was issued"
    )
    # New references never reuse old numbers.
    new = store.register([3], "y")
    assert new > ref
    with pytest.raises(InvalidReferenceError, match="is unknown"):
        children(store, new + 1000)


def test_same_value_same_reference_within_a_stop() -> None:
    store = make_store()
    frame, snap = frame_of(a=[1])
    loc = store.scopes(frame, snap)[0]["variablesReference"]
    first = children(store, loc)[0]["variablesReference"]
    second = children(store, loc)[0]["variablesReference"]
    assert first == second


def test_resume_during_a_request_fails_it_instead_of_leaking_refs() -> None:
    store = make_store()
    value = [[1], [2]]
    ref = store.register(value, "v")

    original = store._intern

    def resume_then_intern(*args: Any) -> int:
        store.invalidate()
        store._intern = original  # type: ignore[method-assign]
        return original(*args)

    store._intern = resume_then_intern  # type: ignore[method-assign, assignment]
    with pytest.raises(StaleReferenceError):
        children(store, ref)


# ---------------------------------------------------------------------------------------------
# redaction


def test_sensitive_names_are_redacted_at_any_depth() -> None:
    store = make_store(redactor=FakeRedactor())
    frame, snap = frame_of(password="hunter2", acct=Account(), note="key sk-abcdefghijk here")
    v = by_name(children(store, store.scopes(frame, snap)[0]["variablesReference"]))
    assert v["password"]["value"] == "[REDACTED]"
    assert v["password"]["variablesReference"] == 0
    assert v["note"]["value"] == "'key [REDACTED] here'"
    acct = by_name(children(store, v["acct"]["variablesReference"]))
    assert acct["password"]["value"] == "[REDACTED]"
    assert acct["api"]["value"] == "{'token': [REDACTED], 'url': 'http://x'}"
    api = by_name(children(store, acct["api"]["variablesReference"]))
    assert api["'token'"]["value"] == "[REDACTED]"
    assert api["'token'"]["variablesReference"] == 0
    assert api["'url'"]["value"] == "'http://x'"


def test_sensitive_container_cannot_be_expanded() -> None:
    store = make_store(redactor=FakeRedactor())
    frame, snap = frame_of(secrets={"a": 1})
    (v,) = children(store, store.scopes(frame, snap)[0]["variablesReference"])
    assert (v["value"], v["variablesReference"]) == ("[REDACTED]", 0)


def test_sensitive_property_is_not_expandable() -> None:
    class Holder:
        @property
        def token(self) -> str:
            raise AssertionError("not evaluated")

    store = make_store(redactor=FakeRedactor())
    ref = store.register(Holder(), "h")
    c = by_name(children(store, ref))
    assert (c["token"]["value"], c["token"]["variablesReference"]) == ("[REDACTED]", 0)


def test_hex_format_for_variables() -> None:
    store = make_store()
    ref = store.register([255, [16]], "x")
    kids = children(store, ref, fmt={"hex": True})
    assert [c["value"] for c in kids] == ["0xff", "[0x10]"]


def test_dict_subclass_and_list_subclass_with_attributes() -> None:
    class Tagged(list[int]):
        pass

    t = Tagged([1, 2])
    t.tag = "x"  # type: ignore[attr-defined]
    store = make_store()
    ref = store.register(t, "t")
    kids = children(store, ref)
    assert [(c["name"], c.get("evaluateName")) for c in kids] == [
        ("tag", "t.tag"),
        ("0", "t[0]"),
        ("1", "t[1]"),
    ]
    assert children(store, ref, filter="named")[0]["name"] == "tag"


def test_generator_children_show_frame_state() -> None:
    def gen() -> typing.Iterator[int]:
        yield 1

    g = gen()
    next(g)
    store = make_store()
    kids = by_name(children(store, store.register(g, "g")))
    assert kids["gi_running"]["value"] == "False"
    assert kids["gi_frame"]["value"].startswith("<frame at 0x")


def test_module_children() -> None:
    store = make_store()
    mod = types.ModuleType("mymod")
    mod.x = 1  # type: ignore[attr-defined]
    mod.f = len  # type: ignore[attr-defined]
    kids = by_name(children(store, store.register(mod, "mymod")))
    assert kids["x"]["evaluateName"] == "mymod.x"
    assert "function variables" in kids and "special variables" in kids


def test_return_value_without_a_name() -> None:
    store = make_store()
    frame, snap = frame_of(a=1)
    loc = store.scopes(frame, snap, return_value=None)[0]["variablesReference"]
    assert children(store, loc)[0]["name"] == "(return)"
