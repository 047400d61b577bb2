"""Bounded, side-effect-free rendering of Python values for the Variables, Watch and Hover views.

Runs inside the debuggee, on the server thread: standard library only, and it must never run
user code directly. The rules that make that true:

* Types are looked up with `type(v)` and the class dictionaries are read through `type`'s own
  descriptors (`_mro`, `_class_dict`), so a metaclass with a clever `__getattribute__` is never
  consulted. `isinstance` is avoided on user objects: when it fails it looks up `__class__` on
  the instance, which may be a property.
* The class that *owns* `__repr__` (first class of the MRO whose dictionary defines it) decides
  how a value is rendered. When the owner is a builtin or a stdlib class we know, we render the
  value ourselves from its contents (using the builtin base's unbound methods, `list.__len__(v)`,
  `dict.items(v)`..., so a subclass's overrides are not called). Otherwise the value's own
  `__repr__` is user code: it is called through the injected runner (on the suspended thread,
  with a time limit), and its failure, hang or megabyte of output becomes a short explanation.
* numpy and pandas are recognised only when `sys.modules` already holds them; they are never
  imported here (neither are `collections`, `enum` or `dataclasses`: if a module is not loaded,
  none of its objects can exist).
* Every value string leaves through the redactor.
"""

from __future__ import annotations

import itertools
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Protocol, TypeVar

__all__ = [
    "CLIPBOARD_LIMITS",
    "DEFAULT_LIMITS",
    "MISSING",
    "Budget",
    "Limits",
    "NullRedactor",
    "Presenter",
    "Redactor",
    "Runner",
    "UserCall",
    "UserCallResult",
    "class_dict",
    "class_module",
    "class_name",
    "class_qualname",
    "describe_exception",
    "format_seconds",
    "generator_state",
    "has_get",
    "instance_dict",
    "is_data_descriptor",
    "lookup_class_attr",
    "mro",
    "numpy_array_type",
    "numpy_scalar_types",
    "pandas_types",
    "static_attribute",
    "type_name",
]

T = TypeVar("T")

REDACTED: Final = "[REDACTED]"


class Runner(Protocol):
    """Runs `fn` on the suspended thread within `timeout` seconds and returns its result.

    Raises what `fn` raised, or a timeout exception (one of `UserCall.timeout_exceptions`) when
    the deadline passes. Provided by the engine; tests pass a plain `fn()` caller.
    """

    def __call__(self, fn: Callable[[], T], timeout: float, /) -> T: ...


class Redactor(Protocol):
    """The part of `state.redaction.Redactor` this layer uses."""

    @property
    def enabled(self) -> bool: ...

    def is_sensitive_name(self, name: str) -> bool: ...

    def redact_text(self, text: str) -> str: ...


class NullRedactor:
    """Hides nothing (redaction switched off, or tests that are not about redaction)."""

    enabled = False

    def is_sensitive_name(self, name: str) -> bool:
        return False

    def redact_text(self, text: str) -> str:
        return text


def format_seconds(seconds: float) -> str:
    return f"{seconds:g}s"


# --------------------------------------------------------------------------------------------
# Running user code


@dataclass(frozen=True)
class UserCallResult:
    """What came back from user code: a value, an error message, or a timeout."""

    value: object = None
    error: str | None = None  # "ValueError: boom", formatted on the user thread
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out


class UserCall:
    """Calls user code through the runner so that nothing it does escapes as an exception.

    The exception message is formatted inside the runner, on the suspended thread: `str(exc)`
    is user code too (an exception class may define `__str__`).
    """

    def __init__(
        self,
        runner: Runner,
        timeout_exceptions: tuple[type[BaseException], ...] = (TimeoutError,),
    ) -> None:
        self.runner = runner
        self.timeout_exceptions = timeout_exceptions

    def __call__(self, fn: Callable[[], object], timeout: float) -> UserCallResult:
        timeouts = self.timeout_exceptions

        def guarded() -> UserCallResult:
            try:
                return UserCallResult(value=fn())
            except timeouts:
                # The engine interrupting the call: let the runner see it.
                raise
            except BaseException as exc:  # SystemExit from `exit()` must not end the program
                return UserCallResult(error=describe_exception(exc))

        try:
            return self.runner(guarded, timeout)
        except timeouts:
            return UserCallResult(timed_out=True)
        except Exception as exc:  # the engine could not run it (thread gone...): its own error
            return UserCallResult(error=f"{class_name(type(exc))}: {exc}")


def describe_exception(exc: BaseException, limit: int = 1000) -> str:
    """`"ValueError: boom"`; call on the thread allowed to run user code."""
    name = class_name(type(exc))
    try:
        message = str(exc)
    except Exception:
        message = "<exception str() failed>"
    if not isinstance(message, str):  # pragma: no cover - str() guarantees a str
        message = "<unprintable>"
    if len(message) > limit:
        message = message[:limit] + "..."
    if message.startswith(f"{name}: "):
        return message  # the message already names its type (SecurityViolation does)
    if not message:
        return name
    if message.startswith(f"{name}: "):
        return message  # an exception whose str() already names its class (SecurityViolation)
    return f"{name}: {message}"


# --------------------------------------------------------------------------------------------
# Introspection that never runs user code

