"""numpy arrays and pandas DataFrames / Series with the real libraries: rendering (shape, dtype,
a bounded preview), paged elements and rows, evaluateNames that evaluate to what is shown, and
nothing imported when the program did not import them."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import typing
from typing import Any

import pytest

from dap_server.state import Presenter, UserCall

from .helpers import by_name, direct_runner, frame_of, make_store

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

MILLION = 1_000_000
ROWS = 100_000


@pytest.fixture
def p() -> Presenter:
    return Presenter(UserCall(direct_runner))


def _first_hundred() -> str:
    return ", ".join(str(i) for i in range(100))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: np.arange(5), "ndarray(shape=(5,), dtype=int64) [0, 1, 2, 3, 4]"),
        (
            lambda: np.arange(6.0).reshape(2, 3),
            "ndarray(shape=(2, 3), dtype=float64) [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]",
        ),
        (lambda: np.array(7), "ndarray(shape=(), dtype=int64) 7"),
        (lambda: np.array([], dtype=np.float32), "ndarray(shape=(0,), dtype=float32) []"),
        (lambda: np.array([True, False]), "ndarray(shape=(2,), dtype=bool) [True, False]"),
        # numpy's own shortest form of a float32, not the float64 expansion 0.10000000149...
        (lambda: np.array([0.1], dtype=np.float32), "ndarray(shape=(1,), dtype=float32) [0.1]"),
        (lambda: np.array([1 + 2j]), "ndarray(shape=(1,), dtype=complex128) [(1+2j)]"),
        (lambda: np.array(["ab", "c"]), "ndarray(shape=(2,), dtype=<U2) ['ab', 'c']"),
        (
            lambda: np.array([None, "x"], dtype=object),
            "ndarray(shape=(2,), dtype=object) [None, 'x']",
        ),
        (
            lambda: np.arange(MILLION),
            f"ndarray(shape=(1000000,), dtype=int64) [{_first_hundred()}, ...]",
        ),
        (lambda: np.zeros((2, 2, 2, 2, 2), dtype=np.int8), None),  # checked below: depth cut
        (lambda: np.int64(7), "7"),
        (lambda: np.float64(1.5), "1.5"),
        (lambda: np.float32(0.1), "0.1"),
        (lambda: np.bool_(False), "False"),
        (lambda: np.complex64(1 - 1j), "(1-1j)"),
        (lambda: np.str_("hi"), "'hi'"),
        (lambda: np.bytes_(b"hi"), "b'hi'"),
    ],
)
def test_numpy_rendering_exact(p: Presenter, make: Any, expected: str | None) -> None:
    value = make()
    if expected is None:
        # Five axes: nesting stops at the depth limit (4), as for nested lists.
        assert p.render(value) == (
            "ndarray(shape=(2, 2, 2, 2, 2), dtype=int8) "
            "[[[[[...], [...]], [[...], [...]]], [[[...], [...]], [[...], [...]]]], "
            "[[[[...], [...]], [[...], [...]]], [[[...], [...]], [[...], [...]]]]]"
        )
        return
    assert p.render(value) == expected


def test_numpy_scalar_types_and_hex() -> None:
    store = make_store()
    out = store.value_fields(np.int64(255), "x", fmt={"hex": True})
    assert (out["value"], out["type"], out["variablesReference"]) == ("0xff", "int64", 0)
    out = store.value_fields(np.float32(2.5), "x")
    assert (out["value"], out["type"], out["variablesReference"]) == ("2.5", "float32", 0)


def test_print_options_and_reprs_of_numpy_are_not_used(p: Presenter) -> None:
    # A formatter in the print options is program code; the preview does not consult it.
    with np.printoptions(formatter={"int": lambda x: "BOOM"}):
        assert p.render(np.arange(3)) == "ndarray(shape=(3,), dtype=int64) [0, 1, 2]"


def test_ndarray_subclass_runs_no_subclass_code() -> None:
    touched: list[str] = []

    base: Any = np.ndarray

    class Tracked(base):  # type: ignore[misc]
        @property
        def shape(self) -> Any:
            touched.append("shape")
            raise AssertionError("subclass property ran")

        def __getitem__(self, key: Any) -> Any:
            touched.append("getitem")
            return super().__getitem__(key)

    t = np.arange(3).view(Tracked)
    calls: list[float] = []

    def runner(fn: Any, timeout: float) -> Any:
        calls.append(timeout)
        return fn()

    store = make_store(runner)
    frame, snap = frame_of(t=t)
    t_var = by_name(store.variables(store.scopes(frame, snap)[0]["variablesReference"]))["t"]
    # No preview for a subclass (its indexing is its own code), and `shape` read from ndarray.
    assert t_var["value"] == "ndarray(shape=(3,), dtype=int64)"
    assert t_var["indexedVariables"] == 3
    assert touched == [] and calls == []
    # Expanding does index it: through the runner, as user code.
    children = store.variables(t_var["variablesReference"])
    assert [(c["name"], c["value"]) for c in children] == [("0", "0"), ("1", "1"), ("2", "2")]
    assert touched == ["getitem"] * 3 and len(calls) == 1


def test_million_element_array_paged_with_exact_values() -> None:
    arr = np.arange(MILLION, dtype=np.int64) * 3
    store = make_store()
    frame, snap = frame_of(arr=arr)
    var = by_name(store.variables(store.scopes(frame, snap)[0]["variablesReference"]))["arr"]
    assert (var["type"], var["indexedVariables"], var["namedVariables"]) == ("ndarray", MILLION, 0)
    t0 = time.perf_counter()
    page = store.variables(var["variablesReference"], start=999_990, count=10)
    elapsed = time.perf_counter() - t0
    assert [(c["name"], c["value"], c["type"], c["evaluateName"]) for c in page] == [
        (str(i), str(3 * i), "int64", f"arr[{i}]") for i in range(999_990, MILLION)
    ]
    assert all(c["variablesReference"] == 0 for c in page)
    # The evaluateName reaches the element shown.
    assert eval(page[-1]["evaluateName"], {}, {"arr": arr}) == 2_999_997
    assert elapsed < 0.5  # the page, not the array (a generous bound on shared CI cores)


def test_two_dimensional_array_rows_then_elements() -> None:
    m = np.arange(12).reshape(3, 4)
    store = make_store()
    ref = store.register(m, "m")
    rows = store.variables(ref)
    assert [(c["name"], c["value"], c["evaluateName"], c["indexedVariables"]) for c in rows] == [
        ("0", "ndarray(shape=(4,), dtype=int64) [0, 1, 2, 3]", "m[0]", 4),
        ("1", "ndarray(shape=(4,), dtype=int64) [4, 5, 6, 7]", "m[1]", 4),
        ("2", "ndarray(shape=(4,), dtype=int64) [8, 9, 10, 11]", "m[2]", 4),
    ]
    cells = store.variables(rows[1]["variablesReference"], start=2, count=2)
    assert [(c["name"], c["value"], c["evaluateName"]) for c in cells] == [
        ("2", "6", "m[1][2]"),
        ("3", "7", "m[1][3]"),
    ]
    assert eval("m[1][3]", {}, {"m": m}) == 7


def test_array_range_groups_for_clients_without_paging() -> None:
    store = make_store(supports_paging=False)
    ref = store.register(np.arange(MILLION), "a")
    groups = store.variables(ref)
    assert len(groups) == 1000
    assert (groups[0]["name"], groups[-1]["name"]) == ("[0..999]", "[999000..999999]")
    last = store.variables(groups[-1]["variablesReference"])
    assert [(c["name"], c["value"]) for c in last[-2:]] == [
        ("999998", "999998"),
        ("999999", "999999"),
    ]


def test_zero_d_and_empty_arrays_are_not_expandable() -> None:
    store = make_store()
    assert store.value_fields(np.array(5), "z")["variablesReference"] == 0
    assert store.value_fields(np.array([]), "e")["variablesReference"] == 0


def _frame_data() -> Any:
    return pd.DataFrame(
        {"a": np.arange(ROWS), "b": np.arange(ROWS) * 0.5, "c": ["x", "y"] * (ROWS // 2)}
    )


def test_dataframe_rendering(p: Presenter) -> None:
    assert p.render(_frame_data()) == "DataFrame(shape=(100000, 3), columns=['a', 'b', 'c'])"
    wide = pd.DataFrame({f"c{i}": [i] for i in range(12)})
    assert p.render(wide) == (
        "DataFrame(shape=(1, 12), columns=['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', "
        "'c8', 'c9', ...])"
    )
    assert p.render(pd.DataFrame()) == "DataFrame(shape=(0, 0), columns=[])"


def test_series_rendering(p: Presenter) -> None:
    s = pd.Series([1.5, 2.0, None], name="price")
    assert p.render(s) == "Series(name='price', shape=(3,), dtype=float64) [1.5, 2.0, nan]"
    labelled = pd.Series({"x": 1, "y": 2})
    assert p.render(labelled) == "Series(shape=(2,), dtype=int64) {'x': 1, 'y': 2}"
    big = pd.Series(np.arange(ROWS))
    assert p.render(big) == f"Series(shape=(100000,), dtype=int64) [{_first_hundred()}, ...]"
    when = pd.Series(pd.to_datetime(["2024-01-02"]))
    assert p.render(when) == (
        "Series(shape=(1,), dtype=datetime64[us]) [Timestamp('2024-01-02 00:00:00')]"
    )


def test_dataframe_rows_paged_with_exact_values() -> None:
    df = _frame_data()
    store = make_store()
    frame, snap = frame_of(df=df)
    var = by_name(store.variables(store.scopes(frame, snap)[0]["variablesReference"]))["df"]
    assert (var["type"], var["indexedVariables"]) == ("DataFrame", ROWS)
    rows = store.variables(var["variablesReference"], start=99_997, count=3)
    assert [(c["name"], c["value"], c["evaluateName"]) for c in rows] == [
        (
            str(i),
            f"Series(name={i}, shape=(3,), dtype=object) "
            f"{{'a': {i}, 'b': {i / 2}, 'c': '{'xy'[i % 2]}'}}",
            f"df.iloc[{i}]",
        )
        for i in range(99_997, ROWS)
    ]
    cells = store.variables(rows[-1]["variablesReference"])
    assert [(c["name"], c["value"], c["type"], c["evaluateName"]) for c in cells] == [
        ("'a'", "99999", "int64", "df.iloc[99999].iloc[0]"),
        ("'b'", "49999.5", "float64", "df.iloc[99999].iloc[1]"),
        ("'c'", "'y'", "str", "df.iloc[99999].iloc[2]"),
    ]
    ns = {"df": df}
    assert [eval(c["evaluateName"], {}, ns) for c in cells] == [99_999, 49_999.5, "y"]


def test_series_paged_by_position_named_by_label() -> None:
    s = pd.Series([10, 20, 30], index=["u", "v", "w"])
    store = make_store()
    ref = store.register(s, "s")
    children = store.variables(ref, start=1, count=2)
    assert [(c["name"], c["value"], c["evaluateName"]) for c in children] == [
        ("'v'", "20", "s.iloc[1]"),
        ("'w'", "30", "s.iloc[2]"),
    ]
    assert store.value_fields(s, "s")["indexedVariables"] == 3


def test_nothing_imported_when_the_program_did_not() -> None:
    # A fresh interpreter: list and render every kind of value, then look at sys.modules.
    script = textwrap.dedent(
        """
        import collections, sys
        from dap_server.state import Presenter, UserCall, VariableStore
        store = VariableStore(Presenter(UserCall(lambda fn, t: fn())))
        def frame():
            a = [1, {"k": (2, 3)}]; c = collections.Counter("ab"); o = object()
            return sys._getframe()
        f = frame()
        for scope in store.scopes(f, dict(f.f_locals)):
            for v in store.variables(scope["variablesReference"]):
                if v["variablesReference"]:
                    store.variables(v["variablesReference"])
        print(sorted(m for m in ("numpy", "pandas") if m in sys.modules))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_failing_pandas_read_is_reported_not_raised(p: Presenter) -> None:
    base: Any = pd.DataFrame

    class Broken(base):  # type: ignore[misc]
        @property
        def shape(self) -> typing.NoReturn:
            raise RuntimeError("no shape")

    assert p.render(Broken({"a": [1]})) == "<DataFrame: RuntimeError: no shape>"
