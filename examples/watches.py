"""Watch expressions: evaluated side-effect-free at each stop."""

from _common import INVENTORY, line_of

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.add_watch("total")
    s.add_watch("item.name")
    s.add_watch("len(self.items)")
    s.set_breakpoint("inventory", line=line_of("total"))
    for _ in range(3):
        s.run_until_breakpoint()
        print(", ".join(f"{e} = {v!r}" for e, v in s.get_watch_values().items()))
    s.clear_all_breakpoints()
    print("exit code:", s.finish())
