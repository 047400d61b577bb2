"""Imported by bp_late_main.py only after its first stop."""


def work(n):
    m = n * 3  # @work
    return m
