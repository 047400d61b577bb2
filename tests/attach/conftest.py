"""Fixtures for the attach tests: real target processes (always killed) and a listener."""

from tests.attach.attach_helpers import listener, spawn

__all__ = ["listener", "spawn"]