_type_mro = type.__dict__["__mro__"]
_type_dict = type.__dict__["__dict__"]
_type_qualname = type.__dict__["__qualname__"]
_type_name = type.__dict__["__name__"]
_type_module = type.__dict__["__module__"]
_GETSET = types.GetSetDescriptorType
_MEMBER = types.MemberDescriptorType


def mro(cls: type) -> tuple[type, ...]:
    result: tuple[type, ...] = _type_mro.__get__(cls)
    return result


def class_dict(cls: type) -> Mapping[str, object]:
    result: Mapping[str, object] = _type_dict.__get__(cls)
    return result


def type_name(value: object) -> str:
    """Qualified name of `type(value)`, without asking the metaclass."""
    return class_qualname(type(value))


def class_name(cls: type) -> str:
    name = _type_name.__get__(cls)
    return name if type(name) is str else "?"


def class_qualname(cls: type) -> str:
    name = _type_qualname.__get__(cls)
    return name if type(name) is str else "?"


def class_module(cls: type) -> str:
    try:
        module = _type_module.__get__(cls)
    except AttributeError:
        return ""
    return module if type(module) is str else ""


def lookup_class_attr(cls: type, name: str) -> tuple[type, object] | None:
    """(owner, raw attribute) of the first class in the MRO defining `name`."""
    for klass in mro(cls):
        d = class_dict(klass)
        if name in d:
            return klass, d[name]
    return None


def instance_dict(value: object) -> dict[str, object] | None:
    """The instance `__dict__`, read through the interpreter's own getset descriptor only.

    A class may define `__dict__` as a property (user code), so anything else is refused
    (modules hold theirs in a member descriptor, classes in a getset one).
    """
    found = lookup_class_attr(type(value), "__dict__")
    if found is None:
        return None
    descr = found[1]
    if type(descr) is not _GETSET and type(descr) is not _MEMBER:
        return None
    try:
        d = descr.__get__(value, type(value))
    except Exception:
        return None
    return d if type(d) is dict else None


def _func_code(fn: object) -> types.CodeType | None:
    if type(fn) is not types.FunctionType:
        return None
    wrapped = fn.__dict__.get("__wrapped__")  # reprlib.recursive_repr keeps the generated one
    if type(wrapped) is types.FunctionType:
        fn = wrapped
    return fn.__code__


# --------------------------------------------------------------------------------------------
# Limits and budgets


@dataclass(frozen=True)
class Limits:
    """Size limits of one rendering. `None` means unlimited."""

    # Previews stop adding items once this much text is produced; as a last resort any text
    # longer than twice this is cut (so an item straddling the limit is still shown whole).
    value_chars: int | None = 1000
    str_chars: int | None = 500  # a str / bytes value, before quoting
    items: int | None = 100  # items previewed per container
    depth: int = 4  # nesting levels previewed
    int_bits: int = 3000  # larger ints are summarised (decimal conversion is quadratic)
    repr_chars: int = 1000  # what is kept of a user __repr__


DEFAULT_LIMITS: Final = Limits()
# "Copy Value": strings whole; containers as far as a megabyte of text goes.
CLIPBOARD_LIMITS: Final = Limits(
    value_chars=1_000_000, str_chars=None, items=None, depth=50, repr_chars=1_000_000
)


@dataclass
class Budget:
    """Time allowed to one request. Once spent, user reprs are not attempted any more."""

    deadline: float = float("inf")
    cancelled: Callable[[], bool] | None = None

    @classmethod
    def of(cls, seconds: float, cancelled: Callable[[], bool] | None = None) -> Budget:
        return cls(time.monotonic() + seconds, cancelled)

    def remaining(self) -> float:
        if self.cancelled is not None and self.cancelled():
            return 0.0
        return max(0.0, self.deadline - time.monotonic())


@dataclass
class _State:
    limits: Limits
    hex: bool
    budget: Budget
    top: bool = True  # rendering the value itself, not an item of a preview
    seen: set[int] = field(default_factory=set)


def _cut(text: str, limit: int | None) -> str:
    if limit is None or len(text) <= limit:
        return text
    return text[:limit] + "..."


# --------------------------------------------------------------------------------------------
# The presenter

_Render = Callable[["Presenter", Any, _State, int], str]


