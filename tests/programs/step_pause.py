"""A thread spinning in a loop, to pause and then step; the main thread waits for it."""

import threading

stop = threading.Event()


def spin():
    count = 0
    while not stop.is_set():  # @spin-while
        count += 1  # @spin-count
    return count  # @spin-return


def main():
    total = spin()  # @call-spin
    print("spun", total > 0)  # @after-spin


spinner = threading.Thread(target=main, name="spinner")
spinner.start()
spinner.join()
