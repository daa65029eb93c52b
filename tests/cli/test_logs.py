"""Logs are read in block ranges a public node will serve, and give the same history as one call.

A real HTTP JSON-RPC endpoint in front of the session's anvil (tests/rpc_proxy.py) plays a
provider that caps `eth_getLogs` at a few blocks per call (as Infura, Alchemy or QuickNode do at
10 000 or 2 000), answering a wider query with an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tradelane import logs
from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.model import Code

sys.path.insert(0, str(Path(__file__).parents[1]))
from rpc_proxy import FlakyProvider  # noqa: E402

LIMIT = 3  # blocks per eth_getLogs call the capped endpoint serves


@pytest.fixture
def capped(anvil):
    server = FlakyProvider(anvil.url, max_blocks=LIMIT).start()
    yield server
    server.stop()


@pytest.fixture
def travelled(tl, routed) -> int:
    """A shipment whose milestones sit in several blocks, well apart."""
    sid = routed()
    tl.chain.advance(max(0, tl.view(sid)["legs"][0][4] - tl.chain.now()))
    for code in (Code.GTIN, Code.LOAD, Code.DEPA):
        m, carrier = tl.milestone_for(sid, code)
        tl.record(carrier, m)
        tl.chain.w3.provider.make_request("anvil_mine", [hex(4)])
    return sid


def test_a_capped_provider_serves_the_same_history_in_small_ranges(tl, travelled, capped):
    direct = tl.history(travelled, signatures=True)
    through = Tradelane(connect(capped.url), tl.address, tl.deployment)

    history = through.history(travelled, signatures=True)

    assert history == direct and len(history) == 3
    assert capped.refused > 0 and capped.served > 1
    assert through.status(travelled).history_verified is True


def test_ranges_cover_every_block_once(tl, travelled, monkeypatch):
    """With a 2-block range the reads tile the span exactly: nothing missed, nothing twice."""
    whole = tl.logs("MilestoneRecorded", shipmentId=travelled)
    monkeypatch.setattr(logs, "RANGE", 2)

    assert tl.logs("MilestoneRecorded", shipmentId=travelled) == whole
    assert [log["args"]["shipmentId"] for log in whole] == [travelled] * 3
