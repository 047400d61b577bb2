"""`completions` for the debug console: names, `obj.` attributes, `d['` keys.

Runs inside the debuggee on the server thread, so nothing here may run user code: the object
before a `.` or `[` is resolved statically (names, then instance `__dict__` / slots / plain
class attributes, never a property), attributes are listed from the dictionaries along the MRO
(what `object.__dir__` would list, without calling a `__dir__` or `__getattr__`), and keys are
read from real dicts only. Items carry no values: a sensitive name is listed (the user typed
its prefix) but nothing about its value is, and the other items carry only their type name.

Positions (`column`, `start`, `length`) are in the client's base (`columnsStartAt1`, 1 by
default) and, as DAP says, in UTF-16 code units (an emoji before the cursor counts two).
"""

from __future__ import annotations

import builtins
import itertools
import keyword
import re
import types
from collections.abc import Iterable, Mapping
from typing import Any, Final

from .presentation import (
    MISSING,
    Redactor,
    class_dict,
    instance_dict,
    lookup_class_attr,
    mro,
    static_attribute,
    type_name,
)

__all__ = ["completions"]

_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
_ATTR_RE: Final = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\.([A-Za-z0-9_]*)$"
)
_KEY_RE: Final = re.compile(
    r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\[(['\"])([^'\"\\]*)$"
)
_MAX_KEYS: Final = 10_000  # keys scanned in one dict: cost follows this, not the dict


def completions(
    text: str,
    column: int,
    frame: types.FrameType,
    locals_snapshot: Mapping[str, object],
    *,
    redactor: Redactor | None = None,
    columns_start_at_1: bool = True,
    limit: int = 500,
) -> list[dict[str, Any]]:
    """The `targets` of a `completions` response for `text` with the cursor at `column`."""
    base = 1 if columns_start_at_1 else 0
    cursor = _code_points(text, max(0, column - base))
    before = text[:cursor]
    scopes = (locals_snapshot, frame.f_globals, vars(builtins))

    def finish(items: list[dict[str, Any]], partial: str) -> list[dict[str, Any]]:
        start = _utf16_length(before[: cursor - len(partial)])
        return _finish(items, start + base, _utf16_length(partial), limit)

    m = _KEY_RE.search(before)
    if m is not None:
        target = _resolve(m.group(1), scopes)
        partial = m.group(3)
        quote = m.group(2)
        items = [
            _item(k, "value", None, redactor, text=f"{_escaped(k, quote)}{quote}]")
            for k in _dict_keys(target)
            if k.startswith(partial)
        ]
        return finish(items, partial)

    m = _ATTR_RE.search(before)
    if m is not None:
        target = _resolve(m.group(1), scopes)
        if target is MISSING:
            return []
        partial = m.group(2)
        items = [
            _item(name, _item_type(value), value, redactor)
            for name, value in _attributes(target)
            if name.startswith(partial) and (partial.startswith("_") or not name.startswith("_"))
        ]
        return finish(items, partial)

    m = _NAME_RE.search(before)
    partial = m.group(0) if m is not None else ""
    begins = m.start() if m is not None else len(before)
    if begins > 0 and before[begins - 1] in "0123456789.":
        # The end of a number; or an attribute of what cannot be resolved without running
        # code (`items[0].`, `f().`): no names of the scope belong there.
        return []
    seen: set[str] = set()
    items = []
    for scope in scopes:
        for name, value in _items(scope):
            if name in seen or not name.startswith(partial):
                continue
            if name.startswith("__") and not partial.startswith("_"):
                continue
            seen.add(name)
            items.append(_item(name, _item_type(value), value, redactor))
    for word in keyword.kwlist:
        if word.startswith(partial) and word not in seen:
            items.append({"label": word, "type": "keyword"})
    return finish(items, partial)


def _code_points(text: str, utf16_offset: int) -> int:
    """The index in `text` of a position given in UTF-16 code units."""
    units = 0
    for index, char in enumerate(text):
        if units >= utf16_offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text)


def _utf16_length(text: str) -> int:
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _escaped(key: str, quote: str) -> str:
    """A dict key as it must be typed inside `quote`s."""
    return key.replace("\\", "\\\\").replace(quote, "\\" + quote)


def _finish(
    items: list[dict[str, Any]], start: int, length: int, limit: int
) -> list[dict[str, Any]]:
    items.sort(key=lambda i: (i["label"].startswith("_"), i["label"].lower()))
    for item in items:
        item["start"] = start
        item["length"] = length
    return items[:limit]


def _item(
    name: str,
    kind: str,
    value: object,
    redactor: Redactor | None,
    *,
    text: str | None = None,
) -> dict[str, Any]:
    item: dict[str, Any] = {"label": name, "type": kind}
    if text is not None:
        item["text"] = text
    sensitive = redactor is not None and redactor.enabled and redactor.is_sensitive_name(name)
    if value is not None and value is not MISSING and not sensitive:
        item["detail"] = type_name(value)
    return item


def _item_type(value: object) -> str:
    cls = type(value)
    if cls in (types.FunctionType, types.BuiltinFunctionType, staticmethod):
        return "function"
    if cls in (
        types.MethodType,
        types.MethodDescriptorType,
        types.WrapperDescriptorType,
        classmethod,
        types.ClassMethodDescriptorType,
    ):
        return "method"
    if cls is property:
        return "property"
    if issubclass(cls, types.ModuleType):
        return "module"
    if issubclass(cls, type):
        return "class"
    return "variable"


def _items(mapping: Mapping[str, object]) -> Iterable[tuple[str, object]]:
    items = dict.items(mapping) if issubclass(type(mapping), dict) else mapping.items()  # type: ignore[arg-type]
    return ((k, v) for k, v in items if type(k) is str)


def _resolve(dotted: str, scopes: tuple[Mapping[str, object], ...]) -> object:
    first, *rest = dotted.split(".")
    value: object = MISSING
    for scope in scopes:
        if first in scope:
            value = scope[first]
            break
    for name in rest:
        if value is MISSING:
            return MISSING
        if issubclass(type(value), type):
            found = lookup_class_attr(value, name)  # type: ignore[arg-type]
            value = found[1] if found is not None else MISSING
        else:
            value = static_attribute(value, name)
    return value


def _attributes(target: object) -> list[tuple[str, object]]:
    out: dict[str, object] = {}
    if issubclass(type(target), type):
        for klass in mro(target):  # type: ignore[arg-type]
            for k, v in class_dict(klass).items():
                if type(k) is str:
                    out.setdefault(k, v)
        return list(out.items())
    d = instance_dict(target)
    if d:
        for k, v in d.items():
            if type(k) is str:
                out.setdefault(k, v)
    for klass in mro(type(target)):
        for k, v in class_dict(klass).items():
            if type(k) is str:
                out.setdefault(k, v)
    return list(out.items())


def _dict_keys(target: object) -> list[str]:
    if target is MISSING or not issubclass(type(target), dict):
        return []
    d: dict[object, object] = target  # type: ignore[assignment]
    return [k for k in itertools.islice(dict.__iter__(d), _MAX_KEYS) if type(k) is str]
