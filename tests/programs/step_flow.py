"""with blocks, exceptions and try/finally under `next`, for test_stepping_over_dap.py."""


class Managed:
    def __enter__(self):
        self.entered = True  # @enter-body
        return self

    def __exit__(self, *exc):
        self.exited = True  # @exit-body
        return False


def use_with():
    with Managed() as m:  # @with
        a = 1  # @inside-1
        b = 2  # @inside-2
    c = 3  # @after-with
    return a + b + c


def risky(v):
    if v < 0:
        raise ValueError(v)  # @raise
    return v


def local_catch():
    try:
        risky(-1)  # @local-call
        unreachable = 1
    except ValueError:  # @local-except
        handled = "local"  # @local-handler
    return handled  # @local-return


def local_raise():
    try:
        n = int("not a number")  # @local-raise
        unreachable = 1
    except ValueError:  # @local-raise-except
        n = -1  # @local-raise-handler
    return n


def middle():
    risky(-2)  # @middle-call
    return "never"


def outer():
    try:
        middle()  # @outer-call
    except ValueError:  # @outer-except
        return "caught"  # @outer-handler


def with_finally():
    try:
        value = 10  # @try-body
        return value  # @try-return
    finally:
        cleanup = True  # @finally-1
        print("cleanup", cleanup)  # @finally-2


def main():
    total = use_with()  # @call-with
    local_catch()  # @call-local-catch
    local_raise()  # @call-local-raise
    outer()  # @call-outer
    r = with_finally()  # @call-finally
    after = r  # @after-finally
    print("done", total, after)  # @main-print


main()
