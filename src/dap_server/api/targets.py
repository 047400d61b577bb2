"""Turns the breakpoint targets users write into DAP breakpoints, without running their code.

Targets: `"path/file.py:LINE"` (or a path with `line=`), `"module"` with `line=`,
`"module.function"` / `"module.Class.method"` (with or without `line=`), and a bare
`"function"` looked up in the program's main module (or, in process, the caller's module).

Modules are found the way `import` would find them (`importlib.machinery.PathFinder`, one
package level at a time, so no package `__init__` is executed) and functions by parsing the
source with `ast`. Nothing is imported or run: a target that names a function of a module that
has side effects at import is safe to check. A name that does not exist is an error at once,
with the closest real names as suggestions.
"""

from __future__ import annotations

import ast
import difflib
import importlib.machinery
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from dap_server.api.errors import BreakpointTargetError

__all__ = ["Definition", "Resolved", "TargetResolver", "definitions"]


@dataclass(frozen=True)
class Resolved:
    kind: Literal["line", "function"]
    path: str | None
    line: int | None
    # The name sent with setFunctionBreakpoints ("module.Class.method", "__main__.f").
    function: str | None = None


@dataclass(frozen=True)
class Definition:
    qualname: str  # as in code.co_qualname: "f", "C.m", "outer.<locals>.inner"
    kind: Literal["function", "class"]
    first_line: int  # the `def` line (decorators come before it)
    last_line: int
    body_line: int  # the first line that runs when it is called


