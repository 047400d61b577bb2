#!/usr/bin/env bash
# The whole test suite, as CI runs it: sets up a venv per supported Python found (3.12 and
# 3.13 here), then ruff, mypy --strict, pytest on every venv, and VS Code's DebugClient suite.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t venvs < <(bash scripts/setup.sh --all)
echo "== test environments: ${venvs[*]}"
lint=${venvs[-1]}   # the oldest supported version: what the code must still run on
echo "== ruff"
"$lint/bin/ruff" check src tests benchmarks examples scripts
"$lint/bin/ruff" format --check src tests benchmarks examples scripts
echo "== mypy --strict"
"$lint/bin/mypy"
echo "== VS Code DebugClient (npm @vscode/debugadapter-testsupport)"
(cd tests/vscode && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
for venv in "${venvs[@]}"; do
    echo "== pytest on $("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')"
    "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
    (cd tests/vscode && DAP_SERVER_PYTHON="$PWD/../../$venv/bin/python" node --test)
done
