"""Evaluation while `raised` is on, a chain that loops, except* and a loop for late filters."""

import sys
import time


def parse(text):
    return int(text)  # @parse


def checked(text):
    try:
        return parse(text)
    except ValueError:
        return -1


def loop_chain():
    a = ValueError("a")
    b = KeyError("b")
    a.__context__ = b
    b.__context__ = a
    raise a  # @loop


def noted():
    err = ValueError("with notes")
    err.add_note("first note")
    raise err  # @noted


def busy():
    deadline = time.monotonic() + 20
    print("ready", flush=True)
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            parse(f"x{n}")
        except ValueError:
            pass
        time.sleep(0.005)


kind = sys.argv[1]
if kind == "evaluate":
    value = checked("7")  # @bp
    print("value", value)
elif kind == "loop":
    loop_chain()  # @call-loop
elif kind == "noted":
    noted()
elif kind == "busy":
    busy()
elif kind == "types":
    for text in ("1", "x"):
        try:
            parse(text)
        except ValueError:
            pass
    {}["missing"]  # @missing
print("end", kind)
