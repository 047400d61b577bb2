"""A scripted debugging session of examples/inventory.py, narrated.

    python examples/demo.py

The program runs in its own process under the real adapter (`python -m dap_server`), exactly
as an editor would run it; this script is the editor.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))  # run from a checkout too

import dap_server
from dap_server import ExceptionCaught, Session, Stop

PROGRAM = Path(__file__).with_name("inventory.py")
COLOR = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None


def paint(text: str, code: str) -> str:
    return f"\033[{code}m{text}\033[0m" if COLOR else text


def title(text: str) -> None:
    print()
    print(paint(f"── {text} " + "─" * max(0, 68 - len(text)), "1;36"))


def show_stop(stop: Stop) -> None:
    assert stop.filename is not None and stop.line is not None
    source = Path(stop.filename).read_text().splitlines()
    print(
        paint(
            f"stopped ({stop.reason}) in {stop.function_name}() at {Path(stop.filename).name}:{stop.line}",
            "1",
        )
    )
    for n in range(max(1, stop.line - 2), min(len(source), stop.line + 2) + 1):
        marker = paint("→", "1;33") if n == stop.line else " "
        print(f"  {marker} {n:3} │ {source[n - 1].split('  # @')[0]}")


def show_variables(s: Session, label: str = "locals") -> None:
    variables = s.get_local_variables()
    width = max((len(k) for k in variables), default=0)
    print(paint(f"  {label}:", "2"))
    for name, value in variables.items():
        text = (
            repr(value) if not isinstance(value, dap_server.Value) else f"{value}  ({value.type})"
        )
        if "[REDACTED]" in text:
            text = paint(text, "1;31")
        print(f"    {name:<{width}} = {text}")


def main() -> int:
    started = time.perf_counter()
    print(paint("dap-server demo: debugging examples/inventory.py from Python", "1"))
    with dap_server.session(program=PROGRAM) as s:
        title("1. a breakpoint on a method, by name")
        s.set_breakpoint("inventory.Inventory.restock")
        print('  s.set_breakpoint("inventory.Inventory.restock")')
        show_stop(s.run_until_breakpoint())
        show_variables(s)

        title("2. the call stack")
        for frame in s.get_call_stack():
            print(
                f"  #{frame.index} {frame.function_name:<22} line {frame.line:<3} locals: {', '.join(frame.local_variables)}"
            )

        title("3. stepping and watching a value change")
        s.add_watch("item.quantity")
        s.step_over()
        print(f"  before: item.quantity = {s.get_watch_values()['item.quantity']}")
        show_stop(s.step_over() or s.current_stop())
        print(f"  after:  item.quantity = {s.get_watch_values()['item.quantity']}")
        print(f"  s.get_variable('item.name') -> {s.get_variable('item.name')!r}")

        title("4. evaluating expressions in the program")
        for expression in (
            "item.price * item.quantity",
            "sorted(self.items)",
            "[i.name for i in self.items.values() if i.quantity < 5]",
        ):
            print(f"  {expression}  →  {s.evaluate(expression)!r}")
        print(
            f"  with context {{'rate': 1.2}}: item.price * rate  →  {s.evaluate('item.price * rate', context={'rate': 1.2})!r}"
        )

        title("5. a conditional breakpoint inside a loop")
        s.remove_breakpoint("inventory.Inventory.restock")
        s.set_breakpoint("inventory", line=_line("total"), condition="item.name == 'chisel'")
        show_stop(s.run_until_breakpoint())
        print(
            f"  total so far = {s.get_variable('total')}, item = {s.get_variable_with_type('item').value}"
        )

        title("6. secrets stay inside the program")
        s.clear_all_breakpoints()
        s.set_breakpoint("inventory.connect_to_warehouse", line=_line("connect"))
        show_stop(s.run_until_breakpoint())
        show_variables(s)

        title("7. stopping where an exception is raised")
        s.set_exception_breakpoint("ValueError", on_raise=True)
        try:
            s.run_until_exception()
        except ExceptionCaught as e:
            print(paint(f"  {e.exception_type}: {e.exception_value}", "1;31"))
            print(
                f"  at {Path(e.filename or '?').name}:{e.line}; percent = {s.get_variable('percent')}"
            )

        title("8. letting it finish")
        code = s.finish()
        print("  the program printed:")
        for text in s.output.splitlines():
            print(f"    │ {text}")
        print(f"  exit code {code}; whole session {time.perf_counter() - started:.2f} s")
    return 0


def _line(marker: str) -> int:
    for number, text in enumerate(PROGRAM.read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"# @{marker}"):
            return number
    raise LookupError(marker)


if __name__ == "__main__":
    sys.exit(main())
