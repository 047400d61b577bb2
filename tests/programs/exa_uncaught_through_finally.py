"""An uncaught exception that passes through a `finally` clause on its way out."""


def inner():
    raise ValueError("x")  # @raise


def outer():
    try:
        inner()  # @call-inner
    finally:
        print("cleanup")  # @cleanup


outer()  # @call-outer
