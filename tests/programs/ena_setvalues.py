"""setVariable / setExpression in every kind of frame (tests/e2e/test_set_values_adversarial.py).

`python ena_setvalues.py SCENARIO`: each scenario stops at its marked line, then prints what the
program sees afterwards, so a test can tell whether an assignment made while stopped stuck.
"""

import asyncio
import sys

SCENARIO = sys.argv[1] if len(sys.argv) > 1 else "plain"
LIMIT = 3


def plain():
    n = 1
    items = [0]
    print("plain stop")  # @plain
    print("plain n", n)  # @plain_next
    print("plain items", items)
    return n


def gen():
    g = 10
    print("gen stop")  # @gen
    yield g
    print("gen after", g)
    yield g + 1


async def coro():
    c = "a"
    print("coro stop")  # @coro
    await asyncio.sleep(0)
    print("coro after", c)
    return c


def cells():
    cell = 1

    def inner():
        return cell

    print("cells stop")  # @cells
    print("cells inner", inner())
    print("cells cell", cell)


def free():
    shared = 1

    def inner():
        print("inner stop", shared)  # @free
        return shared

    got = inner()
    print("free got", got, "shared", shared)


def callee():
    print("callee stop")  # @callee
    return 1


def caller():
    mine = 5
    r = callee()
    print("caller mine", mine, r)  # @caller_next


def helper_of_gen():
    print("helper stop")  # @helper
    return 0


def gen_with_call():
    k = 1
    helper_of_gen()
    yield k


def comp():
    base = 1
    out = [
        v + base  # @comp
        for v in range(3)
    ]
    print("comp out", out, base)


def reads_global():
    local = LIMIT
    print("global stop")  # @global
    print("global seen", LIMIT, local)


if SCENARIO == "plain":
    plain()
elif SCENARIO == "gen":
    print("gen values", list(gen()))
elif SCENARIO == "coro":
    print("coro result", asyncio.run(coro()))
elif SCENARIO == "cells":
    cells()
elif SCENARIO == "free":
    free()
elif SCENARIO == "caller":
    caller()
elif SCENARIO == "gen_caller":
    print("gen_caller values", list(gen_with_call()))
elif SCENARIO == "comp":
    comp()
elif SCENARIO == "global":
    reads_global()
    print("global after", LIMIT)
elif SCENARIO == "klass":

    class Klass:
        attr = 1
        print("class stop")  # @klass
        doubled = attr * 2

    print("class", Klass.attr, Klass.doubled)
elif SCENARIO == "module":
    top = 1
    print("module stop")  # @module
    print("module top", top)