class Presenter:
    """Turns values into bounded strings; the only code here allowed to call user `__repr__`."""

    def __init__(
        self,
        call_user: UserCall,
        redactor: Redactor | None = None,
        *,
        repr_timeout: float = 0.2,
        limits: Limits = DEFAULT_LIMITS,
        clipboard_limits: Limits = CLIPBOARD_LIMITS,
    ) -> None:
        self.call_user = call_user
        self.redactor: Redactor = redactor if redactor is not None else NullRedactor()
        self.repr_timeout = repr_timeout
        self.limits = limits
        self.clipboard_limits = clipboard_limits

    # -- public -------------------------------------------------------------------------------

    def render(
        self,
        value: object,
        *,
        context: str = "variables",
        hex: bool = False,
        budget: Budget | None = None,
    ) -> str:
        """The display string of `value`, redacted. `context` "clipboard" renders it whole."""
        limits = self.clipboard_limits if context == "clipboard" else self.limits
        state = _State(limits, hex, budget if budget is not None else Budget())
        try:
            text = self._render(value, state, 0)
        except Exception as exc:  # a bug of ours must not break a whole listing
            text = f"<cannot render {type_name(value)}: {type_name(exc)}: {exc}>"
        hard = None if limits.value_chars is None else 2 * limits.value_chars
        return self.redact(_cut(text, hard))

    def redact(self, text: str) -> str:
        r = self.redactor
        return r.redact_text(text) if r.enabled else text

    def is_sensitive(self, name: str) -> bool:
        r = self.redactor
        return r.enabled and r.is_sensitive_name(name)

    def type_name(self, value: object) -> str:
        return type_name(value)

    # -- dispatch -----------------------------------------------------------------------------

    def _render(self, value: object, state: _State, depth: int) -> str:
        fast = _EXACT.get(type(value))
        if fast is not None:
            return fast(self, value, state, depth)
        return self._renderer_for(type(value))(self, value, state, depth)

    def _renderer_for(self, cls: type) -> _Render:
        found = lookup_class_attr(cls, "__repr__")
        if found is None:  # pragma: no cover - object defines __repr__
            return _render_user
        owner, fn = found
        known = _EXACT.get(owner) or _OWNERS.get(owner)
        if known is not None:
            return known
        module = sys.modules.get(class_module(owner))
        special = _stdlib_owner(owner, module, fn)
        if special is not None:
            return special
        code = _func_code(fn)
        if code is not None:
            if (
                code.co_qualname == "namedtuple.<locals>.__repr__"
                and issubclass(cls, tuple)
                and "_fields" in class_dict(owner)
            ):
                return _render_namedtuple
            if (
                code.co_filename == "<string>"
                and code.co_qualname == "__create_fn__.<locals>.__repr__"
                and "__dataclass_fields__" in class_dict(owner)
            ):
                return _render_dataclass
        return _render_user

    # -- user code ----------------------------------------------------------------------------

    def user_repr(self, value: object, state: _State) -> str:
        remaining = state.budget.remaining()
        if remaining <= 0:
            return _default_repr(value)
        timeout = min(self.repr_timeout, remaining)
        cap = state.limits.repr_chars

        def call() -> str:
            text = repr(value)
            # Slicing through str's own method gives an exact str even from a str subclass.
            return str.__getitem__(text, slice(0, cap + 1))

        result = self.call_user(call, timeout)
        if result.timed_out:
            return f"<repr timed out after {format_seconds(timeout)}>"
        if result.error is not None:
            return f"<repr failed: {result.error}>"
        text = result.value
        assert type(text) is str
        if len(text) > cap:
            return text[:cap] + "..."
        return text


# --------------------------------------------------------------------------------------------
# Scalars


def _default_repr(value: object) -> str:
    cls = type(value)
    module = class_module(cls)
    qual = class_qualname(cls)
    name = qual if module in ("builtins", "") else f"{module}.{qual}"
    return f"<{name} object at {id(value):#x}>"


def _render_object(p: Presenter, value: object, state: _State, depth: int) -> str:
    return _default_repr(value)


def _render_user(p: Presenter, value: object, state: _State, depth: int) -> str:
    return p.user_repr(value, state)


def _render_safe_c_repr(p: Presenter, value: object, state: _State, depth: int) -> str:
    # Types whose C __repr__ only formats their own fields (no call into other objects' reprs).
    owner = lookup_class_attr(type(value), "__repr__")
    assert owner is not None
    return owner[1].__get__(value, type(value))()  # type: ignore[attr-defined, no-any-return]


def _render_none(p: Presenter, value: object, state: _State, depth: int) -> str:
    return "None"


def _render_bool(p: Presenter, value: object, state: _State, depth: int) -> str:
    return "True" if value else "False"


def _render_int(p: Presenter, value: int, state: _State, depth: int) -> str:
    bits = int.bit_length(value)
    if bits > state.limits.int_bits:
        # About log10(2) decimal digits per bit; the top hex digits are exact and cheap.
        digits = int(bits * 0.30102999566398120) + 1
        top = int.__rshift__(abs(value), bits - 64)
        sign = "-" if value < 0 else ""
        return f"<int with about {digits:,} decimal digits: {sign}{top:#x}...>"
    if state.hex:
        return int.__format__(value, "#x")
    return int.__repr__(value)


def _render_float(p: Presenter, value: float, state: _State, depth: int) -> str:
    return float.__repr__(value)


def _render_complex(p: Presenter, value: complex, state: _State, depth: int) -> str:
    return complex.__repr__(value)


def _render_str(p: Presenter, value: str, state: _State, depth: int) -> str:
    n = str.__len__(value)
    limit = state.limits.str_chars
    if limit is None or n <= limit:
        return str.__repr__(value)
    head = str.__repr__(str.__getitem__(value, slice(0, limit)))
    return f"{head}... ({n:,} chars)" if state.top else f"{head}..."


def _render_bytes(p: Presenter, value: bytes, state: _State, depth: int) -> str:
    n = bytes.__len__(value)
    limit = state.limits.str_chars
    if limit is None or n <= limit:
        return bytes.__repr__(value)
    head = bytes.__repr__(bytes.__getitem__(value, slice(0, limit)))
    return f"{head}... ({n:,} bytes)" if state.top else f"{head}..."


