"""The benchmark runner works: its smallest mode fills every row of every table.

Not a timed test. The numbers of a smoke run are meaningless (runs of a few milliseconds);
what is checked is that every workload, mode and measurement was driven to the end through
both adapters, so that `python benchmarks/run.py` keeps working as the code changes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUNNER = ROOT / "benchmarks" / "run.py"

THROUGHPUT_ROWS = [
    (workload, mode)
    for workload in ("fib", "methods", "loops", "exceptions")
    for mode in ("a", "b", "c", "d")
] + [("exceptions", "e"), ("exceptions", "e-type")]

OTHER_ROWS = [
    "`next` → `stopped`",
    "`next` + stackTrace + scopes + variables",
    "`launch` → first `stopped`",
    "running, mode (a), loops workload",
    "after stops, steps and inspection",
    "`variables`: locals of a frame holding both",
    "`variables`: first 100 children of the 10,000-element list",
    "`variables`: first 100 children of the 10,000-element dict",
]


def _debugpy_available() -> bool:
    try:
        import debugpy  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.timeout(300)
@pytest.mark.skipif(
    not _debugpy_available(), reason="the benchmarks compare against debugpy (dev extra)"
)
def test_smoke_run_fills_every_row(tmp_path: Path) -> None:
    out_file = tmp_path / "report.md"
    proc = subprocess.run(
        [sys.executable, str(RUNNER), "--smoke", "--markdown", str(out_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = out_file.read_text()
    assert report.strip() == proc.stdout.strip()
    rows = [line for line in report.splitlines() if line.startswith("| ")]

    for workload, mode in THROUGHPUT_ROWS:
        matching = [r for r in rows if r.startswith(f"| {workload} | {mode}: ")]
        assert len(matching) == 1, f"no single row for {workload} {mode}:\n{report}"
        cells = [c.strip() for c in matching[0].strip("|").split("|")]
        # plain time, ours and (except mode e) debugpy are numbers, not errors.
        assert re.fullmatch(r"\d+", cells[2]), matching[0]
        assert re.match(r"\d+(\.\d+)?x", cells[3]), matching[0]
        if mode != "e":
            assert re.fullmatch(r"\d+(\.\d+)?x", cells[4]), matching[0]
        if mode in ("d", "e", "e-type"):
            assert re.fullmatch(r"\d+(\.\d+)?x", cells[5]), matching[0]

    for title in OTHER_ROWS:
        matching = [r for r in rows if title in r]
        assert len(matching) == 1, f"no single row for {title!r}:\n{report}"
        numbers = re.findall(r"\|\s*\d+(?:\.\d+)?\b", matching[0])
        assert len(numbers) >= 2, f"row without numbers for ours and debugpy: {matching[0]}"

    assert "Failed runs" not in report, report
    assert "- CPU: " in report and "- Python: " in report
