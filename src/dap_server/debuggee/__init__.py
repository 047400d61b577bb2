"""The debuggee-side DAP server: runs inside the program being debugged.

Standard library only: everything imported here is paid for by the debuggee at start-up.
"""
