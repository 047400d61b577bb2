"""A thread started with _thread.start_new_thread (no threading.Thread) hits a breakpoint, and
a daemon thread is stopped at a breakpoint when the main module ends."""

import _thread
import threading
import time

raw_done = threading.Event()
daemon_ready = threading.Event()


def raw_body(n):
    doubled = n * 2  # @raw-bp
    raw_done.set()


def daemon_body():
    daemon_ready.set()
    value = 42  # @daemon-bp
    return value


before = _thread._count()
_thread.start_new_thread(raw_body, (21,))
raw_done.wait()
deadline = time.monotonic() + 5
while _thread._count() > before and time.monotonic() < deadline:
    time.sleep(0.01)
time.sleep(0.05)  # the C library frees the ended thread: the next thread reuses its ident
threading.Thread(target=daemon_body, name="daemon", daemon=True).start()
daemon_ready.wait()
print("main done")  # @main-last
