"""What a stopped program looks like: stack, scopes, variables, exceptions, sources."""

from __future__ import annotations

import linecache
import os
import sys
import traceback
from types import FrameType, TracebackType
from typing import Any

from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.session import (
    _OWN_DIRS,
    LAUNCHER_FILES,
    DebugSession,
    _source,
)
from dap_server.state.variables import InvalidReferenceError


@TABLE.command("stackTrace", kind="inspection", capabilities=("supportsDelayedStackTraceLoading",))
def stack_trace(s: DebugSession, r: Request) -> dict[str, Any]:
    thread_id = s.stopped_thread(r.arguments, r.command)
    frames = s.debugger.stack(thread_id)  # the launcher's are hidden (see DebuggeeHost)
    start = arg(r.arguments, "startFrame", int, command=r.command, default=0)
    levels = arg(r.arguments, "levels", int, command=r.command, default=0)
    chosen = frames[start : start + levels] if levels > 0 else frames[start:]
    out = []
    for frame, line in chosen:
        code = frame.f_code
        entry: dict[str, Any] = {
            "id": s.frame_id(thread_id, frame),
            "name": code.co_qualname,
            "line": line,
            "column": 1,
        }
        # The file as the program named it (the spelling the editor used to launch it, through
        # a symlink or not), unless relative: then as the engine resolved it on first sight
        # (`runpy.run_path("dir/x.py")`, and the program may have changed directory since).
        path = code.co_filename
        if not os.path.isabs(path):
            path = s.debugger.source_path(code)
        if os.path.isabs(path) and os.path.isfile(path):
            entry["source"] = _source(path)
        else:
            # No file to open: the client asks for the text with a `source` request, if Python
            # kept it (a zip import's, a registered notebook cell's); an exec'd string's it did
            # not, and the editor is told so before it asks.
            entry["source"] = _virtual_source(s, code.co_filename, frame.f_globals)
        out.append(entry)
    return {"stackFrames": out, "totalFrames": len(frames)}


@TABLE.command("scopes", kind="inspection")
def scopes(s: DebugSession, r: Request) -> dict[str, Any]:
    ref = s.frame(arg(r.arguments, "frameId", int, command=r.command), r.command)
    s.focus_thread = ref.thread_id
    is_top = s.debugger.frames(ref.thread_id)[:1] == [ref.frame]
    exception = s.debugger.exception(ref.thread_id) if is_top else None
    kwargs: dict[str, Any] = {"exception": exception}
    if is_top and s.options.show_return_value:
        has_value, value = s.debugger.return_value(ref.thread_id)
        if has_value:
            kwargs["return_value"] = value
            kwargs["return_name"] = s.step_origin.get(ref.thread_id) or None
    return {"scopes": s.variables.scopes(ref.frame, s.locals_of(ref), origin=ref, **kwargs)}


