"""Makes itself debuggable with `dap_server.attach()` (the sketch's spelling), says where, waits
for a client, then does some work a client can break in."""

from __future__ import annotations

import sys

import dap_server


def compute(x: int) -> int:
    doubled = x * 2  # @compute
    return doubled


def main() -> int:
    endpoint = dap_server.attach(quiet=True)
    print(f"listening {endpoint.host} {endpoint.port} {endpoint.token}", flush=True)
    if not dap_server.wait_for_client(timeout=30):
        return 2
    print(f"result {compute(21)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
