"""Runs until told to stop: each tick passes the marked line, so a client can attach, stop
there, detach and attach again while it runs."""

import os
import sys
import time

stop_file = sys.argv[1] if len(sys.argv) > 1 else None


def tick(n):
    value = n * 2  # @tick
    return value


n = 0
try:
    while stop_file is None or not os.path.exists(stop_file):
        tick(n)
        n += 1
        time.sleep(0.02)
finally:
    print("ticker stopped", flush=True)
