"""Paths and sources as an editor sends and opens them, through the real adapter.

A program given relative to `cwd`, files reached through symlinks, names with spaces and
non-ASCII characters, a program that changes directory, code with no file (exec, `code`
launches), `module` launches, modules imported from a zip file, and setBreakpoints sources an
editor may send that are not plain file paths. Every frame's source must be one the editor can
open: an existing absolute path, or a sourceReference the `source` request answers.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from tests.support.dap_client import DapClient
from tests.support.programs import PROGRAMS, line_of, program

GENERATED = program("src_generated.py")
HELPER = program("src_helper.py")
RUN_PLUGIN = program("src_run_plugin.py")
PLUGIN = program(os.path.join("src_plugins", "plugin.py"))
PKG_MAIN = program(os.path.join("src_pkg", "__main__.py"))
PKG_SUB = program(os.path.join("src_pkg", "sub.py"))


# --- helpers -----------------------------------------------------------------------------------


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def start(
    client: DapClient,
    launch: dict[str, Any],
    breakpoints: dict[str, list[int]] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """initialize, launch, setBreakpoints per path, configurationDone; the launch must succeed.

    Returns the breakpoints of each setBreakpoints response, by the path sent.
    """
    client.initialize()
    seq = client.send_request("launch", launch)
    client.wait_event("initialized")
    answers = {}
    for path, lines in (breakpoints or {}).items():
        answers[path] = client.request(
            "setBreakpoints",
            {"source": {"path": path}, "breakpoints": [{"line": n} for n in lines]},
        )["breakpoints"]
    client.request("configurationDone")
    resp = client.wait_response(seq)
    assert resp["success"], resp
    return answers


def next_stop(client: DapClient, reason: str = "breakpoint") -> tuple[int, list[dict[str, Any]]]:
    body = client.wait_event("stopped")
    assert body["reason"] == reason, body
    tid: int = body["threadId"]
    return tid, client.stack(tid)


def where(frames: list[dict[str, Any]]) -> list[tuple[str, int, dict[str, Any]]]:
    return [(f["name"], f["line"], f.get("source", {})) for f in frames]


def file_source(path: str) -> dict[str, Any]:
    return {"name": os.path.basename(path), "path": path}


def run_to_exit(client: DapClient, tid: int, code: int = 0) -> None:
    client.request("continue", {"threadId": tid})
    event = client.wait_any_event(("stopped", "exited"))
    assert event["event"] == "exited", event
    assert event["body"] == {"exitCode": code}, client.output("stderr")


def assert_openable(frames: list[dict[str, Any]]) -> None:
    """Every frame's source is an existing absolute file, a sourceReference, or says it is not
    available (deemphasize); never a path the editor cannot open."""
    for f in frames:
        source = f["source"]
        if "path" in source:
            assert os.path.isabs(source["path"]) and os.path.isfile(source["path"]), f
        else:
            assert (
                source.get("sourceReference", 0) > 0
                or source.get("presentationHint") == "deemphasize"
            ), f


def source_text(client: DapClient, source: dict[str, Any]) -> dict[str, Any]:
    """The `source` response (whole message) for a Source the server sent."""
    ref = source.get("sourceReference", 0)
    return client.wait_response(
        client.send_request("source", {"source": source, "sourceReference": ref})
    )


# --- 1. a program given relative to cwd --------------------------------------------------------


def test_program_relative_to_cwd_binds_absolute_breakpoints_and_reports_the_editors_paths(
    client: DapClient, tmp_path: Path
) -> None:
    app = tmp_path.resolve() / "app"
    main = write(
        app / "main.py",
        "import util\n\nvalue = util.scale(7)  # @call\nprint('scaled', value)  # @print\n",
    )
    util = write(app / "util.py", "def scale(n):\n    factor = 3  # @body\n    return n * factor\n")
    call, body, prnt = line_of(main, "call"), line_of(util, "body"), line_of(main, "print")
    answers = start(client, {"program": "main.py", "cwd": str(app)}, {util: [body], main: [prnt]})
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answers[util]] == [
        (True, body, file_source(util))
    ]
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answers[main]] == [
        (True, prnt, file_source(main))
    ]
    (process,) = client.events("process")
    assert process["name"] == main

    tid, frames = next_stop(client)
    assert where(frames) == [
        ("scale", body, file_source(util)),
        ("<module>", call, file_source(main)),
    ]
    assert client.locals(frames[0]["id"])["n"]["value"] == "7"
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", prnt, file_source(main))]
    assert client.locals(frames[0]["id"])["value"]["value"] == "21"
    run_to_exit(client, tid)
    assert client.output("stdout") == "scaled 21\n"


# --- 2. symlinks --------------------------------------------------------------------------------


def make_linked_project(tmp_path: Path) -> tuple[Path, Path]:
    """real/main.py imports real/mod.py; `link` is a symlink to the directory `real`."""
    real = tmp_path.resolve() / "real"
    write(real / "main.py", "import mod\n\nprint('got', mod.f(3))  # @call\ndone = True  # @end\n")
    write(real / "mod.py", "def f(x):\n    y = x * 2  # @body\n    return y\n")
    link = tmp_path.resolve() / "link"
    link.symlink_to(real, target_is_directory=True)
    return real, link


def test_breakpoints_through_a_symlinked_directory_and_through_the_real_path_both_stop(
    client: DapClient, tmp_path: Path
) -> None:
    real, link = make_linked_project(tmp_path)
    main_link = str(link / "main.py")  # the editor opened the project through the link
    mod_real = str(real / "mod.py")  # ...and the module through its real path
    end, body = line_of(main_link, "end"), line_of(mod_real, "body")
    answers = start(client, {"program": main_link}, {main_link: [end], mod_real: [body]})
    assert [(bp["verified"], bp["line"]) for bp in answers[main_link]] == [(True, end)]
    assert [(bp["verified"], bp["line"]) for bp in answers[mod_real]] == [(True, body)]

    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames] == [
        ("f", body),
        ("<module>", line_of(main_link, "call")),
    ]
    # the program's own frame carries the path it was launched with
    assert frames[1]["source"] == file_source(main_link)
    # the module's frame is one of the two spellings of the file, and one the editor can open
    assert frames[0]["source"]["path"] in (mod_real, str(link / "mod.py"))
    assert_openable(frames)
    assert client.locals(frames[0]["id"])["x"]["value"] == "3"
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", end, file_source(main_link))]
    run_to_exit(client, tid)
    assert client.output("stdout") == "got 6\n"


def test_set_breakpoints_answers_with_the_path_the_editor_sent(
    client: DapClient, tmp_path: Path
) -> None:
    _real, link = make_linked_project(tmp_path)
    main_link = str(link / "main.py")
    end = line_of(main_link, "end")
    answers = start(client, {"program": main_link}, {main_link: [end]})
    tid, _frames = next_stop(client)
    run_to_exit(client, tid)
    # VS Code shows a verified breakpoint at the URI of the Source in the answer: it must be
    # the file the user clicked in, or the red dot leaves the editor the user is looking at.
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answers[main_link]] == [
        (True, end, file_source(main_link))
    ]


def test_symlinked_program_imports_its_siblings_as_python_does(
    client: DapClient, tmp_path: Path
) -> None:
    base = tmp_path.resolve()
    tool = write(base / "src" / "tool.py", "import sibling\n\nprint('tool', sibling.f())\n")
    sibling = write(base / "src" / "sibling.py", "def f():\n    return 'sib'  # @sib\n")
    (base / "bin").mkdir()
    link = base / "bin" / "tool.py"
    link.symlink_to(tool)  # as ~/bin/tool.py -> ~/src/tool/tool.py
    line = line_of(sibling, "sib")
    start(client, {"program": str(link)}, {sibling: [line]})
    event = client.wait_any_event(("stopped", "exited"))
    assert event["event"] == "stopped", client.output("stderr")
    tid = event["body"]["threadId"]
    assert where(client.stack(tid))[0] == ("f", line, file_source(sibling))
    run_to_exit(client, tid)
    assert client.output("stdout") == "tool sib\n"


# --- 3. spaces and non-ASCII names ----------------------------------------------------------------


def test_spaces_and_non_ascii_in_directory_file_function_and_value(
    client: DapClient, tmp_path: Path
) -> None:
    folder = tmp_path.resolve() / "dír with space"
    prog = write(
        folder / "prög.py",
        "import sys\n\nimport mödül\n\n\n"
        "def grüß(name):\n"
        "    text = 'hallo ' + name  # @greet\n"
        "    return text\n\n\n"
        "print(grüß(sys.argv[1]), mödül.größe(2))  # @call\n",
    )
    module = write(
        folder / "mödül.py",
        "def größe(maß):\n    ergebnis = maß * 5  # @size\n    return ergebnis\n",
    )
    greet, size, call = line_of(prog, "greet"), line_of(module, "size"), line_of(prog, "call")
    answers = start(
        client,
        {"program": prog, "args": ["wörld ü"], "cwd": str(folder)},
        {prog: [greet], module: [size]},
    )
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answers[prog]] == [
        (True, greet, file_source(prog))
    ]
    assert [(bp["verified"], bp["line"], bp["source"]) for bp in answers[module]] == [
        (True, size, file_source(module))
    ]
    locations = client.request(
        "breakpointLocations", {"source": {"path": module}, "line": 1, "endLine": 3}
    )
    assert locations["breakpoints"] == [{"line": 1}, {"line": 2}, {"line": 3}]

    tid, frames = next_stop(client)
    assert where(frames) == [
        ("grüß", greet, file_source(prog)),
        ("<module>", call, file_source(prog)),
    ]
    assert client.locals(frames[0]["id"])["name"]["value"] == "'wörld ü'"
    client.request("next", {"threadId": tid})
    client.wait_event("stopped")
    assert client.locals(client.stack(tid)[0]["id"])["text"]["value"] == "'hallo wörld ü'"
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [
        ("größe", size, file_source(module)),
        ("<module>", call, file_source(prog)),
    ]
    assert client.locals(frames[0]["id"])["maß"]["value"] == "2"
    loaded = {s["path"]: s for s in client.request("loadedSources")["sources"]}
    assert loaded[prog] == file_source(prog)
    assert loaded[module] == file_source(module)
    text = client.request("source", {"source": {"path": module}, "sourceReference": 0})["content"]
    assert text == Path(module).read_text(encoding="utf-8")
    run_to_exit(client, tid)
    assert client.output("stdout") == "hallo wörld ü 10\n"


# --- 4. a program that changes directory ----------------------------------------------------------


def test_module_imported_after_chdir_through_a_relative_sys_path_entry(
    client: DapClient, tmp_path: Path
) -> None:
    base = tmp_path.resolve()
    main = write(
        base / "a" / "main.py",
        "import os\nimport sys\n\n"
        "os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'b'))\n"
        "sys.path.insert(0, 'lib')  # relative to the new working directory\n"
        "import helper\n\n"
        "print('helper', helper.g(1), os.getcwd() == os.path.realpath('.'))  # @call\n",
    )
    helper = write(
        base / "b" / "lib" / "helper.py", "def g(v):\n    r = v + 1  # @g\n    return r\n"
    )
    line = line_of(helper, "g")
    answers = start(client, {"program": main}, {helper: [line]})
    assert [(bp["verified"], bp["line"]) for bp in answers[helper]] == [(True, line)]
    tid, frames = next_stop(client)
    assert where(frames) == [
        ("g", line, file_source(helper)),
        ("<module>", line_of(main, "call"), file_source(main)),
    ]
    assert client.locals(frames[0]["id"])["v"]["value"] == "1"
    run_to_exit(client, tid)
    assert client.output("stdout") == "helper 2 True\n"


def test_file_run_by_a_relative_path_shows_its_absolute_path_even_after_chdir(
    client: DapClient,
) -> None:
    hook = line_of(PLUGIN, "hook")
    answers = start(client, {"program": RUN_PLUGIN}, {PLUGIN: [hook]})
    assert [(bp["verified"], bp["line"]) for bp in answers[PLUGIN]] == [(True, hook)]
    # first call: while run_path runs the plugin, in the directory it was named from
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames] == [
        ("hook", hook),
        ("<module>", line_of(PLUGIN, "plugin-call")),
        ("<module>", line_of(RUN_PLUGIN, "run-plugin")),
    ]
    assert_openable(frames)
    assert [f["source"] for f in frames] == [
        file_source(PLUGIN),
        file_source(PLUGIN),
        file_source(RUN_PLUGIN),
    ]
    client.request("continue", {"threadId": tid})
    # second call: after os.chdir, the relative co_filename means another file
    tid, frames = next_stop(client)
    assert where(frames) == [
        ("hook", hook, file_source(PLUGIN)),
        ("<module>", line_of(RUN_PLUGIN, "call-again"), file_source(RUN_PLUGIN)),
    ]
    run_to_exit(client, tid)
    assert client.output("stdout") == "hook 6 15\n"


def test_file_run_by_a_relative_path_stops_and_its_source_is_readable(client: DapClient) -> None:
    """What works today for the case above: the breakpoint binds and stops both times, and
    whatever the frame's source is, the editor can open it."""
    hook = line_of(PLUGIN, "hook")
    start(client, {"program": RUN_PLUGIN}, {PLUGIN: [hook]})
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames][:1] == [("hook", hook)]
    assert_openable(frames)
    top = frames[0]["source"]
    if "path" not in top:
        resp = source_text(client, top)
        assert resp["success"], resp
        assert resp["body"]["content"] == Path(PLUGIN).read_text()
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames] == [
        ("hook", hook),
        ("<module>", line_of(RUN_PLUGIN, "call-again")),
    ]
    assert client.locals(frames[0]["id"])["value"]["value"] == "5"
    run_to_exit(client, tid)
    assert client.output("stdout") == "hook 6 15\n"


