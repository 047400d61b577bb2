"""A comment after the last statement of a nested function, inside its indentation."""


def outer(n):
    def inner(m):
        return m + 1
        # nothing runs here, still inside inner  # @inner-end

    return inner(n) * 2  # @outer-return


print("outer", outer(1))
