#!/usr/bin/env bash
# Puts a CPython 3.14 interpreter from Debian's unstable suite into a private directory
# (default: <repo>/.py314), without touching the system: apt runs with its own sources list,
# lists and cache under that directory, the .debs are only unpacked (dpkg-deb -x, never
# installed), and patchelf points the interpreter at sid's own loader and libraries.
# Used to test attach's Python 3.14 route (sys.remote_exec) on a Debian 12 machine.
# Prints the interpreter's path on success:
#   export DAP_SERVER_TEST_PY314=$(scripts/get-python314.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$(realpath -m "${1:-$root/.py314}")
apt_dir=$dest/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" "$dest/root"

command -v patchelf >/dev/null || { apt-get update -qq >&2 && apt-get install -y -qq patchelf >&2; }

# Only sid, only main; signatures checked against the system's Debian keyring.
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" \
    >"$apt_dir/sources.list"
apt_opts=(
    -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
    -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "Dir::State::status=/dev/null"
    -o "APT::Get::List-Cleanup=0"
)
apt-get "${apt_opts[@]}" -qq update >&2

# The interpreter, its stdlib, sid's glibc (the interpreter needs a newer one than Debian 12's)
# and the few shared libraries the stdlib modules we use link against.
pkgs=(python3.14-minimal libpython3.14-minimal libpython3.14-stdlib libpython3.14
      libc6 libgcc-s1 zlib1g libexpat1 libffi8 libzstd1 liblzma5 libbz2-1.0 libssl3t64 libmpdec4
      libuuid1 libsqlite3-0 libtinfo6 libncursesw6 libreadline8t64)
(cd "$apt_dir/debs" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]}" >&2)
for deb in "$apt_dir"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dest/root"
done

r=$dest/root
exe=$r/usr/bin/python3.14
loader=$r/usr/lib64/ld-linux-x86-64.so.2
[ -e "$loader" ] || loader=$r/lib64/ld-linux-x86-64.so.2
libdirs=$r/usr/lib/x86_64-linux-gnu:$r/lib/x86_64-linux-gnu
# The loader path and rpath are absolute: this copy runs wherever it is, and never picks up
# the system's older glibc. Extension modules get the same rpath.
patchelf --set-interpreter "$(realpath "$loader")" --set-rpath "$libdirs" "$exe"
find "$r/usr/lib/python3.14/lib-dynload" -name '*.so' -exec patchelf --set-rpath "$libdirs" {} \;
for lib in "$r"/usr/lib/x86_64-linux-gnu/libpython3.14*.so*; do
    [ -f "$lib" ] && [ ! -L "$lib" ] && patchelf --set-rpath "$libdirs" "$lib"
done
"$exe" -c 'import sys, socket, threading, json; assert sys.version_info[:2] == (3, 14)' >&2
echo "$exe"
