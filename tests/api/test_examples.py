"""Every example in examples/ runs, ends well and prints what it is about."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# example -> text its output must contain
EXPECTED = {
    "basic_stepping.py": [
        "step into -> step in Inventory.restock()",
        "'(return) restock': 4",
        "exit code: 0",
    ],
    "variable_inspection.py": [
        "total: 0.0",
        "nested: anvil",
        "(type: dict)",
        "stock value: 1179.5",
    ],
    "expression_evaluation.py": [
        "price * 2 = 20.0",
        "with a context: 30.0",
        "note = 10.0 at 150%",
        "error: ZeroDivisionError",
    ],
    "call_stack.py": ["frame 0: Inventory.add", "frame 1: build", "in build sku = A-1"],
    "watches.py": ["total = 99.0, item.name = 'bucket', len(self.items) = 3", "exit code: 0"],
    "exception_handling.py": [
        "exception caught: ValueError: discount must be between 0 and 100, not 150",
        "variables at the exception: {'price': 10.0, 'percent': 150}",
    ],
    "security_policy.py": [
        "allowed: 3",
        "refused (file)",
        "refused (network)",
        "refused (system)",
        "stopped after the time limit",
    ],
    "sensitive_data.py": [
        "password: [REDACTED]",
        "api_key: [REDACTED]",
        "safe variables only: {'user': 'ada'}",
    ],
    "batch_breakpoints.py": [
        "stopped in Inventory.restock",
        "stopped in connect_to_warehouse",
        "did you mean 'inventory.Inventory.restock'",
    ],
    "in_process.py": ["'amount': 4", "result: 611.5"],
    "demo.py": [
        "stopped (function breakpoint) in Inventory.restock()",
        "password = [REDACTED]",
        "exit code 0",
    ],
    "overhead.py": ["session, loop in run(func)"],
}


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), NO_COLOR="1")
    return subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_every_example_is_covered() -> None:
    shown = {p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")}
    assert shown == {*EXPECTED, "inventory.py", "test_with_pytest.py"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name: str) -> None:
    args = [str(EXAMPLES / name)] + (["--quick"] if name == "overhead.py" else [])
    result = run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    for text in EXPECTED[name]:
        assert text in result.stdout, f"{text!r} not in:\n{result.stdout}"
    assert "[REDACTED]" in result.stdout or "hunter" not in result.stdout


def test_the_pytest_example() -> None:
    result = run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", str(EXAMPLES / "test_with_pytest.py")
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
