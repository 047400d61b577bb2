import sys


def greet(name):
    message = f"hello {name}"
    count = len(name)  # @greet-count

    print(message)  # @greet-print
    return count


def main():
    total = 0
    for who in ["ada", "bobby"]:
        total += greet(who)
    print("total", total)
    print("to stderr", file=sys.stderr)
    return total


main()  # @entry
if len(sys.argv) > 1:
    sys.exit(int(sys.argv[1]))
