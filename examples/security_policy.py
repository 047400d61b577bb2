"""Security policy: what evaluated expressions may do (the program itself is unaffected)."""

from _common import INVENTORY

import dap_server

policy = dap_server.SecurityPolicy(
    allow_file_access=False,
    allow_network_access=False,
    allow_system_calls=False,
    max_execution_time=2,
    memory_limit=100 * 1024 * 1024,
)
with dap_server.session(program=INVENTORY, security_policy=policy) as s:
    s.set_breakpoint("inventory.Inventory.total_value")
    s.run_until_breakpoint()
    print("allowed:", s.evaluate("len(self.items)"))
    for expression in (
        "open('/etc/passwd').read()",
        "__import__('socket').socket()",
        "__import__('os').system('true')",
    ):
        try:
            s.evaluate(expression)
        except dap_server.SecurityViolation as e:
            print(f"refused ({e.category}): {e}")
    try:
        s.evaluate("while True: pass")
    except dap_server.EvaluationTimeout as e:
        print("stopped after the time limit:", e.exception_value)
    s.log_session_info()
    print("exit code:", s.finish())
