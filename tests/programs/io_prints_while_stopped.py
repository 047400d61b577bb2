"""A worker thread prints a line every 10 ms until the main thread has passed its breakpoint."""

import threading

passed = threading.Event()
started = threading.Event()


def worker():
    n = 0
    started.set()
    while not passed.is_set():
        print(f"tick {n}", flush=True)
        n += 1
        passed.wait(0.01)
    print("worker done", flush=True)


t = threading.Thread(target=worker, name="printer")
t.start()
started.wait()
marker = "stopped here"  # @bp
passed.set()
t.join()
print("main done")
