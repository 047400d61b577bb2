"""Threads blocked for good in C calls (queue.get, lock.acquire, socket recv, select, a child's
wait); the main thread stops at @all-blocked; each is let go by an evaluation in main."""

import queue
import select
import socket
import subprocess
import threading
import time

q: queue.Queue[int] = queue.Queue()
lock = threading.Lock()
lock.acquire()
r_sock, w_sock = socket.socketpair()
r_sel, w_sel = socket.socketpair()
child = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
got: dict[str, object] = {}


def on_queue():
    item = q.get()
    got["queue"] = item  # @queue-after


def on_lock():
    lock.acquire()
    got["lock"] = True  # @lock-after


def on_recv():
    data = r_sock.recv(10)
    got["recv"] = data  # @recv-after


def on_select():
    readable, _, _ = select.select([r_sel], [], [])
    got["select"] = len(readable)  # @select-after


def on_wait():
    code = child.wait()
    got["wait"] = code  # @wait-after


workers = [
    threading.Thread(target=f, name=f.__name__)
    for f in (on_queue, on_lock, on_recv, on_select, on_wait)
]
for w in workers:
    w.start()
time.sleep(0.3)
blocked = True  # @all-blocked
for w in workers:
    w.join()
print(sorted(got))  # @end
