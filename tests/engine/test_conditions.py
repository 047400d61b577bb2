from __future__ import annotations

import pytest

from engine import Output
from engine import SourceBreakpointSpec as BP

from .conftest import Harness

LOOP = """
def loop():
    total = 0
    for i in range(1, 11):
        total += i
    return total

loop()
"""


def _collect(h: Harness, path: str, spec: BP) -> list[int]:
    h.dbg.set_source_breakpoints(path, [spec])
    h.run_path(path)
    done = h.workers[-1]
    values: list[int] = []
    from engine import Stopped

    while True:
        # Stops come from the worker; the worker ending is signalled by ThreadExited.
        ev = h.wait(object)  # type: ignore[type-abstract]
        if isinstance(ev, Stopped):
            values.append(h.locals(ev.thread_id)["i"])
            h.dbg.resume(ev.thread_id)
        elif type(ev).__name__ == "ThreadExited":
            break
    done.join(5)
    return values


def test_condition_stops_only_when_true(h: Harness) -> None:
    path = h.write(LOOP)
    assert _collect(h, path, BP(4, condition="i % 4 == 0")) == [4, 8]


@pytest.mark.parametrize(
    ("hit", "expected"),
    [
        ("5", [5]),
        ("==5", [5]),
        (">8", [9, 10]),
        (">=9", [9, 10]),
        ("<3", [1, 2]),
        ("<=2", [1, 2]),
        ("%4", [4, 8]),
    ],
)
def test_hit_conditions(h: Harness, hit: str, expected: list[int]) -> None:
    path = h.write(LOOP)
    assert _collect(h, path, BP(4, hit_condition=hit)) == expected


def test_condition_and_hit_condition_combine(h: Harness) -> None:
    path = h.write(LOOP)
    # hits count only when the condition holds: even i -> 2,4,6,8,10; the 2nd such hit is i=4.
    assert _collect(h, path, BP(4, condition="i % 2 == 0", hit_condition="2")) == [4]


def test_raising_condition_stops_and_says_why(h: Harness) -> None:
    path = h.write(LOOP)
    h.dbg.set_source_breakpoints(path, [BP(4, condition="i / (i - 1) > 0")])
    h.run_path(path)
    ev = h.stopped("breakpoint")
    assert h.locals(ev.thread_id)["i"] == 1  # 1 / 0 raised
    out = [e for e in h.seen if isinstance(e, Output)]
    assert len(out) == 1
    assert "ZeroDivisionError" in out[0].text and "i / (i - 1) > 0" in out[0].text
    h.dbg.set_source_breakpoints(path, [])
    h.dbg.resume()
    h.join()


def test_logpoint_interpolates_and_does_not_stop(h: Harness) -> None:
    path = h.write(LOOP)
    h.dbg.set_source_breakpoints(path, [BP(4, log_message="i={i} sq={i * i} {{literal}}")])
    h.run_path(path)
    h.join()
    h.drain()
    assert not [e for e in h.seen if type(e).__name__ == "Stopped"]
    texts = [e.text for e in h.seen if isinstance(e, Output)]
    assert texts == [f"i={i} sq={i * i} {{literal}}\n" for i in range(1, 11)]
    assert h.results[0]["loop"]() == 55


def test_invalid_condition_is_unverified(h: Harness) -> None:
    path = h.write(LOOP)
    (status,) = h.dbg.set_source_breakpoints(path, [BP(4, condition="i ==")])
    assert status.verified is False and "Invalid expression" in (status.message or "")
    (status,) = h.dbg.set_source_breakpoints(path, [BP(4, hit_condition="often")])
    assert status.verified is False and "hit condition" in (status.message or "")
