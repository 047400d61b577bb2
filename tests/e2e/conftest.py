"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.dap_client import DapClient


@pytest.fixture
def client() -> Iterator[DapClient]:
    """An editor's connection to a fresh adapter process (`python -m dap_server` on stdio).

    On the way out: the adapter is closed, and every message it sent during the test must have
    matched the DAP JSON schema.
    """
    c = DapClient.adapter()
    try:
        yield c
    finally:
        c.close()
        assert not c.schema_errors, "messages that break the DAP schema:\n" + "\n".join(
            c.schema_errors
        )
