"""Uses the in-code API: listen twice (harmless), wait for a client, stop at breakpoint()."""

from dap_server.listener import breakpoint, listen, wait_for_client

first = listen(0)
second = listen(0)
assert first == second, (first, second)
wait_for_client()
answer = 42
breakpoint()
print("after breakpoint", answer)  # @after-breakpoint
