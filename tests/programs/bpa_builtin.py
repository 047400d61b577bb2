"""The builtin breakpoint() in a program: a debugger that is attached stops there."""


def compute(n):
    doubled = n * 2
    breakpoint()  # @builtin
    return doubled + 1  # @after-builtin


print("result", compute(5))
