"""Variable references: scopes, children, paging and lazy attributes, as DAP `Variable` dicts.

Runs inside the debuggee on the server thread (standard library only). Listing never runs user
code: children come from the containers' own C methods, instance `__dict__` and slots; a
property or other Python-level descriptor is listed as a *lazy* variable whose own reference
evaluates it (through the runner, with a time limit) only when the user expands it. The only
other user code is a `__repr__` of a user class, run by the `Presenter` under the same runner.

References are handles into a table that `invalidate()` (at every resume) empties. Numbers are
never reused (a counter that only grows), so a reference from before a resume is recognised and
refused with a clear error instead of pointing at some newer value.

Paging: a container's elements are its *indexed* children (dict entries too, named by their
key, so that clients page dicts the same way as lists); `start`/`count` select a page, and the
cost is that of the page (`itertools.islice` over a dict's items, never a copy of the dict). A
client without `supportsVariablePaging` gets range groups `[0..999]`, `[1000..1999]`... instead,
nested so that no level has more than `range_size` entries.
"""

from __future__ import annotations

import ast
import functools
import itertools
import keyword
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from .presentation import (
    MISSING,
    REDACTED,
    Budget,
    Presenter,
    class_dict,
    format_seconds,
    has_get,
    instance_dict,
    is_data_descriptor,
    lookup_class_attr,
    mro,
    numpy_array_type,
    numpy_scalar_types,
    pandas_types,
    type_name,
)

__all__ = [
    "InvalidReferenceError",
    "StaleReferenceError",
    "VariableStore",
    "attribute_expression",
    "item_expression",
]

# Largest value a DAP variablesReference may take (the spec caps it at 2^31 - 1).
_MAX_REF: Final = 2**31 - 1

_LEAF_TYPES: Final[frozenset[type]] = frozenset(
    {type(None), bool, int, float, complex, str, bytes, type(Ellipsis), type(NotImplemented)}
)
_FUNCTION_TYPES: Final[frozenset[type]] = frozenset(
    {
        types.FunctionType,
        types.MethodType,
        types.BuiltinFunctionType,
        types.MethodWrapperType,
        types.WrapperDescriptorType,
        types.MethodDescriptorType,
        types.ClassMethodDescriptorType,
        staticmethod,
        classmethod,
    }
)
# C-level methods of builtin bases (list.append...): listed by dir() but noise in a debugger.
_C_METHOD_TYPES: Final[frozenset[type]] = frozenset(
    {
        types.WrapperDescriptorType,
        types.MethodDescriptorType,
        types.ClassMethodDescriptorType,
        types.BuiltinFunctionType,
    }
)
# Getset descriptors that may run user code on some Python version (3.14 evaluates
# annotations lazily), so they are shown lazily instead of read.
_LAZY_GETSETS: Final = frozenset({"__annotations__", "__annotate__"})

_GROUPS: Final = (
    ("special", "special variables"),
    ("function", "function variables"),
    ("class", "class variables"),
)


class InvalidReferenceError(LookupError):
    """A variablesReference that does not name anything (its message goes to the client)."""


class StaleReferenceError(InvalidReferenceError):
    def __init__(self, ref: int) -> None:
        super().__init__(
            f"variablesReference {ref} is no longer valid: "
            "the program has resumed since it was issued"
        )
        self.ref = ref


# --------------------------------------------------------------------------------------------
# evaluateName construction


@functools.lru_cache(maxsize=1024)
def _is_primary(expr: str) -> bool:
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call, ast.Constant))


def _primary(expr: str) -> str:
    return expr if _is_primary(expr) else f"({expr})"


def attribute_expression(parent: str | None, name: str) -> str | None:
    """`parent.name`, or `getattr(parent, 'na me')` for names that are not identifiers."""
    if parent is None:
        return None
    if name.isidentifier() and not keyword.iskeyword(name):
        return f"{_primary(parent)}.{name}"
    return f"getattr({parent}, {name!r})"


def item_expression(parent: str | None, key_source: str) -> str | None:
    return None if parent is None else f"{_primary(parent)}[{key_source}]"


def _literal(value: object, depth: int = 0) -> str | None:
    """Source text that evaluates to `value`, for the plain literal types; else None."""
    t = type(value)
    # Exact-type checks first: isinstance alone could consult a user `__class__` property.
    if t is str and isinstance(value, str):
        return str.__repr__(value) if len(value) <= 200 else None
    if t is bytes and isinstance(value, bytes):
        return bytes.__repr__(value) if len(value) <= 200 else None
    if t is bool or value is None:
        return "True" if value is True else "False" if value is False else "None"
    if t is int and isinstance(value, int):
        return int.__repr__(value) if value.bit_length() < 200 else None
    if t is float and isinstance(value, float):
        text = float.__repr__(value)
        return text if text not in ("inf", "-inf", "nan") else None
    if t is tuple and isinstance(value, tuple) and depth < 3 and len(value) <= 10:
        parts = [_literal(v, depth + 1) for v in value]
        if any(p is None for p in parts):
            return None
        if len(parts) == 1:
            return f"({parts[0]},)"
        return "(" + ", ".join(p for p in parts if p is not None) + ")"
    return None


