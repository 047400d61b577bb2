"""A program that never stops by itself: it ticks until it is ended."""

import os
import sys
import time

print(f"pid {os.getpid()}", flush=True)
ticks = 0
while True:
    time.sleep(0.02)
    ticks += 1  # @tick
    if ticks > 100_000:
        sys.exit(3)
