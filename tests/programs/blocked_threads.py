"""Two threads that spend their time blocked in C calls: time.sleep, and Event.wait (through
threading's Python code down to a lock). The main thread stops at @release until told to end."""

import threading
import time

stop = threading.Event()
dozing = threading.Event()
waiting = threading.Event()


def doze():
    naps = 0
    dozing.set()
    while not stop.is_set():  # @doze-loop
        time.sleep(0.05)  # @doze-sleep
        naps += 1  # @doze-count
    return naps


def wait_around():
    rounds = 0
    waiting.set()
    while not stop.wait(0.05):  # @wait-loop
        rounds += 1  # @wait-count
    return rounds


sleeper = threading.Thread(target=doze, name="sleeper")
waiter = threading.Thread(target=wait_around, name="waiter")
sleeper.start()
waiter.start()
dozing.wait()
waiting.wait()
stop.set()  # @release
sleeper.join()
waiter.join()
print("both stopped")
