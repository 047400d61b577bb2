"""Variable inspection: locals, one variable, nested paths, types, and changing a value."""

from _common import INVENTORY

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.set_breakpoint("inventory.Inventory.total_value")
    s.run_until_breakpoint()
    s.step_over()  # total = 0.0
    print("locals:", s.get_local_variables())
    print("total:", s.get_variable("total"))
    items = s.get_variable_with_type("self.items")
    print(f"items: {items.value} (type: {items.type})")
    print("nested:", s.get_variable("self.items['A-1'].name"))
    print("globals:", sorted(s.get_global_variables()))
    s.set_variable("total", 1000.0)
    print("total reset to", s.get_variable("total"))
    print("exit code:", s.finish())
    print("the program printed:", s.output.splitlines()[0])
