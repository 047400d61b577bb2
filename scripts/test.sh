#!/usr/bin/env bash
# The whole test suite, as CI runs it: sets up a venv per supported Python found (3.12 and
# 3.13 here), then ruff, mypy --strict, pytest on every venv, and VS Code's DebugClient suite.
# Every stage runs even when an earlier one fails; the exit status says whether all passed.
# Extra arguments go to pytest (e.g. scripts/test.sh -k attach).
set -uo pipefail
cd "$(dirname "$0")/.."
mapfile -t venvs < <(bash scripts/setup.sh --all) || exit 1
[ ${#venvs[@]} -gt 0 ] || exit 1
echo "== test environments: ${venvs[*]}"
lint=${venvs[-1]}   # the oldest supported version: what the code must still run on
failed=()
stage() {
    local name=$1; shift
    echo "== $name"
    "$@" || failed+=("$name")
}
paths=(src tests scripts)
for d in benchmarks examples; do [ -d "$d" ] && paths+=("$d"); done
stage "ruff check" "$lint/bin/ruff" check "${paths[@]}"
stage "ruff format" "$lint/bin/ruff" format --check "${paths[@]}"
stage "mypy --strict" "$lint/bin/mypy"
stage "npm ci (VS Code DebugClient)" bash -c 'cd tests/vscode && npm ci --no-audit --no-fund --loglevel=error >/dev/null'
for venv in "${venvs[@]}"; do
    ver=$("$venv/bin/python" -c 'import sys; print(sys.version.split()[0])')
    stage "pytest on $ver" "$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
    stage "VS Code DebugClient on $ver" bash -c "cd tests/vscode && DAP_SERVER_PYTHON='$PWD/$venv/bin/python' node --test"
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "== FAILED: ${failed[*]}"
    exit 1
fi
echo "== all stages passed"
