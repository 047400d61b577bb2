"""atexit handlers run after the program's last line: their output and their breakpoints."""

import atexit


def goodbye(name):
    message = f"atexit says goodbye to {name}"  # @in-handler
    print(message)


atexit.register(goodbye, "ada")
print("main done")