# --------------------------------------------------------------------------------------------
# Children


@dataclass
class _Child:
    name: str
    value: object = None
    evaluate_name: str | None = None
    kind: str = "data"  # data / property / method / class / virtual
    read_only: bool = False
    private: bool = False
    sensitive: bool = False
    lazy: _LazyNode | None = None
    node: _Node | None = None  # virtual children (groups, ranges) carry their node
    hint_attrs: tuple[str, ...] = ()


# Hides a rendered text that gives a secret away (returns REDACTED for it); see `Scrub` users.
Scrub = Callable[[str], str]


class _Node:
    # Set on the values an evaluation outside the console produced (and on everything reached
    # from them): their texts pass through it, so expanding such a result cannot show what the
    # result itself was not allowed to show. None everywhere else.
    scrub: Scrub | None = None
    # Where the value was reached from (the caller's token for a frame: its scopes, or the
    # frame an evaluation ran in), inherited by everything below it; see `origin`.
    origin: object = None


@dataclass
class _ValueNode(_Node):
    value: object
    evaluate_name: str | None
    source: _Source | None = None


@dataclass
class _NamespaceNode(_Node):
    mapping: Mapping[str, object]
    expression: Callable[[str], str | None]
    first: list[_Child] = field(default_factory=list)
    source: _Source | None = None
    globals_scope: bool = False  # a function frame's Globals: assignments go to the module


@dataclass
class _GroupNode(_Node):
    children: list[_Child]


@dataclass
class _RangeNode(_Node):
    source: _Source
    part: str  # "named" or "indexed"
    lo: int
    hi: int


@dataclass
class _LazyNode(_Node):
    owner: object
    attribute: str
    evaluate_name: str | None
    read_only: bool


class _Source:
    """The children of one value: a small named list and a pageable indexed sequence."""

    def __init__(
        self,
        named: list[_Child] | None = None,
        length: int = 0,
        page: Callable[[int, int], list[_Child]] | None = None,
    ) -> None:
        self.named = named or []
        self.length = length
        self._page = page

    def page(self, part: str, start: int, count: int) -> list[_Child]:
        if part == "named":
            return self.named[start : start + count]
        if self._page is None or count <= 0 or start >= self.length:
            return []
        return self._page(start, min(count, self.length - start))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")


def _kind_of(value: object) -> str:
    cls = type(value)
    if cls in _FUNCTION_TYPES:
        return "method"
    if issubclass(cls, type):
        return "class"
    return "data"


# --------------------------------------------------------------------------------------------


@dataclass
class _Request:
    generation: int
    hex: bool
    budget: Budget
    scrub: Scrub | None = None
    origin: object = None


