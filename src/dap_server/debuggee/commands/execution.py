"""Threads and run control: continue, steps, pause, step-in targets and goto."""

from __future__ import annotations

import os
from typing import Any

import engine
from dap_server.debuggee.commands import TABLE
from dap_server.debuggee.dispatch import Request, RequestError, arg
from dap_server.debuggee.session import (
    DebugSession,
)


@TABLE.command("threads")
def threads(s: DebugSession, r: Request) -> dict[str, Any]:
    return {"threads": [{"id": tid, "name": name} for tid, name in s.debugger.threads()]}


def _resume_target(s: DebugSession, r: Request) -> int | None:
    """The thread to resume: all of them unless the client asked for singleThread."""
    thread_id: int = arg(r.arguments, "threadId", int, command=r.command)
    return thread_id if r.arguments.get("singleThread") else None


@TABLE.command("continue", kind="control", capabilities=("supportsSingleThreadExecutionRequests",))
def continue_(s: DebugSession, r: Request) -> dict[str, Any]:
    target = _resume_target(s, r)
    s.invalidate()
    s.debugger.resume(target)
    return {"allThreadsContinued": target is None}


def _step(s: DebugSession, r: Request, kind: engine.StepKind) -> None:
    thread_id = s.stopped_thread(r.arguments, r.command)
    target = arg(r.arguments, "targetId", int, command=r.command, default=None)
    frames = s.debugger.frames(thread_id)
    # A step that leaves this function shows its return value as "(return) <name>".
    s.step_origin[thread_id] = frames[0].f_code.co_name if frames else ""
    s.invalidate()
    # DAP: a step lets the other threads run too, unless singleThread. The editor is told
    # which ones: it assumes only the stepping thread runs on.
    others = s.debugger.step(
        thread_id, kind, target, resume_others=not r.arguments.get("singleThread")
    )
    for other in others:
        s.event("continued", {"threadId": other})


@TABLE.command("next", kind="control")
def next_(s: DebugSession, r: Request) -> None:
    _step(s, r, "over")


@TABLE.command("stepIn", kind="control")
def step_in(s: DebugSession, r: Request) -> None:
    _step(s, r, "into")


@TABLE.command("stepOut", kind="control")
def step_out(s: DebugSession, r: Request) -> None:
    _step(s, r, "out")


@TABLE.command("pause", kind="control")
def pause(s: DebugSession, r: Request) -> None:
    thread_id = arg(r.arguments, "threadId", int, command=r.command, default=None)
    if thread_id is not None and thread_id not in {tid for tid, _name in s.debugger.threads()}:
        raise RequestError(f"{r.command}: thread {thread_id} is not a thread of the program")
    s.debugger.pause(thread_id)


# --- inspection ------------------------------------------------------------------------------------


@TABLE.command("stepInTargets", kind="inspection", capabilities=("supportsStepInTargetsRequest",))
def step_in_targets(s: DebugSession, r: Request) -> dict[str, Any]:
    ref = s.frame(arg(r.arguments, "frameId", int, command=r.command), r.command)
    targets = s.debugger.step_in_targets(ref.thread_id, ref.frame)
    return {"targets": [{"id": tid, "label": label} for tid, label in targets]}


@TABLE.command("gotoTargets", kind="inspection", capabilities=("supportsGotoTargetsRequest",))
def goto_targets(s: DebugSession, r: Request) -> dict[str, Any]:
    path = os.path.abspath(arg(r.arguments, "source.path", str, command=r.command))
    line = arg(r.arguments, "line", int, command=r.command)
    lines = s.debugger.breakpoint_locations(path, line, line)
    # The target id is the line itself: goto then jumps there in the frame that asks.
    return {"targets": [{"id": n, "label": f"line {n}", "line": n} for n in lines[:1]]}


@TABLE.command("goto", kind="control")
def goto(s: DebugSession, r: Request) -> None:
    thread_id = s.stopped_thread(r.arguments, r.command)
    line = arg(r.arguments, "targetId", int, command=r.command)
    s.invalidate()
    try:
        s.debugger.goto(thread_id, line)
    except ValueError as exc:
        raise RequestError(f"{r.command}: cannot jump to line {line}: {exc}") from None


# --- sources -----------------------------------------------------------------------------------------
