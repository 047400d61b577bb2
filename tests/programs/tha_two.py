"""Two worker threads reach the same breakpoint together; the main thread waits for both and
then stops at @main-end."""

import threading

barrier = threading.Barrier(2)


def work(tag):
    barrier.wait()
    value = tag * 2  # @hit
    return value  # @last


workers = [threading.Thread(target=work, args=(k,), name=f"w{k}") for k in (1, 2)]
for w in workers:
    w.start()
for w in workers:
    w.join()
print("joined")  # @main-end
