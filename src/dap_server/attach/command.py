"""`dap-server attach --pid PID`: make a running process listen for a debugger.

The same workflow as `dap-server --listen`, for a program that is already running: the
process loads the debugger (see :mod:`dap_server.attach.inject`), opens the debugger's DAP
listener, and this command prints where it listens (and the access token), then exits. The
editor then attaches with ``"request": "attach", "connect": {"host": ..., "port": ...}`` and
``"token"``; clients may leave and come back, as with `--listen`. An editor that can start the
adapter itself does not need this command: ``attach`` with ``"processId"`` does it all in one
step.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import sys
import threading
from collections.abc import Sequence
from typing import Any

from dap_server.attach.inject import inject
from dap_server.attach.preflight import AttachError

ENTRY = "dap_server.debuggee.bootstrap:listen_for_attach"


def build_parser(prog: str = "dap-server attach") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description=(
            "Make the running Python process PID load the debugger and listen for an editor "
            "(like `dap-server --listen`, for a program that is already running). Prints the "
            "address and access token, then exits; the process keeps running and keeps "
            "listening. In the editor, attach with "
            '"connect": {"host": HOST, "port": PORT} and "token".'
        ),
    )
    p.add_argument("--pid", type=int, required=True, help="the process to attach to")
    p.add_argument(
        "--listen",
        metavar="[HOST:]PORT",
        default="127.0.0.1:0",
        help="where the process listens (default 127.0.0.1 and a free port)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for the process's main thread to reach a safe point and load the "
        "debugger (a main thread blocked in sleep, input or a long C call delays it) (default 30)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="attach even though the process disabled remote debugging "
        "(PYTHON_DISABLE_REMOTE_DEBUG, -X disable-remote-debug)",
    )
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a HOST other than loopback: anyone who can reach the port and knows the "
        "token can run any code in the process",
    )
    tokens = p.add_mutually_exclusive_group()
    tokens.add_argument(
        "--token-file", metavar="FILE", help="write the access token to FILE (mode 0600)"
    )
    tokens.add_argument(
        "--no-token",
        action="store_true",
        help="accept clients without an access token (only where nobody else can reach the port)",
    )
    return p


def _receive_report(srv: socket.socket, token: str, got: list[dict[str, Any]]) -> None:
    """Waits for the target's one report (with our token), then stops."""
    from dap_server.auth import check_token
    from dap_server.wire.sync_stream import MessageSocket

    while not got:
        try:
            conn, _ = srv.accept()
        except OSError:
            return  # closed: the attach is over
        with MessageSocket(conn) as stream:
            try:
                message = stream.receive(timeout=5)
            except (OSError, TimeoutError):
                continue
        body = message.get("body") if isinstance(message, dict) else None
        if isinstance(body, dict) and check_token(body.get("token"), token):
            got.append(body)


def main(argv: Sequence[str], prog: str = "dap-server attach") -> int:
    from dap_server.auth import (
        BindAddressError,
        check_bind_address,
        generate_token,
        write_token_file,
    )
    from dap_server.debuggee.runner import UsageError, parse_address

    a = build_parser(prog).parse_args(argv)
    try:
        host, port = parse_address(a.listen)
        check_bind_address(host, a.allow_remote)
    except (UsageError, BindAddressError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    if a.timeout <= 0:
        print(f"{prog}: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    if a.no_token:
        token: str | None = None
    elif a.token_file:
        token = write_token_file(a.token_file, None)
    else:
        token = generate_token()

    def progress(text: str) -> None:
        print(f"dap-server: {text}", file=sys.stderr, flush=True)

    report_token = generate_token()
    got: list[dict[str, Any]] = []
    arrived = threading.Event()
    with socket.create_server(("127.0.0.1", 0)) as srv:
        report_port = srv.getsockname()[1]

        def receive() -> None:
            _receive_report(srv, report_token, got)
            arrived.set()

        threading.Thread(target=receive, name="dap_server.attach.report", daemon=True).start()
        args = ("127.0.0.1", report_port, report_token, host, port, token, a.allow_remote)
        try:
            progress(f"Attaching to process {a.pid}...")
            injection = inject(a.pid, entry=ENTRY, args=args, timeout=a.timeout, force=a.force)
            how = "gdb (pending call)" if injection.route == "gdb" else "sys.remote_exec"
            progress(
                f"Bootstrap queued in process {a.pid} through {how}; it runs when the main "
                "thread reaches its next safe point."
            )
            injection.wait(
                a.timeout,
                progress,
                lambda t: arrived.wait(t) and bool(got),
                timeout_option="option '--timeout'",
            )
        except AttachError as exc:
            print(f"dap-server: {exc}", file=sys.stderr, flush=True)
            return 1
        finally:
            with contextlib.suppress(OSError):
                srv.shutdown(socket.SHUT_RDWR)
    body = got[0]
    if body.get("reused"):
        # The process was listening already: its listener, address and token stand.
        progress(f"Process {a.pid} was already listening; nothing changed.")
        given = body.get("clientToken")
        token = given if isinstance(given, str) else None
        if token is not None and a.token_file:
            write_token_file(a.token_file, token)
    bound = str(body.get("host"))
    shown = f"[{bound}]" if ":" in bound else bound
    if token is None:
        how_token = "no access token (--no-token)"
    elif a.token_file:
        how_token = f"access token in {a.token_file}"
    else:
        how_token = f"access token {token}"
    # The same line `dap-server --listen` prints, so scripts parse both alike.
    print(
        f"dap-server: listening on {shown}:{body.get('port')} pid {a.pid} ({how_token})",
        file=sys.stderr,
        flush=True,
    )
    return 0
