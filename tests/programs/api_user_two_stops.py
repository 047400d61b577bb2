"""Two threads stopped at once: a worker stops at @first, then the main thread at @second."""

from __future__ import annotations

import sys
import threading
import time

ready = threading.Event()
main_ident = threading.get_ident()


def main_is_held(limit: float = 10.0) -> bool:
    """Called from the debugger on the worker's thread: lets the main thread go on to @second
    and returns True once the debugger holds it there (its innermost frame, outside this file,
    stays the same across samples)."""
    ready.set()
    deadline = time.monotonic() + limit
    last = None
    same = 0
    while time.monotonic() < deadline:
        frame = sys._current_frames().get(main_ident)
        names = []
        innermost = frame
        while frame is not None:
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        if innermost is not None and "second" in names and innermost.f_code.co_filename != __file__:
            here = (innermost.f_code, innermost.f_lasti)
            same = same + 1 if here == last else 0
            last = here
            if same >= 3:
                return True
        time.sleep(0.02)
    return False


def first(tag: str) -> str:
    marker = tag.upper()  # @first
    return marker


def second(tag: str) -> str:
    reached = tag * 2  # @second
    return reached


def main() -> None:
    worker = threading.Thread(target=first, args=("w",), name="worker")
    worker.start()
    ready.wait(30)
    print(second("m"))
    worker.join()


if __name__ == "__main__":
    main()
