"""Ends in the way its first argument names; the launch tests compare the exit code reported."""

import os
import signal
import sys

how = sys.argv[1]
print("ending by", how, flush=True)
if how == "sys-exit-3":
    sys.exit(3)
elif how == "os-exit-7":
    os._exit(7)
elif how == "sys-exit-message":
    sys.exit("fatal: bad config")
elif how == "sys-exit-none":
    sys.exit(None)
elif how == "raise":
    raise RuntimeError("boom")
elif how == "keyboard-interrupt":
    raise KeyboardInterrupt
elif how == "sigkill":
    os.kill(os.getpid(), signal.SIGKILL)
elif how == "exit-256":
    sys.exit(256)
print("fell through")  # @end
