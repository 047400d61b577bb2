"""Output that takes unusual roads to the program's stdout: bytes that are not UTF-8, a UTF-8
character split across two writes, os.write straight to the descriptors, a child process that
inherits them, and a last line without a newline."""

import os
import subprocess
import sys

print("start")
sys.stdout.buffer.write(b"bytes:\xff\xfe\n")
sys.stdout.flush()
os.write(1, b"split:\xc3")
os.write(1, b"\xa9\n")
os.write(1, b"raw fd\n")
os.write(2, b"raw err\n")
subprocess.run([sys.executable, "-c", "print('from child')"], check=True)
print("end")
sys.stdout.write("no newline at exit")
