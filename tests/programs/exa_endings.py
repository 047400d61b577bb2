"""Generators, suppressed exceptions, __del__, atexit and sys.exit with every argument."""

import atexit
import contextlib
import sys


def numbers():
    yield 1
    yield 2


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n


def consume():
    total = 0
    for x in numbers():
        total += x
    for x in Countdown(2):
        total += x
    try:
        next(iter([]))
    except StopIteration:
        total += 100
    return total


def suppressed():
    with contextlib.suppress(KeyError):
        {}["k"]  # @suppressed
    return "ok"


class Resource:
    def __del__(self):
        raise OSError("close failed")  # @del


def on_exit():
    raise RuntimeError("atexit failed")  # @atexit


def bad_generator():
    yield next(iter([]))  # @bad-gen


kind = sys.argv[1]
if kind == "gen":
    print("consume", consume())
elif kind == "bad-gen":
    list(bad_generator())  # @call-bad-gen
elif kind == "suppress":
    print(suppressed())
elif kind == "del":
    r = Resource()
    del r  # @del-call
    print("after del")
elif kind == "atexit":
    atexit.register(on_exit)
elif kind.startswith("exit:"):
    arg = kind[5:]
    value = None if arg == "None" else int(arg) if arg.lstrip("-").isdigit() else arg
    sys.exit(value)  # @exit
elif kind == "keyboard":
    raise KeyboardInterrupt  # @keyboard
print("end", kind)
