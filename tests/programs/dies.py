"""Dies the way argv[1] says: exit7 (os._exit), sigkill, segfault."""

import os
import signal
import sys

how = sys.argv[1]
print("dying", how, flush=True)
if how == "exit7":
    os._exit(7)
elif how == "sigkill":
    os.kill(os.getpid(), signal.SIGKILL)
elif how == "segfault":
    import ctypes

    ctypes.string_at(0)
