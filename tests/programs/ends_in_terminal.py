"""Ends the way argv[1] says, for the terminal exit tests:
code N (sys.exit(N)), wait (until a signal ends it), atexit N (os._exit(N) in an atexit handler,
after the runner has reported 0), count-interrupts (exits with 10 + the SIGINTs it received)."""

import atexit
import os
import sys
import time

how = sys.argv[1]
if how == "code":
    sys.exit(int(sys.argv[2]))
elif how == "wait":
    print("waiting", flush=True)
    while True:
        time.sleep(0.05)  # @wait
elif how == "atexit":
    atexit.register(os._exit, int(sys.argv[2]))
elif how == "count-interrupts":
    import signal

    received: list[int] = []
    signal.signal(signal.SIGINT, lambda sig, frame: received.append(sig))
    print("waiting", flush=True)
    while not received:
        time.sleep(0.02)
    time.sleep(0.5)  # room for a second, duplicated SIGINT to arrive
    print(f"interrupts {len(received)}", flush=True)
    sys.exit(10 + len(received))
