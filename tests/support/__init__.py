"""Helpers shared by the test suites: DAP client, schema validation, test programs."""
