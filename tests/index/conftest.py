"""Index tests: every test runs against SQLite AND a throwaway PostgreSQL 15 server.

One anvil per test module (reorg and crash tests move its chain), one deployment with
shipments in every state (`story.every_state`), and `db_url`, parametrised over the two
stores, a fresh empty database per test.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import story  # noqa: E402

from tradelane.chain import connect  # noqa: E402
from tradelane.client import Tradelane  # noqa: E402
from tradelane.index import attach  # noqa: E402
from tradelane.node import Anvil  # noqa: E402


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'index.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def fresh_url(request, db_url, tmp_path) -> str:
    """A second empty database of the same kind (for the index built from scratch)."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("tradelane-home")


@pytest.fixture(scope="module")
def anvil(home):
    node = Anvil().start()
    yield node
    node.stop()


@pytest.fixture(scope="module")
def tl(anvil, home) -> Tradelane:
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADELANE_HOME", str(home))
    client, _ = Tradelane.deploy(connect(anvil.url))
    yield client
    mp.undo()


@pytest.fixture(scope="module")
def states(tl) -> dict[str, int]:
    return story.every_state(tl)


@pytest.fixture
def chain_client(tl) -> Tradelane:
    """A second client of the same deployment that reads the chain (no index)."""
    return Tradelane(tl.chain, tl.address, tl.deployment)


@pytest.fixture
def indexed(tl, db_url):
    """A client of the deployment with an index at `db_url` attached (not yet synced)."""
    client = Tradelane(tl.chain, tl.address, tl.deployment)
    ix = attach(client, db_url)
    yield client, ix
    ix.stop()


@pytest.fixture
def env_home(home):
    return {**os.environ, "TRADELANE_HOME": str(home)}
