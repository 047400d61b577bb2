"""Security adversarial target: secrets in scope, a dict keyed by user objects, a loop for
conditional breakpoints and logpoints, and a raise whose message quotes a secret."""

import sys

EQ_CALLS: list[str] = []


class Tag:
    def __init__(self, name: str) -> None:
        self.name = name

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        EQ_CALLS.append(self.name)
        return getattr(other, "name", other) == self.name

    def __repr__(self) -> str:
        return f"Tag({self.name!r})"


class Holder:
    def __init__(self) -> None:
        self.user = "orders"
        self.password = "Holder-Pw-8812abc"


def main(out_path: str) -> None:
    password = "Local-Pw-4417xyz"
    holder = Holder()
    tags = {Tag("red"): 1, Tag("blue"): 2}
    hits: list[int] = []
    total = 0
    for i in range(3):
        total += i  # @loop
    print("stop", len(tags), holder.user, len(password))  # @stop
    print(f"eq={len(EQ_CALLS)} hits={len(hits)} total={total}")
    try:
        int(password)  # @int
    except ValueError:
        pass
    raise RuntimeError(f"login refused for {password}")  # @raise


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "")
