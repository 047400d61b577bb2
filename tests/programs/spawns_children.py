"""Starts Python children the ways argv[1] says: subprocess, spawn (multiprocessing)."""

import multiprocessing
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def work(label):
    result = f"{label} in {os.getpid()}"  # @child-work
    print(result, flush=True)


if __name__ == "__main__":
    how = sys.argv[1]
    if how == "subprocess":
        subprocess.run(
            [sys.executable, os.path.join(HERE, "child.py"), "from-subprocess"], check=True
        )
    elif how == "spawn":
        ctx = multiprocessing.get_context("spawn")
        p = ctx.Process(target=work, args=("spawned",))
        p.start()
        p.join()
        print("child exit code", p.exitcode)
    print("parent done", flush=True)
