"""Example programs the end-to-end tests debug, and the exact lines they mark."""

from __future__ import annotations

from pathlib import Path

PROGRAMS = Path(__file__).resolve().parents[1] / "programs"


def program(name: str) -> str:
    return str(PROGRAMS / name)


def line_of(path: str | Path, marker: str) -> int:
    """The 1-based line that carries `# @marker`."""
    for number, text in enumerate(Path(path).read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"# @{marker}"):
            return number
    raise LookupError(f"no line marked @{marker} in {path}")
