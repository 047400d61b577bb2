#!/usr/bin/env bash
# Prints the path of every Python >= 3.12 this machine has, one per line, newest minor
# version first, at most one per minor version. Looks on PATH first (an ordinary
# developer machine), then in pyenv (machines where python3 is older).
set -u
declare -A seen
emit() {
    local exe=$1 ver
    ver=$("$exe" -c 'import sys; print("%d.%d" % sys.version_info[:2]) if sys.version_info >= (3, 12) else None' 2>/dev/null) || return
    [ -n "$ver" ] && [ "$ver" != "None" ] || return
    [ -z "${seen[$ver]:-}" ] || return
    seen[$ver]=1
    echo "$ver $exe"
}
for name in python3.14 python3.13 python3.12 python3; do
    exe=$(command -v "$name" 2>/dev/null) && emit "$exe"
done
root=${PYENV_ROOT:-$HOME/.pyenv}
if [ -d "$root/versions" ]; then
    for dir in $(ls -d "$root"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
        [ -x "$dir/bin/python3" ] && emit "$dir/bin/python3"
    done
fi | cat
