"""Console code that sees the stopped frame's locals in its nested scopes too.

`eval(code, frame_globals, frame_locals)` gives the code's own top level the frame's locals,
but not the scopes nested in it: a generator expression, a lambda, a function or class defined
in the console reads its free names from the globals, so `sum(x for x in items if x > limit)`
fails with "name 'limit' is not defined" when `limit` is a local of the frame. (List, dict and
set comprehensions are inlined since 3.12 and need no help.)

Code with nested scopes therefore runs as the body of a function whose parameters are the
frame's locals: its nested scopes close over them as they would in the frame, and names that
are not locals, `global` statements included, still reach the module's globals (the function
is defined with the frame's globals). What the code assigns comes back as that function's
locals, for the caller to write to the frame as it does for ordinary console code.
"""

from __future__ import annotations

import ast
import types
from collections.abc import Mapping
from typing import Any

# Names the wrapper adds for itself; no frame local can have them (they are not reachable
# from code as written, being taken here first).
_OUT = "__dap_console_out__"
_FUNCTION = "__dap_console_code__"


def has_nested_scopes(*codes: types.CodeType | None) -> bool:
    """True if compiled console code defines a scope of its own (genexpr, lambda, def, class)."""
    return any(
        isinstance(const, types.CodeType)
        for code in codes
        if code is not None
        for const in code.co_consts
    )


def compile_in_scope(
    source: str,
    local_names: list[str],
    *,
    filename: str,
    is_async: bool = False,
) -> types.CodeType:
    """`source` (statements, the last of which may be an expression: its value is the result)
    as a module that defines the wrapper function, an async one if the source awaits at its
    top level (`is_async`, as the caller's own compile found). Raises SyntaxError."""
    tree = ast.parse(source.strip(), filename, "exec")
    body: list[ast.stmt] = list(tree.body)
    last: ast.expr = ast.Constant(None)
    if body and isinstance(body[-1], ast.Expr):
        expr_stmt = body.pop()
        assert isinstance(expr_stmt, ast.Expr)
        last = expr_stmt.value
    out = ast.Name(_OUT, ast.Load())
    store_value = ast.Assign([ast.Subscript(out, ast.Constant("value"), ast.Store())], last)
    # out["locals"] = out["get_locals"]()  -- the builtin, passed in: `locals` may be a local
    store_locals = ast.Assign(
        [ast.Subscript(out, ast.Constant("locals"), ast.Store())],
        ast.Call(ast.Subscript(out, ast.Constant("get_locals"), ast.Load()), [], []),
    )
    guarded = ast.Try(body=[*body, store_value], handlers=[], orelse=[], finalbody=[store_locals])
    args = ast.arguments(
        posonlyargs=[],
        args=[ast.arg(name) for name in (_OUT, *local_names)],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    function_type = ast.AsyncFunctionDef if is_async else ast.FunctionDef
    function = function_type(
        name=_FUNCTION, args=args, body=[guarded], decorator_list=[], returns=None, type_params=[]
    )
    module = ast.Module([function], type_ignores=[])
    ast.fix_missing_locations(module)
    return compile(module, filename, "exec", dont_inherit=True)


def call_in_scope(
    code: types.CodeType,
    frame_globals: dict[str, Any],
    frame_locals: Mapping[str, object],
    local_names: list[str],
) -> tuple[object, dict[str, Any]]:
    """Runs what `compile_in_scope` made: returns the function's result (a coroutine when it
    is async: the caller drives it, then reads `out`) and the `out` dict, which holds "value"
    (once the code has run to its end) and "locals" (once it has run at all)."""
    holder: dict[str, Any] = {}
    exec(code, frame_globals, holder)
    function = holder[_FUNCTION]
    out: dict[str, Any] = {"get_locals": locals}
    result = function(out, *(frame_locals[name] for name in local_names))
    return result, out


def assigned(out: Mapping[str, Any]) -> dict[str, Any]:
    """The wrapper's locals after the run, without its own parameter: the frame's locals as
    the code left them."""
    found = dict(out.get("locals") or {})
    found.pop(_OUT, None)
    return found


def parameter_names(frame_locals: Mapping[str, object]) -> list[str]:
    """The frame's locals that can be parameters (`.0`, a comprehension's iterator, cannot)."""
    return [name for name in frame_locals if isinstance(name, str) and name.isidentifier()]
