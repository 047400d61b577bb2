"""Lines of every awkward shape: multi-line calls, decorators, else/finally, docstrings."""

import functools


def total(*parts, scale=1):
    return sum(parts) * scale


def deco(fn):
    @functools.wraps(fn)
    def wrapper(*a):
        return fn(*a)

    return wrapper


@deco  # @decorator-line
def decorated(x):
    """A docstring line."""  # @docstring
    return x + 1  # @decorated-body


def branches(flag):
    if flag:
        result = "yes"  # @if-body
    else:  # @else
        result = "no"  # @else-body
    try:
        value = int(result)
    except ValueError:
        pass  # @except-pass
    finally:  # @finally
        done = True  # @finally-body
    return result, done


def first():
    a = 1
    return a  # @first-return
    # a comment at the end of first  # @first-comment


def second():
    b = 2  # @second-body
    return b


value = total(  # @call-start
    1,
    2,  # @call-middle
    scale=3,
)  # @call-end
a = 1; b = 2  # noqa: E702  # fmt: skip  # @two-statements
square = lambda n: n * n  # @lambda-line
print("value", value, a + b, square(3))
print("decorated", decorated(1))
print("branches", branches(True), branches(False))
print("first", first(), second())