class VariableStore:
    """Issues and resolves variablesReferences; builds `Scope` and `Variable` dicts.

    All methods are called from the debuggee's server thread; a lock still guards the table so
    that a resume (`invalidate`) arriving while an inspection request runs elsewhere is safe:
    such a request then fails with `StaleReferenceError` rather than issue references into the
    new stop.
    """

    def __init__(
        self,
        presenter: Presenter,
        *,
        supports_paging: bool = True,
        range_size: int = 1000,
        getter_timeout: float = 1.0,
        request_budget: float = 2.0,
    ) -> None:
        self.presenter = presenter
        # From the client's `initialize` (`supportsVariablePaging`); nvim-dap says false.
        self.supports_paging = supports_paging
        self.range_size = range_size
        self.getter_timeout = getter_timeout
        self.request_budget = request_budget
        self._lock = threading.RLock()
        self._nodes: dict[int, _Node] = {}
        self._interned: dict[tuple[object, ...], int] = {}
        self._next = 1
        # References below this were issued before the last invalidate().
        self._first_valid = 1
        self._generation = 0

    # -- lifetime -----------------------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget every reference (call at each resume)."""
        with self._lock:
            self._nodes.clear()
            self._interned.clear()
            self._generation += 1
            if self._next >= _MAX_REF - 1_000_000:
                # After ~2 billion references numbers start again; a reference older than that
                # could then be mistaken for a new one. Not reachable in a real session.
                self._next = 1
            self._first_valid = self._next

    def refresh(self) -> None:
        """The debugger changed the program (setVariable, a console statement): listings are
        rebuilt from the live objects on their next request; references stay valid."""
        with self._lock:
            for node in self._nodes.values():
                if isinstance(node, (_NamespaceNode, _ValueNode)):
                    node.source = None

    @property
    def generation(self) -> int:
        return self._generation

    def _lookup(self, ref: int) -> tuple[_Node, int]:
        with self._lock:
            node = self._nodes.get(ref)
            if node is not None:
                return node, self._generation
            if 0 < ref < self._first_valid:
                raise StaleReferenceError(ref)
            raise InvalidReferenceError(f"variablesReference {ref} is unknown")

    def _intern(self, key: tuple[object, ...], make: Callable[[], _Node], generation: int) -> int:
        with self._lock:
            if generation != self._generation:
                # The program resumed while this request was running.
                raise StaleReferenceError(self._next - 1)
            ref = self._interned.get(key)
            if ref is not None:
                return ref
            ref = self._next
            self._next += 1
            self._nodes[ref] = make()
            self._interned[key] = ref
            return ref

    def _request(self, fmt: Mapping[str, Any] | None, budget: Budget | None) -> _Request:
        return _Request(
            self._generation,
            bool(fmt and fmt.get("hex")),
            budget if budget is not None else Budget.of(self.request_budget),
        )

    # -- public: scopes / variables -----------------------------------------------------------

    def scopes(
        self,
        frame: types.FrameType,
        frame_locals_snapshot: Mapping[str, object],
        *,
        exception: BaseException | None = None,
        return_value: object = MISSING,
        return_name: str | None = None,
        origin: object = None,
    ) -> list[dict[str, Any]]:
        """`scopes` response body's `scopes`: Locals, Globals, and Exception when given.
        `origin`: the caller's token for the frame, which `origin(ref)` gives back for these
        scopes and everything reached from them.

        `return_value` (after a step out or over a call) appears first in Locals as
        "(return) <return_name>"; `return_name` is the name of the function that returned
        (the frame shown is its caller, so it cannot be derived from `frame`).
        """
        gen = self._generation
        f_locals = frame_locals_snapshot
        f_globals = frame.f_globals
        first: list[_Child] = []
        if return_value is not MISSING:
            first.append(
                _Child(
                    f"(return) {return_name}" if return_name else "(return)",
                    return_value,
                    None,
                    kind=_kind_of(return_value),
                    read_only=True,
                )
            )
        module_level = f_locals is f_globals
        scopes: list[dict[str, Any]] = []

        def scope(node: _Node) -> _Node:
            node.origin = origin
            return node

        locals_ref = self._intern(
            ("scope", "locals", id(frame)),
            lambda: scope(_NamespaceNode(f_locals, lambda n: n, first)),
            gen,
        )
        scopes.append(
            {
                "name": "Locals",
                "presentationHint": "locals",
                "variablesReference": locals_ref,
                "namedVariables": _safe_len(f_locals) + len(first),
                "expensive": False,
            }
        )
        if not module_level:

            def global_expr(name: str) -> str | None:
                # A local of the same name shadows it in the frame.
                return f"globals()[{name!r}]" if name in f_locals else name

            globals_ref = self._intern(
                ("scope", "globals", id(frame)),
                lambda: scope(_NamespaceNode(f_globals, global_expr, globals_scope=True)),
                gen,
            )
            scopes.append(
                {
                    "name": "Globals",
                    "variablesReference": globals_ref,
                    "namedVariables": len(f_globals),
                    "expensive": False,
                }
            )
        if exception is not None:
            exc_child = _Child("exception", exception, None, read_only=True)
            exc_ref = self._intern(
                ("scope", "exception", id(exception)),
                lambda: scope(_GroupNode([exc_child])),
                gen,
            )
            scopes.append(
                {
                    "name": "Exception",
                    "variablesReference": exc_ref,
                    "namedVariables": 1,
                    "expensive": False,
                }
            )
        return scopes

    def variables(
        self,
        ref: int,
        filter: str | None = None,
        start: int | None = None,
        count: int | None = None,
        fmt: Mapping[str, Any] | None = None,
        *,
        budget: Budget | None = None,
    ) -> list[dict[str, Any]]:
        """`variables` response body's `variables`. Raises InvalidReferenceError."""
        node, _ = self._lookup(ref)
        req = self._request(fmt, budget)
        req.scrub = node.scrub
        req.origin = node.origin
        if isinstance(node, _LazyNode):
            return [_scrub_names(self._expand_lazy(node, req), req.scrub)]
        children = self._children(node, filter, start, count)
        return [self._variable(c, req) for c in children]

    def origin(self, ref: int) -> object:
        """The `origin` given when the reference's root was issued (scopes, an evaluation);
        None if none was. Raises InvalidReferenceError."""
        node, _ = self._lookup(ref)
        return node.origin

    def assignment_target(self, ref: int, name: str) -> tuple[dict[str, Any], str | None]:
        """The child `name` of reference `ref` as a Variable, and the expression an assignment
        to it must target (None: nothing reaches it). Finds children of any size, paged or
        grouped in ranges (a client that pages asks about item 1200 of its parent directly).
        Raises InvalidReferenceError, and LookupError when there is no such child."""
        node, _ = self._lookup(ref)
        child = self._find_child(node, name)
        if child is None:
            raise LookupError(name)
        req = self._request(None, None)
        req.scrub = node.scrub
        req.origin = node.origin
        target = child.evaluate_name
        if isinstance(node, _NamespaceNode) and node.globals_scope:
            target = f"globals()[{name!r}]"  # never the frame's local of the same name
        return self._variable(child, req), target

    def _find_child(self, node: _Node, name: str) -> _Child | None:
        if isinstance(node, _LazyNode):
            return None
        listed = self._children(node, None, None, None)
        for child in listed:
            if child.node is None and child.name == name:
                return child
        source = node.source if isinstance(node, (_ValueNode, _NamespaceNode)) else None
        if source is not None and source.length and name.isdigit():
            # A sequence's item by its index, without listing the others.
            found = source.page("indexed", int(name), 1)
            if found and found[0].name == name:
                return found[0]
        for child in listed:  # ranges and groups: look inside
            if child.node is not None:
                inner = self._find_child(child.node, name)
                if inner is not None:
                    return inner
        return None

    def register(self, value: object, evaluate_name: str | None) -> int:
        """A reference to `value`'s children (0 if it has none); for evaluate results."""
        return self._value_ref(value, evaluate_name, self._generation)

    def value_fields(
        self,
        value: object,
        evaluate_name: str | None,
        *,
        context: str = "variables",
        fmt: Mapping[str, Any] | None = None,
        budget: Budget | None = None,
        sensitive: bool = False,
        scrub: Scrub | None = None,
        origin: object = None,
    ) -> dict[str, Any]:
        """The fields shared by `Variable` and an `evaluate` body, with "value" as the text.

        Keys: value, type, variablesReference, and when relevant namedVariables,
        indexedVariables, presentationHint. `sensitive` renders "[REDACTED]", not expandable.
        `scrub` applies to this text and to every child text listed from the reference: a
        scrubbed (REDACTED) text makes the value not expandable.
        """
        req = self._request(fmt, budget)
        req.scrub = scrub
        req.origin = origin
        out: dict[str, Any] = {}
        self._fill_value(out, value, evaluate_name, req, context, sensitive, "data", ())
        return out

    # -- children -----------------------------------------------------------------------------

    def _children(
        self, node: _Node, filter: str | None, start: int | None, count: int | None
    ) -> list[_Child]:
        if isinstance(node, _RangeNode):
            return self._range_children(node.source, node.part, node.lo, node.hi)
        if isinstance(node, _GroupNode):
            source = _Source(node.children)
        elif isinstance(node, _NamespaceNode):
            if node.source is None:
                node.source = self._namespace_source(node)
            source = node.source
        else:
            assert isinstance(node, _ValueNode)
            if node.source is None:
                node.source = self._value_source(node.value, node.evaluate_name)
            source = node.source

        paged = start is not None or count is not None
        if filter == "indexed" or (filter is None and paged and source.length):
            first = max(0, start or 0)
            n = source.length - first if count is None or count <= 0 else count
            return source.page("indexed", first, n)
        named = source.named
        if len(named) > self.range_size:
            named = self._range_children(source, "named", 0, len(named))
        if filter == "named":
            return named
        if source.length <= self.range_size:
            return named + source.page("indexed", 0, source.length)
        return named + self._range_children(source, "indexed", 0, source.length)

    def _range_children(self, source: _Source, part: str, lo: int, hi: int) -> list[_Child]:
        size = hi - lo
        r = self.range_size
        if size <= r:
            return source.page(part, lo, size)
        group = r
        while size > group * r:
            group *= r
        out: list[_Child] = []
        for a in range(lo, hi, group):
            b = min(a + group, hi)
            out.append(
                _Child(
                    f"[{a}..{b - 1}]",
                    kind="virtual",
                    read_only=True,
                    node=_RangeNode(source, part, a, b),
                )
            )
        return out

    def _namespace_source(self, node: _NamespaceNode) -> _Source:
        mapping = node.mapping
        items = dict.items(mapping) if issubclass(type(mapping), dict) else mapping.items()  # type: ignore[arg-type]
        entries = [
            _Child(name, value, node.expression(name)) for name, value in items if type(name) is str
        ]
        return _Source(node.first + _grouped(entries))

    def _value_source(self, value: object, expr: str | None) -> _Source:
        cls = type(value)
        ndarray = numpy_array_type()
        if ndarray is not None and issubclass(cls, ndarray):
            return self._ndarray_source(value, expr)
        df, series = pandas_types()
        if df is not None and issubclass(cls, df):
            return self._dataframe_source(value, expr)
        if series is not None and issubclass(cls, series):
            return self._series_source(value, expr)
        if issubclass(cls, dict):
            return self._dict_source(value, expr)  # type: ignore[arg-type]
        if issubclass(cls, tuple) and "_fields" in _class_attrs_names(cls):
            return self._namedtuple_source(value, expr)  # type: ignore[arg-type]
        if issubclass(cls, (list, tuple)):
            return self._sequence_source(value, expr)  # type: ignore[arg-type]
        if issubclass(cls, range):
            r: range = value  # type: ignore[assignment]
            return _Source(
                [],
                len(r),
                lambda s, n: [
                    _Child(str(i), r[i], item_expression(expr, str(i)), read_only=True)
                    for i in range(s, s + n)
                ],
            )
        if issubclass(cls, (set, frozenset)) or cls in _VIEW_TYPES:
            return self._iterable_source(value, expr, cls)
        deque = _collections_type("deque")
        if deque is not None and issubclass(cls, deque):
            return self._deque_source(value, expr, deque)
        if cls is memoryview:
            return self._memoryview_source(value, expr)  # type: ignore[arg-type]
        if cls is types.ModuleType or issubclass(cls, types.ModuleType):
            d = instance_dict(value) or {}
            return _Source(
                _grouped(
                    [
                        _Child(k, v, attribute_expression(expr, k))
                        for k, v in d.items()
                        if type(k) is str
                    ]
                )
            )
        if issubclass(cls, type):
            return _Source(_grouped(self._class_entries(value, expr)))  # type: ignore[arg-type]
        return _Source(_grouped(self._object_entries(value, expr)))

    # Containers ------------------------------------------------------------------------------

    def _instance_attrs(self, value: object, expr: str | None) -> list[_Child]:
        d = instance_dict(value)
        if not d:
            return []
        return [_Child(k, v, attribute_expression(expr, k)) for k, v in d.items() if type(k) is str]

    def _sequence_source(
        self, value: list[object] | tuple[object, ...], expr: str | None
    ) -> _Source:
        is_tuple = issubclass(type(value), tuple)
        base: Any = tuple if is_tuple else list

        def page(start: int, n: int) -> list[_Child]:
            items = base.__getitem__(value, slice(start, start + n))
            return [
                _Child(str(i), v, item_expression(expr, str(i)), read_only=is_tuple)
                for i, v in enumerate(items, start)
            ]

        return _Source(_grouped(self._instance_attrs(value, expr)), base.__len__(value), page)

    def _namedtuple_source(self, value: tuple[object, ...], expr: str | None) -> _Source:
        found = lookup_class_attr(type(value), "_fields")
        names = found[1] if found is not None and type(found[1]) is tuple else ()
        children = []
        for i, v in enumerate(tuple.__iter__(value)):
            name = names[i] if i < len(names) and type(names[i]) is str else None
            if name is not None:
                children.append(_Child(name, v, attribute_expression(expr, name), read_only=True))
            else:
                children.append(_Child(str(i), v, item_expression(expr, str(i)), read_only=True))
        return _Source(children)

    def _dict_source(self, value: dict[object, object], expr: str | None) -> _Source:
        items_of: Callable[[Any], Iterable[tuple[object, object]]] = dict.items
        od = _collections_type("OrderedDict")
        if od is not None and issubclass(type(value), od):
            items_of = od.items  # type: ignore[attr-defined]  # its own order (move_to_end)
        presenter = self.presenter

        def page(start: int, n: int) -> list[_Child]:
            out = []
            for i, (k, v) in enumerate(itertools.islice(items_of(value), start, start + n), start):
                key_src = _literal(k)
                if key_src is not None:
                    evaluate_name = item_expression(expr, key_src)
                else:
                    evaluate_name = (
                        item_expression(expr, f"list({expr})[{i}]") if expr is not None else None
                    )
                sensitive = type(k) is str and presenter.is_sensitive(k)
                out.append(_Child(presenter.render(k), v, evaluate_name, sensitive=sensitive))
            return out

        return _Source(_grouped(self._instance_attrs(value, expr)), dict.__len__(value), page)

    def _iterable_source(self, value: Any, expr: str | None, cls: type) -> _Source:
        def page(start: int, n: int) -> list[_Child]:
            try:
                items = list(itertools.islice(iter(value), start, start + n))
            except RuntimeError:  # resized by another thread meanwhile
                items = []
            return [
                _Child(
                    str(i),
                    v,
                    item_expression(f"list({expr})", str(i)) if expr is not None else None,
                    read_only=True,
                )
                for i, v in enumerate(items, start)
            ]

        return _Source([], len(value), page)

    def _deque_source(self, value: Any, expr: str | None, deque: type) -> _Source:
        def page(start: int, n: int) -> list[_Child]:
            try:
                items = list(itertools.islice(deque.__iter__(value), start, start + n))  # type: ignore[attr-defined]
            except RuntimeError:
                items = []
            return [
                _Child(str(i), v, item_expression(expr, str(i))) for i, v in enumerate(items, start)
            ]

        return _Source([], deque.__len__(value), page)  # type: ignore[attr-defined]

    def _memoryview_source(self, value: memoryview, expr: str | None) -> _Source:
        try:
            if value.ndim != 1:
                return _Source([])
            n = len(value)
        except ValueError:  # released
            return _Source([])
        return _Source(
            [],
            n,
            lambda s, c: [
                _Child(str(i), value[i], item_expression(expr, str(i)), read_only=value.readonly)
                for i in range(s, s + c)
            ],
        )

    def _ndarray_source(self, value: Any, expr: str | None) -> _Source:
        # One axis per level: the children of a (1000, 3) array are its 1000 rows.
        ndarray = numpy_array_type()
        assert ndarray is not None
        n = _ndarray_length(value, ndarray)
        exact = type(value) is ndarray
        call_user = self.presenter.call_user
        timeout = self.getter_timeout

        def page(start: int, count: int) -> list[_Child]:
            if exact:
                # numpy's own indexing of a plain ndarray: library code, not the program's.
                items = [ndarray.__getitem__(value, i) for i in range(start, start + count)]  # type: ignore[index]
            else:
                # A subclass may hook indexing (__getitem__, __array_finalize__): user code.
                result = call_user(lambda: [value[i] for i in range(start, start + count)], timeout)
                items = result.value if result.ok else []  # type: ignore[assignment]
            return [
                _Child(str(i), v, item_expression(expr, str(i))) for i, v in enumerate(items, start)
            ]

        return _Source([], n, page)

    def _series_source(self, value: Any, expr: str | None) -> _Source:
        # Positional, like a list: named by index label, reached by `.iloc[position]` (a label
        # need not be unique, nor have a literal form).
        try:
            n = int(value.shape[0])
        except Exception:
            n = 0
        iloc_expr = attribute_expression(expr, "iloc")
        presenter = self.presenter
        timeout = self.getter_timeout

        def page(start: int, count: int) -> list[_Child]:
            def read() -> tuple[list[object], list[object]]:
                sub = value.iloc[start : start + count]
                return list(sub.index), list(sub.array)

            result = presenter.call_user(read, timeout)
            if not result.ok:
                return []
            got: tuple[list[object], list[object]] = result.value  # type: ignore[assignment]
            labels, items = got
            return [
                _Child(presenter.render(label), v, item_expression(iloc_expr, str(i)))
                for i, (label, v) in enumerate(zip(labels, items, strict=True), start)
            ]

        return _Source([], n, page)

    def _dataframe_source(self, value: Any, expr: str | None) -> _Source:
        try:
            n = int(value.shape[0])
        except Exception:
            n = 0
        iloc_expr = attribute_expression(expr, "iloc")
        call_user = self.presenter.call_user
        timeout = self.getter_timeout

        def page(start: int, count: int) -> list[_Child]:
            # pandas row extraction runs a lot of Python; give it the runner's time limit.
            result = call_user(
                lambda: [value.iloc[i] for i in range(start, start + count)], timeout
            )
            rows: list[Any] = result.value if result.ok else []  # type: ignore[assignment]
            return [
                _Child(str(i), row, item_expression(iloc_expr, str(i)))
                for i, row in enumerate(rows, start)
            ]

        return _Source([], n, page)

    # Objects ---------------------------------------------------------------------------------

    def _object_entries(self, value: object, expr: str | None) -> list[_Child]:
        cls = type(value)
        out: list[_Child] = []
        class_attrs: dict[str, object] = {}
        for klass in mro(cls):
            if klass is object:
                continue
            for name, attr in class_dict(klass).items():
                if type(name) is str:
                    class_attrs.setdefault(name, attr)
        shown: set[str] = set()
        idict = instance_dict(value)
        if idict:
            for name, v in idict.items():
                if type(name) is not str:
                    continue
                owner_attr = class_attrs.get(name, MISSING)
                if owner_attr is not MISSING and is_data_descriptor(owner_attr):
                    continue  # a data descriptor (property, slot) wins over the instance dict
                out.append(_Child(name, v, attribute_expression(expr, name)))
                shown.add(name)
        for name, attr in class_attrs.items():
            if name in shown or name == "__weakref__":
                continue
            child = self._class_attr_child(value, cls, name, attr, expr)
            if child is not None:
                out.append(child)
        out.append(
            _Child("__class__", cls, attribute_expression(expr, "__class__"), read_only=True)
        )
        return out

    def _class_attr_child(
        self, value: object, cls: type, name: str, attr: object, expr: str | None
    ) -> _Child | None:
        t = type(attr)
        evaluate_name = attribute_expression(expr, name)
        if t is types.GetSetDescriptorType or t is types.MemberDescriptorType:
            if name in _LAZY_GETSETS:
                return self._lazy_child(value, name, evaluate_name, read_only=False)
            try:
                v = attr.__get__(value, cls)  # type: ignore[attr-defined]
            except Exception:  # an unset slot, or a getset with nothing to give
                return None
            return _Child(name, v, evaluate_name)
        if t is types.FunctionType:
            return _Child(name, types.MethodType(attr, value), evaluate_name, kind="method")  # type: ignore[arg-type]
        if t is staticmethod:
            return _Child(name, attr.__func__, evaluate_name, kind="method")  # type: ignore[attr-defined]
        if t is classmethod:
            func = attr.__func__  # type: ignore[attr-defined]
            return _Child(name, types.MethodType(func, cls), evaluate_name, kind="method")
        if t in _C_METHOD_TYPES:
            return None
        if t is property:
            return self._lazy_child(value, name, evaluate_name, read_only=attr.fset is None)  # type: ignore[attr-defined]
        if has_get(attr):
            return self._lazy_child(
                value, name, evaluate_name, read_only=not is_data_descriptor(attr)
            )
        return _Child(name, attr, evaluate_name)

    def _lazy_ref(self, lazy: _LazyNode, req: _Request) -> int:
        def make() -> _Node:
            lazy.scrub = req.scrub
            lazy.origin = req.origin
            return lazy

        key = ("lazy", id(lazy.owner), lazy.attribute, req.scrub is not None)
        return self._intern(key, make, req.generation)

    def _lazy_child(
        self, owner: object, name: str, evaluate_name: str | None, *, read_only: bool
    ) -> _Child:
        return _Child(
            name,
            None,
            evaluate_name,
            kind="property",
            read_only=read_only,
            lazy=_LazyNode(owner, name, evaluate_name, read_only),
        )

    def _class_entries(self, cls: type, expr: str | None) -> list[_Child]:
        # A class's own namespace, raw: functions stay functions, properties stay properties.
        # Its `__dict__` entry is the descriptor of its instances' dicts; `cls.__dict__` (what
        # the entry's evaluateName gives) is the namespace itself.
        namespace = class_dict(cls)
        out = [
            _Child(k, namespace if k == "__dict__" else v, attribute_expression(expr, k))
            for k, v in namespace.items()
            if type(k) is str and k != "__weakref__"
        ]
        out.append(
            _Child("__mro__", mro(cls), attribute_expression(expr, "__mro__"), read_only=True)
        )
        return out

    # -- rendering ----------------------------------------------------------------------------

    def _value_ref(
        self,
        value: object,
        evaluate_name: str | None,
        generation: int,
        scrub: Scrub | None = None,
        origin: object = None,
    ) -> int:
        if not _expandable(value):
            return 0

        def make() -> _Node:
            node = _ValueNode(value, evaluate_name)
            node.scrub = scrub
            node.origin = origin
            return node

        # Scrubbed and plain views of one value are different nodes: the plain one (from the
        # Variables view) must not be handed out for an evaluation result, nor the reverse. One
        # value reached from two frames is two nodes: a change made through it goes to its own.
        return self._intern(
            ("value", id(value), evaluate_name, scrub is not None, id(origin)), make, generation
        )

    def _variable(self, child: _Child, req: _Request) -> dict[str, Any]:
        return _scrub_names(self._variable_unscrubbed(child, req), req.scrub)

    def _variable_unscrubbed(self, child: _Child, req: _Request) -> dict[str, Any]:
        var: dict[str, Any] = {"name": child.name}
        attrs: list[str] = ["readOnly"] if child.read_only else []
        if child.node is not None:  # group or range
            node = child.node
            var["value"] = ""
            key: tuple[object, ...] = (
                ("range", id(node.source), node.part, node.lo, node.hi)
                if isinstance(node, _RangeNode)
                else ("group", id(node))
            )
            node.scrub = req.scrub  # a group or range of a scrubbed value is scrubbed too
            node.origin = req.origin
            var["variablesReference"] = self._intern(key, lambda: node, req.generation)
            if isinstance(node, _RangeNode) and node.part == "indexed":
                var["indexedVariables"] = node.hi - node.lo
            else:
                var["namedVariables"] = (
                    node.hi - node.lo if isinstance(node, _RangeNode) else _group_size(node)
                )
            var["presentationHint"] = {"kind": "virtual"}
            return var
        if child.evaluate_name is not None:
            var["evaluateName"] = child.evaluate_name
        if child.lazy is not None:
            lazy = child.lazy
            sensitive = self.presenter.is_sensitive(child.name)
            var["value"] = REDACTED if sensitive else "<property: expand to evaluate>"
            var["type"] = "property"
            var["variablesReference"] = 0 if sensitive else self._lazy_ref(lazy, req)
            hint: dict[str, Any] = {"kind": "property", "lazy": True}
            if lazy.read_only:
                hint["attributes"] = ["readOnly"]
            if _is_private(child.name):
                hint["visibility"] = "private"
            var["presentationHint"] = hint
            return var
        sensitive = child.sensitive or self.presenter.is_sensitive(child.name)
        self._fill_value(
            var, child.value, child.evaluate_name, req, "variables", sensitive, child.kind, attrs
        )
        if _is_private(child.name):
            var.setdefault("presentationHint", {})["visibility"] = "private"
        return var

    def _fill_value(
        self,
        out: dict[str, Any],
        value: object,
        evaluate_name: str | None,
        req: _Request,
        context: str,
        sensitive: bool,
        kind: str,
        attrs: Iterable[str],
    ) -> None:
        out["type"] = type_name(value)
        if sensitive:
            out["value"] = REDACTED
            out["variablesReference"] = 0
        else:
            text = self.presenter.render(value, context=context, hex=req.hex, budget=req.budget)
            shown = text if req.scrub is None else req.scrub(text)
            out["value"] = shown
            # A text that gives a secret away is hidden: so are the value's children then.
            ref = (
                self._value_ref(value, evaluate_name, req.generation, req.scrub, req.origin)
                if shown == text
                else 0
            )
            out["variablesReference"] = ref
            if ref:
                named, indexed = _counts(value)
                if named is not None:
                    out["namedVariables"] = named
                if indexed is not None:
                    out["indexedVariables"] = indexed
        if kind == "data":
            kind = _kind_of(value)
        hint: dict[str, Any] = {"kind": kind}
        attrs = list(attrs)
        if attrs:
            hint["attributes"] = attrs
        out["presentationHint"] = hint

    def _expand_lazy(self, node: _LazyNode, req: _Request) -> dict[str, Any]:
        owner, name = node.owner, node.attribute
        timeout = min(self.getter_timeout, max(req.budget.remaining(), 0.001))
        result = self.presenter.call_user(lambda: getattr(owner, name), timeout)
        var: dict[str, Any] = {"name": name}
        if node.evaluate_name is not None:
            var["evaluateName"] = node.evaluate_name
        if result.ok:
            attrs = ["readOnly"] if node.read_only else []
            self._fill_value(
                var, result.value, node.evaluate_name, req, "variables", False, "property", attrs
            )
            return var
        if result.timed_out:
            var["value"] = f"<getter timed out after {format_seconds(timeout)}>"
        else:
            var["value"] = self.presenter.redact(f"<getter raised {result.error}>")
            if req.scrub is not None:
                var["value"] = req.scrub(var["value"])
        var["type"] = "property"
        var["variablesReference"] = 0
        var["presentationHint"] = {
            "kind": "property",
            "attributes": ["readOnly", "failedEvaluation"],
        }
        return var


