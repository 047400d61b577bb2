"""Shared by the examples: where the example program is, and a checkout-friendly import path."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
INVENTORY = HERE / "inventory.py"
sys.path.insert(0, str(HERE.parent / "src"))  # lets the examples run from a source checkout


def line_of(marker: str) -> int:
    """The line of examples/inventory.py marked `# @marker`."""
    for number, text in enumerate(INVENTORY.read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"# @{marker}"):
            return number
    raise LookupError(marker)
