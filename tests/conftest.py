"""Fixtures shared by several test folders: the throwaway PostgreSQL 15 server."""

from __future__ import annotations

import os

import pytest
from pgserver import PostgresServer, available


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL 15 server for the whole run (`new_database()` per test). Skipped on a
    developer's machine without it; a failure in CI, where .ci/run installs it."""
    if not available():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(
            "PostgreSQL 15 is not installed (.ci/run installs Debian's postgresql)"
        )
    server = PostgresServer().start()
    yield server
    server.stop()
