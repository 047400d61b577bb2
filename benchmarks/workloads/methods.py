"""Method-call heavy: small methods of a small class, called in a loop (6,000 calls a unit)."""

from _harness import measure


def never_called() -> int:
    return -1  # @never-called


class Account:
    __slots__ = ("balance", "moves")

    def __init__(self) -> None:
        self.balance = 0
        self.moves = 0

    def deposit(self, amount: int) -> int:
        self.balance += amount  # @hot
        if amount < 0:
            self.moves = never_called()  # @never-reached
        self.moves += 1
        return self.balance

    def withdraw(self, amount: int) -> int:
        return self.deposit(-amount) if amount < 0 else self.deposit(0)

    def value(self) -> int:
        return self.balance


def unit() -> int:
    account = Account()
    for i in range(2000):
        account.deposit(i & 7)
        account.withdraw(1)
    return account.value()


if __name__ == "__main__":
    measure(unit)
