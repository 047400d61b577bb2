"""Command line: `dap-server` / `python -m dap_server`.

With no arguments it is the adapter speaking DAP on stdio, which is what editors start.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dap_server.transcript import LOG_DIR_ENV


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dap-server",
        description=(
            "A Debug Adapter Protocol server for Python 3.12+ on sys.monitoring. "
            "Without arguments it speaks DAP on stdin/stdout: point your editor's debug adapter "
            "command at `dap-server` (or `python -m dap_server`)."
        ),
    )
    p.add_argument(
        "--log-dir",
        metavar="DIR",
        help=f"write a timestamped transcript of every message and life-cycle step of the adapter and "
        f"its debuggees to DIR (also: environment variable {LOG_DIR_ENV})",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.version:
        from importlib.metadata import version

        print(f"dap-server {version('dap-server')} (Python {sys.version.split()[0]})")
        return 0
    if sys.version_info < (3, 12):  # noqa: UP036  (an old interpreter may still run this file)
        print("dap-server needs Python 3.12 or newer (sys.monitoring)", file=sys.stderr)
        return 2
    import anyio

    from dap_server.adapter.session import run_stdio

    anyio.run(run_stdio, args.log_dir)
    return 0
