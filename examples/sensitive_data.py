"""Sensitive data: secrets are redacted before they leave the program."""

from _common import INVENTORY, line_of

import dap_server

patterns = ["password", "token", "secret", "key", "credential"]
with dap_server.session(program=INVENTORY) as s:
    s.set_sensitive_patterns(patterns)
    s.set_breakpoint("inventory.connect_to_warehouse", line=line_of("connect"))
    s.run_until_breakpoint()
    for name, value in s.get_local_variables().items():
        print(f"{name}: {value}")
    print("safe variables only:", s.get_safe_variables())
    try:
        s.evaluate_safe("password[:3]")
    except dap_server.EvaluationError as e:
        print("derived values are refused too:", e.exception_value or e.message)