# --- 5. code with no file -------------------------------------------------------------------------


def test_frames_of_generated_code_carry_no_path_and_say_their_source_is_unavailable(
    client: DapClient,
) -> None:
    call, target = line_of(GENERATED, "call-generated"), line_of(GENERATED, "target")
    start(client, {"program": GENERATED}, {GENERATED: [call, target]})
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", call, file_source(GENERATED))]
    # stepping into the function compiled from a string
    client.request("stepIn", {"threadId": tid})
    tid, frames = next_stop(client, "step")
    assert [(f["name"], f["line"]) for f in frames] == [("gen_caller", 2), ("<module>", call)]
    generated = frames[0]["source"]
    assert generated["name"] == "<generated>" and "path" not in generated
    assert_openable(frames)
    # a breakpoint elsewhere, reached through a call from the generated code
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [
        ("target", target, file_source(GENERATED)),
        ("gen_caller", 3, generated),
        ("<module>", call, file_source(GENERATED)),
    ]
    assert_openable(frames)
    assert client.locals(frames[1]["id"])["m"]["value"] == "2"
    resp = source_text(client, generated)
    assert resp["success"] is False
    assert "<generated>" in resp["message"] and "not available" in resp["message"]
    run_to_exit(client, tid)
    assert client.output("stdout") == "generated 20\n"


