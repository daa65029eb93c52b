"""Credits from the index: `Reader.credit(payee, token)` equals the contract's
`credit(payee, token)` for every payee and token, after releases, a refund, dispute
resolutions and withdrawals in ETH and an ERC-20 (amounts past 2**63, which SQLite cannot
add), and again after a reorg removes a credit and a withdrawal. The shipment page's money
panel then reads the same figures from the index as from the chain.
"""

from __future__ import annotations

import itertools

import pytest
import story
from sqlalchemy import select

from tradelane.client import DAY, ETH
from tradelane.contracts import deploy
from tradelane.index.schema import payouts
from tradelane.model import Code, Tranche
from tradelane.web import sources

WHOLE = 10**18
PAYEES = ("buyer", "seller", "operator", "arbiter", "carrier1", "outsider")
_amounts = itertools.count(1)


def _rpc(tl, method, *params):
    return tl.chain.w3.provider.make_request(method, list(params))["result"]


def _open(tl, token: str, whole: int) -> int:
    """A routed shipment (every leg booked) of `whole` units of `token` (ETH: 18 decimals)."""
    offer = tl.make_offer(
        "seller",
        story.route(tl),
        amount=whole * WHOLE + next(_amounts),  # distinct amounts: no two openings alike
        deadline=tl.chain.now() + 60 * DAY,
        arbiter="arbiter",
        token=token,
        tranches=[Tranche.parse("DEPA:0:2000"), Tranche.parse("ARRI:last:3000")],
    )
    sid = tl.accept_offer("buyer", offer)
    story.book(tl, sid)
    return sid


def _one_block(tl, *calls) -> None:
    """Mine `calls` ((web3 call, sender) pairs) in one block, in this order (falling tips)."""
    w3 = tl.chain.w3
    _rpc(tl, "evm_setAutomine", False)
    try:
        sent = []
        for i, (call, who) in enumerate(calls):
            acct = tl.chain.account(who)
            tip = (len(calls) - i) * 10**9
            tx = call.build_transaction(
                {
                    "from": acct.address,
                    "gas": 500_000,  # not estimated: the state it runs on is not mined yet
                    "maxPriorityFeePerGas": tip,
                    "maxFeePerGas": 100 * 10**9,
                    "nonce": w3.eth.get_transaction_count(acct.address, "pending"),
                    "chainId": tl.chain.chain_id,
                }
            )
            sent.append(w3.eth.send_raw_transaction(acct.sign_transaction(tx).raw_transaction))
        _rpc(tl, "evm_mine")
    finally:
        _rpc(tl, "evm_setAutomine", True)
    receipts = [w3.eth.get_transaction_receipt(h) for h in sent]
    assert [r["status"] for r in receipts] == [1] * len(calls)
    assert len({r["blockNumber"] for r in receipts}) == 1
    order = [r["transactionIndex"] for r in receipts]
    assert order == sorted(order)


def _deliver(tl, sid: int, *, from_leg: int = 0) -> None:
    stops = story.STOPS
    for leg, (a, b) in enumerate(itertools.pairwise(stops)):
        if leg >= from_leg:
            story.act(tl, sid, leg, Code.DEPA, a)
        story.act(tl, sid, leg, Code.ARRI, b)
    story.act(tl, sid, len(stops) - 2, Code.DROP, stops[-1])


@pytest.fixture(scope="module")
def token(tl) -> str:
    """A plain ERC-20; the buyer holds a million whole tokens."""
    erc20, _ = deploy(tl.chain, "MockToken", "Test USD", "TUSD")
    tl.chain.send(erc20.functions.mint(tl.chain.address("buyer"), 10**6 * WHOLE), "deployer")
    return erc20.address


