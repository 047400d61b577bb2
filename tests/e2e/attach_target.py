"""A program the attach-by-pid tests attach to: ``python attach_target.py DIR MODE``.

MODE: ``busy`` (the main thread loops calling ``work``), ``threads`` (the same, plus two named
worker threads), ``sleepy`` (the main thread sleeps briefly between calls), ``blocked`` (the
main thread sleeps 60 s). It prints "ready" once its threads run. Files in DIR drive it:
``stop`` makes it finish (it prints "done", the debugger's sys.monitoring state, and exits
with 3); ``query`` makes it write that state to ``answer`` (and remove ``query``).
Lines the tests name carry a ``# @name`` marker.
"""

import os
import sys
import threading
import time

GREETING = "hello"


def work(n):
    total = n * 2  # @work-total
    label = f"item-{n}"  # @work-label
    return total, label  # @work-return


def tick(k):
    return k + 1  # @tick


def spin(stop):
    k = 0
    while not stop.is_set():
        k = tick(k) % 1000  # @spin


def monitoring_state():
    mon = sys.monitoring
    tool = mon.get_tool(mon.DEBUGGER_ID)
    try:
        local = mon.get_local_events(mon.DEBUGGER_ID, work.__code__)
    except ValueError:
        local = "unused"
    return f"tool={tool} local={local}"


def main():
    folder, mode = sys.argv[1], sys.argv[2]
    stop_file = os.path.join(folder, "stop")
    query_file = os.path.join(folder, "query")
    answer_file = os.path.join(folder, "answer")
    halt = threading.Event()
    if mode == "threads":
        for name in ("worker-a", "worker-b"):
            threading.Thread(target=spin, args=(halt,), name=name, daemon=True).start()
    print("ready", flush=True)
    if mode == "blocked":
        time.sleep(60)  # @blocked
    rounds = 0
    while not os.path.exists(stop_file):  # @loop
        rounds += 1  # @rounds
        result = work(21)  # @call-work
        if os.path.exists(query_file):  # @query
            with open(answer_file + ".tmp", "w") as f:
                f.write(monitoring_state())
            os.replace(answer_file + ".tmp", answer_file)
            os.remove(query_file)
        if mode == "sleepy":  # @mode-check
            time.sleep(0.005)  # @sleepy
    halt.set()
    print(f"done {result} {monitoring_state()}", flush=True)
    sys.exit(3)


if __name__ == "__main__":
    main()  # @main-call
