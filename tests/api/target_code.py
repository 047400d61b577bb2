"""Code the API tests debug (in process and out of process). Lines marked `# @name` are
looked up by marker, so the tests never hard-code line numbers."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

GREETING = "hello"


@dataclass
class User:
    name: str
    is_active: bool = True


class Cart:
    def __init__(self, owner: User) -> None:
        self.owner = owner
        self.items: list[int] = []

    def add(self, price: int) -> int:
        self.items.append(price)  # @cart-add
        return len(self.items)


def calculate_total(items: list[int], tax: float = 0.5) -> float:
    total = 0  # @total-start
    for item in items:
        total += item  # @total-loop
    result = total * (1 + tax)  # @total-result
    return result


def deep_function(n: int) -> int:
    marker = n * 10  # @deep
    return marker


def middle(n: int) -> int:
    value = deep_function(n + 1)  # @middle-call
    return value + 1


def outer(n: int) -> int:
    base = n
    return middle(base)  # @outer-call


def fails(x: int) -> int:
    if x > 2:
        raise ValueError(f"x too big: {x}")  # @raise
    return x


def handled() -> str:
    try:
        fails(5)
    except ValueError:
        return "handled"
    return "not reached"


def login(user_name: str) -> bool:
    password = "hunter2-secret"
    api_token = "tok-123456"
    user = User(user_name)
    data = [1, 2, 3]
    ok = len(password) > 3  # @login
    return ok and user.is_active and bool(data) and bool(api_token)


def wait_a_while(seconds: float) -> int:
    ticks = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.01)
        ticks += 1  # @tick
    return ticks


def main(argv: list[str]) -> int:
    if "--wait" in argv:
        wait_a_while(20)
    cart = Cart(User("ada"))
    for price in (3, 4):
        cart.add(price)
    total = calculate_total(cart.items)
    print(f"total {total}")
    out = outer(1)
    print(f"outer {out}")
    login("ada")
    if "--crash" in argv:
        fails(7)
    print(handled())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
