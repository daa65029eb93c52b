"""Pull payments and hostile parties: B24–B26."""

from eth_utils import function_signature_to_4byte_selector as selector
from shipment_kit import ETH

from tradelane.contracts import deploy

ONE = 10**18


def test_b24_withdraw_sends_whole_credit_to_chosen_address(kit, routed):
    """B24: credit zeroed, sent to `to`, Withdrawn emitted; second withdraw has nothing."""
    kit.send(kit.ship.functions.confirmDelivery(routed), "buyer")
    before = kit.balance(who=kit.addr("outsider"))
    receipt = kit.send(kit.ship.functions.withdraw(ETH, kit.addr("outsider")), "seller")

    assert kit.events(receipt, "Withdrawn")[0]["amount"] == ONE
    assert kit.balance(who=kit.addr("outsider")) - before == ONE and kit.credit("seller") == 0
    with kit.reverts("NothingToWithdraw", kit.addr("seller"), ETH):
        kit.send(kit.ship.functions.withdraw(ETH, kit.addr("seller")), "seller")


def test_b24_withdraw_erc20(kit):
    """B24: token credits withdraw through SafeERC20."""
    sid = kit.open(token="MockToken", amount=1000)
    kit.send(kit.ship.functions.cancel(sid), "seller")
    before = kit.balance("MockToken", kit.addr("buyer"))
    kit.send(kit.ship.functions.withdraw(kit.token("MockToken"), kit.addr("buyer")), "buyer")
    assert (
        kit.balance("MockToken", kit.addr("buyer")) - before == 1000
        and kit.balance("MockToken") == 0
    )


def test_b25_withdraw_to_zero_address_reverts_and_keeps_credit(kit, opened):
    """B25: ETH to address(0) is refused; the credit stays."""
    kit.send(kit.ship.functions.cancel(opened), "seller")
    with kit.reverts("EthTransferFailed"):
        kit.send(kit.ship.functions.withdraw(ETH, ETH), "buyer")
    assert kit.credit("buyer") == ONE


def _hostile(kit, mode):
    receiver, _ = deploy(kit.chain, "HostileReceiver")
    kit.send(receiver.functions.setMode(mode, kit.ship.address), "deployer")
    return receiver


def _as(kit, receiver, fn, sender="deployer", value=0):
    data = fn._encode_transaction_data()
    return kit.send(receiver.functions.exec(kit.ship.address, data), sender, value=value)


def test_b25_reverting_receiver_keeps_its_credit_and_blocks_nobody(kit):
    """B25: a receiver contract rejecting ETH cannot withdraw to itself; others are unaffected."""
    bad = _hostile(kit, 1)
    sid = kit.open()
    kit.send(kit.ship.functions.setReceiver(sid, bad.address), "seller")
    receipt = kit.send(kit.ship.functions.cancel(sid), "seller")
    assert receipt["status"] == 1 and kit.credit("buyer") == ONE
    kit.send(kit.ship.functions.withdraw(ETH, kit.addr("buyer")), "buyer")  # buyer unaffected

    other = kit.open()
    kit.send(kit.ship.functions.setReceiver(other, bad.address), "seller")
    kit.send(kit.ship.functions.openDispute(other), "seller")
    kit.send(kit.ship.functions.resolveDispute(other, 0), "arbiter")
    with kit.reverts("EthTransferFailed", bad.address, ONE):
        _as(kit, bad, kit.ship.functions.withdraw(ETH, bad.address))
    assert kit.credit(bad.address) == ONE
    _as(kit, bad, kit.ship.functions.withdraw(ETH, kit.addr("outsider")))  # elsewhere works
    assert kit.credit(bad.address) == 0 and kit.balance() == 0


def test_b25_reentrant_receiver_gets_nothing_more(kit):
    """B25: re-entering withdraw from receive() is refused; exactly the credit leaves."""
    evil = _hostile(kit, 2)
    sid = kit.open()
    kit.send(kit.ship.functions.setReceiver(sid, evil.address), "seller")
    kit.send(kit.ship.functions.openDispute(sid), "seller")
    kit.send(kit.ship.functions.resolveDispute(sid, 0), "arbiter")
    kit.open()  # someone else's escrow sits in the contract too

    _as(kit, evil, kit.ship.functions.withdraw(ETH, evil.address))
    assert evil.functions.reentered().call() is False
    err = evil.functions.reentryError().call()
    assert err[:4] == selector("ReentrancyGuardReentrantCall()")
    assert kit.balance(who=evil.address) == ONE and kit.balance() == ONE


def test_b26_no_return_token_works(kit):
    """B26: a USDT-style token (no return data) deposits, refunds and withdraws."""
    sid = kit.open(token="NoReturnToken", amount=777)
    kit.send(kit.ship.functions.cancel(sid), "seller")
    kit.send(kit.ship.functions.withdraw(kit.token("NoReturnToken"), kit.addr("buyer")), "buyer")
    assert kit.balance("NoReturnToken") == 0


def test_b26_fee_token_stays_accounted(kit):
    """B26: what arrived is what is held and paid; the contract never owes more than it has."""
    sid = kit.open(token="FeeToken", amount=10_000)
    kit.deliver(sid)
    kit.send(kit.ship.functions.confirmDelivery(sid), "buyer")
    assert kit.credit("seller", "FeeToken") == kit.balance("FeeToken") == 9_900
    kit.send(kit.ship.functions.withdraw(kit.token("FeeToken"), kit.addr("seller")), "seller")
    assert kit.balance("FeeToken") == 0


def test_b26_blacklisted_seller_withdraws_elsewhere(kit):
    """B26: blacklisting the seller blocks only its own address; credit intact; receiver works."""
    token = kit.tokens["BlacklistToken"]
    sid = kit.open(token="BlacklistToken", amount=5000)
    kit.send(kit.ship.functions.cancel(sid), "seller")  # buyer's refund, unaffected later
    paid = kit.open(token="BlacklistToken", amount=5000)
    kit.send(kit.ship.functions.confirmDelivery(paid), "buyer")
    kit.send(token.functions.setBlacklisted(kit.addr("seller"), True), "deployer")

    with kit.reverts("Blacklisted"):
        kit.send(kit.ship.functions.withdraw(token.address, kit.addr("seller")), "seller")
    assert kit.credit("seller", "BlacklistToken") == 5000
    kit.send(kit.ship.functions.withdraw(token.address, kit.addr("relayer")), "seller")
    kit.send(kit.ship.functions.withdraw(token.address, kit.addr("buyer")), "buyer")
    assert kit.balance("BlacklistToken", kit.addr("relayer")) == 10**30 + 5000
    assert kit.balance("BlacklistToken") == 0
