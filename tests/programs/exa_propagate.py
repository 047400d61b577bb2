"""One exception per scenario, raised once and caught by a caller: how many `raised` stops?"""

import sys
import threading


def inner():
    raise ValueError("boom")  # @inner-raise


def middle():
    try:
        inner()  # @call-inner
    except ValueError:
        print("cleanup")
        raise  # @bare-reraise


def work(lock):
    with lock:
        raise ValueError("inside with")  # @with-raise


def cleanup():
    try:
        raise KeyError("inside try")  # @finally-raise
    finally:
        print("finally ran")


def comprehension(values):
    return [10 // v for v in values]  # @comp


def genexp(values):
    return sum(10 // v for v in values)  # @genexp


def same_function():
    try:
        raise LookupError("caught here")  # @same-raise
    except LookupError:
        return "handled"


def each(values):
    out = []
    for v in values:
        try:
            out.append(int(v))  # @each
        except ValueError:
            out.append(None)
    return out


kind = sys.argv[1]
try:
    if kind == "bare":
        middle()  # @call-middle
    elif kind == "with":
        work(threading.Lock())  # @call-work
    elif kind == "finally":
        cleanup()  # @call-cleanup
    elif kind == "comp":
        comprehension([1, 0])  # @call-comp
    elif kind == "genexp":
        genexp([1, 0])  # @call-genexp
    elif kind == "same":
        print(same_function())
    elif kind == "each":
        print(each(["1", "a", "2", "b", "c"]))
except Exception as exc:
    print("caught", type(exc).__name__)
print("end", kind)