def _render_bytearray(p: Presenter, value: bytearray, state: _State, depth: int) -> str:
    n = bytearray.__len__(value)
    limit = state.limits.str_chars
    if limit is None or n <= limit:
        return f"bytearray({bytes.__repr__(bytes(value))})"
    head = bytes.__repr__(bytes(bytearray.__getitem__(value, slice(0, limit))))
    return f"bytearray({head}...) ({n:,} bytes)" if state.top else f"bytearray({head}...)"


def _render_range(p: Presenter, value: range, state: _State, depth: int) -> str:
    return range.__repr__(value)


def _render_memoryview(p: Presenter, value: memoryview, state: _State, depth: int) -> str:
    try:
        fmt, shape, nbytes = value.format, value.shape, value.nbytes
    except ValueError:
        return "<released memoryview>"
    return f"<memoryview: format {fmt!r}, shape {shape!r}, nbytes {nbytes}>"


# --------------------------------------------------------------------------------------------
# Containers


def _items_preview(
    p: Presenter,
    items: Iterable[object],
    state: _State,
    depth: int,
    render_item: Callable[[object], str] | None = None,
) -> tuple[list[str], bool]:
    """Rendered items, and whether the preview was cut (item or size limit)."""
    limits = state.limits
    out: list[str] = []
    size = 0
    it = iter(items)
    max_items = limits.items
    was_top = state.top
    state.top = False
    try:
        while True:
            if max_items is not None and len(out) >= max_items:
                return out, _has_more(it)
            if limits.value_chars is not None and size > limits.value_chars:
                return out, _has_more(it)
            try:
                item = next(it)
            except StopIteration:
                return out, False
            except RuntimeError:  # another thread resized it while we iterate
                return out, True
            text = (
                render_item(item) if render_item is not None else p._render(item, state, depth + 1)
            )
            out.append(text)
            size += len(text) + 2
    finally:
        state.top = was_top


def _has_more(it: Iterator[object]) -> bool:
    try:
        next(it)
    except StopIteration:
        return False
    except RuntimeError:
        return True
    return True


def _wrap(state: _State, opening: str, parts: list[str], cut: bool, closing: str, n: int) -> str:
    body = ", ".join(parts)
    if cut:
        body = f"{body}, ..." if parts else "..."
    text = f"{opening}{body}{closing}"
    if cut and state.top:
        text += f" ({n:,} items)"
    return text


def _container(
    p: Presenter,
    value: object,
    state: _State,
    depth: int,
    opening: str,
    closing: str,
    n: int,
    items: Callable[[], Iterable[object]],
    render_item: Callable[[object], str] | None = None,
) -> str:
    key = id(value)
    if key in state.seen or (depth >= state.limits.depth and n):
        return f"{opening}...{closing}"
    state.seen.add(key)
    try:
        parts, cut = _items_preview(p, items(), state, depth, render_item)
    finally:
        state.seen.discard(key)
    return _wrap(state, opening, parts, cut, closing, n)


def _render_list(p: Presenter, value: list[object], state: _State, depth: int) -> str:
    return _container(
        p, value, state, depth, "[", "]", list.__len__(value), lambda: list.__iter__(value)
    )


def _render_tuple(p: Presenter, value: tuple[object, ...], state: _State, depth: int) -> str:
    n = tuple.__len__(value)
    if n == 1 and depth < state.limits.depth and id(value) not in state.seen:
        return f"({p._render(tuple.__getitem__(value, 0), state, depth + 1)},)"
    return _container(p, value, state, depth, "(", ")", n, lambda: tuple.__iter__(value))


def _render_set(p: Presenter, value: set[object], state: _State, depth: int) -> str:
    n = set.__len__(value)
    if n == 0:
        return "set()"
    return _container(p, value, state, depth, "{", "}", n, lambda: set.__iter__(value))


def _render_frozenset(p: Presenter, value: frozenset[object], state: _State, depth: int) -> str:
    n = frozenset.__len__(value)
    if n == 0:
        return "frozenset()"
    return _container(
        p, value, state, depth, "frozenset({", "})", n, lambda: frozenset.__iter__(value)
    )


def _pair(item: object) -> tuple[object, object]:
    # Items of dict.items() and of our own field lists: exact 2-tuples.
    assert type(item) is tuple and len(item) == 2
    return item[0], item[1]


def _dict_entry(p: Presenter, state: _State, depth: int) -> Callable[[object], str]:
    def render(item: object) -> str:
        k, v = _pair(item)
        key = p._render(k, state, depth + 1)
        if type(k) is str and p.is_sensitive(k):
            return f"{key}: {REDACTED}"
        return f"{key}: {p._render(v, state, depth + 1)}"

    return render


def _render_dict_body(
    p: Presenter,
    value: object,
    state: _State,
    depth: int,
    items: Callable[[], Iterable[object]],
    n: int,
    prefix: str = "",
    suffix: str = "",
) -> str:
    # prefix/suffix ("Counter(" / ")") go inside the preview, so that the "(N items)" count of
    # a cut preview follows the whole value, not the braces.
    return _container(
        p,
        value,
        state,
        depth,
        prefix + "{",
        "}" + suffix,
        n,
        items,
        _dict_entry(p, state, depth),
    )


def _render_dict(p: Presenter, value: dict[object, object], state: _State, depth: int) -> str:
    return _render_dict_body(p, value, state, depth, lambda: dict.items(value), dict.__len__(value))


