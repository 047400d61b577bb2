"""Stepping in coroutines, for test_stepping_over_dap.py."""

import asyncio


async def leaf(n):
    await asyncio.sleep(0)  # @leaf-await
    value = n * 2  # @leaf-value
    return value  # @leaf-return


async def middle(n):
    got = await leaf(n)  # @middle-await
    result = got + 1  # @middle-after
    return result


async def noise():
    for k in range(5):
        await asyncio.sleep(0)  # @noise-await


async def main():
    results = await asyncio.gather(middle(5), noise())  # @main-gather
    return results


print(asyncio.run(main()))
