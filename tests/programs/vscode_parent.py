"""Runs child.py as a Python child process, then says so (VS Code flow tests)."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

done = subprocess.run([sys.executable, os.path.join(HERE, "child.py"), "from-vscode"])
print("child exit code", done.returncode, flush=True)  # @after-child
