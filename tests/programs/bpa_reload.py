"""Reloads a module twice: once unchanged, once after its file is rewritten.

argv[1] is the folder holding bpa_reloaded.py (written by the test).
"""

import importlib
import os
import sys
from pathlib import Path

module_file = Path(sys.argv[1]) / "bpa_reloaded.py"
sys.path.insert(0, sys.argv[1])
import bpa_reloaded  # noqa: E402

print("first", bpa_reloaded.work(1))
importlib.reload(bpa_reloaded)
print("same", bpa_reloaded.work(2))
text = module_file.read_text().replace("    return n + 1\n", "    # changed\n    return n + 100\n")
module_file.write_text(text)
stat = module_file.stat()
os.utime(module_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
importlib.reload(bpa_reloaded)
print("changed", bpa_reloaded.work(3))
