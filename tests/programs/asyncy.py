import asyncio


def numbers():
    yield 1
    yield 2


async def fetch(n):
    await asyncio.sleep(0)
    gen = numbers()
    next(gen)
    value = n * 3  # @in-coroutine
    await asyncio.sleep(0)  # @await
    return value + 1  # @after-await


async def main():
    results = await asyncio.gather(fetch(1), fetch(2))
    print(results)


asyncio.run(main())
