"""In process: debug a function of this program in a worker thread; this thread stays free."""

import sys

from _common import HERE

import dap_server

sys.path.insert(0, str(HERE))
import inventory

with dap_server.session() as s:
    s.set_breakpoint("inventory.Inventory.restock")
    run = s.run(inventory.main)
    stop = s.run_until_breakpoint()
    print("stopped in", stop.function_name, "with", s.get_local_variables())
    s.set_variable("amount", 40)
    print("result:", s.finish())  # main() returns the stock value: 40 chisels now
    print("run:", run)
