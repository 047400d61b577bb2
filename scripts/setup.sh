#!/usr/bin/env bash
# Creates .venv-<minor> for each requested Python (default: the newest >= 3.12 found) and
# installs the project with its dev extras into it. Idempotent and quiet when up to date.
#   scripts/setup.sh            newest interpreter only
#   scripts/setup.sh --all      every supported minor version found (what CI tests)
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t found < <(bash scripts/find-pythons.sh | sort -rV)
if [ ${#found[@]} -eq 0 ]; then
    echo "error: no Python 3.12 or newer found on PATH or under pyenv; install one (e.g. 'pyenv install 3.12')" >&2
    exit 1
fi
[ "${1:-}" = "--all" ] || found=("${found[0]}")
for line in "${found[@]}"; do
    ver=${line%% *}; exe=${line#* }
    venv=".venv-$ver"
    stamp="$venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        echo "setting up $venv with $exe" >&2
        [ -x "$venv/bin/python" ] || "$exe" -m venv "$venv"
        "$venv/bin/python" -m pip install -q -e '.[dev]' >&2
        rm -f "$venv"/.installed-*
        touch "$stamp"
    fi
    # Bytecode for the debuggee's own modules: a launched program imports them at start-up,
    # and where PYTHONDONTWRITEBYTECODE is set nothing would ever cache them (an editable
    # install compiles nothing), costing every launch ~50 ms of recompiling.
    "$venv/bin/python" -m compileall -q src/engine src/dap_server >/dev/null 2>&1 || true
    echo "$venv"
done
