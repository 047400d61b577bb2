import time


def slow(seconds):
    time.sleep(seconds)
    return "slept"


def work(n):
    items = list(range(n))
    total = sum(items)  # @stop
    return total


print("result", work(5))
for _ in range(3):
    work(2)
print("done")