def test_frame_without_available_source_is_deemphasized(client: DapClient) -> None:
    target = line_of(GENERATED, "target")
    start(client, {"program": GENERATED}, {GENERATED: [target]})
    tid, frames = next_stop(client)
    generated = frames[1]["source"]
    assert generated["name"] == "<generated>"
    assert source_text(client, generated)["success"] is False
    run_to_exit(client, tid)
    assert generated.get("presentationHint") == "deemphasize"


def test_function_breakpoint_in_generated_code_reports_no_bogus_path(client: DapClient) -> None:
    client.initialize()
    seq = client.send_request("launch", {"program": GENERATED})
    client.wait_event("initialized")
    (fbp,) = client.request("setFunctionBreakpoints", {"breakpoints": [{"name": "gen_caller"}]})[
        "breakpoints"
    ]
    assert fbp["verified"] is False
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    tid, frames = next_stop(client, "function breakpoint")
    assert [(f["name"], f["line"]) for f in frames][:1] == [("gen_caller", 2)]
    assert "path" not in frames[0]["source"]
    run_to_exit(client, tid)
    (changed,) = [e["breakpoint"] for e in client.events("breakpoint")]
    assert (changed["id"], changed["verified"], changed["line"]) == (fbp["id"], True, 2)
    source = changed.get("source", {})
    assert "path" not in source or os.path.isfile(source["path"]), changed


