"""Code compiled from a string with a real file's name, then run by exec."""

import sys

path = sys.argv[1]
with open(path) as f:
    source = f.read()
namespace: dict[str, object] = {"__name__": "generated"}
exec(compile(source, path, "exec"), namespace)
print("exec", namespace["result"])
