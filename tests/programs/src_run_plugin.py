"""Runs a plugin file by a path relative to the working directory (its code objects' co_filename
is that relative path), then changes directory and calls it again."""

import os
import runpy

here = os.path.dirname(os.path.abspath(__file__))
os.chdir(here)
namespace = runpy.run_path(os.path.join("src_plugins", "plugin.py"))  # @run-plugin
os.chdir(os.path.join(here, "src_plugins"))
print("hook", namespace["first"], namespace["hook"](5))  # @call-again
