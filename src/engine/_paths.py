"""Which code is the user's, which is a library, which is the debugger's own.

Classified once per distinct `co_filename` string and cached: callbacks only do a dict lookup.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Sequence

from ._codeinfo import canonical

USER = 0
LIBRARY = 1
HIDDEN = 2

_ENGINE_DIR = os.path.dirname(os.path.abspath(__file__))
_DAP_SERVER_DIR = os.path.join(os.path.dirname(_ENGINE_DIR), "dap_server")


def _library_dirs() -> list[str]:
    dirs = {os.path.dirname(os.__file__)}
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        dirs.add(os.path.join(prefix, "lib", f"python{sys.version_info[0]}.{sys.version_info[1]}"))
    try:
        dirs.update(site.getsitepackages())
        dirs.add(site.getusersitepackages())
    except Exception:  # some embedded/venv set-ups lack these
        pass
    return sorted({canonical(d) + os.sep for d in dirs if d})


class PathClassifier:
    """USER, LIBRARY or HIDDEN for a `co_filename`; canonical paths cached per raw name."""

    def __init__(self, hidden_paths: Sequence[str]) -> None:
        """`hidden_paths`: directories, files or code names (`<frozen runpy>`) the user never
        sees, besides the debugger's own packages."""
        hidden = {_ENGINE_DIR, _DAP_SERVER_DIR, *hidden_paths}
        dirs = {p for p in hidden if not p.startswith("<") and not os.path.isfile(p)}
        self.hidden_dirs = sorted({canonical(d).rstrip(os.sep) + os.sep for d in dirs})
        self.hidden_files = {p if p.startswith("<") else canonical(p) for p in hidden - dirs}
        self.library_dirs = _library_dirs()
        self.kinds: dict[str, int] = {}
        self.canon: dict[str, str] = {}

    def canonical(self, filename: str) -> str:
        c = self.canon.get(filename)
        if c is None:
            c = filename if filename.startswith("<") else canonical(filename)
            self.canon[filename] = c
        return c

    def kind(self, filename: str) -> int:
        k = self.kinds.get(filename)
        if k is None:
            k = self._classify(filename)
            self.kinds[filename] = k
        return k

    def _classify(self, filename: str) -> int:
        if self.canonical(filename) in self.hidden_files:
            return HIDDEN
        if filename.startswith("<"):
            # <frozen importlib._bootstrap> and friends are the runtime's; <string>/<stdin> are
            # code the user exec'd or typed.
            return LIBRARY if filename.startswith("<frozen ") else USER
        c = self.canonical(filename)
        if any(c.startswith(d) for d in self.hidden_dirs):
            return HIDDEN
        parts = c.split(os.sep)
        if "site-packages" in parts or "dist-packages" in parts:
            return LIBRARY
        if any(c.startswith(d) for d in self.library_dirs):
            return LIBRARY
        return USER
