"""Targets for setVariable / setExpression (tests/e2e/test_values_over_dap.py)."""

LIMIT = 3
label = "global label"


class Box:
    def __init__(self):
        self.attr = "old"


class Slotted:
    __slots__ = ("a",)

    def __init__(self):
        self.a = 1


def outer():
    count = 1

    def inner():
        nonlocal count
        count += 1
        print("inner sees", count)  # @inner
        return count

    inner()
    print("outer sees", count)


def main():
    n = 1
    d = {"k": "v", 7: "seven"}
    lst = [10, 20, 30]
    big = list(range(1500))
    pt = (1, 2)
    box = Box()
    slotted = Slotted()
    label = "local label"
    password = "pw-Zq9xK7"
    stack = [[1, 2], [3, 4], [5, 6]]
    print("stop")  # @stop
    print("n", n)  # @after
    print("d", d)
    print("lst", lst)
    print("big[1200]", big[1200])
    print("pt", pt)
    print("box.attr", box.attr)
    print("slotted.a", slotted.a)
    print("LIMIT", LIMIT)
    print("label", label, globals()["label"])
    print("stack", stack)
    print("password changed", password == "pw-changed-1")
    outer()
    print("end", n)


main()
