"""Prints what a launch configuration controls, as one JSON line: the launch tests compare it."""

import json
import os
import sys

report = {
    "name": __name__,
    "argv": sys.argv,
    "cwd": os.getcwd(),
    "path0": sys.path[0],
    "env": {
        k: os.environ.get(k)
        for k in ("DAP_TEST_SET", "DAP_TEST_FILE", "DAP_TEST_UNSET", "DAP_TEST_QUOTED")
    },
    "token_leaked": any(k in os.environ for k in ("DAP_SERVER_TOKEN", "DAP_SERVER_CHILD_TOKEN")),
    "optimize": sys.flags.optimize,
}
print(json.dumps(report))  # @report