def _render_named_mapping(
    p: Presenter, value: Any, state: _State, depth: int, items: Callable[[], Iterable[object]]
) -> str:
    # OrderedDict({...}) / Counter({...}): the subclass name, as Python's own repr shows it.
    name = type_name(value)
    n = dict.__len__(value)
    if n == 0:
        return f"{name}()"
    return _render_dict_body(p, value, state, depth, items, n, f"{name}(", ")")


def _render_ordered_dict(p: Presenter, value: Any, state: _State, depth: int) -> str:
    od = type(value)
    for klass in mro(od):
        if class_qualname(klass) == "OrderedDict" and class_module(klass) == "collections":
            od = klass
            break
    # The C OrderedDict keeps its own order (move_to_end), which dict.items would not follow.
    return _render_named_mapping(p, value, state, depth, lambda: od.items(value))


def _render_counter(p: Presenter, value: Any, state: _State, depth: int) -> str:
    # Counter's own repr sorts by count (cost of the whole container); insertion order here.
    return _render_named_mapping(p, value, state, depth, lambda: dict.items(value))


def _render_defaultdict(p: Presenter, value: Any, state: _State, depth: int) -> str:
    dd = sys.modules["collections"].defaultdict
    factory = dd.default_factory.__get__(value, type(value))
    factory_text = "None" if factory is None else p._render(factory, state, depth + 1)
    return _render_dict_body(
        p,
        value,
        state,
        depth,
        lambda: dict.items(value),
        dict.__len__(value),
        f"{type_name(value)}({factory_text}, ",
        ")",
    )


def _render_deque(p: Presenter, value: Any, state: _State, depth: int) -> str:
    dq = sys.modules["collections"].deque
    maxlen = dq.maxlen.__get__(value, type(value))
    suffix = "" if maxlen is None else f", maxlen={maxlen}"
    return _container(
        p,
        value,
        state,
        depth,
        f"{type_name(value)}([",
        f"]{suffix})",
        dq.__len__(value),
        lambda: dq.__iter__(value),
    )


def _render_dict_view(p: Presenter, value: Any, state: _State, depth: int) -> str:
    # dict_keys([...]) / dict_values([...]) / dict_items([(k, v), ...]); exact C types only.
    name = type_name(value)
    n = len(value)
    return _container(p, value, state, depth, f"{name}([", "])", n, lambda: iter(value))


def _render_namedtuple(p: Presenter, value: Any, state: _State, depth: int) -> str:
    fields = lookup_class_attr(type(value), "_fields")
    names = fields[1] if fields is not None else ()
    if type(names) is not tuple:
        names = ()
    n = tuple.__len__(value)
    pairs = [
        (
            names[i] if i < len(names) and type(names[i]) is str else str(i),
            tuple.__getitem__(value, i),
        )
        for i in range(n)
    ]
    # namedtuple's own repr uses the class __name__ (dataclasses use the __qualname__).
    return _render_fields(p, value, state, depth, class_name(type(value)), pairs)


def _render_fields(
    p: Presenter,
    value: object,
    state: _State,
    depth: int,
    name: str,
    pairs: list[tuple[str, object]],
) -> str:
    def render(item: object) -> str:
        fname, fvalue = _pair(item)
        if type(fname) is str and p.is_sensitive(fname):
            return f"{fname}={REDACTED}"
        return f"{fname}={p._render(fvalue, state, depth + 1)}"

    return _container(p, value, state, depth, f"{name}(", ")", len(pairs), lambda: pairs, render)


MISSING: Final = object()


def static_attribute(value: object, name: str) -> object:
    """The instance attribute `name` if it can be read without running user code, else MISSING.

    Instance `__dict__` entries and slots (member descriptors) only; a property, or anything
    else that would run code, gives MISSING.
    """
    found = lookup_class_attr(type(value), name)
    if found is not None:
        descr = found[1]
        if type(descr) in (_MEMBER, _GETSET):
            try:
                return descr.__get__(value, type(value))  # type: ignore[attr-defined]
            except AttributeError:
                return MISSING
        if is_data_descriptor(descr):
            return MISSING
    d = instance_dict(value)
    if d is not None and name in d:
        return d[name]
    if found is not None and not has_get(found[1]):
        return found[1]
    return MISSING


def has_get(obj: object) -> bool:
    return lookup_class_attr(type(obj), "__get__") is not None


def is_data_descriptor(obj: object) -> bool:
    cls = type(obj)
    return lookup_class_attr(cls, "__get__") is not None and (
        lookup_class_attr(cls, "__set__") is not None
        or lookup_class_attr(cls, "__delete__") is not None
    )


def _render_dataclass(p: Presenter, value: Any, state: _State, depth: int) -> str:
    found = lookup_class_attr(type(value), "__dataclass_fields__")
    fields_ = found[1] if found is not None else {}
    pairs: list[tuple[str, object]] = []
    if type(fields_) is dict:
        for fname, f in fields_.items():
            # dataclasses.Field is a stdlib slotted class: reading it runs no user code.
            if getattr(f, "_field_type", None) is not getattr(
                sys.modules.get("dataclasses"), "_FIELD", None
            ) or not getattr(f, "repr", True):
                continue
            attr = static_attribute(value, fname)
            pairs.append((fname, _Raw("<property>") if attr is MISSING else attr))
    return _render_fields(p, value, state, depth, class_qualname(type(value)), pairs)


