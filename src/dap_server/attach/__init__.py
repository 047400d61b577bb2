"""Attach to a running Python process by id: pre-flight checks, injection, bootstrap.

Python 3.14+ uses ``sys.remote_exec`` (PEP 768); 3.12 and 3.13 use gdb to queue the bootstrap
as a pending call, which runs at the same kind of safe point. See :mod:`.inject` for why no
route ever runs code on a thread interrupted at an arbitrary point.
"""

from dap_server.attach.inject import (
    DEFAULT_ENTRY,
    AttachReport,
    BootstrapStatus,
    Injection,
    Route,
    attach_to_pid,
    find_helper_python,
    inject,
)
from dap_server.attach.preflight import (
    FORCE_OPTION,
    TIMEOUT_OPTION,
    AttachError,
    TargetInfo,
    check_target,
    describe_main_thread,
)

__all__ = [
    "DEFAULT_ENTRY",
    "FORCE_OPTION",
    "TIMEOUT_OPTION",
    "AttachError",
    "AttachReport",
    "BootstrapStatus",
    "Injection",
    "Route",
    "TargetInfo",
    "attach_to_pid",
    "check_target",
    "describe_main_thread",
    "find_helper_python",
    "inject",
]
