"""Opening a shipment by accepting an offer: B1–B4 (A1 in test_agreement.py)."""

from shipment_kit import CODES, GRACE


def test_b1_open_with_eth_funds_escrow_and_numbers_ids(kit):
    """B1: ETH offer, msg.value == amount; ids 1, 2, …; Routed with deposited == held."""
    first = kit.open(amount=10**18)
    second = kit.open(amount=5)

    v = kit.view(first)
    assert (first, second) == (1, 2)
    assert kit.ship.functions.shipmentCount().call() == 2
    assert v["state"] == 2 and v["deposited"] == v["held"] == 10**18
    assert v["buyer"] == kit.addr("buyer") and v["seller"] == kit.addr("seller")
    assert kit.balance() == 10**18 + 5


def test_b1_open_with_wrong_eth_value_reverts(kit):
    """B1: msg.value must equal the amount."""
    with kit.reverts("WrongValue", 10**18 - 1, 10**18):
        kit.open(amount=10**18, value=10**18 - 1)


def test_b2_open_with_erc20_pulls_tokens(kit):
    """B2: the token is pulled from the buyer; deposit is what arrived."""
    before = kit.balance("MockToken")
    sid = kit.open(token="MockToken", amount=1000)

    assert kit.balance("MockToken") - before == 1000
    assert kit.view(sid)["deposited"] == 1000
    assert kit.view(sid)["token"] == kit.tokens["MockToken"].address


def test_b2_fee_on_transfer_token_records_what_arrived(kit):
    """B2/B26: a 1 % fee token deposits 990 of 1000."""
    sid = kit.open(token="FeeToken", amount=1000)

    assert kit.view(sid)["deposited"] == kit.view(sid)["held"] == 990
    assert kit.balance("FeeToken") == 990


def test_b2_erc20_order_with_eth_attached_reverts(kit):
    """B2: msg.value must be 0 for a token order."""
    with kit.reverts("WrongValue", 1, 0):
        kit.open(token="MockToken", amount=1000, value=1)


def test_b2_erc20_without_allowance_reverts(kit):
    """B2: nothing is taken without approval."""
    offer = kit.offer(token="MockToken", amount=1000)
    with kit.reverts("ERC20InsufficientAllowance"):
        kit.accept(offer, buyer="outsider")


def test_b3_invalid_offers_are_rejected(kit):
    """B3, A1: each invalid term reverts InvalidOrder(field); a tranche on a leg the route does
    not have (leg 3 of a 3-leg route) is refused (issue 13)."""
    now = kit.chain.now()
    cases = {
        b"arbiter": dict(arbiter="0x" + "00" * 20),
        b"amount": dict(amount=0),
        b"amount ": dict(token="MockToken", amount=2**96),
        b"deadline": dict(deadline=now),
        b"gracePeriod": dict(grace=GRACE + 1),
        b"destination": dict(destination=b"\0" * 5),
        b"tranches": dict(tranches=[(CODES["LOAD"], 0, 100)]),
        b"tranches ": dict(tranches=[(CODES["DEPA"], 3, 100)]),
        b"tranches  ": dict(tranches=[(CODES["DEPA"], 16, 100)]),
        b"tranches   ": dict(tranches=[(CODES["DEPA"], 0, 6000), (CODES["ARRI"], 0, 4001)]),
        b"tranches    ": dict(tranches=[(CODES["DEPA"], 0, 1)] * 9),
    }
    for field, overrides in cases.items():
        expected = field.strip().ljust(32, b"\0")
        with kit.reverts("InvalidOrder", expected):
            kit.open(**overrides)


def test_b3_tranches_up_to_full_amount_are_accepted(kit):
    """B3: 8 tranches summing to exactly 10 000 bps, on legs of the route or 255."""
    tranches = [(CODES[c], leg, 1000) for leg in range(3) for c in ("DEPA", "ARRI")]
    tranches += [(CODES["DEPA"], 255, 1000), (CODES["ARRI"], 255, 3000)]
    sid = kit.open(tranches=tranches)
    assert [tuple(t) for t in kit.view(sid)["tranches"]] == tranches


def test_b4_genesis_head_is_bound_to_chain_contract_and_id(kit):
    """B4: head₀ = bytes24(keccak256(abi.encode(chainid, contract, id)))."""
    from eth_abi import encode
    from eth_utils import keccak

    sid = kit.open()
    expected = keccak(
        encode(["uint256", "address", "uint256"], [kit.chain.chain_id, kit.ship.address, sid])
    )[:24]
    assert kit.view(sid)["head"] == expected
    assert kit.view(sid)["milestones"] == 0


def test_b4_items_root_in_order_or_committed_once(kit):
    """B4: items root at open, or once by seller/operator; never twice, never zero."""
    given = kit.open(items=b"\x01" * 32)
    assert kit.view(given)["itemsRoot"] == b"\x01" * 32
    with kit.reverts("InvalidOrder"):
        kit.send(kit.ship.functions.commitItems(given, b"\x02" * 32), "seller")

    later = kit.open()
    with kit.reverts("InvalidOrder"):
        kit.send(kit.ship.functions.commitItems(later, b"\0" * 32), "seller")
    kit.send(kit.ship.functions.setOperator(kit.addr("operator"), True), "seller")
    receipt = kit.send(kit.ship.functions.commitItems(later, b"\x03" * 32), "operator")

    assert kit.events(receipt, "ItemsCommitted")[0]["itemsRoot"] == b"\x03" * 32
    assert kit.view(later)["itemsRoot"] == b"\x03" * 32


def test_b4_commit_items_by_outsider_or_buyer_reverts(kit, opened):
    """B4/B31: only the seller or its operator."""
    for who in ("buyer", "outsider", "operator"):
        with kit.reverts("Unauthorized"):
            kit.send(kit.ship.functions.commitItems(opened, b"\x01" * 32), who)


def test_b4_commit_items_after_final_state_reverts(kit, opened):
    """B4: not once the shipment is final."""
    kit.send(kit.ship.functions.cancel(opened), "seller")
    with kit.reverts("WrongState"):
        kit.send(kit.ship.functions.commitItems(opened, b"\x01" * 32), "seller")


def test_b30_unknown_shipment_reverts(kit):
    """B30: views and actions on an id that does not exist revert UnknownShipment."""
    with kit.reverts("UnknownShipment", 7):
        kit.send(kit.ship.functions.cancel(7), "seller")
    with kit.reverts("UnknownShipment", 2**64):
        kit.send(kit.ship.functions.cancel(2**64), "seller")
