"""Calls into the standard library: one with no way back into user code, one with a callback."""

import json
import textwrap


def default(obj):
    return "custom"  # @callback


def main():
    text = textwrap.dedent("    a\n    b\n")  # @call-dedent
    size = len(text)  # @after-dedent
    encoded = json.dumps({"k": object()}, default=default)  # @call-dumps
    print(size, encoded)  # @after-dumps


main()  # @call-main
