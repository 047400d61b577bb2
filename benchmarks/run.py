"""Benchmarks: this project against plain Python and debugpy, side by side, as ratios.

    python benchmarks/run.py [--quick] [--runs N] [--only NAME[,NAME...]] [--markdown FILE]

Every workload runs plain (`python program.py`), under this project's adapter
(`python -m dap_server`) and under debugpy's (`python -m debugpy.adapter`), both driven over
stdio exactly as an editor drives them: initialize, launch, setBreakpoints,
setExceptionBreakpoints, configurationDone, then wait for the program's printed result. The
variants of one measurement run next to each other, in an order that rotates from run to run,
and each reported ratio is the median over the runs of the ratio measured within one run: on a
shared, noisy machine only what was measured side by side is compared.

See benchmarks/README.md for what each mode means and how to read the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dap import DapError, DapSession, Message, adapter_env

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORKLOADS = HERE / "workloads"
FLOOR = HERE / "floor.py"
SESSION_TIMEOUT = 90.0


# ------------------------------------------------------------------------------ settings


@dataclass
class Settings:
    runs: int  # paired runs per throughput cell; sessions for the latency measurements
    seconds: float  # measured section of each throughput run
    warmup: float
    steps: int  # `next` samples per latency session (each kind)
    paging_rounds: int  # stops in the paging session
    paging_size: int
    label: str
    clock: str = "cpu"  # which per-unit time the ratios use: "cpu" or "wall"


PRESETS = {
    "full": Settings(
        runs=5,
        seconds=0.6,
        warmup=0.15,
        steps=15,
        paging_rounds=7,
        paging_size=1_000_000,
        label="full",
    ),
    "quick": Settings(
        runs=3,
        seconds=0.25,
        warmup=0.08,
        steps=8,
        paging_rounds=3,
        paging_size=1_000_000,
        label="quick",
    ),
    # The smallest run that still exercises every row; for the smoke test, meaningless as numbers.
    "smoke": Settings(
        runs=1,
        seconds=0.02,
        warmup=0.0,
        steps=2,
        paging_rounds=1,
        paging_size=10_000,
        label="smoke",
    ),
}


# ------------------------------------------------------------------------------ workloads and modes


def marked_line(path: Path, marker: str) -> int:
    """The 1-based line carrying `# @marker`: tables never hard-code line numbers."""
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if text.rstrip().endswith(f"# @{marker}"):
            return number
    raise LookupError(f"no line marked @{marker} in {path}")


@dataclass(frozen=True)
class Workload:
    name: str
    file: str
    title: str
    condition: str  # always false on the hot line, in terms of the hot function's locals

    @property
    def path(self) -> Path:
        return WORKLOADS / self.file


WORKLOAD_LIST = [
    Workload("fib", "fib.py", "recursive calls", "n < 0"),
    Workload("methods", "methods.py", "method calls", "amount < 0"),
    Workload("loops", "loops.py", "tight loop", "acc < 0"),
    Workload("exceptions", "exceptions.py", "raise/catch", "value < 0"),
]

# What VS Code sends for debugpy's and this project's default exception filters.
DEFAULT_EXCEPTIONS: Message = {"filters": ["uncaught"]}
# Never true: the workload raises ValueError(i) with i >= 0; written so that it cannot raise
# for other exceptions either (a condition that raises stops, as a breakpoint condition does).
EXC_CONDITION = "exc.args[:1] == (-1,)"
EXC_TYPE = "ZeroDivisionError"  # never raised by the workload, nor by the imports it makes


@dataclass(frozen=True)
class Mode:
    key: str
    title: str
    goal: str
    workloads: tuple[str, ...] | None = None  # None: every workload

    def applies(self, workload: Workload) -> bool:
        return self.workloads is None or workload.name in self.workloads


MODES = [
    Mode("a", "attached, no breakpoints", "<= 1.02x"),
    Mode("b", "breakpoint in a function never called", "<= 1.02x"),
    Mode("c", "breakpoint on a never-reached line of the hot function", "<= 1.10x"),
    Mode("d", "conditional breakpoint on the hot line, always false", "<= 1.5x floor"),
    Mode(
        "e", f"`raised` filter, condition `{EXC_CONDITION}` never true", "<= 1.10x", ("exceptions",)
    ),
    Mode(
        "e-type",
        f"`raised` filter limited to `{EXC_TYPE}` (never raised)",
        "<= 1.10x",
        ("exceptions",),
    ),
]
GOAL_LIMITS = {"a": 1.02, "b": 1.02, "c": 1.10, "d": 1.5, "e": 1.10, "e-type": 1.10}


def breakpoints_for(mode: Mode, w: Workload) -> list[Message]:
    if mode.key == "b":
        return [{"line": marked_line(w.path, "never-called")}]
    if mode.key == "c":
        return [{"line": marked_line(w.path, "never-reached")}]
    if mode.key == "d":
        return [{"line": marked_line(w.path, "hot"), "condition": w.condition}]
    return []


def exceptions_for(mode: Mode, adapter: str) -> Message | None:
    """setExceptionBreakpoints arguments; None when the adapter cannot express the mode."""
    if mode.key == "e":
        if adapter == "debugpy":
            # pydevd's setExceptionBreakpoints handler: "Can't set these in the DAP" (condition).
            return None
        return {
            "filters": ["uncaught"],
            "filterOptions": [{"filterId": "raised", "condition": EXC_CONDITION}],
        }
    if mode.key == "e-type":
        if adapter == "debugpy":
            # debugpy limits exception breakpoints by type with exceptionOptions (its
            # filterOptions take no condition); with exceptionOptions present it ignores
            # `filters`, so `uncaught` is restated as an option.
            return {
                "filters": [],
                "exceptionOptions": [
                    {
                        "path": [{"names": ["Python Exceptions"]}, {"names": [EXC_TYPE]}],
                        "breakMode": "always",
                    },
                    {"path": [{"names": ["Python Exceptions"]}], "breakMode": "unhandled"},
                ],
            }
        return {
            "filters": ["uncaught"],
            "filterOptions": [{"filterId": "raised", "condition": EXC_TYPE}],
        }
    return DEFAULT_EXCEPTIONS


# ------------------------------------------------------------------------------ adapters


@dataclass(frozen=True)
class Adapter:
    name: str
    argv: tuple[str, ...]
    env: dict[str, str] = field(hash=False)

    def session(self) -> DapSession:
        return DapSession(self.argv, self.env)

    def launch_args(self, program: Path, args: Sequence[str]) -> Message:
        # The same launch.json entry for both adapters, as an editor would send it.
        return {
            "type": "python",
            "request": "launch",
            "name": "benchmark",
            "program": str(program),
            "args": list(args),
            "cwd": str(program.parent),
            "console": "internalConsole",
            "justMyCode": True,
            "python": [sys.executable],
        }


def adapters(src: Path) -> dict[str, Adapter]:
    return {
        "ours": Adapter("ours", (sys.executable, "-m", "dap_server"), adapter_env(str(src))),
        "debugpy": Adapter("debugpy", (sys.executable, "-m", "debugpy.adapter"), adapter_env()),
    }


def start_session(
    adapter: Adapter,
    program: Path,
    args: Sequence[str],
    breakpoints: list[Message],
    exceptions: Message,
) -> tuple[DapSession, float]:
    """The editor's start-up conversation; returns the session and when `launch` was sent."""
    s = adapter.session()
    try:
        s.initialize()
        seq, launched_at = s.send_request("launch", adapter.launch_args(program, args))
        s.wait_launch_started(seq)
        if breakpoints:
            body = s.request(
                "setBreakpoints", {"source": {"path": str(program)}, "breakpoints": breakpoints}
            )
            for bp in body.get("breakpoints", []):
                # An unverified breakpoint that never binds would measure nothing at all.
                if (
                    not bp.get("verified")
                    and "not loaded yet" not in str(bp.get("message", "")).lower()
                ):
                    raise DapError(f"breakpoint refused: {bp}")
        s.request("setExceptionBreakpoints", exceptions)
        s.request("configurationDone")
        s.wait_response(seq)
    except BaseException:
        s.close()
        raise
    return s, launched_at


