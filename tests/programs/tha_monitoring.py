"""A program that is itself a sys.monitoring tool (PROFILER_ID): it counts calls with PY_START
and records each line of one function once, using DISABLE."""

import sys

mon = sys.monitoring
TOOL = mon.PROFILER_ID
calls: list[str] = []
seen_lines: list[int] = []


def on_start(code, offset):
    if code.co_name.startswith("tracked"):
        calls.append(code.co_name)


def on_line(code, line):
    seen_lines.append(line)
    return mon.DISABLE


def tracked(k):
    y = k + 1  # @tracked-bp
    return y  # @tracked-return


def tracked_once(k):
    a = k  # @once-first
    b = a + 1
    return b


mon.use_tool_id(TOOL, "program-profiler")
mon.register_callback(TOOL, mon.events.PY_START, on_start)
mon.register_callback(TOOL, mon.events.LINE, on_line)
mon.set_events(TOOL, mon.events.PY_START)
mon.set_local_events(TOOL, tracked_once.__code__, mon.events.LINE)
total = 0
for k in range(5):
    total += tracked(k)  # @loop-call
    total += tracked_once(k)
mon.set_events(TOOL, 0)
mon.set_local_events(TOOL, tracked_once.__code__, 0)
mon.free_tool_id(TOOL)
print("calls", len(calls), calls.count("tracked"), "lines", seen_lines, "total", total)
