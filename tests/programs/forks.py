"""Forks the ways argv[1] says: fork (os.fork), mp-fork and forkserver (multiprocessing), tree
(a subprocess child and a forked child that both wait to be ended)."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def work(label):
    result = f"{label} in {os.getpid()}"  # @fork-child
    print(result, flush=True)
    return 3


def mp_work(label):
    work(label)
    sys.exit(5)


if __name__ == "__main__":
    how = sys.argv[1]
    if how == "fork":
        pid = os.fork()
        if pid == 0:
            sys.exit(work("forked"))
        print("parent continues", flush=True)
        _, status = os.waitpid(pid, 0)
        print("child exit code", os.waitstatus_to_exitcode(status), flush=True)
    elif how in ("mp-fork", "forkserver"):
        ctx = multiprocessing.get_context("fork" if how == "mp-fork" else how)
        p = ctx.Process(target=mp_work, args=(how,))
        p.start()
        p.join()
        print("child exit code", p.exitcode, flush=True)
    elif how == "forkserver-pool":
        with multiprocessing.get_context("forkserver").Pool(2) as pool:
            print("squares", pool.map(abs, [-1, -2, -3]), flush=True)
    elif how == "tree":
        # Children that ignore SIGINT: the graceful half of terminate does not end them.
        ignore = "import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        sub = subprocess.Popen([sys.executable, "-c", ignore + "time.sleep(60)"])
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            time.sleep(60)
            os._exit(0)
        print(f"pids {os.getpid()} {sub.pid} {pid}", flush=True)
        time.sleep(60)
    print("parent done", flush=True)
