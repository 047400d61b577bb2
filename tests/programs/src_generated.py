"""Code with no file: a function compiled from a string calls back into this file."""


def target(v):
    w = v * 10  # @target
    return w


GENERATED = "def gen_caller(n):\n    m = n + 1\n    return target(m)\n"
namespace = {"target": target}
exec(compile(GENERATED, "<generated>", "exec"), namespace)
print("generated", namespace["gen_caller"](1))  # @call-generated
