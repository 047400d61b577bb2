"""Exception handling: stop where a ValueError is raised, inspect, continue."""

from _common import INVENTORY

import dap_server

with dap_server.session(program=INVENTORY) as s:
    s.set_exception_breakpoint("ValueError", on_raise=True)
    try:
        s.run_until_exception()
    except dap_server.ExceptionCaught as e:
        print(f"exception caught: {e.exception_type}: {e.exception_value}")
        print(f"at: {e.filename}:{e.line}")
        print("variables at the exception:", s.get_local_variables())
        s.continue_execution()
    print("exit code:", s.finish())
    print(s.output.splitlines()[-1])
