"""Loaded by every Python child of a debuggee (its directory is first on their PYTHONPATH).

When the child was started with `subProcess` on, it starts the debugger, announces itself to
the adapter and waits (a bounded time) for the editor to attach, before the child's own code
runs; see `dap_server.debuggee.bootstrap.start_child`. Then the `sitecustomize` this one
shadows, if any (Debian's, a venv's), is imported as usual.
"""

import importlib
import os
import sys


def _debug_this_child() -> None:
    spec = os.environ.get("DAP_SERVER_CHILD")
    if not spec or sys.version_info < (3, 12):
        return  # an older interpreter runs on undebugged: the engine needs sys.monitoring
    try:
        from dap_server.debuggee.bootstrap import start_child

        start_child(spec)
    except Exception as exc:  # never stop the child from running
        sys.stderr.write(f"dap-server: could not debug child process {os.getpid()}: {exc!r}\n")


def _chain() -> None:
    """Imports the sitecustomize module this file shadows."""
    here = os.path.dirname(os.path.abspath(__file__))
    saved_path = list(sys.path)
    me = sys.modules.pop("sitecustomize", None)
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        importlib.import_module("sitecustomize")
    except ImportError:
        if me is not None:
            sys.modules["sitecustomize"] = me
    finally:
        sys.path[:] = saved_path


_debug_this_child()
_chain()
