"""Ends the way its first argument says: an uncaught exception group, a chain of causes, an
exception raised while handling another (with and without `from None`), or sys.exit."""

import sys


class TaskFailed(Exception):
    pass


def attempt():
    try:
        raise TimeoutError("no answer in 5 s")  # @raise-timeout
    except TimeoutError as exc:
        raise TaskFailed("task 2") from exc  # @raise-task


def gather():
    try:
        attempt()  # @call-attempt
    except TaskFailed as exc:
        failed = exc
    errors = [ValueError("bad value"), failed]
    raise ExceptionGroup("two tasks failed", errors)  # @raise-group


def read_port(config):
    return config["port"]  # @lookup


def load(config):
    try:
        return read_port(config)  # @call-read-port
    except KeyError as exc:
        raise LookupError("no port configured") from exc  # @raise-lookup


def connect():
    try:
        load({})  # @call-load
    except LookupError as exc:
        raise ConnectionError("cannot connect") from exc  # @raise-connect


def clean_up():
    try:
        load({})  # @clean-up-load
    except LookupError:
        raise RuntimeError("clean-up failed")  # @raise-during


def quietly():
    try:
        load({})
    except LookupError:
        raise RuntimeError("gave up") from None  # @raise-quiet


kind = sys.argv[1]
print("ending with", kind)
if kind == "group":
    gather()  # @call-group
elif kind == "chain":
    connect()  # @call-connect
elif kind == "context":
    clean_up()  # @call-clean-up
elif kind == "suppressed":
    quietly()  # @call-quietly
elif kind == "exit0":
    sys.exit(0)  # @exit0
elif kind == "exit3":
    sys.exit(3)  # @exit3
