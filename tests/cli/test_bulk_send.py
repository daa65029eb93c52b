"""`Chain.send_many` (the simulator's and the benchmarks' bulk sends) on a real anvil."""

from __future__ import annotations

import pytest
from cli_kit import encoded_route

from tradelane import agreement
from tradelane.chain import connect
from tradelane.client import DAY, Tradelane
from tradelane.node import Anvil

pytestmark = pytest.mark.anvil


def test_a_burst_larger_than_a_block_is_all_mined():
    """anvil's automine mines a block when a transaction arrives, and a burst whose gas
    exceeds one block can leave its tail pending with nothing left to arrive (seen seeding
    3,000 shipments). Here the node mines nothing by itself: `send_many` mines the tail."""
    with Anvil() as node:
        tl, _ = Tradelane.deploy(connect(node.url), force=True)
        route = encoded_route(tl)
        calls = []
        for nonce in range(1, 151):  # ~290k gas each: more than a block of 36M
            offer = tl.make_offer(
                "seller", route, amount=10**15, deadline=tl.chain.now() + 60 * DAY,
                arbiter="arbiter", nonce=nonce,
            )  # fmt: skip
            args, sig = agreement.offer_call_args(offer)
            calls.append(tl.contract.functions.acceptOffer(args, sig, []))
        w3 = tl.chain.w3
        w3.provider.make_request("evm_setAutomine", [False])
        tl.chain.receipt_timeout = 20  # a stalled tail would wait this long, then fail
        receipts = tl.chain.send_many(calls, "buyer", gas=500_000, value=10**15)
        assert len(receipts) == 150 and all(r["status"] == 1 for r in receipts)
        assert len({r["blockNumber"] for r in receipts}) >= 2  # it took more than one block
        assert tl.count() == 150
        assert int(w3.provider.make_request("txpool_status", [])["result"]["pending"], 16) == 0
