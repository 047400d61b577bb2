"""Reports what a program and its child see: ``python att_env.py OUT_DIR STOP_FILE``.

Writes its own environment and command line (``parent.json``) and a child Python's
environment (``child.json``) to OUT_DIR, prints "dumped", then calls ``work`` in a loop until
STOP_FILE exists.
"""

import json
import os
import subprocess
import sys
import time

out, stop_file = sys.argv[1], sys.argv[2]
with open(os.path.join(out, "parent.json"), "w") as f:
    json.dump({"env": dict(os.environ), "argv": sys.argv, "orig_argv": sys.orig_argv}, f)
child = subprocess.run(
    [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"],
    capture_output=True,
    text=True,
    check=True,
)
with open(os.path.join(out, "child.json"), "w") as f:
    f.write(child.stdout)
print("dumped", flush=True)


def work(n):
    doubled = n * 2  # @work
    return doubled


n = 0
while not os.path.exists(stop_file):
    work(n)
    n += 1
    time.sleep(0.002)
print("env done", flush=True)