def parse_bench(line: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(line.split(" ", 1)[1])
    return data


def bench_from_output(text: str) -> dict[str, Any]:
    for line in reversed(text.splitlines()):
        if line.startswith("BENCH "):
            return parse_bench(line)
    raise DapError(f"no BENCH line in the program's output: {text[-500:]!r}")


# ------------------------------------------------------------------------------ variants


def run_plain(program: Path, args: Sequence[str], prefix: Sequence[str] = ()) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, *prefix, *([] if prefix else [str(program)]), *args],
        cwd=program.parent,
        capture_output=True,
        text=True,
        timeout=SESSION_TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise DapError(f"exit code {proc.returncode}: {proc.stderr[-800:]}")
    return bench_from_output(proc.stdout)


def run_floor(w: Workload, mode: Mode, args: Sequence[str]) -> dict[str, Any]:
    if mode.key == "e":
        floor: tuple[str, ...] = ("raise", str(w.path), EXC_CONDITION)
    elif mode.key == "e-type":
        floor = ("raise-type", str(w.path), EXC_TYPE)
    else:
        floor = ("line", str(w.path), str(marked_line(w.path, "hot")), w.condition)
    return run_plain(w.path, args, prefix=(str(FLOOR), *floor))


def run_debugged(adapter: Adapter, w: Workload, mode: Mode, args: Sequence[str]) -> dict[str, Any]:
    exceptions = exceptions_for(mode, adapter.name)
    assert exceptions is not None
    s, _ = start_session(adapter, w.path, args, breakpoints_for(mode, w), exceptions)
    try:
        return parse_bench(s.wait_stdout_line("BENCH ", SESSION_TIMEOUT))
    finally:
        s.close()