class TargetResolver:
    """Resolves targets against `search_path`; `main_files` are run as `__main__`."""

    def __init__(
        self,
        *,
        base_dir: str,
        search_path: Sequence[str],
        main_files: Sequence[str] = (),
        default_files: Sequence[str] = (),
        live_modules: bool = False,
    ) -> None:
        self.base_dir = base_dir
        self.search_path = [p for p in search_path if p and os.path.isdir(p)]
        self.main_files = {_canon(p) for p in main_files}
        self.default_files = [p for p in default_files if p]
        self.live_modules = live_modules
        self._cache: dict[str, tuple[float, dict[str, Definition], int]] = {}

    # -- entry point --------------------------------------------------------------------------

    def resolve(self, target: str, line: int | None = None) -> Resolved:
        target = target.strip()
        if not target:
            raise BreakpointTargetError("empty breakpoint target")
        if line is not None and (isinstance(line, bool) or not isinstance(line, int) or line < 1):
            raise BreakpointTargetError(f"{target}: line must be a positive integer, not {line!r}")
        if _looks_like_path(target):
            return self._resolve_file(target, line)
        parts = target.split(".")
        if not all(p.isidentifier() for p in parts):
            raise BreakpointTargetError(
                f"{target!r} is neither 'path/file.py:LINE' nor a dotted name like 'module.function'"
            )
        found = self._find_module(parts)
        if found is not None:
            module_name, path, rest = found
            return self._in_module(target, module_name, path, rest, line)
        # No module by that name: a function of the main module (or the caller's module).
        for path in self.default_files:
            defs, _ = self._definitions(path)
            if ".".join(parts) in defs or _alias(defs, ".".join(parts)) is not None:
                return self._in_module(target, self._module_name_of(path), path, parts, line)
        raise BreakpointTargetError(
            f"no module or function named {target!r} (searched {self._where()})",
            self._suggest_names(target),
        )

    # -- files --------------------------------------------------------------------------------

    def _resolve_file(self, target: str, line: int | None) -> Resolved:
        path_text, sep, tail = target.rpartition(":")
        if sep and tail.strip().isdigit() and path_text:
            if line is not None and line != int(tail):
                raise BreakpointTargetError(
                    f"{target}: the target names line {tail} but line={line} was given"
                )
            line = int(tail)
            if line < 1:
                raise BreakpointTargetError(
                    f"{target}: line must be a positive integer, not {line}"
                )
        else:
            path_text = target
        if line is None:
            raise BreakpointTargetError(
                f"{target}: a file breakpoint needs a line: '{target}:LINE' or line=N"
            )
        path = self._find_file(path_text)
        _, count = self._definitions(path)
        if line > count:
            raise BreakpointTargetError(
                f"{target}: line {line} is past the end of {path} ({count} lines)"
            )
        return Resolved("line", path, line)

    def _find_file(self, path_text: str) -> str:
        path_text = os.path.expanduser(path_text)
        candidates = (
            [path_text]
            if os.path.isabs(path_text)
            else [os.path.join(base, path_text) for base in [self.base_dir, *self._roots()]]
        )
        for candidate in candidates:
            if os.path.isfile(candidate):
                return os.path.abspath(candidate)
        directory = os.path.dirname(candidates[0]) or "."
        try:
            names = [n for n in os.listdir(directory) if n.endswith(".py")]
        except OSError:
            names = []
        close = difflib.get_close_matches(os.path.basename(path_text), names, n=3, cutoff=0.6)
        raise BreakpointTargetError(
            f"no file {path_text!r} (looked in {', '.join(dict.fromkeys(os.path.dirname(c) or '.' for c in candidates))})",
            [os.path.join(os.path.dirname(path_text), n) for n in close],
        )

    def _roots(self) -> list[str]:
        return [os.path.dirname(f) for f in self.default_files]

    # -- modules ------------------------------------------------------------------------------

    def _find_module(self, parts: list[str]) -> tuple[str, str, list[str]] | None:
        """(module name, source file, remaining parts) for the longest module prefix."""
        if self.live_modules:
            for i in range(len(parts), 0, -1):
                name = ".".join(parts[:i])
                module = sys.modules.get(name)
                path = getattr(module, "__file__", None) if module is not None else None
                if isinstance(path, str) and path.endswith(".py") and os.path.isfile(path):
                    return name, os.path.abspath(path), parts[i:]
        search: list[str] | None = list(self.search_path)
        found: tuple[str, str, list[str]] | None = None
        for i in range(1, len(parts) + 1):
            if search is None:
                break
            name = ".".join(parts[:i])
            try:
                spec = importlib.machinery.PathFinder.find_spec(name, search)
            except (ImportError, ValueError, OSError):
                spec = None
            if spec is None:
                break
            origin = spec.origin
            if isinstance(origin, str) and origin.endswith(".py") and os.path.isfile(origin):
                found = (name, os.path.abspath(origin), parts[i:])
            locations = spec.submodule_search_locations
            search = list(locations) if locations is not None else None
        return found

    def _in_module(
        self, target: str, module_name: str, path: str, rest: list[str], line: int | None
    ) -> Resolved:
        if not rest:
            if line is None:
                raise BreakpointTargetError(
                    f"{target!r} is a module: name a function ('{target}.function') or give a line "
                    f"(set_breakpoint({target!r}, line=N))"
                )
            _, count = self._definitions(path)
            if line > count:
                raise BreakpointTargetError(
                    f"{target}: line {line} is past the end of {path} ({count} lines)"
                )
            return Resolved("line", path, line)
        defs, _ = self._definitions(path)
        wanted = ".".join(rest)
        definition = defs.get(wanted) or _alias(defs, wanted)
        if definition is None:
            shown = module_name if _canon(path) not in self.main_files else os.path.basename(path)
            choices = [q for q in defs if "<locals>" not in q]
            close = difflib.get_close_matches(wanted, choices, n=3, cutoff=0.5)
            raise BreakpointTargetError(
                f"{shown} has no function or class {wanted!r}",
                [f"{module_name}.{c}" for c in close],
            )
        if line is not None:
            if not definition.first_line <= line <= definition.last_line:
                raise BreakpointTargetError(
                    f"{target}: line {line} is outside {definition.qualname} "
                    f"(lines {definition.first_line}-{definition.last_line} of {path})"
                )
            return Resolved("line", path, line)
        if definition.kind == "class":
            methods = [
                q for q in defs if q.startswith(definition.qualname + ".") and "<locals>" not in q
            ]
            raise BreakpointTargetError(
                f"{target!r} is a class: name one of its methods or give a line",
                [f"{module_name}.{m}" for m in methods[:3]],
            )
        if "<locals>" in definition.qualname:
            # A nested function cannot be named in a function breakpoint; its first line can.
            return Resolved("line", path, definition.body_line)
        engine_module = "__main__" if _canon(path) in self.main_files else module_name
        return Resolved(
            "function", path, definition.body_line, f"{engine_module}.{definition.qualname}"
        )

    def _module_name_of(self, path: str) -> str:
        if _canon(path) in self.main_files:
            return "__main__"
        if self.live_modules:
            for name, module in list(sys.modules.items()):
                if _canon(getattr(module, "__file__", None) or "") == _canon(path):
                    return name
        return os.path.splitext(os.path.basename(path))[0]

    def _definitions(self, path: str) -> tuple[dict[str, Definition], int]:
        try:
            mtime = os.stat(path).st_mtime
        except OSError as exc:
            raise BreakpointTargetError(f"cannot read {path}: {exc.strerror}") from None
        cached = self._cache.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1], cached[2]
        try:
            with open(path, "rb") as f:
                source = f.read()
            tree = ast.parse(source, path)
        except (OSError, SyntaxError, ValueError) as exc:
            raise BreakpointTargetError(f"cannot parse {path}: {exc}") from None
        defs = definitions(tree)
        count = source.count(b"\n") + (0 if source.endswith(b"\n") else 1)
        self._cache[path] = (mtime, defs, count)
        return defs, count

    # -- suggestions --------------------------------------------------------------------------

    def _where(self) -> str:
        shown = [
            os.path.relpath(p, self.base_dir) if p.startswith(self.base_dir) else p
            for p in self.search_path[:3]
        ]
        return ", ".join(shown) + (", ..." if len(self.search_path) > 3 else "")

    def _suggest_names(self, target: str) -> list[str]:
        names: set[str] = set()
        for root in dict.fromkeys([*self._roots(), self.base_dir]):
            try:
                entries = os.listdir(root)
            except OSError:
                continue
            for entry in entries:
                stem, ext = os.path.splitext(entry)
                if (ext == ".py" and stem.isidentifier()) or (
                    os.path.isfile(os.path.join(root, entry, "__init__.py"))
                ):
                    names.add(stem)
        for path in self.default_files:
            try:
                defs, _ = self._definitions(path)
            except BreakpointTargetError:
                continue
            module = self._module_name_of(path)
            for qualname in defs:
                if "<locals>" not in qualname:
                    names.add(qualname)
                    names.add(f"{module}.{qualname}")
        head = target.split(".")[0]
        if self.live_modules:
            names.update(n for n in sys.modules if not n.startswith("_"))
        close = difflib.get_close_matches(target, sorted(names), n=3, cutoff=0.6)
        if not close and "." in target:
            close = difflib.get_close_matches(head, sorted(names), n=3, cutoff=0.6)
        return close


