"""`session(module=...)`: a package module run as `python -m pkg.mod` in a new process, with
breakpoints named "pkg.mod.func" (the module runs as `__main__`, yet is named as imported),
"pkg.helpers.func" (an ordinary import) and "pkg.mod" with a line; exact values."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import dap_server
from dap_server.api import BreakpointTargetError
from tests.api.conftest import TIMEOUT

MOD = """\
import sys

from pkg.helpers import scale


def summarise(words, factor):
    counts = {w: len(w) for w in words}
    total = scale(sum(counts.values()), factor)
    return total  # @return


def main(argv):
    factor = int(argv[0])
    result = summarise(argv[1:], factor)
    print("result", result)
    return result


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv[1:]) == 24 else 1)
"""

HELPERS = """\
def scale(n, factor):
    scaled = n * factor
    return scaled
"""

PKG_MAIN = """\
from pkg.mod import main

main(["1", "ab"])
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "mod.py").write_text(textwrap.dedent(MOD))
    (pkg / "helpers.py").write_text(HELPERS)
    (pkg / "__main__.py").write_text(PKG_MAIN)
    return tmp_path


def _line(path: Path, marker: str) -> int:
    return next(i for i, t in enumerate(path.read_text().splitlines(), 1) if marker in t)


def test_module_session_breakpoints_by_dotted_name_with_exact_locals(package: Path) -> None:
    mod = package / "pkg" / "mod.py"
    with dap_server.session(
        module="pkg.mod", args=["3", "ab", "cde", "f"], cwd=package, timeout=TIMEOUT
    ) as s:
        bp = s.set_breakpoint("pkg.mod.summarise")
        assert (bp.kind, bp.path, bp.line) == ("function", str(mod), _line(mod, "counts = {"))
        s.set_breakpoint("pkg.helpers.scale")
        s.set_breakpoint("pkg.mod", line=_line(mod, "@return"))

        stop = s.run_until_breakpoint(timeout=TIMEOUT)
        assert (stop.reason, stop.function_name, stop.filename) == (
            "function breakpoint",
            "summarise",
            str(mod),
        )
        assert s.get_local_variables() == {"words": ["ab", "cde", "f"], "factor": 3}
        assert [f.function_name for f in s.get_call_stack(with_locals=False)][:3] == [
            "summarise",
            "main",
            "<module>",
        ]

        stop = s.run_until_breakpoint(timeout=TIMEOUT)
        assert (stop.function_name, Path(stop.filename or "").name) == ("scale", "helpers.py")
        assert s.get_local_variables() == {"n": 6, "factor": 3}
        s.step_over()
        assert s.get_local_variables() == {"n": 6, "factor": 3, "scaled": 18}

        stop = s.run_until_breakpoint(timeout=TIMEOUT)
        assert (stop.reason, stop.line) == ("breakpoint", _line(mod, "@return"))
        assert s.get_local_variables() == {
            "words": ["ab", "cde", "f"],
            "factor": 3,
            "counts": {"ab": 2, "cde": 3, "f": 1},
            "total": 18,
        }
        assert s.evaluate("total + len(counts)") == 21
        # The module is __main__ in the program, as `python -m` runs it.
        assert s.evaluate("__name__") == "__main__"
        s.set_variable("total", 24)
        assert s.finish(timeout=TIMEOUT) == 0  # main() saw the changed value
        assert "result 24" in s.output


def test_package_run_by_its_main_module(package: Path) -> None:
    with dap_server.session(module="pkg", cwd=package, timeout=TIMEOUT) as s:
        s.set_breakpoint("pkg.helpers.scale")
        stop = s.run_until_breakpoint(timeout=TIMEOUT)
        assert stop.function_name == "scale"
        assert s.get_local_variables() == {"n": 2, "factor": 1}
        assert s.finish(timeout=TIMEOUT) == 0


def test_missing_function_in_a_module_target_is_reported_with_suggestions(
    package: Path,
) -> None:
    with dap_server.session(module="pkg.mod", args=["1"], cwd=package, timeout=TIMEOUT) as s:
        with pytest.raises(BreakpointTargetError) as info:
            s.set_breakpoint("pkg.mod.summarize")
        assert "pkg.mod.summarise" in info.value.suggestions
