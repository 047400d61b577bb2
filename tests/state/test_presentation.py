"""Rendering of every kind of value, with exact strings."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import decimal
import enum
import re
import sys
import threading
import typing
from collections.abc import Generator, Iterator

import pytest

from dap_server.state import Limits, NullRedactor, Presenter, UserCall
from dap_server.state.presentation import generator_state

from .helpers import FakeRedactor, ThreadRunner, direct_runner


@pytest.fixture
def p() -> Presenter:
    return Presenter(UserCall(direct_runner))


def render(p: Presenter, value: object, **kw: typing.Any) -> str:
    return p.render(value, **kw)


class Color(enum.Enum):
    RED = 1
    GREEN = "g"


class Perm(enum.Flag):
    R = 4
    W = 2


class Point(typing.NamedTuple):
    x: int
    y: int


@dataclasses.dataclass
class Pair:
    left: object
    right: object = None
    hidden: int = dataclasses.field(default=0, repr=False)


@dataclasses.dataclass(slots=True)
class Slotted:
    a: int


class Plain:
    pass


class WithRepr:
    def __repr__(self) -> str:
        return "WithRepr!"


class RaisingRepr:
    def __repr__(self) -> str:
        raise ValueError("no repr for you")


class HugeRepr:
    def __repr__(self) -> str:
        return "x" * 1_000_000


class Tricky:
    """A `__class__` property and `__getattr__`: any isinstance/getattr would run them."""

    touched = False

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        Tricky.touched = True
        raise AssertionError("user code ran")

    def __getattr__(self, name: str) -> object:
        Tricky.touched = True
        raise AssertionError("user code ran")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "None"),
        (True, "True"),
        (0, "0"),
        (-12345678901234567890, "-12345678901234567890"),
        (1.5, "1.5"),
        (float("nan"), "nan"),
        (1 + 2j, "(1+2j)"),
        ("it's", '"it\'s"'),
        (b"\x00ab", "b'\\x00ab'"),
        (bytearray(b"ab"), "bytearray(b'ab')"),
        ([1, "a", None], "[1, 'a', None]"),
        ((), "()"),
        ((1,), "(1,)"),
        ((1, 2), "(1, 2)"),
        (set(), "set()"),
        ({3}, "{3}"),
        (frozenset(), "frozenset()"),
        (frozenset({3}), "frozenset({3})"),
        ({"a": [1, 2], 3: None}, "{'a': [1, 2], 3: None}"),
        ({}.keys(), "dict_keys([])"),
        ({"a": 1}.values(), "dict_values([1])"),
        ({"a": 1}.items(), "dict_items([('a', 1)])"),
        (collections.deque([1, 2]), "deque([1, 2])"),
        (collections.deque([1], maxlen=3), "deque([1], maxlen=3)"),
        (collections.defaultdict(list, a=[1]), "defaultdict(<class 'list'>, {'a': [1]})"),
        (collections.Counter("abb"), "Counter({'a': 1, 'b': 2})"),
        (collections.OrderedDict(a=1), "OrderedDict({'a': 1})"),
        (collections.OrderedDict(), "OrderedDict()"),
        (Point(1, 2), "Point(x=1, y=2)"),
        (Pair([1], "r"), "Pair(left=[1], right='r')"),
        (Slotted(3), "Slotted(a=3)"),
        (Color.RED, "<Color.RED: 1>"),
        (Color.GREEN, "<Color.GREEN: 'g'>"),
        (Perm.R, "<Perm.R: 4>"),
        (Color, "<enum 'Color'>"),
        (Perm, "<flag 'Perm'>"),
        (range(2, 10, 3), "range(2, 10, 3)"),
        (memoryview(b"abcd"), "<memoryview: format 'B', shape (4,), nbytes 4>"),
        (ValueError("bad", 2), "ValueError('bad', 2)"),
        (KeyError("k"), "KeyError('k')"),
        (int, "<class 'int'>"),
        (Plain, "<class 'tests.state.test_presentation.Plain'>"),
        (len, "<built-in function len>"),
        (collections, f"<module 'collections' from {collections.__file__!r}>"),
        (sys, "<module 'sys'>"),
        (WithRepr(), "WithRepr!"),
        (Ellipsis, "Ellipsis"),
        (re.compile("a+"), "re.compile('a+')"),
        (decimal.Decimal("1.5"), "Decimal('1.5')"),
    ],
)
def test_render_exact(p: Presenter, value: object, expected: str) -> None:
    assert render(p, value) == expected


def test_default_object_repr_without_user_code(p: Presenter) -> None:
    obj = Plain()
    assert render(p, obj) == f"<tests.state.test_presentation.Plain object at {id(obj):#x}>"


def test_tricky_object_runs_no_user_code_to_render() -> None:
    calls = []

    def refusing_runner(fn: typing.Any, timeout: float) -> typing.Any:
        calls.append(fn)
        return fn()

    p = Presenter(UserCall(refusing_runner))
    obj = Tricky()
    assert render(p, obj) == f"<tests.state.test_presentation.Tricky object at {id(obj):#x}>"
    assert render(p, [obj]) == f"[<tests.state.test_presentation.Tricky object at {id(obj):#x}>]"
    assert not Tricky.touched
    assert calls == []  # default repr: the runner was not even needed


def test_functions_and_methods(p: Presenter) -> None:
    def local_fn() -> None:
        pass

    line = local_fn.__code__.co_firstlineno
    assert render(p, local_fn) == (
        f"<function test_functions_and_methods.<locals>.local_fn at test_presentation.py:{line}>"
    )

    async def coro_fn() -> None:
        pass

    assert render(p, coro_fn).startswith("<coroutine function test_functions_and_methods.")
    obj = WithRepr()
    # Python's method repr would call WithRepr.__repr__; ours names the default form instead.
    assert render(p, obj.__repr__) == (
        f"<bound method WithRepr.__repr__ of "
        f"<tests.state.test_presentation.WithRepr object at {id(obj):#x}>>"
    )


def test_generators_and_coroutines_with_state(p: Presenter) -> None:
    def gen() -> Generator[int]:
        yield 1
        yield 2

    g = gen()
    qual = "test_generators_and_coroutines_with_state.<locals>.gen"
    assert render(p, g) == f"<generator object {qual} GEN_CREATED>"
    next(g)
    line = gen.__code__.co_firstlineno + 1
    assert render(p, g) == f"<generator object {qual} GEN_SUSPENDED line {line}>"
    g.close()
    assert render(p, g) == f"<generator object {qual} GEN_CLOSED>"

    async def co() -> None:
        pass

    c = co()
    assert generator_state(c) == "CORO_CREATED"
    assert render(p, c).endswith("CORO_CREATED>")
    c.close()
    assert generator_state(c) == "CORO_CLOSED"


def test_long_str_cut_in_value_whole_in_clipboard(p: Presenter) -> None:
    s = "a" * 5000
    assert render(p, s) == "'" + "a" * 500 + "'... (5,000 chars)"
    assert render(p, s, context="clipboard") == repr(s)
    # Nested in a container: cut without the count.
    assert render(p, [s]) == "['" + "a" * 500 + "'...]"


def test_long_bytes(p: Presenter) -> None:
    b = b"z" * 3000
    assert render(p, b) == "b'" + "z" * 500 + "'... (3,000 bytes)"


def test_big_int_summarised(p: Presenter) -> None:
    n = 2**10000
    assert render(p, n) == "<int with about 3,011 decimal digits: 0x8000000000000000...>"
    assert render(p, -(2**4000)).startswith("<int with about 1,205 decimal digits: -0x8000")
    # Just under the limit: in full.
    assert render(p, 2**2999) == str(2**2999)


def test_hex_format(p: Presenter) -> None:
    assert render(p, 255, hex=True) == "0xff"
    assert render(p, [10, -1, True], hex=True) == "[0xa, -0x1, True]"
    assert render(p, {16: "x"}, hex=True) == "{0x10: 'x'}"


def test_large_list_preview_and_length(p: Presenter) -> None:
    big = list(range(1_000_000))
    text = render(p, big)
    assert text.startswith("[0, 1, 2, 3,")
    assert text.endswith(", ...] (1,000,000 items)")
    # The preview stops at the item limit (100) or the size limit, whichever first.
    assert len(text) < 1100


def test_large_dict_preview(p: Presenter) -> None:
    d = {i: str(i) for i in range(1_000_000)}
    text = render(p, d)
    assert text.startswith("{0: '0', 1: '1', 2: '2',")
    assert text.endswith(", ...} (1,000,000 items)")


def test_item_limit() -> None:
    p = Presenter(UserCall(direct_runner), limits=Limits(items=3))
    assert p.render([1, 2, 3]) == "[1, 2, 3]"
    assert p.render([1, 2, 3, 4]) == "[1, 2, 3, ...] (4 items)"
    assert p.render({"a": 1, "b": 2, "c": 3, "d": 4}) == "{'a': 1, 'b': 2, 'c': 3, ...} (4 items)"


def test_recursive_containers(p: Presenter) -> None:
    lst: list[object] = [1]
    lst.append(lst)
    assert render(p, lst) == "[1, [...]]"
    d: dict[str, object] = {}
    d["self"] = d
    assert render(p, d) == "{'self': {...}}"
    a: list[object] = []
    b: list[object] = [a]
    a.append(b)
    assert render(p, a) == "[[[...]]]"


def test_deep_nesting_is_cut_at_the_depth_limit(p: Presenter) -> None:
    deep: list[object] = []
    cur = deep
    for _ in range(10_000):
        nxt: list[object] = []
        cur.append(nxt)
        cur = nxt
    assert render(p, deep) == "[[[[[...]]]]]"


def test_user_repr_runs_through_the_runner() -> None:
    seen: list[float] = []

    def runner(fn: typing.Any, timeout: float) -> typing.Any:
        seen.append(timeout)
        return fn()

    p = Presenter(UserCall(runner), repr_timeout=0.25)
    assert p.render(WithRepr()) == "WithRepr!"
    assert p.render([WithRepr(), WithRepr()]) == "[WithRepr!, WithRepr!]"
    assert seen == [0.25, 0.25, 0.25]


def test_raising_repr(p: Presenter) -> None:
    assert render(p, RaisingRepr()) == "<repr failed: ValueError: no repr for you>"
    assert render(p, [RaisingRepr()]) == "[<repr failed: ValueError: no repr for you>]"


def test_huge_repr_is_cut(p: Presenter) -> None:
    assert render(p, HugeRepr()) == "x" * 1000 + "..."


def test_hanging_repr_times_out() -> None:
    release = threading.Event()

    class Hanging:
        def __repr__(self) -> str:
            release.wait(10)
            return "late"

    try:
        p = Presenter(UserCall(ThreadRunner()), repr_timeout=0.2)
        assert p.render(Hanging()) == "<repr timed out after 0.2s>"
        assert p.render([1, Hanging()]) == "[1, <repr timed out after 0.2s>]"
    finally:
        release.set()


def test_budget_exhausted_falls_back_to_default_repr() -> None:
    from dap_server.state import Budget

    calls: list[object] = []

    def runner(fn: typing.Any, timeout: float) -> typing.Any:
        calls.append(fn)
        return fn()

    p = Presenter(UserCall(runner))
    obj = WithRepr()
    assert p.render(obj, budget=Budget(deadline=0.0)) == (
        f"<tests.state.test_presentation.WithRepr object at {id(obj):#x}>"
    )
    assert calls == []


def test_subclass_overrides_are_not_called(p: Presenter) -> None:
    class SneakyList(list[int]):
        def __iter__(self) -> Iterator[int]:
            raise AssertionError("user __iter__ ran")

        def __len__(self) -> int:
            raise AssertionError("user __len__ ran")

    assert render(p, SneakyList([1, 2])) == "[1, 2]"

    class SneakyDict(dict[str, int]):
        def items(self) -> typing.Any:
            raise AssertionError("user items ran")

    assert render(p, SneakyDict(a=1)) == "{'a': 1}"


def test_redaction_in_previews() -> None:
    p = Presenter(UserCall(direct_runner), FakeRedactor())
    assert (
        p.render({"password": "hunter2", "user": "bob"})
        == "{'password': [REDACTED], 'user': 'bob'}"
    )
    assert (
        p.render(Pair(left={"token": 1}, right="x"))
        == "Pair(left={'token': [REDACTED]}, right='x')"
    )
    assert p.render("key is sk-abcdefghijkl") == "'key is [REDACTED]'"

    @dataclasses.dataclass
    class Login:
        user: str
        password: str

    # Like Python's dataclass repr: the qualified name.
    assert p.render(Login("bob", "pw")) == (
        "test_redaction_in_previews.<locals>.Login(user='bob', password=[REDACTED])"
    )

    class Creds(typing.NamedTuple):
        secret: str

    assert p.render(Creds("s")) == "Creds(secret=[REDACTED])"
    # The redactor switched off: nothing hidden.
    off = FakeRedactor()
    off.enabled = False
    assert Presenter(UserCall(direct_runner), off).render({"password": 1}) == "{'password': 1}"


def test_user_repr_output_is_redacted() -> None:
    class Leaky:
        def __repr__(self) -> str:
            return "Leaky(sk-0123456789abc)"

    p = Presenter(UserCall(direct_runner), FakeRedactor())
    assert p.render(Leaky()) == "Leaky([REDACTED])"


def test_exception_message_str_is_user_code_run_by_runner() -> None:
    class BadStr(Exception):
        def __str__(self) -> str:
            raise RuntimeError("nope")

    class Raiser:
        def __repr__(self) -> str:
            raise BadStr()

    p = Presenter(UserCall(direct_runner), NullRedactor())
    assert p.render(Raiser()) == "<repr failed: BadStr: <exception str() failed>>"


def test_datetime_goes_through_the_runner() -> None:
    import datetime

    calls: list[float] = []

    def runner(fn: typing.Any, timeout: float) -> typing.Any:
        calls.append(timeout)
        return fn()

    p = Presenter(UserCall(runner))
    # Its repr calls repr(tzinfo), which may be user code: so it is run as user code.
    assert p.render(datetime.date(2024, 1, 2)) == "datetime.date(2024, 1, 2)"
    assert calls == [0.2]


def test_exception_message_naming_its_own_class_is_not_prefixed_twice() -> None:
    from dap_server.state.presentation import describe_exception

    class Violation(Exception):
        def __str__(self) -> str:
            return f"Violation: {self.args[0]}"

    assert describe_exception(Violation("refused")) == "Violation: refused"
    assert describe_exception(ValueError("x")) == "ValueError: x"
    assert describe_exception(ValueError()) == "ValueError"


# --- the kinds a debugpy user knows from Python's own repr, with exact strings -------------


def test_dict_views_exact_and_cut(p: Presenter) -> None:
    d = {i: -i for i in range(150)}
    keys = ", ".join(str(i) for i in range(100))
    assert render(p, d.keys()) == f"dict_keys([{keys}, ...]) (150 items)"
    items = ", ".join(f"({i}, {-i})" for i in range(3))
    assert render(p, {i: -i for i in range(3)}.items()) == f"dict_items([{items}])"
    assert render(p, {"a": [1]}.values()) == "dict_values([[1]])"
    # Inside a container: cut without the count, like other nested previews.
    assert render(p, [d.values()]).endswith(", -99, ...])]")


def test_memoryview_shapes_and_released(p: Presenter) -> None:
    grid = memoryview(bytearray(b"abcdef")).cast("B", (2, 3))
    assert render(p, grid) == "<memoryview: format 'B', shape (2, 3), nbytes 6>"
    ints = memoryview(bytearray(8)).cast("i")
    assert render(p, ints) == "<memoryview: format 'i', shape (2,), nbytes 8>"
    gone = memoryview(b"x")
    gone.release()
    assert render(p, gone) == "<released memoryview>"


def test_coroutines_and_async_generators_with_state(p: Presenter) -> None:
    async def fetch() -> int:
        await asyncio.sleep(0)  # @suspend
        return 1

    async def stream() -> typing.AsyncIterator[int]:
        yield 1

    qual = "test_coroutines_and_async_generators_with_state.<locals>"
    c = fetch()
    assert render(p, c) == f"<coroutine object {qual}.fetch CORO_CREATED>"
    c.send(None)  # runs to the first suspension point
    line = fetch.__code__.co_firstlineno + 1
    assert render(p, c) == f"<coroutine object {qual}.fetch CORO_SUSPENDED line {line}>"
    c.close()
    assert render(p, c) == f"<coroutine object {qual}.fetch CORO_CLOSED>"
    a = stream()
    assert render(p, a) == f"<async_generator object {qual}.stream AGEN_CREATED>"


def test_exceptions_exact_like_python(p: Presenter) -> None:
    class AppError(Exception):
        def __init__(self, code: int) -> None:
            super().__init__(f"code {code}")
            self.code = code

    # The class __name__, as Python's own repr (not the qualified name of a nested class).
    assert render(p, AppError(3)) == "AppError('code 3')"
    assert render(p, ValueError()) == "ValueError()"
    assert render(p, OSError(2, "No such file")) == "FileNotFoundError(2, 'No such file')"
    assert render(p, StopIteration(5)) == "StopIteration(5)"
    group = BaseExceptionGroup("eg", [ValueError(1), KeyError("k")])
    assert render(p, group) == "ExceptionGroup('eg', [ValueError(1), KeyError('k')])"


def test_big_ints_and_long_bytes_exact(p: Presenter) -> None:
    assert render(p, -(2**5000)) == (
        "<int with about 1,506 decimal digits: -0x8000000000000000...>"
    )
    assert render(p, 2**3000 + 1, hex=True).startswith("<int with about 904 decimal digits")
    assert render(p, 10**100) == str(10**100)
    assert render(p, bytearray(b"x" * 600)) == ("bytearray(b'" + "x" * 500 + "'...) (600 bytes)")
    assert render(p, [b"y" * 600]) == "[b'" + "y" * 500 + "'...]"
    assert render(p, b"") == "b''"


def test_count_of_a_cut_preview_follows_the_whole_value() -> None:
    p = Presenter(UserCall(direct_runner), limits=Limits(items=2))
    assert p.render(frozenset({1, 2, 3})).endswith(", ...}) (3 items)")
    assert p.render(collections.deque([1, 2, 3], maxlen=5)) == (
        "deque([1, 2, ...], maxlen=5) (3 items)"
    )
    assert p.render(collections.Counter({"a": 3, "b": 2, "c": 1})) == (
        "Counter({'a': 3, 'b': 2, ...}) (3 items)"
    )
    assert p.render(collections.defaultdict(int, a=1, b=2, c=3)) == (
        "defaultdict(<class 'int'>, {'a': 1, 'b': 2, ...}) (3 items)"
    )
    assert p.render(collections.OrderedDict(a=1, b=2, c=3)) == (
        "OrderedDict({'a': 1, 'b': 2, ...}) (3 items)"
    )
    assert p.render({1: 1, 2: 2, 3: 3}.keys()) == "dict_keys([1, 2, ...]) (3 items)"
