from __future__ import annotations

import pytest

from engine import EngineError, Output, Stopped
from engine import ExceptionFilterSpec as XF

from .conftest import Harness

RAISES = """
def parse(v):
    return int(v)

def guarded(v):
    try:
        return parse(v)
    except ValueError:
        return -1

def fail(kind):
    if kind == "key":
        raise KeyError("k")
    raise ValueError("bad")

a = guarded("x")
b = guarded("7")
try:
    fail("key")
except KeyError:
    pass
"""


def resume_to_end(h: Harness, thread_id: int) -> int:
    """Resumes the stopped thread and lets the program end; the number of stops in all."""
    h.dbg.resume(thread_id)
    h.join()
    h.drain()
    return [type(e) for e in h.seen].count(Stopped)


def test_raised_filter_stops_where_raised_with_exception(h: Harness) -> None:
    path = h.write(RAISES)
    h.dbg.set_exception_filters([XF("raised")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("parse", 2)
    exc = h.dbg.exception(ev.thread_id)
    assert isinstance(exc, ValueError)
    assert ev.text == "ValueError: invalid literal for int() with base 10: 'x'"
    assert ev.exception_filter == "raised"
    h.dbg.resume(ev.thread_id)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 12), (h.dbg.exception(ev.thread_id), exc)
    assert isinstance(h.dbg.exception(ev.thread_id), KeyError)
    h.dbg.resume(ev.thread_id)
    h.join()
    assert [type(e) for e in h.seen].count(Stopped) == 2


def test_raised_filter_condition_on_exception_type(h: Harness) -> None:
    path = h.write(RAISES)
    h.dbg.set_exception_filters([XF("raised", condition="KeyError")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 12)
    assert resume_to_end(h, ev.thread_id) == 1


def test_raised_filter_expression_condition_sees_exception_and_locals(h: Harness) -> None:
    path = h.write(RAISES)
    h.dbg.set_exception_filters(
        [XF("raised", condition="isinstance(exc, ValueError) and v == 'x'")]
    )
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("parse", 2)
    assert resume_to_end(h, ev.thread_id) == 1


def test_raised_filter_type_condition_takes_subclasses(h: Harness) -> None:
    path = h.write(RAISES)
    h.dbg.set_exception_filters([XF("raised", condition="LookupError")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 12)
    assert isinstance(h.dbg.exception(ev.thread_id), KeyError)
    assert resume_to_end(h, ev.thread_id) == 1


def test_raised_filter_type_condition_with_unhashable_exception_classes(h: Harness) -> None:
    # The type filter caches its verdict by exception class; a metaclass that defines __eq__
    # makes its classes unhashable, and the filter must still judge them (and never raise
    # into the program).
    path = h.write(
        """
        class Meta(type):
            def __eq__(cls, other):
                return cls is other

        class Odd(KeyError, metaclass=Meta):
            pass

        class Other(ValueError, metaclass=Meta):
            pass

        for kind in (Other, Odd, Other):
            try:
                raise kind("k")
            except LookupError:
                caught = kind
            except ValueError:
                pass
        """
    )
    h.dbg.set_exception_filters([XF("raised", condition="LookupError")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("<module>", 13)
    assert type(h.dbg.exception(ev.thread_id)).__name__ == "Odd"
    assert resume_to_end(h, ev.thread_id) == 1
    assert not [e for e in h.seen if isinstance(e, Output) and "bug" in e.text.lower()]


def test_raised_filter_condition_uses_the_raising_frames_globals(h: Harness) -> None:
    # One code object run with two module namespaces: the condition must read the LIMIT of the
    # namespace each raise happens in, not the one it first ran with. The module-level frame
    # the exception passes through has its own LIMIT, which nothing exceeds.
    path = h.write(
        """
        SRC = "def check(v):\\n    raise ValueError(v)\\n"
        code = compile(SRC, __file__, "exec")
        low, high = {"LIMIT": 0}, {"LIMIT": 10}
        exec(code, low)
        exec(code, high)
        LIMIT = 100
        for ns, value in ((high, 5), (low, 6), (high, 7), (low, 8)):
            try:
                ns["check"](value)
            except ValueError:
                pass
        """
    )
    h.dbg.set_exception_filters([XF("raised", condition="exc.args[0] > LIMIT")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("check", 2)
    assert h.dbg.exception(ev.thread_id).args == (6,)
    h.dbg.resume(ev.thread_id)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("check", 2)
    assert h.dbg.exception(ev.thread_id).args == (8,)
    assert resume_to_end(h, ev.thread_id) == 2


def test_raised_filter_condition_sees_exc_in_nested_scopes(h: Harness) -> None:
    # A generator expression is a scope of its own: `exc` must reach it (an eval with `exc` in
    # a locals dict would fail here with NameError and stop on every exception).
    path = h.write(RAISES)
    h.dbg.set_exception_filters([XF("raised", condition="any(a == 'k' for a in exc.args)")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 12)
    assert resume_to_end(h, ev.thread_id) == 1
    assert not [e for e in h.seen if isinstance(e, Output)]


def test_raised_filter_condition_that_raises_stops_and_says_why(h: Harness) -> None:
    path = h.write(RAISES)
    h.dbg.set_exception_filters([XF("raised", condition="exc.args[0].missing")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("parse", 2)
    h.drain()
    outputs = [e for e in h.seen if isinstance(e, Output)]
    assert [o.text for o in outputs] == [
        "Exception filter condition raised AttributeError: 'str' object has no attribute "
        "'missing'\n"
    ]
    h.dbg.set_exception_filters([])
    h.dbg.resume(ev.thread_id)
    h.join()


def test_raised_filter_condition_without_truth_value_stops_and_says_why(h: Harness) -> None:
    path = h.write(
        """
        class Ambiguous:
            def __bool__(self):
                raise ValueError("no truth value")

        def fail():
            raise KeyError("k")

        try:
            fail()
        except KeyError:
            pass
        """
    )
    h.dbg.set_exception_filters([XF("raised", condition="Ambiguous()")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("fail", 6)
    assert resume_to_end(h, ev.thread_id) == 1
    assert [o.text for o in h.seen if isinstance(o, Output)] == [
        "Exception filter condition raised ValueError: no truth value\n"
    ]
    assert not [e for e in h.seen if isinstance(e, EngineError)]


def test_raised_in_library_stops_once_at_first_user_frame(h: Harness) -> None:
    path = h.write(
        """
        import json

        def load():
            return json.loads("{bad")

        try:
            load()
        except ValueError:
            pass
        """
    )
    h.dbg.set_exception_filters([XF("raised")])
    h.run_path(path)
    # json raises inside the library (skipped with justMyCode); the first user frame the
    # exception reaches is where it stops, once.
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("load", 4)
    h.dbg.resume()
    h.join()
    h.drain()
    assert [type(e) for e in h.seen].count(Stopped) == 1


def test_system_exit_zero_is_not_an_error(h: Harness) -> None:
    path = h.write(
        """
        import sys
        try:
            sys.exit(0)
        except SystemExit:
            pass
        try:
            sys.exit(3)
        except SystemExit:
            pass
        """
    )
    h.dbg.set_exception_filters([XF("raised")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.dbg.exception(ev.thread_id).code == 3  # type: ignore[union-attr]
    h.dbg.resume()
    h.join()
    h.drain()
    assert [type(e) for e in h.seen].count(Stopped) == 1


def test_report_uncaught_stops_with_traceback_frames(h: Harness) -> None:
    path = h.write(
        """
        def inner():
            local_value = 5
            raise RuntimeError("boom")

        def outer():
            inner()

        outer()
        """
    )
    h.dbg.set_exception_filters([XF("uncaught")])
    dbg = h.dbg
    import runpy

    def runner() -> None:
        try:
            runpy.run_path(path)
        except BaseException as exc:
            dbg.report_uncaught(exc)

    h.start(runner)
    ev = h.stopped("exception")
    assert (ev.description, ev.exception_filter) == ("Uncaught exception", "uncaught")
    frames = h.dbg.frames(ev.thread_id)
    assert [(f.f_code.co_name, f.f_lineno) for f in frames[:3]] == [
        ("inner", 3),
        ("outer", 6),
        ("<module>", 8),
    ]
    assert frames[0].f_locals["local_value"] == 5
    assert isinstance(h.dbg.exception(ev.thread_id), RuntimeError)
    h.dbg.resume()
    h.join()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_uncaught_in_thread_via_excepthook(h: Harness) -> None:
    path = h.write(
        """
        import threading

        def work():
            raise LookupError("in thread")

        t = threading.Thread(target=work, name="bad-thread")
        t.start()
        t.join()
        """
    )
    h.dbg.set_exception_filters([XF("uncaught")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert h.where(ev.thread_id) == ("work", 4)
    assert isinstance(h.dbg.exception(ev.thread_id), LookupError)
    assert dict(h.dbg.threads())[ev.thread_id] == "bad-thread"
    h.dbg.resume()
    h.join()


def test_user_unhandled_exception_swallowed_by_library(h: Harness) -> None:
    path = h.write(
        """
        from concurrent.futures import ThreadPoolExecutor

        def task():
            raise ValueError("lost in a pool")

        with ThreadPoolExecutor(1) as pool:
            fut = pool.submit(task)
        err = fut.exception()
        """
    )
    h.dbg.set_exception_filters([XF("userUnhandled")])
    h.run_path(path)
    ev = h.stopped("exception")
    assert ev.description == "User-unhandled exception"
    assert ev.exception_filter == "userUnhandled"
    assert h.where(ev.thread_id) == ("task", 4)
    h.dbg.resume()
    h.join()
    assert isinstance(h.results[0]["err"], ValueError)
