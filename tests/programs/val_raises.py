"""An uncaught exception to inspect (tests/e2e/test_values_over_dap.py)."""


class AppError(Exception):
    def __init__(self, code):
        super().__init__(f"code {code}")
        self.code = code


def fail():
    numbers = [255, 16]
    raise AppError(len(numbers) * 21)  # @raise


fail()
