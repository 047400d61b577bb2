"""Loops, with no breakpoint set, until the file named by its argument exists (at most 10 s,
else exit code 3); then calls `tick` a thousand more times and ends."""

import os
import sys
import time

flag = sys.argv[1]
deadline = time.monotonic() + 10


def tick(n):
    value = n + 1  # @tick
    return value


count = 0
print("looping", flush=True)
while not os.path.exists(flag):
    count = tick(count)  # @loop-call
    if time.monotonic() > deadline:
        print("the flag file never came", flush=True)
        sys.exit(3)

after = 0
for _ in range(1000):
    after = tick(after)
print("after the flag", after)
