"""A very long line, then bytes that are not UTF-8 on both streams, then a marker."""

import os
import sys

sys.stdout.write("x" * 300_000 + "\n")
sys.stdout.flush()
os.write(1, b"bad:\x80\xff\xc3(end\n")
os.write(2, b"err:\xed\xa0\x80\n")  # a UTF-8 encoded surrogate: not valid UTF-8
print("é" * 70_000)
print("done")  # @done
