"""Debug console completions: names, attributes, dict keys; no user code, no values."""

from __future__ import annotations

import sys
import types
from typing import Any

from dap_server.state import completions

from .helpers import FakeRedactor, frame_of


class Config:
    def __init__(self) -> None:
        self.verbose = True
        self.password = "pw"

    @property
    def computed(self) -> int:
        raise AssertionError("not evaluated")

    def __getattr__(self, name: str) -> Any:
        raise AssertionError("user code ran")

    def reload(self) -> None:
        pass


def labels(items: list[dict[str, Any]]) -> list[str]:
    return [i["label"] for i in items]


def test_names_from_locals_globals_builtins_and_keywords() -> None:
    frame, snap = frame_of(counter=1, country="fr")
    items = completions("cou", 4, frame, snap)
    assert labels(items) == ["counter", "country"]
    assert items[0] == {
        "label": "counter",
        "type": "variable",
        "detail": "int",
        "start": 1,
        "length": 3,
    }
    items = completions("x = pri", 8, frame, snap)
    assert labels(items) == ["print"]
    assert items[0]["type"] == "function" and items[0]["start"] == 5
    assert "while" in labels(completions("whi", 4, frame, snap))
    # The frame's globals are those of tests/state/helpers.py.
    (item,) = completions("FakeRed", 8, frame, snap)
    assert (item["label"], item["type"]) == ("FakeRedactor", "class")


def test_columns_start_at_zero() -> None:
    frame, snap = frame_of(counter=1)
    (item,) = completions("coun", 4, frame, snap, columns_start_at_1=False)
    assert (item["label"], item["start"], item["length"]) == ("counter", 0, 4)


def test_attributes_without_running_user_code() -> None:
    frame, snap = frame_of(cfg=Config())
    items = completions("cfg.", 5, frame, snap)
    assert labels(items) == ["computed", "password", "reload", "verbose"]
    by = {i["label"]: i for i in items}
    assert by["computed"]["type"] == "property"
    assert by["reload"]["type"] == "function"
    assert by["verbose"]["start"] == 5 and by["verbose"]["length"] == 0
    assert labels(completions("cfg.re", 7, frame, snap)) == ["reload"]
    # Private names only once the user types the underscore.
    assert "__init__" in labels(completions("cfg.__", 7, frame, snap))


def test_module_and_chained_attributes() -> None:
    frame, snap = frame_of(sys=sys, ns=types.SimpleNamespace(inner=types.SimpleNamespace(leaf=1)))
    assert "version_info" in labels(completions("sys.version_", 13, frame, snap))
    assert labels(completions("ns.inner.le", 12, frame, snap)) == ["leaf"]
    assert completions("missing.", 9, frame, snap) == []


def test_dict_keys() -> None:
    frame, snap = frame_of(d={"alpha": 1, "beta": 2, "alps": 3, 4: "int key"})
    items = completions("d['al", 6, frame, snap)
    assert labels(items) == ["alpha", "alps"]
    assert items[0] == {
        "label": "alpha",
        "type": "value",
        "text": "alpha']",
        "start": 4,
        "length": 2,
    }
    assert labels(completions('d["', 4, frame, snap)) == ["alpha", "alps", "beta"]


def test_sensitive_names_listed_without_values() -> None:
    frame, snap = frame_of(password="hunter2", pass_count=3, cfg=Config())
    items = {i["label"]: i for i in completions("pass", 5, frame, snap, redactor=FakeRedactor())}
    assert set(items) == {"password", "pass_count", "pass"}  # "pass": the keyword
    assert "detail" not in items["password"]
    assert items["pass_count"]["detail"] == "int"
    for item in completions("cfg.", 5, frame, snap, redactor=FakeRedactor()):
        assert "hunter2" not in repr(item) and "pw" not in repr(item.get("detail"))
