"""A module whose last line is a plain statement."""

first = 1
last = first + 1  # @last
