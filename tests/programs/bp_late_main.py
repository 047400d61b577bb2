"""Imports its modules only after its first stop: `bp_late_module` (next to this file), then a
copy of `bp_late_template.py` it writes to the directory given as its argument (a file that does
not exist until then) under the name `bp_generated`."""

import importlib
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
target_dir = sys.argv[1]
loaded = "bp_late_module" in sys.modules
generated_exists = os.path.exists(os.path.join(target_dir, "bp_generated.py"))
print("before", loaded, generated_exists)  # @first-stop

import bp_late_module  # noqa: E402

print("work", bp_late_module.work(7))

shutil.copyfile(
    os.path.join(here, "bp_late_template.py"), os.path.join(target_dir, "bp_generated.py")
)
sys.path.insert(0, target_dir)
importlib.invalidate_caches()

import bp_generated  # noqa: E402

print("triple", bp_generated.triple(4))
