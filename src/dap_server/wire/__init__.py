"""DAP wire format: framing (pure, stdlib), blocking socket streams, anyio streams.

Import the submodules directly. This package imports nothing itself, so the debuggee can load
`dap_server.wire.framing` without pulling in anyio.
"""
