"""The bootstrap script the target process runs when the debugger attaches to it by pid.

This file is a template: :mod:`dap_server.attach.inject` copies its text into a private
script file and replaces the ``_CONFIG`` line with this attach's settings. The copy runs in the
target on its main thread, at a safe point between two bytecodes: as a pending call
(``Py_AddPendingCall`` queued by gdb, 3.12/3.13) or as a ``sys.remote_exec`` script (3.14+).

Rules it keeps, because it runs inside someone else's program:
- Nothing escapes: an exception leaving a pending call surfaces in the user's code as
  ``SystemError: error return without exception set``. Everything is caught and reported
  to the status file instead.
- No names are left in the user's namespaces (the gdb route executes it in a fresh dict; the
  only global state is one import finder and whatever the entry point keeps).
- Idempotent: running it twice imports the already-imported modules and calls the entry point
  again, whose job is to reuse a running debug server.
- It does nothing once the debugger has given up waiting (the deadline), so a bootstrap that
  runs late, when a blocked main thread finally returns, never connects to a stale port.
- Only the standard library, and only what it needs: it runs in the user's process.
"""

from __future__ import annotations

# Not typing.TYPE_CHECKING: importing typing would cost the target milliseconds for nothing.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# The generated copy replaces the next line with this attach's settings.
_CONFIG: dict[str, Any] = {}  # @@DAP_ATTACH_CONFIG@@


def _dap_attach_bootstrap(config: dict[str, Any]) -> None:
    import os
    import sys
    import time

    status = None
    try:
        # Pre-created by the debugger (it may belong to the target's user); append only.
        status = open(config["status"], "a", encoding="utf-8")
    except BaseException:
        pass

    def report(event: str, **fields: Any) -> None:
        if status is None:
            return
        try:
            import json

            status.write(json.dumps({"event": event, **fields}) + "\n")
            status.flush()
        except BaseException:
            pass

    switch_interval = sys.getswitchinterval()
    try:
        if time.time() > config["deadline"]:
            report("expired")
            return
        # Importing means hundreds of system calls, each releasing the GIL; with busy user
        # threads, every re-acquisition waits a whole switch interval (5 ms). A short interval
        # while the bootstrap imports cut a first attach to a target with two busy threads
        # from 1.5-1.6 s to 0.15-0.25 s (3.12.1, 3.13.0, 2 cores). Restored in the finally clause.
        sys.setswitchinterval(min(switch_interval, 0.0002))
        report("started", pid=os.getpid())
        import importlib
        import importlib.machinery

        names = set(config["packages"])
        roots = list(config["roots"])
        # The debugger's own packages come from the debugger's installation, found through a
        # finder that answers for those top-level names only: adding the debugger's directory
        # to sys.path would let its other contents (a whole site-packages) shadow the user's.
        finder: Any = next(
            (f for f in sys.meta_path if getattr(f, "_dap_attach_finder", False)), None
        )
        if finder is None:

            class _DapAttachFinder:
                _dap_attach_finder = True

                def __init__(self) -> None:
                    self.names: set[str] = set()
                    self.roots: list[str] = []

                def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
                    if path is not None or fullname not in self.names:
                        return None
                    return importlib.machinery.PathFinder.find_spec(fullname, self.roots)

            finder = _DapAttachFinder()
            sys.meta_path.insert(0, finder)
        finder.names.update(names)
        for root in roots:
            if root not in finder.roots:
                finder.roots.append(root)

        module_name, _, func_name = config["entry"].partition(":")
        entry = getattr(importlib.import_module(module_name), func_name)
        entry(*config["args"])
        report("ok")
    except BaseException as exc:
        try:
            import traceback

            report(
                "error",
                message="".join(traceback.format_exception_only(type(exc), exc)).strip(),
                traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            )
        except BaseException:
            pass
    finally:
        try:
            sys.setswitchinterval(switch_interval)
        except BaseException:
            pass
        if status is not None:
            try:
                status.close()
            except BaseException:
                pass


try:
    if _CONFIG:
        _dap_attach_bootstrap(_CONFIG)
except BaseException:
    pass