def test_code_launch_frame_is_a_source_reference_not_a_path(client: DapClient) -> None:
    line = line_of(HELPER, "helper")
    code = "import src_helper\n\nprint('code', src_helper.helper(4))\n"
    start(client, {"code": code, "cwd": str(PROGRAMS)}, {HELPER: [line]})
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames] == [("helper", line), ("<module>", 3)]
    assert frames[0]["source"] == file_source(HELPER)
    assert frames[1]["source"]["name"] == "<string>"
    assert_openable(frames)
    run_to_exit(client, tid)
    assert client.output("stdout") == "code 8\n"


def test_code_launch_source_request_returns_the_code(client: DapClient) -> None:
    line = line_of(HELPER, "helper")
    code = "import src_helper\n\nprint('code', src_helper.helper(4))\n"
    start(client, {"code": code, "cwd": str(PROGRAMS)}, {HELPER: [line]})
    tid, frames = next_stop(client)
    resp = source_text(client, frames[1]["source"])
    run_to_exit(client, tid)
    assert resp["success"], resp["message"]
    assert resp["body"]["content"] == code


def test_code_launch_stops_on_entry(client: DapClient) -> None:
    start(client, {"code": "a = 1\nb = a + 1\nprint('b', b)\n", "stopOnEntry": True})
    event = client.wait_any_event(("stopped", "exited"))
    assert event["event"] == "stopped", client.output()
    assert event["body"]["reason"] == "entry"
    tid = event["body"]["threadId"]
    frames = client.stack(tid)
    assert [(f["name"], f["line"], f["source"]["name"]) for f in frames] == [
        ("<module>", 1, "<string>")
    ]
    run_to_exit(client, tid)


