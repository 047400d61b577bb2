"""A package launched with `module`: breakpoints in its __main__ and in a submodule."""
