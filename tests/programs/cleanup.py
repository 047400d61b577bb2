"""Runs until interrupted; its `finally` shows that terminate is graceful first."""

import time

try:
    print("ready", flush=True)
    while True:
        time.sleep(0.05)  # @loop
finally:
    print("cleanup done", flush=True)
