"""A module other tests' generated code imports and calls."""


def helper(v):
    doubled = v * 2  # @helper
    return doubled
