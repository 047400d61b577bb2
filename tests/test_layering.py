"""The import rules of docs/ARCHITECTURE.md, checked in fresh interpreters."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    ).stdout
    return set(out.split())


def test_the_debuggee_imports_only_the_standard_library() -> None:
    loaded = _modules_after("import dap_server.debuggee.runner, dap_server.debuggee.bootstrap")
    assert "engine" in loaded and "dap_server.debuggee.commands" in loaded
    third_party = {m.split(".")[0] for m in loaded} & {
        "pydantic",
        "anyio",
        "pydantic_core",
        "typing_extensions",
    }
    assert third_party == set()


def test_the_engine_never_imports_dap_server() -> None:
    for path in sorted((SRC / "engine").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "dap_server" for n in names), (
                f"{path.name} imports {names}"
            )
    loaded = _modules_after("import engine")
    assert not any(m.split(".")[0] == "dap_server" for m in loaded)


def test_the_exit_watcher_loads_nothing_of_the_debugger() -> None:
    # It stays behind as the terminal's process of every terminal program, and it is all of
    # the project a noDebug program runs under; the adapter imports it for its message names.
    loaded = _modules_after("import dap_server.debuggee.exit_watcher")
    ours = sorted(m for m in loaded if m.split(".")[0] in ("engine", "dap_server"))
    assert ours == [
        "dap_server",
        "dap_server.debuggee",
        "dap_server.debuggee.exit_watcher",
        "dap_server.wire",
        "dap_server.wire.framing",
        "dap_server.wire.sync_stream",
    ]
