"""A thread dies of an uncaught exception; the main thread goes on and ends normally."""

import threading


def work():
    raise ValueError("worker failed")  # @raise


t = threading.Thread(target=work, name="worker")
t.start()
t.join()
print("main goes on")
