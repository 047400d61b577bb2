"""goto within a function, backwards and forwards, and into another function."""


def other():
    return "other"  # @other-body


def jumper():
    log = []
    log.append("a")  # @a
    log.append("b")  # @b
    log.append("c")  # @c
    log.append("d")  # @d
    return log  # @return


print(jumper(), other())  # @run
