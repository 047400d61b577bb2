"""Prints the environment variables named in its arguments and its sys.path, as one JSON line."""

import json
import os
import sys

print(json.dumps({"env": {k: os.environ.get(k) for k in sys.argv[1:]}, "path": sys.path}))
