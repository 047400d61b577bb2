"""A long-running program for the attach edge tests: ``python att_loop.py STOP_FILE [MODE [S]]``.

It prints "ready", then calls ``work`` in a loop (printing "tick N" every 25 calls) until
STOP_FILE exists, then prints its debugger state and "finished" and exits with 0. MODE
``blocked`` first blocks the main thread in ``time.sleep(S)`` (printing "woke" after it),
while a "heartbeat" thread prints "beat N" every 20 ms, so the process visibly keeps running.
SIGUSR1 makes it print its debugger state: "state tool=<sys.monitoring tool of the debugger
id> local=<local events on work()> threads=<names of the other threads>". Lines the tests
name carry a ``# @name`` marker.
"""

import os
import signal
import sys
import threading
import time

asked = threading.Event()


def work(n):
    password = f"hunter-{n}-pass"  # a secret: redacted unless a session turned redaction off
    doubled = n * 2 + len(password) * 0  # @work
    return doubled  # @work-return


def say(line):
    # One write per line: print() writes the text and its newline apart, and the heartbeat
    # thread's lines would interleave with the main thread's.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def state():
    mon = sys.monitoring
    tool = mon.get_tool(mon.DEBUGGER_ID)
    try:
        local = mon.get_local_events(mon.DEBUGGER_ID, work.__code__)
    except ValueError:
        local = "unused"
    others = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
    return f"state tool={tool} local={local} threads={','.join(others)}"


def heartbeat():
    beat = 0
    while True:
        beat += 1
        say(f"beat {beat}")
        time.sleep(0.02)


def on_signal(signum, frame):
    if blocked:
        # The main thread sits in time.sleep: nothing of it holds stdout's lock.
        say(state())
    else:
        asked.set()


stop_file = sys.argv[1]
mode = sys.argv[2] if len(sys.argv) > 2 else "run"
blocked = mode == "blocked"
signal.signal(signal.SIGUSR1, on_signal)
if blocked:
    threading.Thread(target=heartbeat, name="heartbeat", daemon=True).start()
say("ready")
if blocked:
    time.sleep(float(sys.argv[3]))  # @blocked
    blocked = False
    say("woke")
n = 0
while not os.path.exists(stop_file):  # @loop
    work(n)  # @call-work
    n += 1
    if n % 25 == 0:
        say(f"tick {n}")
    if asked.is_set():
        asked.clear()
        say(state())
    time.sleep(0.002)
say(state())
say("finished")