# ------------------------------------------------------------------------------ results


@dataclass
class Cell:
    workload: Workload
    mode: Mode
    variants: list[str]
    times: dict[str, list[float | None]] = field(default_factory=dict)  # per run, None = failed
    memory_kb: dict[str, list[int]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def ratios(self, variant: str, base: str = "plain") -> list[float]:
        """Ratios measured within each run (paired), for the runs where both succeeded."""
        out = []
        for v, b in zip(self.times.get(variant, []), self.times.get(base, []), strict=False):
            if v is not None and b is not None and b > 0:
                out.append(v / b)
        return out

    def median_ratio(self, variant: str, base: str = "plain") -> float | None:
        r = self.ratios(variant, base)
        return statistics.median(r) if r else None


@dataclass
class Report:
    settings: Settings
    cells: list[Cell] = field(default_factory=list)
    latency: dict[str, dict[str, list[float]]] = field(
        default_factory=dict
    )  # adapter -> measure -> samples
    latency_errors: dict[str, str] = field(default_factory=dict)
    paging: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    paging_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    paging_errors: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ throughput


def run_throughput(report: Report, cells: list[Cell], ads: dict[str, Adapter]) -> None:
    s = report.settings
    args = ["--seconds", str(s.seconds), "--warmup", str(s.warmup)]
    total = sum(len(c.variants) for c in cells) * s.runs
    done = 0
    for run in range(s.runs):
        for cell in cells:
            order = (
                cell.variants[run % len(cell.variants) :]
                + cell.variants[: run % len(cell.variants)]
            )
            for variant in order:
                done += 1
                times = cell.times.setdefault(variant, [])
                if variant in cell.errors:
                    times.append(None)  # failed before: do not pay its timeout again
                    continue
                t0 = time.monotonic()
                try:
                    if variant == "plain":
                        result = run_plain(cell.workload.path, args)
                    elif variant == "floor":
                        result = run_floor(cell.workload, cell.mode, args)
                    else:
                        result = run_debugged(ads[variant], cell.workload, cell.mode, args)
                except (DapError, OSError, subprocess.SubprocessError, ValueError) as exc:
                    cell.errors[variant] = str(exc)
                    times.append(None)
                    progress(
                        f"[{done}/{total}] {cell.workload.name} {cell.mode.key} {variant}: FAILED: {exc}"
                    )
                    continue
                per_unit = float(result["per_unit_cpu_s" if s.clock == "cpu" else "per_unit_s"])
                times.append(per_unit)
                cell.memory_kb.setdefault(variant, []).append(int(result["vmhwm_kb"]))
                plain = cell.times.get("plain", [])
                ratio = ""
                base = plain[run] if variant != "plain" and len(plain) > run else None
                if base:
                    ratio = f" {per_unit / base:.2f}x plain"
                progress(
                    f"[{done}/{total}] run {run + 1} {cell.workload.name:<10} {cell.mode.key:<6} {variant:<7} "
                    f"{per_unit * 1e6:9.1f} us/unit{ratio}  ({time.monotonic() - t0:.1f} s)"
                )


# ------------------------------------------------------------------------------ latency


def variables_ref(scopes: Message) -> int:
    for scope in scopes.get("scopes", []):
        if scope.get("name") == "Locals":
            return int(scope["variablesReference"])
    return int(scopes["scopes"][0]["variablesReference"])


def inspect_top(s: DapSession, thread_id: int) -> Message:
    """What an editor does at a stop: the stack, the top frame's scopes, its locals."""
    stack = s.request("stackTrace", {"threadId": thread_id, "startFrame": 0, "levels": 20})
    frame_id = stack["stackFrames"][0]["id"]
    scopes = s.request("scopes", {"frameId": frame_id})
    return s.request("variables", {"variablesReference": variables_ref(scopes)})


def latency_session(adapter: Adapter, settings: Settings) -> dict[str, list[float]]:
    program = WORKLOADS / "stepping.py"
    line = marked_line(program, "step-start")
    s, launched_at = start_session(
        adapter, program, ["--iterations", "200000"], [{"line": line}], DEFAULT_EXCEPTIONS
    )
    out: dict[str, list[float]] = {
        "launch_to_stop": [],
        "next": [],
        "next_inspect": [],
        "memory_kb": [],
    }
    try:
        stopped = s.wait_event("stopped", SESSION_TIMEOUT)
        out["launch_to_stop"].append(stopped.at - launched_at)
        thread_id = int(stopped.msg["body"]["threadId"])
        s.request("threads")
        inspect_top(s, thread_id)
        # Step without the breakpoint, so that every stop is a step's.
        s.request("setBreakpoints", {"source": {"path": str(program)}, "breakpoints": []})
        for _ in range(settings.steps):
            seq, sent = s.send_request("next", {"threadId": thread_id})
            stopped = s.wait_event("stopped")
            s.wait_response(seq)
            out["next"].append(stopped.at - sent)
            thread_id = int(stopped.msg["body"]["threadId"])
        for _ in range(settings.steps):
            seq, sent = s.send_request("next", {"threadId": thread_id})
            stopped = s.wait_event("stopped")
            thread_id = int(stopped.msg["body"]["threadId"])
            stack_seq, _ = s.send_request(
                "stackTrace", {"threadId": thread_id, "startFrame": 0, "levels": 20}
            )
            stack = s.wait_response(stack_seq).msg["body"]
            scopes = s.request("scopes", {"frameId": stack["stackFrames"][0]["id"]})
            vseq, _ = s.send_request("variables", {"variablesReference": variables_ref(scopes)})
            got = s.wait_response(vseq)
            s.wait_response(seq)
            out["next_inspect"].append(got.at - sent)
        s.request("continue", {"threadId": thread_id})
        out["memory_kb"].append(
            float(parse_bench(s.wait_stdout_line("BENCH ", SESSION_TIMEOUT))["vmhwm_kb"])
        )
    finally:
        s.close()
    return out


def plain_start_to_exit(program: Path, args: Sequence[str]) -> tuple[float, int]:
    t0 = time.perf_counter()
    result = run_plain(program, args)
    return time.perf_counter() - t0, int(result["vmhwm_kb"])


def run_latency(report: Report, ads: dict[str, Adapter]) -> None:
    settings = report.settings
    program = WORKLOADS / "stepping.py"
    plain: dict[str, list[float]] = {"start_to_exit": [], "memory_kb": []}
    report.latency["plain"] = plain
    names = list(ads)
    for run in range(settings.runs):
        elapsed, mem = plain_start_to_exit(program, ["--iterations", "200000"])
        plain["start_to_exit"].append(elapsed)
        plain["memory_kb"].append(float(mem))
        for name in names[run % 2 :] + names[: run % 2]:
            if name in report.latency_errors:
                continue
            try:
                samples = latency_session(ads[name], settings)
            except (DapError, OSError, KeyError, IndexError, ValueError) as exc:
                report.latency_errors[name] = str(exc)
                progress(f"latency {name}: FAILED: {exc}")
                continue
            for key, values in samples.items():
                report.latency.setdefault(name, {}).setdefault(key, []).extend(values)
            progress(
                f"latency run {run + 1} {name:<7} launch->stop {samples['launch_to_stop'][0] * 1e3:6.1f} ms, "
                f"next {statistics.median(samples['next']) * 1e3:6.2f} ms, "
                f"next+inspect {statistics.median(samples['next_inspect']) * 1e3:6.2f} ms"
            )


# ------------------------------------------------------------------------------ paging


def children_args(var: Message, count: int = 100) -> Message:
    """The request an editor that pages (VS Code) sends to expand a variable."""
    ref = int(var["variablesReference"])
    if var.get("indexedVariables"):
        return {"variablesReference": ref, "filter": "indexed", "start": 0, "count": count}
    return {"variablesReference": ref}


def paging_session(
    adapter: Adapter, settings: Settings
) -> tuple[dict[str, list[float]], dict[str, int]]:
    program = WORKLOADS / "paging.py"
    line = marked_line(program, "paging-stop")
    args = ["--size", str(settings.paging_size), "--rounds", str(settings.paging_rounds)]
    s, _ = start_session(adapter, program, args, [{"line": line}], DEFAULT_EXCEPTIONS)
    out: dict[str, list[float]] = {"scopes": [], "locals": [], "list100": [], "dict100": []}
    counts: dict[str, int] = {}
    try:
        for _ in range(settings.paging_rounds):
            stopped = s.wait_event("stopped", SESSION_TIMEOUT)
            thread_id = int(stopped.msg["body"]["threadId"])
            stack = s.request("stackTrace", {"threadId": thread_id, "startFrame": 0, "levels": 20})
            scopes, t_scopes = s.timed_request("scopes", {"frameId": stack["stackFrames"][0]["id"]})
            local_vars, t_locals = s.timed_request(
                "variables", {"variablesReference": variables_ref(scopes)}
            )
            by_name = {v["name"]: v for v in local_vars["variables"]}
            lst, t_list = s.timed_request("variables", children_args(by_name["big_list"]))
            dct, t_dict = s.timed_request("variables", children_args(by_name["big_dict"]))
            out["scopes"].append(t_scopes)
            out["locals"].append(t_locals)
            out["list100"].append(t_list)
            out["dict100"].append(t_dict)
            counts = {"list100": len(lst["variables"]), "dict100": len(dct["variables"])}
            s.request("continue", {"threadId": thread_id})
        s.wait_stdout_line("BENCH ", SESSION_TIMEOUT)
    finally:
        s.close()
    return out, counts


def run_paging(report: Report, ads: dict[str, Adapter]) -> None:
    for name, adapter in ads.items():
        try:
            samples, counts = paging_session(adapter, report.settings)
        except (DapError, OSError, KeyError, IndexError, ValueError) as exc:
            report.paging_errors[name] = str(exc)
            progress(f"paging {name}: FAILED: {exc}")
            continue
        report.paging[name] = samples
        report.paging_counts[name] = counts
        progress(
            f"paging {name:<7} "
            + ", ".join(f"{k} {statistics.median(v) * 1e3:.1f} ms" for k, v in samples.items())
            + f" (children returned: {counts})"
        )


# ------------------------------------------------------------------------------ machine


def machine() -> list[str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        import debugpy

        debugpy_version = str(debugpy.__version__)
    except ImportError:
        debugpy_version = "not installed"
    commit = subprocess.run(
        ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores ({usable} usable); load average at start {load}",
        f"- OS: {platform.platform()}",
        f"- Python: {sys.version.split()[0]} ({sys.executable})",
        f"- debugpy: {debugpy_version}",
        f"- this project: {commit or 'unknown'}",
    ]


# ------------------------------------------------------------------------------ tables


def fmt_ratio(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x" if x >= 100 else f"{x:.1f}x"


def fmt_spread(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    return f" ({min(values):.2f}-{max(values):.2f})"


def verdict(ok: bool | None) -> str:
    return "-" if ok is None else "met" if ok else "**missed**"


def throughput_table(report: Report) -> list[str]:
    lines = [
        "| workload | mode | plain µs/unit | ours | debugpy | floor | ours vs goal | goal met |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for cell in report.cells:
        plain = [t for t in cell.times.get("plain", []) if t is not None]
        plain_us = f"{statistics.median(plain) * 1e6:.0f}" if plain else "-"
        ours = cell.median_ratio("ours")
        ours_text = (
            fmt_ratio(ours) + fmt_spread(cell.ratios("ours"))
            if "ours" not in cell.errors
            else "error¹"
        )
        if "debugpy" not in cell.variants:
            dbg_text = "n/a²"
        elif "debugpy" in cell.errors:
            dbg_text = "error¹"
        else:
            dbg_text = fmt_ratio(cell.median_ratio("debugpy"))
        floor_text = fmt_ratio(cell.median_ratio("floor")) if "floor" in cell.variants else ""
        limit = GOAL_LIMITS[cell.mode.key]
        ok: bool | None = None
        if cell.mode.key == "d":
            vs_floor = cell.median_ratio("ours", "floor")
            goal_text = f"{fmt_ratio(vs_floor)} floor (goal <= {limit}x floor)"
            ok = None if vs_floor is None else vs_floor <= limit
        else:
            goal_text = f"goal <= {limit:.2f}x"
            ok = None if ours is None else ours <= limit
        lines.append(
            f"| {cell.workload.name} | {cell.mode.key}: {cell.mode.title} | {plain_us} | {ours_text} | "
            f"{dbg_text} | {floor_text} | {goal_text} | {verdict(ok)} |"
        )
    return lines


def med_ms(values: list[float] | None) -> float | None:
    return statistics.median(values) * 1e3 if values else None


def fmt_ms(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def latency_table(report: Report) -> list[str]:
    lat = report.latency
    ours = lat.get("ours", {})
    dbg = lat.get("debugpy", {})
    plain = lat.get("plain", {})

    def row(title: str, key: str, goal: float | None) -> str:
        o, d = med_ms(ours.get(key)), med_ms(dbg.get(key))
        n = len(ours.get(key, []))
        ok = None if goal is None or o is None else o <= goal
        goal_text = f"<= {goal:g} ms" if goal is not None else ""
        return f"| {title} | {n} | | {fmt_ms(o)} | {fmt_ms(d)} | {goal_text} | {verdict(ok)} |"

    lines = [
        "| measure (median, ms) | samples (ours) | plain | ours | debugpy | goal | goal met |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        row("`next` → `stopped`", "next", 5),
        row("`next` + stackTrace + scopes + variables", "next_inspect", 20),
        row("`launch` → first `stopped` (breakpoint on an early line)", "launch_to_stop", 200),
    ]
    start = med_ms(plain.get("start_to_exit"))
    lines.append(
        f"| plain `python stepping.py`, start to exit (reference) | | {fmt_ms(start)} | | | | |"
    )
    lines.append("")
    lines += [
        "| peak debuggee memory (VmHWM, MB) | plain | ours | debugpy |",
        "| --- | ---: | ---: | ---: |",
    ]

    def mb(values: list[float] | None) -> float | None:
        return statistics.median(values) / 1024 if values else None

    def mem_cell(x: float | None, base: float | None) -> str:
        if x is None:
            return "-"
        return f"{x:.1f} (+{x - base:.1f})" if base is not None else f"{x:.1f}"

    # Running attached without a stop: the throughput runs of mode (a), loops.
    for cell in report.cells:
        if cell.mode.key == "a" and cell.workload.name == "loops":
            p = mb([float(v) for v in cell.memory_kb.get("plain", [])])
            lines.append(
                "| running, mode (a), loops workload | "
                f"{mem_cell(p, None)} | "
                f"{mem_cell(mb([float(v) for v in cell.memory_kb.get('ours', [])]), p)} | "
                f"{mem_cell(mb([float(v) for v in cell.memory_kb.get('debugpy', [])]), p)} |"
            )
    p = mb(plain.get("memory_kb"))
    lines.append(
        "| after stops, steps and inspection (stepping session) | "
        f"{mem_cell(p, None)} | {mem_cell(mb(ours.get('memory_kb')), p)} | {mem_cell(mb(dbg.get('memory_kb')), p)} |"
    )
    return lines


def paging_table(report: Report) -> list[str]:
    size = report.settings.paging_size
    ours = report.paging.get("ours", {})
    dbg = report.paging.get("debugpy", {})
    oc = report.paging_counts.get("ours", {})
    dc = report.paging_counts.get("debugpy", {})
    rows = [
        ("scopes of the frame", "scopes", None),
        (
            f"`variables`: locals of a frame holding both ({size:,}-element list and dict)",
            "locals",
            20.0,
        ),
        (f"`variables`: first 100 children of the {size:,}-element list", "list100", 20.0),
        (f"`variables`: first 100 children of the {size:,}-element dict", "dict100", 20.0),
    ]
    lines = [
        "| request (median, ms) | samples | ours | debugpy | children returned (ours / debugpy) | goal | goal met |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for title, key, goal in rows:
        o, d = med_ms(ours.get(key)), med_ms(dbg.get(key))
        ok = None if goal is None or o is None else o <= goal
        counts = f"{oc.get(key, '-')} / {dc.get(key, '-')}" if key in ("list100", "dict100") else ""
        goal_text = f"<= {goal:g} ms" if goal is not None else ""
        lines.append(
            f"| {title} | {len(ours.get(key, []))} | {fmt_ms(o)} | {fmt_ms(d)} | {counts} | {goal_text} | {verdict(ok)} |"
        )
    return lines


def render(report: Report, sections: set[str], command: str) -> str:
    s = report.settings
    out = [
        f"## Python {sys.version.split()[0]}",
        "",
        f"Command: `{command}` ({s.label} settings: {s.runs} runs, {s.seconds:g} s measured per run; "
        f"took {(time.monotonic() - report.started) / 60:.1f} min)",
        "",
        *machine(),
        "",
    ]
    if "throughput" in sections and report.cells:
        out += [
            "### Throughput: time per unit of work, as a ratio to plain Python",
            "",
            f"Time per unit by the {'CPU time of the debuggee process (all its threads)' if s.clock == 'cpu' else 'wall clock'}. "
            "Median over the runs of the ratio measured within each run; for ours, the range over the runs "
            "in parentheses. `floor` is the hand-written minimal sys.monitoring conditional breakpoint "
            "(benchmarks/floor.py) for mode d, and the minimal RAISE callback for modes e and e-type.",
            "",
            *throughput_table(report),
            "",
        ]
    if "latency" in sections:
        out += ["### Latency and memory", "", *latency_table(report), ""]
    if "paging" in sections:
        out += ["### Paging (issue 4)", "", *paging_table(report), ""]
    notes = []
    errors = [
        (f"{c.workload.name} {c.mode.key} {v}", e)
        for c in report.cells
        for v, e in c.errors.items()
    ]
    errors += [(f"latency {k}", v) for k, v in report.latency_errors.items()]
    errors += [(f"paging {k}", v) for k, v in report.paging_errors.items()]
    if errors:
        notes.append("¹ Failed runs:")
        notes += [f"  - {where}: {first_line(err)}" for where, err in errors]
    if any(c.mode.key == "e" for c in report.cells):
        notes.append(
            "² debugpy cannot put a condition on an exception filter (pydevd's setExceptionBreakpoints "
            'handler passes `condition=None`, "Can\'t set these in the DAP"); row e-type is the closest '
            "it can express: the `raised` filter limited to an exception type, via `exceptionOptions`."
        )
    if notes:
        out += ["Notes:", "", *notes, ""]
    return "\n".join(out)


def first_line(text: str, limit: int = 400) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


# ------------------------------------------------------------------------------ main


SECTIONS = ("throughput", "latency", "paging")


def select(only: str | None) -> tuple[set[str], Callable[[Workload, Mode], bool]]:
    """--only: comma-separated workload names, mode keys and/or section names."""
    if not only:
        return set(SECTIONS), lambda w, m: True
    names = {n.strip() for n in only.split(",") if n.strip()}
    workloads = {w.name for w in WORKLOAD_LIST}
    modes = {m.key for m in MODES}
    unknown = names - workloads - modes - set(SECTIONS)
    if unknown:
        known = ", ".join([*SECTIONS, *sorted(workloads), *(m.key for m in MODES)])
        raise SystemExit(f"--only: unknown name(s) {', '.join(sorted(unknown))}; known: {known}")
    sections = names & set(SECTIONS)
    wanted_w, wanted_m = names & workloads, names & modes
    if wanted_w or wanted_m:
        sections.add("throughput")

    def keep(w: Workload, m: Mode) -> bool:
        return (not wanted_w or w.name in wanted_w) and (not wanted_m or m.key in wanted_m)

    return sections, keep


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--quick", action="store_true", help="fewer, shorter runs (about 3 minutes)")
    p.add_argument(
        "--smoke", action="store_true", help="the smallest run that fills every row (for tests)"
    )
    p.add_argument("--runs", type=int, help="paired runs per measurement (default: 5, --quick: 3)")
    p.add_argument("--seconds", type=float, help="measured seconds per throughput run")
    p.add_argument(
        "--only",
        metavar="NAME",
        help="comma-separated: sections (throughput, latency, paging), "
        "workloads (fib, methods, loops, exceptions) and/or modes (a, b, c, d, e, e-type)",
    )
    p.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="time per unit of work by the process's CPU time (default; immune to other processes "
        "taking the core on a shared machine) or by the wall clock",
    )
    p.add_argument("--markdown", metavar="FILE", help="also write the report to FILE")
    p.add_argument(
        "--src", metavar="DIR", default=str(REPO / "src"), help="this project's source tree"
    )
    args = p.parse_args(argv)

    preset = PRESETS["smoke" if args.smoke else "quick" if args.quick else "full"]
    settings = Settings(**vars(preset))
    if args.runs is not None:
        if args.runs < 1:
            p.error("--runs must be at least 1")
        settings.runs = args.runs
        settings.paging_rounds = (
            max(args.runs, settings.paging_rounds) if not args.smoke else args.runs
        )
    if args.seconds is not None:
        settings.seconds = args.seconds
    settings.clock = args.clock
    sections, keep = select(args.only)
    ads = adapters(Path(args.src).resolve())
    report = Report(settings)

    cells = []
    for w in WORKLOAD_LIST:
        for m in MODES:
            if m.applies(w) and keep(w, m) and "throughput" in sections:
                variants = ["plain", "ours"]
                if exceptions_for(m, "debugpy") is not None:
                    variants.append("debugpy")
                if m.key in ("d", "e", "e-type"):
                    variants.append("floor")
                cells.append(Cell(w, m, variants))
    report.cells = cells

    progress(
        f"benchmarks: {settings.label} settings, Python {sys.version.split()[0]}, sections {sorted(sections)}"
    )
    if cells:
        run_throughput(report, cells, ads)
    if "latency" in sections:
        run_latency(report, ads)
    if "paging" in sections:
        run_paging(report, ads)

    command = " ".join(
        ["python", os.path.relpath(__file__), *(argv if argv is not None else sys.argv[1:])]
    )
    text = render(report, sections, command)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
