"""Programs the attach tests attach to; run as ``python targets.py KIND [ARG]``.

Each prints "ready" once its threads run, so the tests never attach to a half-started target.
"""

import sys
import threading
import time


def busy(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def main() -> None:
    kind = sys.argv[1]
    stop = threading.Event()
    if kind == "threads":
        for name in ("busy-1", "busy-2"):
            threading.Thread(target=busy, args=(stop,), name=name, daemon=True).start()
    print("ready", flush=True)
    if kind in ("busy", "threads"):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sum(range(100))
    elif kind == "short-sleeps":
        for _ in range(1200):
            time.sleep(0.05)
    elif kind == "sleep":
        time.sleep(float(sys.argv[2]))
    print("done", flush=True)


if __name__ == "__main__":
    main()
