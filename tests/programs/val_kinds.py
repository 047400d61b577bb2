"""Values of many kinds, stopped at @stop (for tests/e2e/test_values_over_dap.py)."""

import collections
import dataclasses
import enum
import os

GLOBAL_COUNT = 10


class Color(enum.Enum):
    RED = 1
    GREEN = "g"


@dataclasses.dataclass
class Point:
    x: int
    y: int = 0


Pair = collections.namedtuple("Pair", ["left", "right"])


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1


class BadRepr:
    def __repr__(self):
        raise RuntimeError("repr exploded")


class IntRepr:
    def __repr__(self):
        return 42


class Anything:
    def __getattr__(self, name):
        return f"<{name}>"


class Props:
    def __init__(self):
        self.plain = 7

    @property
    def good(self):
        return self.plain * 2

    @property
    def broken(self):
        raise ValueError("no good")


class Plain:
    def __init__(self):
        self.attr = "a"
        self.items = [1, 2]


def gen_func():
    yield 1
    yield 2


def main():
    i = 42
    f = 1.5
    c = 1 + 2j
    b = True
    n = None
    s_quotes = 'it\'s "quoted"'
    s_newline = "line1\nline2\ttab"
    s_unicode = "héllo → 世界 😀"
    s_long = "abcdefghij" * 100
    by = b"\x00\xffabc"
    ba = bytearray(b"xyz")
    nested = {"list": [1, (2, 3), {4, 5}], "fs": frozenset({7})}
    odd_map = {(1, 2): "tuple", 3: "int", None: "none", 1.5: "float", "s": "str"}
    od = collections.OrderedDict([("z", 1), ("a", 2)])
    dd = collections.defaultdict(list, {"k": [1]})
    counter = collections.Counter("aab")
    dq = collections.deque([1, 2, 3], maxlen=5)
    point = Point(3, 4)
    pair = Pair(1, "two")
    color = Color.GREEN
    slotted = Slotted()
    bad_repr = BadRepr()
    int_repr = IntRepr()
    anything = Anything()
    props = Props()
    plain = Plain()
    selfref_list = [1]
    selfref_list.append(selfref_list)
    selfref_dict = {"a": 1}
    selfref_dict["me"] = selfref_dict
    gen = gen_func()
    module = os
    func = gen_func
    klass = Plain
    empty_list = []
    quoted = {"it's": 1, "plain": 2}
    big = list(range(2500))
    print("ready")  # @stop
    return i


main()
