"""Shows what the interpreter's own options (pythonArgs) changed."""

import sys
import warnings

print("dev_mode", sys.flags.dev_mode, "optimize", sys.flags.optimize)
try:
    assert False, "asserts run"
    print("asserts skipped")
except AssertionError as exc:
    print(exc)
try:
    warnings.warn("careful", UserWarning)
    print("warning not an error")
except UserWarning as exc:
    print("warning raised:", exc)
