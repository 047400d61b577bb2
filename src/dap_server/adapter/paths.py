"""`pathMappings`: the editor's paths (localRoot) against the debuggee's (remoteRoot).

The adapter rewrites every `source.path` it relays: editor paths to debuggee paths in
requests, and back in responses and events (stack frames, breakpoints, output, loaded
sources...). The longest matching root wins, whatever the order the user listed them in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

Direction = Literal["to_remote", "to_local"]

# Keys whose value is a DAP `Source` (or a list of them) wherever they appear in a message.
_SOURCE_KEYS = frozenset({"source", "location"})
_SOURCE_LIST_KEYS = frozenset({"sources"})


def _sep(root: str) -> str:
    return "\\" if "\\" in root and "/" not in root else "/"


def _norm(root: str) -> str:
    stripped = root.rstrip("/\\")
    return stripped if stripped else root[:1]


class PathMapper:
    def __init__(self, mappings: Sequence[tuple[str, str]]) -> None:
        self.mappings = [(_norm(local), _norm(remote)) for local, remote in mappings]

    def __bool__(self) -> bool:
        return bool(self.mappings)

    @staticmethod
    def _under(path: str, root: str) -> bool:
        if path == root:
            return True
        if root in ("/", "\\"):
            return path.startswith(root)
        return path.startswith(root) and path[len(root)] in "/\\"

    def _map(self, path: str, direction: Direction) -> str | None:
        best: tuple[str, str] | None = None
        for local, remote in self.mappings:
            src, dst = (local, remote) if direction == "to_remote" else (remote, local)
            if self._under(path, src) and (best is None or len(src) > len(best[0])):
                best = (src, dst)
        if best is None:
            return None
        src, dst = best
        rest = path[len(src) :].lstrip("/\\")
        if not rest:
            return dst
        parts = rest.replace("\\", "/").split("/")
        sep = _sep(dst)
        return dst.rstrip("/\\") + sep + sep.join(parts)

    def to_remote(self, path: str) -> str | None:
        return self._map(path, "to_remote")

    def to_local(self, path: str) -> str | None:
        return self._map(path, "to_local")

    def describe(self) -> str:
        return "; ".join(f"{local} -> {remote}" for local, remote in self.mappings)

    def rewrite(self, value: Any, direction: Direction, unmapped: list[str] | None = None) -> Any:
        """A copy of `value` with every Source's path mapped (unmapped paths are kept and,
        when `unmapped` is given, collected there)."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key in _SOURCE_KEYS and isinstance(item, dict):
                    out[key] = self._source(item, direction, unmapped)
                elif key in _SOURCE_LIST_KEYS and isinstance(item, list):
                    out[key] = [
                        self._source(s, direction, unmapped) if isinstance(s, dict) else s
                        for s in item
                    ]
                else:
                    out[key] = self.rewrite(item, direction, unmapped)
            return out
        if isinstance(value, list):
            return [self.rewrite(item, direction, unmapped) for item in value]
        return value

    def _source(
        self, source: dict[str, Any], direction: Direction, unmapped: list[str] | None
    ) -> dict[str, Any]:
        out: dict[str, Any] = self.rewrite(source, direction, unmapped)
        path = source.get("path")
        if isinstance(path, str):
            mapped = self._map(path, direction)
            if mapped is None:
                if unmapped is not None:
                    unmapped.append(path)
            else:
                out["path"] = mapped
        return out
