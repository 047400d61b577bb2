"""An event loop that mostly waits in its selector, running one ticking coroutine."""

import asyncio

state = {"running": True}


async def ticker():
    ticks = 0
    while state["running"]:  # @tick-loop
        await asyncio.sleep(0.02)  # @tick-sleep
        ticks += 1  # @tick-count
    return ticks


async def main():
    ticks = await ticker()  # @main-await
    print("ticks", ticks > 0)  # @main-print


asyncio.run(main())