@pytest.fixture(scope="module")
def ledger(tl, token) -> dict[str, int]:
    """Every kind of credit in both tokens, withdrawals in between (payees credited again after
    withdrawing, others never withdrawing). Returns {label: shipment id}."""
    ids = {}
    # ETH, 20 units: the 20 % DEPA tranche to the seller, who withdraws it; then a receiver
    # takes the ARRI tranche and the completion, withdraws to another address, is credited again
    sid = ids["eth_completed"] = _open(tl, ETH, 20)
    story.act(tl, sid, 0, Code.DEPA, story.STOPS[0])
    tl.withdraw("seller", ETH)
    tl.set_receiver("seller", sid, tl.chain.address("operator"))
    _deliver(tl, sid, from_leg=1)
    tl.confirm("buyer", sid)
    tl.withdraw("operator", ETH, to=tl.chain.address("outsider"))
    sid = ids["eth_second_receiver"] = _open(tl, ETH, 12)
    tl.set_receiver("seller", sid, tl.chain.address("operator"))
    _deliver(tl, sid)
    tl.confirm("buyer", sid)
    # the token: a refund the buyer withdraws, then a resolution credits the buyer again
    sid = ids["token_refunded"] = _open(tl, token, 9_000)
    tl.cancel("seller", sid)
    tl.withdraw("buyer", token)
    sid = ids["token_resolved"] = _open(tl, token, 30_000)
    story.act(tl, sid, 0, Code.DEPA, story.STOPS[0])
    tl.dispute("buyer", sid)
    tl.resolve("arbiter", sid, tl.view(sid)["held"] // 3)
    # ETH: a resolution all to the buyer (the seller side credits nothing), never withdrawn
    sid = ids["eth_resolved"] = _open(tl, ETH, 15)
    tl.dispute("seller", sid)
    tl.resolve("arbiter", sid, tl.view(sid)["held"])
    ids["eth_disputed"] = sid = _open(tl, ETH, 3)
    tl.dispute("buyer", sid)
    return ids


def _credits(client, tl, token) -> dict[tuple[str, str], int]:
    """Every payee's credit in ETH and `token`, as `client` reads it (index or chain)."""
    read = client.index.credit if client.index is not None else client.credit
    return {
        (who, coin): read(tl.chain.address(who), coin) for who in PAYEES for coin in (ETH, token)
    }


def test_the_index_credit_is_the_contracts_for_every_payee_and_token(
    ledger, tl, token, indexed, chain_client
):
    client, ix = indexed
    ix.sync()
    on_chain = _credits(chain_client, tl, token)
    assert _credits(client, tl, token) == on_chain
    # the ledger is not trivial: credits in both tokens, above 2**63, after a withdrawal
    assert on_chain[("buyer", token)] > 2**63 and on_chain[("buyer", ETH)] > 2**63
    assert on_chain[("operator", ETH)] > 0 and on_chain[("seller", ETH)] == 0
    assert on_chain[("seller", token)] > 0 and on_chain[("outsider", ETH)] == 0
    with ix.store.engine.connect() as conn:
        kinds = {r.kind for r in conn.execute(select(payouts.c.kind)).all()}
    assert kinds == {"tranche", "completed", "refunded", "resolved", "withdrawn"}


def test_the_shipment_page_reads_the_same_from_the_index_as_from_the_chain(
    ledger, states, tl, indexed, chain_client
):
    """The money panel's terms, who opened a dispute and the bookings still pending: the
    page's reads besides the status, from the index (no node call) and from the chain."""
    client, ix = indexed
    ix.sync()
    seen = set()
    for sid in (*ledger.values(), *states.values()):
        status = client.status(sid, with_history=False)
        for read in (sources.terms, sources.disputer, sources.pending_bookings):
            found = read(client, status)
            assert found == read(chain_client, status), (sid, read.__name__)
            seen.add((read.__name__, bool(found)))
    assert ("disputer", True) in seen and ("pending_bookings", True) in seen


def test_after_a_reorg_that_removes_a_credit_and_a_withdrawal_the_credit_is_the_chains(
    ledger, tl, token, indexed, chain_client
):
    client, ix = indexed
    sid = _open(tl, ETH, 7)
    _deliver(tl, sid)
    ix.sync()
    snapshot = _rpc(tl, "evm_snapshot")
    tl.confirm("buyer", sid)  # a credit to the seller ...
    tl.withdraw("buyer", token)  # ... and a withdrawal, both to be undone
    ix.sync()
    abandoned = _credits(chain_client, tl, token)
    assert _credits(client, tl, token) == abandoned
    assert _rpc(tl, "evm_revert", snapshot)
    story.traffic(tl, 3, salt=3)  # other transactions, one block more than were undone
    report = ix.sync()
    assert report.reorgs == 1 and report.rolled_back >= 2
    on_chain = _credits(chain_client, tl, token)
    assert on_chain != abandoned  # the reorg did change what is owed
    assert _credits(client, tl, token) == on_chain


def test_a_credit_and_a_withdrawal_in_one_block_count_in_log_order(
    ledger, tl, token, indexed, chain_client
):
    """Several transactions per block, as on a public chain: a credit mined just before the
    payee's withdrawal is taken by it; one mined just after is owed."""
    client, ix = indexed
    f = tl.contract.functions
    seller, buyer = (tl.chain.address(who) for who in ("seller", "buyer"))
    delivered, routed = _open(tl, ETH, 4), _open(tl, ETH, 5)
    _deliver(tl, delivered)
    assert chain_client.credit(buyer, ETH) > 0
    _one_block(
        tl,
        (f.confirmDelivery(delivered), "buyer"),  # credits the seller, who then withdraws it all
        (f.withdraw(ETH, seller), "seller"),
        (f.withdraw(ETH, buyer), "buyer"),  # the buyer withdraws, then is refunded again
        (f.cancel(routed), "seller"),
    )
    ix.sync()
    assert chain_client.credit(seller, ETH) == 0
    assert chain_client.credit(buyer, ETH) == tl.view(routed)["refunded"] > 0
    assert _credits(client, tl, token) == _credits(chain_client, tl, token)


def test_hostile_tokens_and_a_refused_payout_leave_the_index_equal_to_the_chain(
    ledger, tl, indexed, chain_client
):
    """A fee-on-transfer token (credited what arrived, withdrawn less a fee), a rebasing one
    (balances grow, credits do not), and a withdrawal to a receiver that refuses ETH, mined
    and reverted (no log, the credit intact)."""
    client, ix = indexed
    fee, _ = deploy(tl.chain, "FeeToken")
    rebasing, _ = deploy(tl.chain, "RebaseToken")
    hostile, _ = deploy(tl.chain, "HostileReceiver")
    for coin in (fee, rebasing):
        tl.chain.send(coin.functions.mint(tl.chain.address("buyer"), 10**6 * WHOLE), "deployer")
    sid = _open(tl, fee.address, 1_000)
    _deliver(tl, sid)
    tl.confirm("buyer", sid)
    tl.withdraw("seller", fee.address)
    later = _open(tl, fee.address, 2_000)  # its DEPA tranche is credited, never withdrawn
    story.act(tl, later, 0, Code.DEPA, story.STOPS[0])
    tl.cancel("seller", _open(tl, rebasing.address, 500))
    tl.chain.send(rebasing.functions.rebase(500), "deployer")
    tl.chain.send(hostile.functions.setMode(1, tl.address), "deployer")
    refused = tl.contract.functions.withdraw(ETH, hostile.address)
    with pytest.raises(Exception, match="reverted on chain"):
        tl.chain.send(refused, "buyer", gas=200_000)  # mined, reverted: not estimated
    ix.sync()
    coins = (fee.address, rebasing.address, ETH)
    for who in PAYEES:
        address = tl.chain.address(who)
        for coin in coins:
            assert client.index.credit(address, coin) == chain_client.credit(address, coin)
    seller, buyer = tl.chain.address("seller"), tl.chain.address("buyer")
    assert chain_client.credit(seller, fee.address) == tl.view(later)["released"] > 0
    assert chain_client.credit(buyer, ETH) > 0  # the refused payout took nothing
    assert chain_client.credit(buyer, rebasing.address) > 0