# --- 6. module launches -----------------------------------------------------------------------------


def test_module_launch_stops_in_package_main_and_in_a_submodule(client: DapClient) -> None:
    call, body = line_of(PKG_MAIN, "pkg-call"), line_of(PKG_SUB, "sub-body")
    prnt = line_of(PKG_MAIN, "pkg-print")
    answers = start(
        client,
        {"module": "src_pkg", "cwd": str(PROGRAMS), "args": ["a", "b"]},
        {PKG_MAIN: [call, prnt], PKG_SUB: [body]},
    )
    assert [(bp["verified"], bp["line"]) for bp in answers[PKG_MAIN]] == [
        (True, call),
        (True, prnt),
    ]
    assert [(bp["verified"], bp["line"]) for bp in answers[PKG_SUB]] == [(True, body)]
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", call, file_source(PKG_MAIN))]
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [
        ("double", body, file_source(PKG_SUB)),
        ("<module>", call, file_source(PKG_MAIN)),
    ]
    assert client.locals(frames[0]["id"])["items"]["value"] == "['a', 'b']"
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", prnt, file_source(PKG_MAIN))]
    assert client.locals(frames[0]["id"])["total"]["value"] == "4"
    run_to_exit(client, tid)
    assert client.output("stdout") == "main 4\n"


def test_dotted_module_launch_runs_the_submodule_as_main(client: DapClient) -> None:
    line = line_of(PKG_SUB, "sub-main")
    start(client, {"module": "src_pkg.sub", "cwd": str(PROGRAMS)}, {PKG_SUB: [line]})
    tid, frames = next_stop(client)
    assert where(frames) == [("<module>", line, file_source(PKG_SUB))]
    run_to_exit(client, tid)
    assert client.output("stdout") == "sub as main 2\n"