class _Raw:
    """A preview item rendered as the given text."""

    def __init__(self, text: str) -> None:
        self.text = text


def _render_raw(p: Presenter, value: _Raw, state: _State, depth: int) -> str:
    return value.text


def _render_enum(p: Presenter, value: Any, state: _State, depth: int) -> str:
    d = instance_dict(value) or {}
    name = d.get("_name_")
    member_value = d.get("_value_", MISSING)
    cls = class_qualname(type(value))
    shown = p._render(member_value, state, depth + 1) if member_value is not MISSING else "?"
    if type(name) is str:
        return f"<{cls}.{name}: {shown}>"
    return f"<{cls}: {shown}>"


def _render_enum_class(p: Presenter, value: Any, state: _State, depth: int) -> str:
    flag = sys.modules["enum"].Flag
    kind = "flag" if issubclass(value, flag) else "enum"
    return f"<{kind} {class_qualname(value)!r}>"


def _render_exception(p: Presenter, value: Any, state: _State, depth: int) -> str:
    args = BaseException.__dict__["args"].__get__(value, type(value))
    # Python's own exception repr uses the class __name__, not the qualified name.
    name = class_name(type(value))
    if type(args) is not tuple:
        return f"{name}(...)"
    return _container(
        p, value, state, depth, f"{name}(", ")", tuple.__len__(args), lambda: tuple.__iter__(args)
    )


# --------------------------------------------------------------------------------------------
# Code-ish objects


def _location(code: types.CodeType) -> str:
    filename = code.co_filename
    short = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return f"{short}:{code.co_firstlineno}"


def _render_function(p: Presenter, value: types.FunctionType, state: _State, depth: int) -> str:
    code = types.FunctionType.__dict__["__code__"].__get__(value)
    qual = types.FunctionType.__dict__["__qualname__"].__get__(value)
    kind = "function"
    if code.co_flags & _CO_COROUTINE:
        kind = "coroutine function"
    elif code.co_flags & _CO_ASYNC_GENERATOR:
        kind = "async generator function"
    elif code.co_flags & _CO_GENERATOR:
        kind = "generator function"
    return f"<{kind} {qual} at {_location(code)}>"


def _render_method(p: Presenter, value: types.MethodType, state: _State, depth: int) -> str:
    func = types.MethodType.__dict__["__func__"].__get__(value)
    owner = types.MethodType.__dict__["__self__"].__get__(value)
    if type(func) is types.FunctionType:
        qual = types.FunctionType.__dict__["__qualname__"].__get__(func)
    else:
        qual = type_name(func)
    # Python's own method repr calls repr(self): user code. The default form is enough here.
    if issubclass(type(owner), type):
        target = _render_class(p, owner, state, depth)
    else:
        target = _default_repr(owner)
    return f"<bound method {qual} of {target}>"


def _render_class(p: Presenter, value: type, state: _State, depth: int) -> str:
    module = class_module(value)
    qual = class_qualname(value)
    name = qual if module in ("builtins", "") else f"{module}.{qual}"
    return f"<class {name!r}>"


def _render_module(p: Presenter, value: types.ModuleType, state: _State, depth: int) -> str:
    d = instance_dict(value) or {}
    name = d.get("__name__")
    name = name if type(name) is str else "?"
    file = d.get("__file__")
    if type(file) is str:
        return f"<module {name!r} from {file!r}>"
    return f"<module {name!r}>"


_CO_GENERATOR = 0x20
_CO_COROUTINE = 0x80
_CO_ASYNC_GENERATOR = 0x200


def generator_state(value: object) -> str:
    """GEN_CREATED / GEN_RUNNING / GEN_SUSPENDED / GEN_CLOSED (CORO_ and AGEN_ alike).

    The same rule as `inspect.getgeneratorstate`, without importing inspect.
    """
    cls = type(value)
    if cls is types.GeneratorType:
        prefix, attrs = "GEN", ("gi_running", "gi_suspended", "gi_frame")
    elif cls is types.CoroutineType:
        prefix, attrs = "CORO", ("cr_running", "cr_suspended", "cr_frame")
    else:
        prefix, attrs = "AGEN", ("ag_running", "ag_suspended", "ag_frame")
    d = class_dict(cls)
    running, suspended, frame = (
        d[a].__get__(value, cls)  # type: ignore[attr-defined]
        for a in attrs
    )
    if running:
        return f"{prefix}_RUNNING"
    if suspended:
        return f"{prefix}_SUSPENDED"
    if frame is None:
        return f"{prefix}_CLOSED"
    return f"{prefix}_CREATED"


def _render_generator(p: Presenter, value: Any, state: _State, depth: int) -> str:
    cls = type(value)
    kind = {
        types.GeneratorType: "generator",
        types.CoroutineType: "coroutine",
        types.AsyncGeneratorType: "async_generator",
    }[cls]
    qual = class_dict(cls)["__qualname__"].__get__(value, cls)  # type: ignore[attr-defined]
    st = generator_state(value)
    frame = class_dict(cls)[
        {"generator": "gi_frame", "coroutine": "cr_frame"}.get(kind, "ag_frame")
    ]
    f = frame.__get__(value, cls)  # type: ignore[attr-defined]
    where = f" line {f.f_lineno}" if f is not None and st.endswith("SUSPENDED") else ""
    return f"<{kind} object {qual} {st}{where}>"


