"""An uncaught exception whose __str__ raises (tests/e2e/test_set_values_adversarial.py)."""


class BadStr(Exception):
    def __str__(self):
        raise RuntimeError("no str for you")


print("start")
raise BadStr("x")  # @raise
