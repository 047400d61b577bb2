"""Times a workload's measured section and prints it on the last line of the program's output.

Every workload is a loop of small, identical *units* of work (about a millisecond each when
run plain). The harness warms up, then runs units until `--seconds` have passed and prints the
time per unit. Measuring per unit for a fixed wall time, instead of a fixed amount of work,
keeps every run about as long whatever the slowdown: a debugger that makes the code 100x slower
still finishes in `--seconds`, and the ratio of per-unit times is the throughput ratio.
Start-up (interpreter, debugger attach, imports) is outside the measured section.

The last line is `BENCH {json}`: per_unit_s (wall clock), per_unit_cpu_s (CPU time of the whole
process, all threads: on a shared machine it does not count the time other processes took the
core, and it does count what a debugger's own threads burn), units, elapsed_s, and the process's
peak resident memory so far (VmHWM, in kB), read from /proc/self/status just before the program
ends.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable


def _arg(name: str, default: float) -> float:
    argv = sys.argv[1:]
    if name in argv:
        return float(argv[argv.index(name) + 1])
    return default


def peak_rss_kb() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource  # not Linux: ru_maxrss is in kB on Linux, bytes on macOS

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss // 1024 if sys.platform == "darwin" else rss


def measure(unit: Callable[[], object]) -> None:
    seconds = _arg("--seconds", 0.6)
    warmup = _arg("--warmup", 0.15)
    min_units = 3
    perf = time.perf_counter
    cpu = time.process_time
    # Warm-up: the first calls pay one-off costs (specialisation, a debugger disabling the
    # line events it does not need) that are not throughput.
    start = perf()
    while perf() - start < warmup:
        unit()
    units = 0
    cpu_start = cpu()
    start = perf()
    while True:
        unit()
        units += 1
        elapsed = perf() - start
        if elapsed >= seconds and units >= min_units:
            break
    cpu_elapsed = cpu() - cpu_start
    report = {
        "per_unit_s": elapsed / units,
        "per_unit_cpu_s": cpu_elapsed / units,
        "units": units,
        "elapsed_s": elapsed,
        "vmhwm_kb": peak_rss_kb(),
    }
    print("BENCH " + json.dumps(report), flush=True)
