"""Call stack navigation: frames with their locals, and switching frames."""

from _common import INVENTORY

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.set_breakpoint("inventory.Inventory.add")
    s.run_until_breakpoint()
    stack = s.get_call_stack()
    print(f"call stack depth: {len(stack)}")
    for frame in stack:
        print(f"frame {frame.index}: {frame.function_name} at {frame.filename}:{frame.line}")
        print(f"  local variables: {list(frame.local_variables)}")
    s.switch_to_frame(1)  # up one level: build()
    print("in", s.get_current_frame().function_name, "sku =", s.get_variable("sku"))
    s.switch_to_frame(0)
    print("back in", s.get_current_frame().function_name, "at line", s.get_current_line())
    print(s.get_stack_trace())