def test_dotted_module_launch_stops_on_entry(client: DapClient) -> None:
    start(client, {"module": "src_pkg.sub", "cwd": str(PROGRAMS), "stopOnEntry": True})
    event = client.wait_any_event(("stopped", "exited"))
    assert event["event"] == "stopped", client.output()
    assert event["body"]["reason"] == "entry"
    tid = event["body"]["threadId"]
    assert where(client.stack(tid)) == [("<module>", 1, file_source(PKG_SUB))]
    run_to_exit(client, tid)


# --- 7. modules imported from a zip file ------------------------------------------------------------

ZMOD = "def zf(x):\n    w = x + 1\n    return w * 2\n"


def make_zip_program(tmp_path: Path) -> tuple[str, str]:
    """main.py imports zmod from lib.zip; returns (main, the path of zmod.py inside the zip)."""
    base = tmp_path.resolve()
    archive = base / "lib.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zmod.py", ZMOD)
    main = write(
        base / "main.py",
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lib.zip'))\n"
        "import zmod\n\n"
        "print('zip', zmod.zf(1))  # @call-zip\n",
    )
    return main, str(archive / "zmod.py")


def test_breakpoint_in_a_zip_module_binds_when_it_loads_and_its_source_is_served(
    client: DapClient, tmp_path: Path
) -> None:
    main, inside = make_zip_program(tmp_path)
    answers = start(client, {"program": main}, {inside: [2]})
    (bp,) = answers[inside]
    # not loaded yet and not a file on disk: unverified, with a reason (never silently dead)
    assert (bp["verified"], bp["line"]) == (False, 2)
    assert bp["message"]
    tid, frames = next_stop(client)
    (changed,) = client.events("breakpoint")
    assert changed["reason"] == "changed"
    assert {k: changed["breakpoint"][k] for k in ("id", "verified", "line")} == {
        "id": bp["id"],
        "verified": True,
        "line": 2,
    }
    assert [(f["name"], f["line"]) for f in frames] == [
        ("zf", 2),
        ("<module>", line_of(main, "call-zip")),
    ]
    assert_openable(frames)
    zsource = frames[0]["source"]
    assert "path" not in zsource
    resp = source_text(client, zsource)
    assert resp["success"], resp
    assert resp["body"]["content"] == ZMOD
    # a breakpoint set while the module is loaded binds at once
    (late,) = client.request(
        "setBreakpoints", {"source": {"path": inside}, "breakpoints": [{"line": 2}, {"line": 3}]}
    )["breakpoints"][1:]
    assert (late["verified"], late["line"]) == (True, 3)
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames][:1] == [("zf", 3)]
    assert client.locals(frames[0]["id"])["w"]["value"] == "2"
    run_to_exit(client, tid)
    assert client.output("stdout") == "zip 4\n"


def test_loaded_sources_give_a_zip_module_a_usable_source(
    client: DapClient, tmp_path: Path
) -> None:
    main, _inside = make_zip_program(tmp_path)
    start(client, {"program": main}, {main: [line_of(main, "call-zip")]})
    tid, _frames = next_stop(client)
    client.request("stepIn", {"threadId": tid})
    tid, frames = next_stop(client, "step")
    zsource = frames[0]["source"]
    sources = client.request("loadedSources")["sources"]
    run_to_exit(client, tid)
    bogus = [s for s in sources if "path" in s and not os.path.isfile(s["path"])]
    assert bogus == []
    assert any(s.get("sourceReference") == zsource["sourceReference"] for s in sources)


def test_breakpoint_set_in_a_source_reference_binds(client: DapClient, tmp_path: Path) -> None:
    main, _inside = make_zip_program(tmp_path)
    start(client, {"program": main}, {main: [line_of(main, "call-zip")]})
    tid, _frames = next_stop(client)
    client.request("stepIn", {"threadId": tid})
    tid, frames = next_stop(client, "step")
    assert [(f["name"], f["line"]) for f in frames][:1] == [("zf", 2)]
    zsource = frames[0]["source"]
    # what VS Code sends for a click in the gutter of a source it loaded by reference
    resp = client.wait_response(
        client.send_request("setBreakpoints", {"source": zsource, "breakpoints": [{"line": 3}]})
    )
    if not resp["success"]:
        run_to_exit(client, tid)
        raise AssertionError(f"setBreakpoints failed: {resp['message']}")
    (bp,) = resp["body"]["breakpoints"]
    assert (bp["verified"], bp["line"]) == (True, 3)
    client.request("continue", {"threadId": tid})
    tid, frames = next_stop(client)
    assert [(f["name"], f["line"]) for f in frames][:1] == [("zf", 3)]
    run_to_exit(client, tid)