# --------------------------------------------------------------------------------------------
# helpers


def _scrub_names(var: dict[str, Any], scrub: Scrub | None) -> dict[str, Any]:
    """The texts of a variable that are not its value, through `scrub` when there is one."""
    if scrub is not None:
        # A dict key can be the secret itself; an evaluateName can spell such a key literally.
        var["name"] = scrub(var["name"])
        name = var.get("evaluateName")
        if name is not None and scrub(name) != name:
            del var["evaluateName"]
    return var


_VIEW_TYPES: Final = frozenset({type({}.keys()), type({}.values()), type({}.items())})


def _collections_type(name: str) -> type | None:
    import sys

    module = sys.modules.get("collections")
    t = getattr(module, name, None) if module is not None else None
    return t if t is not None and issubclass(type(t), type) else None


def _class_attrs_names(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in mro(cls):
        names.update(k for k in class_dict(klass) if type(k) is str)
    return names


def _safe_len(mapping: Mapping[str, object]) -> int:
    if issubclass(type(mapping), dict):
        return dict.__len__(mapping)  # type: ignore[arg-type]
    try:
        return len(mapping)
    except Exception:
        return 0


def _group_size(node: _Node) -> int:
    return len(node.children) if isinstance(node, _GroupNode) else 0


def _grouped(entries: list[_Child]) -> list[_Child]:
    """Groups (special, function, class variables) first, then the data in listing order."""
    buckets: dict[str, list[_Child]] = {"special": [], "function": [], "class": []}
    data: list[_Child] = []
    for child in entries:
        if _is_dunder(child.name):
            if child.kind == "data":
                child.kind = _kind_of(child.value)
            buckets["special"].append(child)
            continue
        if child.lazy is None and child.kind == "data":
            child.kind = _kind_of(child.value)
        if child.kind == "method":
            buckets["function"].append(child)
        elif child.kind == "class":
            buckets["class"].append(child)
        else:
            data.append(child)
    groups = [
        _Child(label, kind="virtual", read_only=True, node=_GroupNode(buckets[key]))
        for key, label in _GROUPS
        if buckets[key]
    ]
    return groups + data


def _expandable(value: object) -> bool:
    cls = type(value)
    if cls in _LEAF_TYPES:
        return False
    if cls in (list, tuple, dict, set, frozenset):
        return bool(len(value))  # type: ignore[arg-type]
    if cls is range:
        return bool(len(value))  # type: ignore[arg-type]
    scalars = numpy_scalar_types()
    if scalars and issubclass(cls, scalars):
        return False  # np.int64(5): its "children" are numpy's array interface, noise
    ndarray = numpy_array_type()
    if ndarray is not None and issubclass(cls, ndarray):
        # A 0-d array shows its one value inline; an empty one has nothing to list.
        return bool(_ndarray_length(value, ndarray))
    return True


def _ndarray_length(value: object, ndarray: type) -> int:
    """Length of the first axis, read through ndarray's own descriptor (a subclass may
    define `shape` as a property); 0 for a 0-d array."""
    try:
        shape = class_dict(ndarray)["shape"].__get__(value, ndarray)  # type: ignore[attr-defined]
        return int(shape[0]) if len(shape) else 0
    except Exception:
        return 0


def _counts(value: object) -> tuple[int | None, int | None]:
    """(namedVariables, indexedVariables) hints for an expandable value."""
    cls = type(value)
    try:
        if cls in (list, tuple, dict, set, frozenset) or cls in _VIEW_TYPES or cls is range:
            return 0, len(value)  # type: ignore[arg-type]
        if issubclass(cls, dict):
            return None, dict.__len__(value)  # type: ignore[arg-type]
        if issubclass(cls, tuple) and "_fields" in _class_attrs_names(cls):
            return tuple.__len__(value), 0  # type: ignore[arg-type]
        if issubclass(cls, list):
            return None, list.__len__(value)  # type: ignore[arg-type]
        if issubclass(cls, tuple):
            return None, tuple.__len__(value)  # type: ignore[arg-type]
        if issubclass(cls, (set, frozenset)):
            return 0, set.__len__(value) if issubclass(cls, set) else frozenset.__len__(value)  # type: ignore[arg-type]
        deque = _collections_type("deque")
        if deque is not None and issubclass(cls, deque):
            return 0, deque.__len__(value)  # type: ignore[attr-defined]
        ndarray = numpy_array_type()
        if ndarray is not None and issubclass(cls, ndarray):
            return 0, _ndarray_length(value, ndarray)
        df, series = pandas_types()
        if (df is not None and issubclass(cls, df)) or (
            series is not None and issubclass(cls, series)
        ):
            return 0, int(value.shape[0])  # type: ignore[attr-defined]
    except Exception:
        pass
    return None, None
