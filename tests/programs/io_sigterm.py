"""Ends by sending itself SIGTERM (no handler: the default action ends the process)."""

import os
import signal

print("terminating myself", flush=True)
os.kill(os.getpid(), signal.SIGTERM)
print("not reached")
