"""A program the API user tests (tests/api/test_api_as_a_user.py) debug."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field


@dataclass
class Address:
    city: str
    zip_code: str


@dataclass
class Customer:
    name: str
    age: int
    address: Address
    tags: list[str] = field(default_factory=list)


def make_customer() -> Customer:
    return Customer("ada", 36, Address("London", "N1"), ["vip", "early"])


def shout(word: str) -> str:
    loud = word.upper()  # @shout
    return loud + "!"


def greet(customer: Customer) -> str:
    prefix = "hello"  # @greet-first
    text = shout(customer.name)  # @greet-call
    message = f"{prefix} {text}"  # @greet-after
    return message  # @greet-return


def values_here() -> None:
    count = 7
    ratio = 2.5
    title = "inventory"
    numbers = [1, 2, 3]
    mapping = {"a": 1, "b": [2, 3]}
    nothing = None
    flag = True
    pair = (1, "x")
    customer = make_customer()
    db_password = "hunter2-very-secret"
    api_token = "tok-abcdef-123456"
    print("values ready")  # @values
    del count, ratio, title, numbers, mapping, nothing, flag, pair, customer
    del db_password, api_token


def loop_total(limit: int) -> int:
    total = 0

    for i in range(limit):  # @loop-for
        total += i  # @loop
    return total
    # @loop-end-comment


def validate(age: int) -> int:
    if age < 0:
        raise ValueError(f"age must not be negative: {age}")  # @raise
    return age


def checked() -> str:
    try:
        validate(-3)
    except ValueError as exc:
        return f"rejected {exc}"
    return "accepted"


def worker(n: int, results: list[int]) -> None:
    native_id = threading.get_native_id()
    square = n * n  # @worker
    results.append(square)


def run_threads() -> list[int]:
    """Two worker threads, one after the other (so their stops come in a known order)."""
    results: list[int] = []
    for n in (2, 3):
        t = threading.Thread(target=worker, args=(n, results), name=f"worker-{n}")
        t.start()
        t.join()
    return results


def main(argv: list[str]) -> int:
    customer = make_customer()
    print(greet(customer))  # @main-greet
    values_here()
    print("total", loop_total(5))
    print(checked())
    print("threads", run_threads())
    if "--crash" in argv:
        validate(-9)  # @crash
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))  # @main-call
