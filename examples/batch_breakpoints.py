"""Batch breakpoint management: set many, disable, enable, remove, clear."""

from _common import INVENTORY, line_of

import dap_server

with dap_server.session(program=INVENTORY) as s:
    breakpoints = s.set_breakpoints(
        [
            "inventory.build",
            "inventory.Inventory.restock",
            {"target": "inventory.Inventory.total_value"},
            {"target": str(INVENTORY), "line": line_of("connect"), "condition": "user == 'ada'"},
        ]
    )
    s.disable_breakpoint("inventory.build")
    print("stopped in", s.run_until_breakpoint().function_name)  # build() is disabled
    s.enable_breakpoint("inventory.build")
    s.remove_breakpoint("inventory.Inventory.total_value")
    for bp in s.get_breakpoints():
        print(" ", bp)
    print("stopped in", s.run_until_breakpoint().function_name)
    s.clear_all_breakpoints()
    print("exit code:", s.finish())
    try:
        s.set_breakpoint("inventory.restok")
    except dap_server.BreakpointTargetError as e:
        print("typo:", e)