def definitions(tree: ast.AST) -> dict[str, Definition]:
    """Every function and class of a module by qualified name, as `co_qualname` spells it."""
    out: dict[str, Definition] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                is_class = isinstance(child, ast.ClassDef)
                out.setdefault(
                    qualname,
                    Definition(
                        qualname,
                        "class" if is_class else "function",
                        child.lineno,
                        child.end_lineno or child.lineno,
                        _body_line(child),
                    ),
                )
                visit(child, f"{qualname}." if is_class else f"{qualname}.<locals>.")
            elif not isinstance(child, ast.Lambda):
                # if/try/with blocks at any level hold definitions of the same scope.
                visit(child, prefix)

    visit(tree, "")
    return out


def _body_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    body = node.body
    first = body[0]
    # A docstring is a constant: it never runs, so the first line that does is the next one.
    if (
        len(body) > 1
        and isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        first = body[1]
    return first.lineno


def _alias(defs: dict[str, Definition], wanted: str) -> Definition | None:
    """`outer.inner` for `outer.<locals>.inner`: what people write for a nested function."""
    for qualname, definition in defs.items():
        if qualname.replace(".<locals>", "") == wanted:
            return definition
    return None


def _looks_like_path(target: str) -> bool:
    head = target.rpartition(":")[0] if target.rpartition(":")[2].strip().isdigit() else target
    return head.endswith((".py", ".pyw")) or "/" in head or os.sep in head


def _canon(path: str) -> str:
    return os.path.normcase(os.path.realpath(path)) if path else ""
