"""The adapter process: what the editor starts. Owns the debuggee's lifetime."""

# The adapter's own request handlers register themselves in `registry.ADAPTER_COMMANDS`.
from dap_server.adapter import commands as _commands  # noqa: F401
