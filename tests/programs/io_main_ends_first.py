"""Threads that outlive the main thread, the way argv[1] says:
`after-main`: a non-daemon worker runs its line @after-main only once the main thread has
  finished the program (the interpreter is shutting down and waits for it);
`stopped-at-end`: a non-daemon worker is stopped at @worker-bp while the main thread finishes;
`daemon`: a daemon thread still loops when the program ends."""

import sys
import threading

how = sys.argv[1]
main_finished = threading.Event()


def finished():
    print("main thread finished", flush=True)
    main_finished.set()


# Called by the interpreter once the main thread has run off the end of the program, before it
# waits for the non-daemon threads (CPython's threading._shutdown).
threading._register_atexit(finished)


def after_main():
    main_finished.wait()
    value = 42  # @after-main
    print(f"worker after main {value}", flush=True)


def stopped_at_end(reached):
    reached.set()
    value = 7  # @worker-bp
    print(f"worker resumed {value}", flush=True)


def daemon(started):
    started.set()
    stop = threading.Event()
    while True:
        stop.wait(0.05)


if how == "after-main":
    threading.Thread(target=after_main, name="late").start()
elif how == "stopped-at-end":
    reached = threading.Event()
    threading.Thread(target=stopped_at_end, args=(reached,), name="late").start()
    reached.wait()
elif how == "daemon":
    started = threading.Event()
    threading.Thread(target=daemon, args=(started,), name="forever", daemon=True).start()
    started.wait()
print("main ends", flush=True)
