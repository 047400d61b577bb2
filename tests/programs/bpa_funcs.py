"""Function breakpoints: every kind of callable, by name, and a module imported late."""

import asyncio
import functools
import sys


def traced(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return fn(*args, **kwargs)  # @wrapper-body

    return wrapper


def plain(n):
    return n + 1  # @plain


@traced
def decorated(n):
    return n * 2  # @decorated


def outer(n):
    def inner(m):
        return m - 1  # @inner

    return inner(n)


class Shape:
    def __init__(self, size):
        self.size = size  # @init

    def area(self):
        return self.size * self.size  # @area

    @classmethod
    def unit(cls):
        return cls(1)  # @unit

    @staticmethod
    def describe(x):
        return f"shape {x}"  # @describe

    @property
    def double(self):
        return self.size * 2  # @double


async def fetch(n):
    await asyncio.sleep(0)  # @fetch
    return n


def main():
    print("plain", plain(1))
    print("decorated", decorated(2))
    print("outer", outer(3))
    s = Shape.unit()
    print("area", s.area(), Shape.describe(4), s.double)
    print("fetch", asyncio.run(fetch(5)))
    sys.path.insert(0, sys.argv[1])
    import bpa_funcmod  # noqa: E402

    print("late", bpa_funcmod.late(6))


main()
