#!/usr/bin/env bash
# Sets everything up (a venv with the newest Python >= 3.12 found) and runs the demo: a short
# scripted debugging session of examples/inventory.py that prints what the debugger sees.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(bash scripts/setup.sh)
exec "$venv/bin/python" examples/demo.py "$@"
