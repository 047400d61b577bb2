"""Expression evaluation: expressions, statements, a context of extra names, side-effect-free
evaluation, and what an error looks like."""

from _common import INVENTORY

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.set_breakpoint("inventory.apply_discount")
    s.run_until_breakpoint()
    print("price * 2 =", s.evaluate("price * 2"))
    print("with a context:", s.evaluate("price * multiplier", context={"multiplier": 3}))
    s.evaluate("note = f'{price} at {percent}%'")  # statements work too
    print("note =", s.evaluate("note"))
    print("safe:", s.evaluate_safe("round(price / 3, 2)", timeout=5))
    try:
        s.evaluate("price / 0")
    except dap_server.EvaluationError as e:
        print(f"error: {e.exception_type}: {e.exception_value}")
    s.set_exception_breakpoint("ValueError", on_raise=False)
    print("exit code:", s.finish())
