"""Coroutines run as tasks by gather, and an async generator consumed by `async for`."""

import asyncio


async def worker(n):
    await asyncio.sleep(0)  # @w-first
    doubled = n * 2  # @w-bp
    await asyncio.sleep(0.05 if n == 1 else 0)  # @w-await
    after = doubled + 1  # @w-after
    return after


async def ticks(limit):
    for k in range(limit):  # @gen-for
        await asyncio.sleep(0)  # @gen-await
        yield k  # @gen-yield


async def consume():
    total = 0
    async for k in ticks(3):  # @for
        total += k  # @for-body
    return total  # @consume-return


async def main():
    results = await asyncio.gather(worker(1), worker(2), worker(3))  # @gather
    total = await consume()  # @consume-call
    print(results, total)


asyncio.run(main())
