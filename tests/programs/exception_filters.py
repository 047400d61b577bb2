"""Exceptions of every kind an exception filter tells apart, then a clean SystemExit(0)."""

import sys
from concurrent.futures import ThreadPoolExecutor


def parse(text):
    return int(text)  # @parse


def lookup(table, name):
    return table[name]  # @lookup


def task():
    raise RuntimeError("lost in a pool")  # @task


for text in ("12", "abc", "x1"):
    try:
        parse(text)
    except ValueError:
        pass

try:
    lookup({}, "missing")
except KeyError:
    pass

with ThreadPoolExecutor(1) as pool:
    failed = pool.submit(task).exception()

print(f"done: {type(failed).__name__}")
sys.exit(0)
