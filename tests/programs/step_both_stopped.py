"""Two threads stopped at once: A then steps over a wait that only B, once resumed, ends."""

import threading

both_running = threading.Barrier(2, timeout=30)
gate = threading.Event()


def a_body():
    both_running.wait()
    got = gate.wait(5)  # @a-wait
    after = got  # @a-after
    print("a", after)


def b_body():
    both_running.wait()
    x = 1  # @b-bp
    gate.set()  # @b-set
    print("b", x)


a = threading.Thread(target=a_body, name="thread-a")
b = threading.Thread(target=b_body, name="thread-b")
a.start()
b.start()
a.join()
b.join()
