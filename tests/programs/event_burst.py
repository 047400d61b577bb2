"""Stops once, then sends a burst of DAP events (a logpoint in a loop) and ends at once."""


def burst(count):
    total = 0
    for i in range(count):
        total += i  # @logpoint
    return total


ready = True  # @before-burst
burst(1000)
