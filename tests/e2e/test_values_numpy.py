"""numpy arrays and pandas DataFrames through the real adapter: a 1,000,000-element array and a
100,000-row DataFrame paged with exact values, evaluateNames that evaluate to what is shown, and
a program that does not import numpy finds no numpy in its `sys.modules` after its variables
were listed."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.support.dap_client import DapClient

pytest.importorskip("numpy")
pytest.importorskip("pandas")

NUMPY_PROGRAM = """\
import numpy as np
import pandas as pd


def main():
    arr = np.arange(1_000_000, dtype=np.int64) * 2
    grid = np.arange(12.0).reshape(3, 4)
    df = pd.DataFrame(
        {"n": np.arange(100_000), "half": np.arange(100_000) / 2, "tag": ["even", "odd"] * 50_000}
    )
    prices = pd.Series([1.5, 2.25], index=["apple", "pear"], name="price")
    return arr, grid, df, prices  # stop


main()
"""

PLAIN_PROGRAM = """\
import collections


def main():
    numbers = list(range(10))
    table = {"a": collections.Counter("abc")}
    return numbers, table  # stop


main()
"""


def _write(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source))
    return str(path)


def _line(path: str, marker: str) -> int:
    lines = Path(path).read_text().splitlines()
    return next(i for i, text in enumerate(lines, 1) if marker in text)


def _stop(client: DapClient, path: str) -> tuple[int, dict[str, dict[str, Any]]]:
    client.launch(path, {path: [_line(path, "# stop")]})
    stopped = client.wait_event("stopped", timeout=60)
    frame_id = client.stack(stopped["threadId"])[0]["id"]
    return frame_id, client.locals(frame_id)


def _children(client: DapClient, ref: int, **extra: Any) -> list[dict[str, Any]]:
    variables: list[dict[str, Any]] = client.request(
        "variables", {"variablesReference": ref, **extra}
    )["variables"]
    return variables


def _evaluate(client: DapClient, frame_id: int, expression: str, context: str = "repl") -> str:
    result: str = client.request(
        "evaluate", {"expression": expression, "frameId": frame_id, "context": context}
    )["result"]
    return result


def test_million_element_array_and_hundred_thousand_row_frame(
    client: DapClient, tmp_path: Path
) -> None:
    path = _write(tmp_path, "arrays.py", NUMPY_PROGRAM)
    frame_id, local_vars = _stop(client, path)

    arr = local_vars["arr"]
    head = ", ".join(str(2 * i) for i in range(100))
    assert (arr["type"], arr["value"]) == (
        "ndarray",
        f"ndarray(shape=(1000000,), dtype=int64) [{head}, ...]",
    )
    assert (arr["indexedVariables"], arr["evaluateName"]) == (1_000_000, "arr")
    page = _children(client, arr["variablesReference"], filter="indexed", start=999_997, count=3)
    assert [(v["name"], v["value"], v["type"], v["evaluateName"]) for v in page] == [
        ("999997", "1999994", "int64", "arr[999997]"),
        ("999998", "1999996", "int64", "arr[999998]"),
        ("999999", "1999998", "int64", "arr[999999]"),
    ]
    assert all(v["variablesReference"] == 0 for v in page)
    assert _evaluate(client, frame_id, page[-1]["evaluateName"]) == "1999998"

    grid = local_vars["grid"]
    assert grid["value"] == (
        "ndarray(shape=(3, 4), dtype=float64) "
        "[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]]"
    )
    row = _children(client, grid["variablesReference"], start=2, count=1)[0]
    assert (row["name"], row["evaluateName"]) == ("2", "grid[2]")
    cells = _children(client, row["variablesReference"], start=3, count=1)
    assert [(v["name"], v["value"], v["evaluateName"]) for v in cells] == [
        ("3", "11.0", "grid[2][3]")
    ]

    df = local_vars["df"]
    assert (df["type"], df["value"], df["indexedVariables"]) == (
        "DataFrame",
        "DataFrame(shape=(100000, 3), columns=['n', 'half', 'tag'])",
        100_000,
    )
    rows = _children(client, df["variablesReference"], filter="indexed", start=99_998, count=2)
    assert [(v["name"], v["value"], v["evaluateName"]) for v in rows] == [
        (
            "99998",
            "Series(name=99998, shape=(3,), dtype=object) "
            "{'n': 99998, 'half': 49999.0, 'tag': 'even'}",
            "df.iloc[99998]",
        ),
        (
            "99999",
            "Series(name=99999, shape=(3,), dtype=object) "
            "{'n': 99999, 'half': 49999.5, 'tag': 'odd'}",
            "df.iloc[99999]",
        ),
    ]
    fields = _children(client, rows[1]["variablesReference"])
    assert [(v["name"], v["value"], v["evaluateName"]) for v in fields] == [
        ("'n'", "99999", "df.iloc[99999].iloc[0]"),
        ("'half'", "49999.5", "df.iloc[99999].iloc[1]"),
        ("'tag'", "'odd'", "df.iloc[99999].iloc[2]"),
    ]
    assert _evaluate(client, frame_id, "df.iloc[99999].iloc[2]") == "'odd'"

    prices = local_vars["prices"]
    assert prices["value"] == (
        "Series(name='price', shape=(2,), dtype=float64) {'apple': 1.5, 'pear': 2.25}"
    )
    assert [
        (v["name"], v["value"], v["evaluateName"])
        for v in _children(client, prices["variablesReference"])
    ] == [("'apple'", "1.5", "prices.iloc[0]"), ("'pear'", "2.25", "prices.iloc[1]")]

    client.request("disconnect", {"terminateDebuggee": True})


def test_a_program_without_numpy_does_not_get_it(client: DapClient, tmp_path: Path) -> None:
    path = _write(tmp_path, "plain.py", PLAIN_PROGRAM)
    frame_id, local_vars = _stop(client, path)
    # List everything the views would: locals, globals, and each expandable child.
    scopes = client.request("scopes", {"frameId": frame_id})["scopes"]
    for scope in scopes:
        for var in _children(client, scope["variablesReference"]):
            if var["variablesReference"]:
                _children(client, var["variablesReference"])
    assert local_vars["numbers"]["value"] == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"
    for context in ("repl", "hover", "watch", "clipboard"):
        assert _evaluate(client, frame_id, "[n for n in ('a', 'b')]", context) == "['a', 'b']"
    loaded = (
        "sorted(m for m in __import__('sys').modules if m.split('.')[0] in ('numpy', 'pandas'))"
    )
    assert _evaluate(client, frame_id, loaded) == "[]"
    client.request("disconnect", {"terminateDebuggee": True})
