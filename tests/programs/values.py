import collections
import dataclasses
import enum
import threading


class RaisingRepr:
    def __repr__(self):
        raise ValueError("no repr for you")


class HangingRepr:
    def __repr__(self):
        while True:
            pass


class HugeRepr:
    def __repr__(self):
        return "x" * 1_000_000


class Blocking:
    def __init__(self):
        self.plain = 1

    @property
    def stuck(self):
        threading.Event().wait()  # blocks forever if anyone evaluates it


class Color(enum.Enum):
    RED = 1


@dataclasses.dataclass
class Point:
    x: int
    y: int


def main():
    big_list = list(range(1_000_000))
    big_dict = {i: i * 2 for i in range(1_000_000)}
    raising = RaisingRepr()
    hanging = HangingRepr()
    huge = HugeRepr()
    blocking = Blocking()
    nested = {"a": [{"b": (1, 2, {"c": "deep"})}]}
    recursive = [1, 2]
    recursive.append(recursive)
    counter = collections.Counter("abracadabra")
    point = Point(3, 4)
    color = Color.RED
    text = "y" * 5000
    print("ready")  # @stop
    return len(big_list)


main()
