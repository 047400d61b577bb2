"""Replaces sys.stdout with a StringIO for a while, then puts it back."""

import contextlib
import io
import sys

print("before")
buffer = io.StringIO()
saved = sys.stdout
sys.stdout = buffer
print("captured 1")
captured = buffer.getvalue()  # @replaced
sys.stdout = saved
with contextlib.redirect_stdout(io.StringIO()) as second:
    print("captured 2")
print(f"after {captured!r} {second.getvalue()!r}")
