"""Thread A steps over a call that blocks until thread B, which hits a breakpoint, lets it go."""

import threading

a_waiting = threading.Event()
gate = threading.Event()


def blocker():
    a_waiting.set()
    gate.wait(30)
    return "released"


def a_body():
    got = blocker()  # @a-call
    after = got  # @a-after
    print("a", after)


def b_body():
    a_waiting.wait(30)
    x = 1  # @b-bp
    gate.set()  # @b-set


a = threading.Thread(target=a_body, name="thread-a")
b = threading.Thread(target=b_body, name="thread-b")
a.start()
b.start()
a.join()
b.join()
print("both done")
