# Run by src_run_plugin.py with runpy.run_path and a path relative to the working directory.
def hook(value):
    out = value * 3  # @hook
    return out


first = hook(2)  # @plugin-call
