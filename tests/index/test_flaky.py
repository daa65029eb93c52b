"""A provider that refuses wide ranges and large results and rate-limits with HTTP 429: the
index read through it is complete (equal to one read straight from the node)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from index_kit import dump, fresh_dump

from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.index import attach

sys.path.insert(0, str(Path(__file__).parents[1]))
from rpc_proxy import FlakyProvider  # noqa: E402


@pytest.fixture
def flaky(anvil):
    server = FlakyProvider(anvil.url, max_blocks=4, max_results=5, rate_every=4).start()
    yield server
    server.stop()


def test_through_a_flaky_provider_the_index_is_complete(states, tl, flaky, db_url, fresh_url):
    through = Tradelane(connect(flaky.url), tl.address, tl.deployment)
    ix = attach(through, db_url, span=1_000)
    try:
        report = ix.sync()
        assert report.end == tl.chain.w3.eth.block_number
        assert flaky.refused > 0 and flaky.rate_limited > 0 and flaky.served > 1
        assert dump(ix.store, tl.chain.chain_id, tl.address) == fresh_dump(tl, fresh_url)
        assert through.status(states["completed"]).state.label == "completed"
    finally:
        ix.stop()