# --------------------------------------------------------------------------------------------
# numpy / pandas: recognised only when the program imported them
#
# Their own reprs are not used: numpy's honours print options that may hold user formatter
# functions, and pandas' formats the whole frame layout (slow, and multi-line). What is called
# instead is library code reached through the classes' own descriptors (so a subclass property
# is never run), and anything that needs pandas' Python machinery goes through the runner,
# like user code, under the repr time limit.


def numpy_array_type() -> type | None:
    np = sys.modules.get("numpy")
    t = getattr(np, "ndarray", None) if np is not None else None
    return t if t is not None and issubclass(type(t), type) else None


def numpy_scalar_types() -> tuple[type, ...]:
    """numpy's bool, integer, floating and complex scalar bases; () unless numpy is loaded."""
    np = sys.modules.get("numpy")
    if np is None:
        return ()
    found = tuple(getattr(np, n, None) for n in ("bool_", "integer", "floating", "complexfloating"))
    return tuple(t for t in found if t is not None and issubclass(type(t), type))


def pandas_types() -> tuple[type | None, type | None]:
    pd = sys.modules.get("pandas")
    if pd is None:
        return None, None
    df = getattr(pd, "DataFrame", None)
    series = getattr(pd, "Series", None)
    return (
        df if df is not None and issubclass(type(df), type) else None,
        series if series is not None and issubclass(type(series), type) else None,
    )


def _owned_by_numpy(cls: type, name: str) -> bool:
    found = lookup_class_attr(cls, name)
    return found is not None and class_module(found[0]).startswith("numpy")


def _render_numpy_scalar(p: Presenter, value: Any, state: _State, depth: int) -> str:
    # As a number, like the Python value it stands for: an element of a 1,000,000-element
    # array listed as "np.int64(5)" a thousand times is noise; the type column says int64.
    cls = type(value)
    kinds = numpy_scalar_types()
    if not kinds or not issubclass(cls, kinds) or not _owned_by_numpy(cls, "__str__"):
        return _render_user(p, value, state, depth)  # a user subclass: its own repr
    bool_, integer = kinds[0], kinds[1]
    if issubclass(cls, bool_):
        return "True" if bool_.__bool__(value) else "False"  # type: ignore[attr-defined]
    if issubclass(cls, integer):
        return _render_int(p, integer.__int__(value), state, depth)  # type: ignore[attr-defined]
    text = lookup_class_attr(cls, "__str__")[1].__get__(value, cls)()  # type: ignore[index, union-attr]
    return text if type(text) is str else _default_repr(value)


def _render_numpy_str(p: Presenter, value: Any, state: _State, depth: int) -> str:
    # numpy.str_ / numpy.bytes_ are str / bytes subclasses: shown as the plain value.
    if issubclass(type(value), str):
        return _render_str(p, value, state, depth)
    if issubclass(type(value), bytes):
        return _render_bytes(p, value, state, depth)
    return _render_user(p, value, state, depth)  # pragma: no cover - chosen for those two only


def _ndarray_field(value: object, name: str) -> Any:
    nd = numpy_array_type()
    assert nd is not None
    return class_dict(nd)[name].__get__(value, nd)  # type: ignore[attr-defined]


def _render_ndarray(p: Presenter, value: Any, state: _State, depth: int) -> str:
    try:
        shape = tuple(_ndarray_field(value, "shape"))
        dtype = str(_ndarray_field(value, "dtype"))  # numpy's own dtype naming (library code)
    except Exception as exc:
        return f"<ndarray: {type_name(exc)}>"
    head = f"ndarray(shape={shape!r}, dtype={dtype})"
    if type(value) is not numpy_array_type():
        # A subclass may hook indexing (`__array_finalize__`, `__getitem__`): no preview.
        return head
    was_top = state.top
    state.top = False  # the shape already says how many items there are
    try:
        return f"{head} {_ndarray_body(p, value, state, depth, len(shape))}"
    except Exception as exc:  # numpy refused (a dtype we cannot iterate): the head alone
        return f"{head} <{type_name(exc)}>"
    finally:
        state.top = was_top


def _ndarray_body(p: Presenter, value: Any, state: _State, depth: int, ndim: int) -> str:
    """Nested brackets of the leading items, like a list of lists, bounded as any preview."""
    if ndim == 0:
        return p._render(value[()], state, depth + 1)
    nd = numpy_array_type()

    def render_item(item: object) -> str:
        if type(item) is nd:
            return _ndarray_body(p, item, state, depth + 1, ndim - 1)
        return p._render(item, state, depth + 1)

    n = int(_ndarray_field(value, "shape")[0])
    return _container(p, value, state, depth, "[", "]", n, lambda: iter(value), render_item)


