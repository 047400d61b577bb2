"""pathMappings: the program runs from another directory (a container, a server) while the
editor works with its own copy; the adapter translates every path both ways."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support.dap_client import DapClient
from tests.support.programs import PROGRAMS, line_of, program

BASIC = program("basic.py")


def test_longest_prefix_wins_both_ways_and_unmapped_paths_say_what_was_tried(
    client: DapClient, tmp_path: Path
) -> None:
    remote_root = tmp_path / "srv"
    remote_app = remote_root / "app"
    remote_app.mkdir(parents=True)
    remote_program = remote_app / "basic.py"
    shutil.copy(BASIC, remote_program)
    line = line_of(BASIC, "greet-print")
    mappings = [
        # Listed first and also matching, but shorter: must lose in both directions.
        {"localRoot": str(PROGRAMS.parent), "remoteRoot": str(remote_root)},
        {"localRoot": str(PROGRAMS), "remoteRoot": str(remote_app) + "/"},
    ]
    elsewhere = str(tmp_path / "elsewhere" / "other.py")
    client.initialize()
    seq = client.send_request("launch", {"program": str(remote_program), "pathMappings": mappings})
    client.wait_event("initialized")
    body = client.request(
        "setBreakpoints", {"source": {"path": BASIC}, "breakpoints": [{"line": line}]}
    )
    (bp,) = body["breakpoints"]
    assert (bp["verified"], bp["line"], bp["source"]["path"]) == (True, line, BASIC)
    unmapped = client.request(
        "setBreakpoints", {"source": {"path": elsewhere}, "breakpoints": [{"line": 1}]}
    )
    (ubp,) = unmapped["breakpoints"]
    assert ubp["verified"] is False
    tried = f"{PROGRAMS.parent} -> {remote_root}; {PROGRAMS} -> {remote_app}"
    assert ubp["message"].endswith(
        f"{elsewhere} is under no pathMappings localRoot (tried: {tried})"
    )
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]

    stopped = client.wait_event("stopped")
    frames = client.stack(stopped["threadId"])
    assert [(f["name"], f["line"], f["source"]["path"]) for f in frames] == [
        ("greet", line, BASIC),
        ("main", line + 7, BASIC),
        ("<module>", line_of(BASIC, "entry"), BASIC),
    ]
    client.request("disconnect")
