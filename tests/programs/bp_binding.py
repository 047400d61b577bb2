"""Lines without code: a breakpoint on the blank or the comment line in `total` binds to the
next line with code; a breakpoint after the last line of code can never bind."""


def total():
    a = 1  # @before-gap

    # a comment line  # @comment

    b = 2  # @next-code
    return a + b


print("total", total())  # @last-code

# Nothing runs after this point.  # @after-code
