"""An exception in a thread, in a thread-pool job and in an asyncio task."""

import asyncio
import sys
import threading
from concurrent.futures import ThreadPoolExecutor


def worker():
    raise KeyError("in thread")  # @thread-raise


def job(n):
    return 10 // n  # @job


async def failing():
    await asyncio.sleep(0)
    raise LookupError("in task")  # @task-raise


async def main():
    task = asyncio.create_task(failing())
    results = await asyncio.gather(task, return_exceptions=True)
    print("task results", results)


kind = sys.argv[1]
if kind == "thread":
    t = threading.Thread(target=worker, name="worker-1")
    t.start()
    t.join()
elif kind == "pool":
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(job, 0)
    print("pool", type(fut.exception()).__name__)
elif kind == "task":
    asyncio.run(main())
print("end", kind)
