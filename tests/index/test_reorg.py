"""Reorganisations while following: after reorgs of depth 1, 3 and 10 the index equals one
built from scratch, and a reorg that happens while a range is read is caught too.

anvil's snapshot/revert plays the reorg: blocks are mined and indexed, the chain is put back
`depth` blocks, and different transactions are mined in their place (one block longer).
"""

from __future__ import annotations

import threading
import time

import pytest
import story
from index_kit import dump, fresh_dump
from sqlalchemy import select

from tradelane.index.schema import cursors


def _rpc(tl, method, *params):
    return tl.chain.w3.provider.make_request(method, list(params))["result"]


@pytest.mark.parametrize("depth", [1, 3, 10])
def test_after_a_reorg_the_index_equals_a_fresh_one(states, tl, indexed, fresh_url, depth):
    client, ix = indexed
    ix.sync()
    fork = tl.chain.w3.eth.block_number
    snapshot = _rpc(tl, "evm_snapshot")
    story.traffic(tl, depth)
    assert ix.sync().logs > 0
    assert _rpc(tl, "evm_revert", snapshot)
    assert tl.chain.w3.eth.block_number == fork
    story.traffic(tl, depth + 1, salt=1)  # other transactions, one block more
    report = ix.sync()
    assert report.reorgs == 1 and report.rolled_back >= depth
    assert dump(ix.store, tl.chain.chain_id, tl.address) == fresh_dump(tl, fresh_url)
    with ix.store.engine.connect() as conn:
        assert conn.execute(select(cursors.c.reorgs)).scalar_one() == 1


def test_reorgs_while_following_in_the_background(states, tl, indexed, fresh_url):
    client, ix = indexed
    ix.follow_in_background(poll=0.05)
    for depth in (1, 3, 10):
        snapshot = _rpc(tl, "evm_snapshot")
        story.traffic(tl, depth, salt=depth)
        time.sleep(0.3)
        _rpc(tl, "evm_revert", snapshot)
        story.traffic(tl, depth + 1, salt=depth + 1)
    head = tl.chain.w3.eth.block_number
    deadline = time.monotonic() + 30
    while ix.reader.freshness().block != head and time.monotonic() < deadline:
        time.sleep(0.05)
    ix.stop()
    assert ix.reader.freshness().block == head
    assert ix.reader.freshness().reorgs >= 1
    assert dump(ix.store, tl.chain.chain_id, tl.address) == fresh_dump(tl, fresh_url)


def test_a_reorg_under_a_range_being_read_is_read_again(states, tl, indexed, fresh_url):
    """The chain changes between reading a range's logs and its headers: nothing of the
    abandoned blocks is stored."""
    client, ix = indexed
    ix.sync()
    snapshot = _rpc(tl, "evm_snapshot")
    story.traffic(tl, 3)
    rpc = ix.follower.rpc
    real = rpc.headers
    swapped = threading.Event()

    def headers(numbers):
        if not swapped.is_set():
            swapped.set()
            _rpc(tl, "evm_revert", snapshot)
            story.traffic(tl, 4, salt=2)
        return real(numbers)

    rpc.headers = headers
    try:
        ix.sync()
    finally:
        rpc.headers = real
    assert swapped.is_set()
    assert dump(ix.store, tl.chain.chain_id, tl.address) == fresh_dump(tl, fresh_url)
