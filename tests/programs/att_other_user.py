"""Becomes another user, then runs until killed: ``python att_other_user.py UID``.

Started as root by the attach edge tests, it first imports what the debugger needs (the
interpreter's own files may be unreadable by UID, e.g. under /root), then drops to UID and
calls ``work`` in a loop, printing "ready UID" once and "tick N" every 50 calls.
"""

import encodings.idna  # noqa: F401  (socket.create_connection needs it, lazily)
import os
import sys
import time

import dap_server.debuggee.bootstrap  # noqa: F401
import dap_server.debuggee.runner  # noqa: F401

uid = int(sys.argv[1])
os.setgid(uid)
os.setuid(uid)
print(f"ready {os.getuid()}", flush=True)


def work(n):
    doubled = n * 2  # @work
    return doubled


n = 0
while True:
    work(n)
    n += 1
    if n % 50 == 0:
        print(f"tick {n}", flush=True)
    time.sleep(0.002)
