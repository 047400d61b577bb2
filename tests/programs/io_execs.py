"""Replaces its own process image with another Python program (os.execv)."""

import os
import sys

print("before exec", flush=True)
target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "io_exec_target.py")
os.execv(sys.executable, [sys.executable, target, "from-exec"])
