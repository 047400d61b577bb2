import threading
import time


def fib(n):
    if n < 2:
        return n  # @fib-base
    return fib(n - 1) + fib(n - 2)  # @fib-rec


def compute(values):
    total = 0
    for i, v in enumerate(values):
        total += v * i  # @loop
    return total


def spin(stop):
    count = 0
    while not stop.is_set():
        count += 1  # @spin
    return count


def pick(a, b):
    return max(a, b) + min(a, b)  # @pick


class Greeter:
    def hello(self, who):
        return f"hi {who}"  # @hello


stop = threading.Event()
worker = threading.Thread(target=spin, args=(stop,), name="spinner")
worker.start()
print(compute(list(range(10))))
print(fib(5))
print(pick(3, 4))  # @call-pick
print(Greeter().hello("bob"))
x = 1
x = 2  # @goto-from
x = 3
print("x", x)  # @print-x
time.sleep(0)
stop.set()
worker.join()
