"""Shared pytest configuration for the whole suite (tests/ is a package: import helpers as
`tests.support.<module>`)."""
