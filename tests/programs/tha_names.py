"""Threads of every origin, all parked, for the `threads` request: a renamed threading.Thread,
a raw _thread.start_new_thread thread, thread-pool workers, and a daemon that outlives main."""

import _thread
import threading
from concurrent.futures import ThreadPoolExecutor

gate = threading.Event()
ready = threading.Barrier(5)  # renamed, raw, two pool workers, main
raw_native = 0


def renamed_body():
    threading.current_thread().name = "renamed-worker"
    ready.wait()
    gate.wait()


def raw_body():
    global raw_native
    raw_native = _thread.get_native_id()
    ready.wait()
    gate.wait()


def pool_job(k):
    ready.wait()
    gate.wait()
    return k * 10


def daemon_body():
    while True:
        gate.wait()
        threading.Event().wait(0.01)


t = threading.Thread(target=renamed_body, name="original-name")
t.start()
_thread.start_new_thread(raw_body, ())
pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pool")
futures = [pool.submit(pool_job, k) for k in range(2)]
d = threading.Thread(target=daemon_body, name="forever-daemon", daemon=True)
d.start()
ready.wait()
parked = True  # @parked
gate.set()
t.join()
results = [f.result() for f in futures]
pool.shutdown()
print("results", results)  # @results