@TABLE.command("variables", kind="inspection")
def variables(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    ref = arg(r.arguments, "variablesReference", int, command=cmd)
    filter_ = arg(r.arguments, "filter", str, command=cmd, default=None)
    if filter_ not in (None, "indexed", "named"):
        raise RequestError(f"{cmd}: arguments.filter must be 'indexed' or 'named', not {filter_!r}")
    start = arg(r.arguments, "start", int, command=cmd, default=None)
    count = arg(r.arguments, "count", int, command=cmd, default=None)
    fmt = arg(r.arguments, "format", dict, command=cmd, default=None)
    try:
        return {"variables": s.variables.variables(ref, filter_, start, count, fmt)}
    except InvalidReferenceError as exc:
        raise RequestError(f"{cmd}: {exc}") from None


# --- exceptions -------------------------------------------------------------------------------------


def _traceback_text(tb: TracebackType | None) -> str:
    """The traceback as Python prints it, without the launcher's and the debugger's frames
    (which stackTrace leaves out too)."""
    entries = [
        entry
        for entry in traceback.extract_tb(tb)
        if entry.filename not in LAUNCHER_FILES and not entry.filename.startswith(_OWN_DIRS)
    ]
    return "".join(traceback.format_list(entries))


def _exception_details(
    s: DebugSession,
    exc: BaseException,
    frame: FrameType | None,
    depth: int = 0,
    seen: set[int] | None = None,
) -> dict[str, Any]:
    """DAP ExceptionDetails, chained causes included, each exception once (a chain can loop:
    `a.__context__ is b`, `b.__context__ is a`), as `traceback` prints them; redacted on the
    way out."""
    seen = set() if seen is None else seen
    seen.add(id(exc))
    cls = type(exc)
    message = s.presenter.redact(s.describe_exception(exc))
    if frame is not None:  # the message may quote a secret's value (`int(password)`)
        message = s.mask_secret_values(message, frame)
    details: dict[str, Any] = {
        "message": message,
        "typeName": cls.__qualname__,
        "fullTypeName": f"{cls.__module__}.{cls.__qualname__}"
        if cls.__module__ != "builtins"
        else cls.__qualname__,
        "stackTrace": s.presenter.redact(_traceback_text(exc.__traceback__)),
    }
    if depth < 8:
        inner: list[dict[str, Any]] = []
        chained = exc.__cause__ or (None if exc.__suppress_context__ else exc.__context__)
        nested = [chained] if chained is not None else []
        if isinstance(exc, BaseExceptionGroup):
            nested.extend(exc.exceptions[:20])
        for e in nested:
            if id(e) not in seen:
                inner.append(_exception_details(s, e, frame, depth + 1, seen))
        if inner:
            details["innerException"] = inner
    return details


# The engine's exception filter that stopped a thread -> the DAP break mode it stands for.
_BREAK_MODES = {"raised": "always", "uncaught": "unhandled", "userUnhandled": "userUnhandled"}


@TABLE.command("exceptionInfo", kind="inspection", capabilities=("supportsExceptionInfoRequest",))
def exception_info(s: DebugSession, r: Request) -> dict[str, Any]:
    thread_id = s.stopped_thread(r.arguments, r.command)
    exc = s.debugger.exception(thread_id)
    if exc is None:
        raise RequestError(f"{r.command}: thread {thread_id} did not stop on an exception")
    s.focus_thread = thread_id
    frames = s.debugger.frames(thread_id)
    details = _exception_details(s, exc, frames[0] if frames else None)
    return {
        "exceptionId": details["fullTypeName"],
        "description": details["message"],
        "breakMode": _BREAK_MODES.get(s.stop_filters.get(thread_id) or "", "always"),
        "details": details,
    }


# --- navigation ------------------------------------------------------------------------------------


@TABLE.command("source", kind="inspection")
def source(s: DebugSession, r: Request) -> dict[str, Any]:
    cmd = r.command
    ref = arg(r.arguments, "source.sourceReference", int, command=cmd, default=0) or arg(
        r.arguments, "sourceReference", int, command=cmd, default=0
    )
    if ref:
        known = s.source_refs.get(ref)
        if known is None:
            raise RequestError(f"{cmd}: sourceReference {ref} is unknown")
        filename, module_globals = known
        # linecache finds text through the module's loader (zip imports, frozen modules,
        # notebooks that register their cells); nothing keeps the text of an exec'd string.
        lines = linecache.getlines(filename, module_globals)
        if not lines:
            raise RequestError(
                f"{cmd}: the source of {filename} is not available: Python keeps no copy of "
                "code compiled from a string (exec, eval, compile)"
            )
        return {"content": "".join(lines), "mimeType": "text/x-python"}
    # By path (an extension: DAP asks by reference): only a source of the program itself, so
    # that this request reads no other file of the machine. (Sources are the program's code,
    # not its data: they are served as they are, not redacted.)
    path = arg(r.arguments, "source.path", str, command=cmd)
    if os.path.realpath(path) not in _program_files():
        raise RequestError(
            f"{cmd}: {path} is not a source of the program (only the files of its loaded "
            "modules are served)"
        )
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return {"content": f.read(), "mimeType": "text/x-python"}
    except OSError as exc:
        raise RequestError(f"{cmd}: cannot read {path}: {exc.strerror}") from None


def _program_files() -> set[str]:
    """The real paths of the files of the program's loaded modules (`__main__` included)."""
    files = set()
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and not path.startswith(_OWN_DIRS):
            files.add(os.path.realpath(path))
    return files


def _virtual_source(
    s: DebugSession, filename: str, module_globals: dict[str, Any]
) -> dict[str, Any]:
    """A source with no file to open (a zip import's module, an exec'd string): the client asks
    for its text with a `source` request, if Python kept it (a zip import's, a registered
    notebook cell's). An exec'd string's it did not, and the editor is told so before it asks."""
    source: dict[str, Any] = {
        "name": filename if filename.startswith("<") else os.path.basename(filename),
        "sourceReference": s.source_reference(filename, module_globals),
    }
    if not linecache.getlines(filename, module_globals):
        source["presentationHint"] = "deemphasize"
    return source


@TABLE.command("loadedSources", capabilities=("supportsLoadedSourcesRequest",))
def loaded_sources(s: DebugSession, r: Request) -> dict[str, Any]:
    files: dict[str, dict[str, Any]] = {}
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py") and not path.startswith(_OWN_DIRS):
            if os.path.isfile(path):
                files[os.path.abspath(path)] = _source(os.path.abspath(path))
            else:  # inside a zip: served by reference, as its frames are
                files[path] = _virtual_source(s, path, vars(module))
    return {"sources": [files[p] for p in sorted(files)]}


@TABLE.command("modules", capabilities=("supportsModulesRequest",))
def modules(s: DebugSession, r: Request) -> dict[str, Any]:
    start = arg(r.arguments, "startModule", int, command=r.command, default=0)
    count = arg(r.arguments, "moduleCount", int, command=r.command, default=0)
    names = sorted(n for n, m in list(sys.modules.items()) if m is not None)
    chosen = names[start : start + count] if count else names[start:]
    out = []
    for name in chosen:
        module = sys.modules.get(name)
        entry: dict[str, Any] = {"id": name, "name": name}
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            entry["path"] = path
        out.append(entry)
    return {"modules": out, "totalModules": len(names)}


# --- evaluation ------------------------------------------------------------------------------------
