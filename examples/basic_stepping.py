"""Basic stepping: a breakpoint by function name, then step into, over and out."""

from _common import INVENTORY

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.set_breakpoint("inventory.main")
    print("stopped at", s.run_until_breakpoint())
    print("step over ->", s.step_over())  # past `inventory = build()`
    print("step into ->", s.step_into())  # into Inventory.restock
    print("step over ->", s.step_over())
    print("step out  ->", s.step_out())  # back in main, restock's value shown
    print("locals:", s.get_local_variables())
    s.continue_execution()
    print("exit code:", s.finish())
