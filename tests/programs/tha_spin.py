"""A thread in `while True: pass`, one in a two-line `while True` loop, one in a loop of long
C calls; main waits at @main-bp."""

import threading

spinning = threading.Event()
summing = threading.Event()
done = False
rounds = 0


# fmt: off
def spin():
    spinning.set()
    while True: pass  # noqa: E701  # @spin
# fmt: on


def loop():
    laps = 0
    while True:  # @loop-while
        laps += 1  # @loop-body


def crunch():
    global rounds
    summing.set()
    while not done:  # @crunch-loop
        sum(range(10**7))  # @crunch-call
        rounds += 1  # @crunch-count


threading.Thread(target=spin, name="spinner", daemon=True).start()
threading.Thread(target=crunch, name="cruncher", daemon=True).start()
threading.Thread(target=loop, name="looper", daemon=True).start()
spinning.wait()
summing.wait()
print("ready")  # @main-bp
done = True
print("end")
