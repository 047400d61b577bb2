"""Floors: the least a sys.monitoring debugger can do for a conditional stop.

    python floor.py line PROGRAM LINE CONDITION [PROGRAM ARGS...]      floor of mode (d)
    python floor.py raise PROGRAM CONDITION [PROGRAM ARGS...]          floor of mode (e)
    python floor.py raise-type PROGRAM EXCEPTION [PROGRAM ARGS...]     floor of mode (e-type)

`line`: LINE events enabled locally on the one code object that holds LINE; the condition
compiled once; every other line returns DISABLE, so only the breakpoint line keeps calling back;
on that line the condition is evaluated against the frame's globals and locals, as any debugger
must. `raise`: RAISE enabled globally (it cannot be enabled per code object) and a callback that
evaluates the compiled condition with the exception as `exc`. `raise-type`: the same with a bare
isinstance test. Nothing else: no threads, no server, no just-my-code filtering, no bookkeeping.
A real debugger cannot be cheaper per event; issue 3 asks for mode (d) within 1.5x of its floor.
"""

from __future__ import annotations

import builtins
import os
import sys
from types import CodeType


def code_objects(code: CodeType) -> list[CodeType]:
    found = [code]
    for const in code.co_consts:
        if isinstance(const, CodeType):
            found.extend(code_objects(const))
    return found


def line_floor(module: CodeType, line: int, condition_text: str) -> None:
    # The innermost code object whose lines include the breakpoint line: the hot function.
    holders = [c for c in code_objects(module) if any(ln == line for _, _, ln in c.co_lines())]
    target = holders[-1]
    condition = compile(condition_text, "<condition>", "eval")
    mon = sys.monitoring
    disable = mon.DISABLE
    getframe = sys._getframe

    def on_line(code: CodeType, lineno: int) -> object:
        if lineno != line:
            return disable
        frame = getframe(1)
        if eval(condition, frame.f_globals, frame.f_locals):
            print(f"breakpoint hit at line {lineno}", file=sys.stderr)
        return None

    mon.register_callback(mon.DEBUGGER_ID, mon.events.LINE, on_line)
    mon.set_local_events(mon.DEBUGGER_ID, target, mon.events.LINE)


def raise_floor(condition_text: str) -> None:
    condition = compile(condition_text, "<condition>", "eval")
    mon = sys.monitoring

    def on_raise(code: CodeType, offset: int, exc: BaseException) -> object:
        if eval(condition, {"exc": exc}):
            print(f"exception stop: {exc!r}", file=sys.stderr)
        return None

    mon.register_callback(mon.DEBUGGER_ID, mon.events.RAISE, on_raise)
    mon.set_events(mon.DEBUGGER_ID, mon.events.RAISE)


def raise_type_floor(type_name: str) -> None:
    wanted = getattr(builtins, type_name)
    mon = sys.monitoring

    def on_raise(code: CodeType, offset: int, exc: BaseException) -> object:
        if isinstance(exc, wanted):
            print(f"exception stop: {exc!r}", file=sys.stderr)
        return None

    mon.register_callback(mon.DEBUGGER_ID, mon.events.RAISE, on_raise)
    mon.set_events(mon.DEBUGGER_ID, mon.events.RAISE)


def main() -> None:
    kind, program, *rest = sys.argv[1:]
    program = os.path.abspath(program)
    with open(program, "rb") as f:
        module = compile(f.read(), program, "exec")
    sys.monitoring.use_tool_id(sys.monitoring.DEBUGGER_ID, "floor")
    if kind == "line":
        line_text, condition_text, *args = rest
        line_floor(module, int(line_text), condition_text)
    elif kind == "raise":
        condition_text, *args = rest
        raise_floor(condition_text)
    elif kind == "raise-type":
        type_name, *args = rest
        raise_type_floor(type_name)
    else:
        raise SystemExit(f"unknown floor {kind!r}: line, raise or raise-type")
    # Run the already compiled module, so that its code objects are the ones instrumented,
    # as `python PROGRAM ARGS` would run it.
    sys.argv = [program, *args]
    sys.path[0] = os.path.dirname(program)
    namespace = {"__name__": "__main__", "__file__": program, "__builtins__": builtins}
    exec(module, namespace)


if __name__ == "__main__":
    main()
