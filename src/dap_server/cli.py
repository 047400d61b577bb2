"""Command line: `dap-server` / `python -m dap_server`.

With no arguments it is the adapter speaking DAP on stdio, which is what editors start.
With `--listen` it runs a program with the debugger listening for an editor to attach.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dap_server.transcript import LOG_DIR_ENV


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dap-server",
        usage=(
            "dap-server [--log-dir DIR]\n"
            "       dap-server attach --pid PID [--timeout S] [--listen [HOST:]PORT] [--force]\n"
            "       dap-server --listen [HOST:]PORT [--wait-for-client] [--allow-remote]\n"
            "                  [--token-file FILE | --no-token] [--auth-timeout S]\n"
            "                  [--audit-log FILE]\n"
            "                  (PROGRAM | -m MODULE | -c CODE) [ARGS...]"
        ),
        description=(
            "A Debug Adapter Protocol server for Python 3.12+ on sys.monitoring. "
            "Without arguments it speaks DAP on stdin/stdout: point your editor's debug adapter "
            "command at `dap-server` (or `python -m dap_server`). With --listen it runs a program "
            "with the debugger listening, for an editor to attach to (`attach` with "
            '`"connect": {"host": ..., "port": ...}` and the access token).'
        ),
    )
    p.add_argument(
        "--log-dir",
        metavar="DIR",
        help=f"write a timestamped transcript of every message and life-cycle step of the adapter and "
        f"its debuggees to DIR (also: environment variable {LOG_DIR_ENV})",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    listen = p.add_argument_group("listen mode")
    listen.add_argument(
        "--listen",
        metavar="[HOST:]PORT",
        help="run the program with the debugger listening on HOST:PORT (HOST is 127.0.0.1 unless "
        "given; port 0 picks a free one). The address and access token are printed on stderr",
    )
    listen.add_argument(
        "--wait-for-client",
        action="store_true",
        help="start the program only once a client has attached and set its breakpoints",
    )
    listen.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a HOST other than loopback (0.0.0.0, a public address): anyone who can reach "
        "the port and knows the token can run any code in the program",
    )
    listen.add_argument(
        "--token-file",
        metavar="FILE",
        help="write the access token to FILE (mode 0600) instead of printing it",
    )
    listen.add_argument(
        "--audit-log",
        metavar="FILE",
        help="append every connection (accepted or refused) and debugging operation to FILE as "
        "JSON lines (created 0600)",
    )
    listen.add_argument(
        "--auth-timeout",
        metavar="S",
        type=float,
        default=10.0,
        help="close a connection that has not presented the access token within S seconds "
        "(default 10), so that one that connects and waits cannot keep the owner out",
    )
    listen.add_argument(
        "--no-token",
        action="store_true",
        help="accept clients without an access token (only where nobody else can reach the port)",
    )
    return p


_VALUE_OPTIONS = frozenset(
    {"--log-dir", "--listen", "--token-file", "--audit-log", "--auth-timeout"}
)


def _listen_requested(argv: Sequence[str]) -> bool:
    """True when `--listen` comes before the program (after it, it is the program's own)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--listen" or arg.startswith("--listen="):
            return True
        if arg in ("--", "-m", "-c") or not arg.startswith("-"):
            return False
        i += 2 if arg in _VALUE_OPTIONS else 1
    return False


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if sys.version_info < (3, 12):  # noqa: UP036 - run by hand with an old `python -m dap_server`
        print("dap-server needs Python 3.12 or newer (sys.monitoring)", file=sys.stderr)
        return 2
    if args_list[:1] == ["attach"]:
        # Make a running process listen for an editor (see docs/attach.md).
        from dap_server.attach.command import main as attach_main

        return attach_main(args_list[1:])
    if _listen_requested(args_list):
        # The program runs in this very process, with the debugger's server listening.
        from dap_server.debuggee.runner import main as run_listening

        return run_listening(args_list, prog="dap-server")
    args = build_parser().parse_args(args_list)
    if args.version:
        from importlib.metadata import version

        print(f"dap-server {version('dap-server')} (Python {sys.version.split()[0]})")
        return 0
    import anyio

    from dap_server.adapter.session import run_stdio

    anyio.run(run_stdio, args.log_dir)
    # The session is over (disconnect, or the editor went away). A worker thread may still sit
    # in a read of the editor's pipe, which the editor may keep open, and interpreter shutdown
    # would wait for it: the adapter must exit now, as editors expect after `disconnect`.
    sys.stderr.flush()
    os._exit(0)
