"""A line breakpoint in every kind of scope: each marked line runs once, in this order
(module, class body, method, function, nested function, lambda, comprehension, generator
expression, generator, coroutine, async generator); a comprehension's line runs once per
element, and a one-line lambda's line also runs where the lambda is made."""

import asyncio

started = True  # @module


class Box:
    size = 3  # @class-body

    def grow(self, n):
        self.size += n  # @method
        return self.size


def outer(x):
    def inner(y):
        return y * 2  # @nested

    doubled = inner(x)  # @function
    return doubled + 1


def build(n):
    squares = [
        k * k  # @listcomp
        for k in range(n)
    ]
    total = sum(
        k + 1  # @genexpr
        for k in range(n)
    )
    return squares, total


def numbers():
    first = 10  # @generator
    yield first


async def coro(v):
    await asyncio.sleep(0)
    return v + 1  # @coroutine


async def agen():
    value = 5  # @async-generator
    yield value


async def consume():
    return [x async for x in agen()]


twice = lambda v: (
    v * 2  # @lambda
)

halve = lambda v: v / 2  # @lambda-one-line

box = Box()
print("grow", box.grow(2))
print("outer", outer(5))
print("twice", twice(4))
print("halve", halve(8))
print("build", build(2))
print("numbers", list(numbers()))
print("coro", asyncio.run(coro(1)))
print("consume", asyncio.run(consume()))
