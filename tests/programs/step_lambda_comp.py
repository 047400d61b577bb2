"""stepIn into a lambda and into calls made by a list comprehension."""

square = lambda v: v * v  # @lambda


def f(i):
    return i + 1  # @f-body


def main():
    y = square(3)  # @call-lambda
    x = [f(i) for i in range(3)]  # @comp
    done = True  # @after-comp
    return y, x, done


print(main())  # @run-main
