"""16 named threads, all alive at once, each passing the same line ROUNDS times; then the main
thread idles until the debugger sets `released` (so the program never ends while the test may
still have requests in flight)."""

import threading
import time

THREADS = 16
ROUNDS = 20

all_started = threading.Barrier(THREADS)
released = False


def work():
    all_started.wait()  # every thread is alive: no native id is reused
    total = 0
    for i in range(ROUNDS):
        total += i  # @hit
    return total


workers = [threading.Thread(target=work, name=f"worker-{k:02d}") for k in range(THREADS)]
for t in workers:
    t.start()
for t in workers:
    t.join()
print("all", len(workers), "done")
while not released:
    time.sleep(0.01)  # @idle
print("released")
