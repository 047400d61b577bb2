"""Generators consumed by for loops, for test_stepping_over_dap.py."""


def numbers():
    yield 1  # @gen-first
    n = 2  # @gen-between
    yield n  # @gen-second
    n = 3  # @gen-last


def consume():
    total = 0
    for v in numbers():  # @for
        total += v  # @loop-body
    return total  # @consume-return


print(consume())


def make_then_use():
    gen = numbers()  # @make-gen
    first = next(gen)  # @first-next
    return first


make_then_use()


def take_first():
    for v in numbers():  # @take-for
        break  # @take-break
    after = v  # @take-after
    return after


take_first()