def _pandas_read(p: Presenter, state: _State, fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """(`fn()`, None) with fn (pandas attribute reads) run through the runner, or (None, why)."""
    remaining = state.budget.remaining()
    if remaining <= 0:
        return None, "time budget spent"
    timeout = min(p.repr_timeout, remaining)
    result = p.call_user(fn, timeout)
    if result.timed_out:
        return None, f"timed out after {format_seconds(timeout)}"
    if result.error is not None:
        return None, result.error
    return result.value, None


def _render_dataframe(p: Presenter, value: Any, state: _State, depth: int) -> str:
    def read() -> tuple[tuple[int, ...], list[str], int]:
        shape = tuple(value.shape)
        columns = [str(c) for c in itertools.islice(iter(value.columns), 10)]
        return shape, columns, len(value.columns)

    got, error = _pandas_read(p, state, read)
    if error is not None:
        return f"<DataFrame: {error}>"
    shape, columns, ncols = got
    more = ", ..." if ncols > len(columns) else ""
    cols = ", ".join(_render_str(p, c, state, depth + 1) for c in columns)
    return f"DataFrame(shape={shape!r}, columns=[{cols}{more}])"


def _render_series(p: Presenter, value: Any, state: _State, depth: int) -> str:
    limit = state.limits.items
    take = 100_000 if limit is None else limit + 1  # one more than shown tells "cut"

    def read() -> tuple[tuple[int, ...], str, object, list[object], list[object] | None]:
        shape = tuple(value.shape)
        head = value.iloc[:take]
        index = value.index
        # A default index (0, 1, 2...) adds nothing: a list then, else label: value pairs.
        default = type(index).__name__ == "RangeIndex" and index.start == 0 and index.step == 1
        labels = None if default else list(head.index)
        return shape, str(value.dtype), value.name, list(head.array), labels

    got, error = _pandas_read(p, state, read)
    if error is not None:
        return f"<Series: {error}>"
    shape, dtype, name, items, labels = got
    label = f"name={p._render(name, state, depth + 1)}, " if name is not None else ""
    head = f"Series({label}shape={shape!r}, dtype={dtype})"
    n = shape[0] if shape else 0
    was_top = state.top
    state.top = False
    try:
        if labels is None:
            body = _container(p, value, state, depth, "[", "]", n, lambda: items)
        else:
            pairs = list(zip(labels, items, strict=True))
            body = _container(
                p, value, state, depth, "{", "}", n, lambda: pairs, _dict_entry(p, state, depth)
            )
    finally:
        state.top = was_top
    return f"{head} {body}"


# --------------------------------------------------------------------------------------------
# Tables

_EXACT: dict[type, _Render] = {
    type(None): _render_none,
    bool: _render_bool,
    int: _render_int,
    float: _render_float,
    complex: _render_complex,
    str: _render_str,
    bytes: _render_bytes,
    bytearray: _render_bytearray,
    list: _render_list,
    tuple: _render_tuple,
    dict: _render_dict,
    set: _render_set,
    frozenset: _render_frozenset,
    range: _render_range,
    memoryview: _render_memoryview,
    type: _render_class,
    types.ModuleType: _render_module,
    types.FunctionType: _render_function,
    types.MethodType: _render_method,
    types.GeneratorType: _render_generator,
    types.CoroutineType: _render_generator,
    types.AsyncGeneratorType: _render_generator,
    _Raw: _render_raw,
    type({}.keys()): _render_dict_view,
    type({}.values()): _render_dict_view,
    type({}.items()): _render_dict_view,
}

# C types whose repr formats only their own plain fields.
for _t in (
    types.BuiltinFunctionType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
    types.MethodDescriptorType,
    types.ClassMethodDescriptorType,
    types.GetSetDescriptorType,
    types.MemberDescriptorType,
    types.CodeType,
    types.FrameType,
    types.CellType,
    type(Ellipsis),
    type(NotImplemented),
    slice,
):
    _EXACT.setdefault(_t, _render_safe_c_repr)

# Owners of __repr__ further up the MRO: subclasses that do not override __repr__.
_OWNERS: dict[type, _Render] = {
    object: _render_object,
    BaseException: _render_exception,
}


def _stdlib_owner(owner: type, module: types.ModuleType | None, fn: object) -> _Render | None:
    """Renderers for stdlib / third-party classes, looked up only if their module is loaded."""
    if module is None:
        return None
    name = module.__name__
    qual = class_qualname(owner)
    if name == "collections":
        table: dict[str, _Render] = {
            "OrderedDict": _render_ordered_dict,
            "Counter": _render_counter,
            "defaultdict": _render_defaultdict,
            "deque": _render_deque,
        }
    elif name == "enum":
        table = {"Enum": _render_enum, "Flag": _render_enum, "EnumType": _render_enum_class}
    elif name.startswith("numpy"):
        if owner is numpy_array_type():
            return _render_ndarray
        if issubclass(owner, (str, bytes)):
            return _render_numpy_str
        kinds = numpy_scalar_types()
        return _render_numpy_scalar if kinds and issubclass(owner, kinds) else None
    elif name.startswith("pandas"):
        df, series = pandas_types()
        if owner is df:
            return _render_dataframe
        if owner is series:
            return _render_series
        return None
    elif name in ("re", "decimal"):
        # C reprs formatting their own fields only (a pattern string, digits): no user code.
        # (datetime is not here: its repr calls repr(tzinfo), which may be a user class.)
        return _render_safe_c_repr if qual in ("Pattern", "Match", "Decimal") else None
    else:
        return None
    render = table.get(qual)
    if render is None or getattr(module, qual, None) is not owner:
        return None
    return render