# --- 8. setBreakpoints sources that are not a file path -------------------------------------------


def test_unusable_breakpoint_sources_are_refused_or_unverified_and_the_session_goes_on(
    client: DapClient, tmp_path: Path
) -> None:
    target = line_of(GENERATED, "target")
    client.initialize()
    seq = client.send_request("launch", {"program": GENERATED})
    client.wait_event("initialized")

    def set_bps(source: dict[str, Any]) -> dict[str, Any]:
        return client.wait_response(
            client.send_request("setBreakpoints", {"source": source, "breakpoints": [{"line": 2}]})
        )

    # only a name: the spec requires path or sourceReference, so an error is right
    resp = set_bps({"name": "prog.py"})
    assert resp["success"] is False
    assert "source.path" in resp["message"]
    # an unknown sourceReference: an error, or an unverified breakpoint that says why
    resp = set_bps({"sourceReference": 4242})
    if resp["success"]:
        (bp,) = resp["body"]["breakpoints"]
        assert bp["verified"] is False and bp["message"], bp
    else:
        assert resp["message"]
    # a directory
    folder = tmp_path.resolve() / "a folder"
    folder.mkdir()
    resp = set_bps({"path": str(folder)})
    assert resp["success"], resp
    (bp,) = resp["body"]["breakpoints"]
    assert (bp["verified"], bp["line"]) == (False, 2)
    assert "directory" in bp["message"].lower()
    # a real breakpoint after all that still binds and stops
    (good,) = client.request(
        "setBreakpoints", {"source": {"path": GENERATED}, "breakpoints": [{"line": target}]}
    )["breakpoints"]
    assert (good["verified"], good["line"]) == (True, target)
    client.request("configurationDone")
    assert client.wait_response(seq)["success"]
    tid, frames = next_stop(client)
    assert where(frames)[0] == ("target", target, file_source(GENERATED))
    run_to_exit(client, tid)
    assert client.output("stdout") == "generated 20\n"


# --- the `source` request by path -----------------------------------------------------------------


def test_source_request_by_path_serves_a_loaded_file(client: DapClient) -> None:
    target = line_of(GENERATED, "target")
    start(client, {"program": GENERATED}, {GENERATED: [target]})
    tid, frames = next_stop(client)
    resp = source_text(client, frames[0]["source"])
    assert resp["success"], resp
    assert resp["body"]["content"] == Path(GENERATED).read_text()
    missing = str(PROGRAMS / "src_no_such_file.py")
    resp = source_text(client, {"path": missing})
    assert resp["success"] is False
    assert missing in resp["message"]
    run_to_exit(client, tid)


def test_source_request_is_no_way_around_the_file_access_policy(
    client: DapClient, tmp_path: Path
) -> None:
    secret = "AKIAIOSFODNN7EXAMPLE"
    creds = write(tmp_path.resolve() / "credentials.txt", f"aws_access_key_id = {secret}\n")
    target = line_of(GENERATED, "target")
    start(
        client,
        {
            "program": GENERATED,
            "securityPolicy": {"observe": True, "allow_file_access": False},
        },
        {GENERATED: [target]},
    )
    tid, frames = next_stop(client)
    frame_id = frames[0]["id"]
    refused = client.request_error(
        "evaluate",
        {"expression": f"open({creds!r}).read()", "frameId": frame_id, "context": "repl"},
    )
    assert "file access refused by the security policy" in refused
    resp = source_text(client, {"path": creds})
    run_to_exit(client, tid)
    # a file the program never loaded, read by the debugger on a client's say-so: refused
    assert resp["success"] is False, resp
    assert not any(secret in str(m) for m in client.messages)
