"""Each attack of issue 12 that a command-line user could try ends in one clear line.

Every party runs with its own home and keystore (tests/cli/homes.py). A hostile party may
also use the library directly with its own key (crafting documents); what it cannot do is
make an honest party's command accept them. Each refusal: exit 1, exactly one `error:`
line naming the problem, and nothing sent (the actor's nonce is unchanged).
"""

from __future__ import annotations

import json

import pytest
from homes import make_party

from routing.encode import EncodedRoute, route_hash
from tradelane import agreement
from tradelane.client import DAY

HOUR = 3_600


@pytest.fixture(scope="module")
def co(anvil, deployed, home, tl, tmp_path_factory):
    """The companies: acme (buyer), rival (another buyer), lotus (seller), three carriers,
    the arbiter."""
    root = tmp_path_factory.mktemp("attacks")
    names = ("acme", "rival", "lotus", "k1", "k2", "k3", "arb")
    return {
        n: make_party(n, root, anvil.url, home / "deployments.json", tl.chain.w3) for n in names
    }


def route(tl, carriers) -> EncodedRoute:
    """CNSHA → SGSIN → NLRTM → DEDUI, one leg per carrier, 5 days each, from tomorrow."""
    stops = ("CNSHA", "SGSIN", "NLRTM", "DEDUI")
    start = tl.chain.now() + DAY
    legs = []
    for i, carrier in enumerate(carriers):
        dep = start + i * 6 * DAY
        legs.append((stops[i].encode(), stops[i + 1].encode(), 0, carrier, dep, dep + 5 * DAY, 0))
    return EncodedRoute(legs=legs, route_hash=route_hash(legs), network_hash=bytes(32))


def offer_to(tl, co, recipient, name: str, *, carriers=None, buyer="acme", **terms):
    """An offer the seller signs with its own key (as `tradelane offer make` does), mailed
    into `recipient`'s home; returns its path there."""
    lotus = co["lotus"]
    carriers = carriers or [co[k].address for k in ("k1", "k2", "k3")]
    encoded = route(tl, carriers)
    document = tl.make_offer(
        lotus.account(),
        encoded,
        amount=terms.pop("amount", 10**17),
        deadline=encoded.legs[-1][5] + 7 * DAY,
        arbiter=terms.pop("arbiter", co["arb"].address),
        buyer=co[buyer].address if buyer else None,
        **terms,
    )
    path = recipient.home / f"{name}.json"
    agreement.write(document, path)
    return path


def refused(result, *fragments: str) -> str:
    """Exit 1 and exactly one line of output, `error: …`, naming each fragment."""
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def nonce(tl, party) -> int:
    return tl.chain.w3.eth.get_transaction_count(party.address)


# -- a seller naming itself (or the buyer) where it must not ----------------------------------


def test_the_seller_cannot_offer_to_carry_a_leg_itself(co):
    lotus = co["lotus"]
    route_json = json.loads(lotus.run("route", "CNSHA", "NLRTM", "--json").stdout)
    first = route_json["routes"][0]["legs"][0]["carrier"]
    target = lotus.home / "self-carried.json"

    result = lotus.run("offer", "make", "CNSHA", "NLRTM", "--amount", "1", "--arbiter",
                       co["arb"].address, "--carrier", f"{first}={lotus.address}",
                       "-o", target, *lotus.key, ok=False)  # fmt: skip

    refused(result, "is also the seller", lotus.address)
    assert not target.exists()


def test_the_seller_cannot_make_the_buyer_its_arbiter(co):
    lotus, acme = co["lotus"], co["acme"]

    result = lotus.run("offer", "make", "CNSHA", "NLRTM", "--amount", "1", "--buyer",
                       acme.address, "--arbiter", acme.address, "-o", lotus.home / "x.json",
                       *lotus.key, ok=False)  # fmt: skip

    refused(result, "the arbiter", "is also the buyer")


def test_a_buyer_refuses_an_offer_whose_seller_carries_a_leg(co, tl):
    acme, lotus = co["acme"], co["lotus"]
    path = offer_to(tl, co, acme, "hostile", carriers=[co["k1"].address, lotus.address])
    before = nonce(tl, acme)

    shown = acme.run("offer", "inspect", path, *acme.key, ok=False)
    result = acme.run("accept", path, *acme.key, ok=False)

    assert shown.exit_code == 1 and "acceptable: NO" in shown.stdout
    refused(result, f"offer {path} refused", "is also a party")
    assert nonce(tl, acme) == before


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("amount", "1", "refused"),  # a cheaper price than the seller signed
        ("arbiter", "rival", "refused"),  # the buyer's own arbiter slipped in
        ("chain_id", 1, "is for chain 1, but this is chain 31337"),
        ("contract", "0x" + "11" * 20, "is for contract 0x1111"),
    ],
)
def test_an_edited_offer_is_refused(co, tl, field, value, named):
    acme = co["acme"]
    path = offer_to(tl, co, acme, f"edited-{field}")
    document = json.loads(path.read_text())
    if field in ("amount", "arbiter"):
        document["terms"][field] = co[value].address if field == "arbiter" else value
    else:
        document[field] = value
    path.write_text(json.dumps(document))
    before = nonce(tl, acme)

    refused(acme.run("accept", path, *acme.key, ok=False), named)
    assert nonce(tl, acme) == before


def test_an_expired_or_revoked_offer_is_refused(co, tl):
    acme, lotus = co["acme"], co["lotus"]
    expiring = offer_to(tl, co, acme, "expiring", valid_for=HOUR)
    revoked = offer_to(tl, co, lotus, "revoked")
    lotus.run("offer", "revoke", revoked, *lotus.key)
    again = lotus.run("offer", "revoke", revoked, *lotus.key)
    (acme.home / "revoked.json").write_text(revoked.read_text())
    tl.chain.advance(2 * HOUR)

    refused(acme.run("accept", expiring, *acme.key, ok=False), "expired on")
    refused(acme.run("accept", acme.home / "revoked.json", *acme.key, ok=False), "revoked")
    assert "already revoked; nothing sent" in again.stdout


def test_an_offer_is_used_once_and_a_rerun_sends_nothing(co, tl):
    acme, rival = co["acme"], co["rival"]
    path = offer_to(tl, co, acme, "anyone", buyer=None)
    (rival.home / "anyone.json").write_text(path.read_text())

    sid = int(acme.run("accept", path, *acme.key).stdout.strip())
    before = nonce(tl, acme)
    rerun = acme.run("accept", path, *acme.key)
    other = rival.run("accept", rival.home / "anyone.json", *rival.key, ok=False)

    assert rerun.stdout.strip() == str(sid) and "nothing sent" in rerun.output
    assert nonce(tl, acme) == before
    refused(other, "already accepted by another buyer", f"shipment {sid}")


def test_an_offer_for_another_buyer_is_refused(co, tl):
    rival = co["rival"]
    path = offer_to(tl, co, rival, "for-acme")  # the offer names acme

    refused(rival.run("accept", path, *rival.key, ok=False), "for buyer")


# -- carriers ----------------------------------------------------------------------------------


def test_a_carrier_books_only_its_own_leg(co, tl):
    k2 = co["k2"]
    path = offer_to(tl, co, k2, "to-book")

    result = k2.run("book", path, "--leg", 0, "-o", k2.home / "b.json", *k2.key, ok=False)

    refused(result, "leg 0 of offer", "not by you", k2.address)
    assert not (k2.home / "b.json").exists()


def test_an_unbooked_carrier_moves_no_money_until_it_confirms(co, tl):
    acme, k1 = co["acme"], co["k1"]
    sid = int(acme.run("accept", offer_to(tl, co, acme, "unbooked"), *acme.key).stdout.strip())
    tl.chain.advance(HOUR)

    early = k1.run("milestone", sid, "DEPA", *k1.key, ok=False)
    k1.run("book", sid, *k1.key)
    again = k1.run("book", sid, "--leg", 0, *k1.key)
    k1.run("milestone", sid, "DEPA", *k1.key)

    refused(early, "has not confirmed its booking yet", "tradelane book")
    assert "already confirmed; nothing sent" in again.stdout
    assert tl.view(sid)["milestones"] == 1


# -- amendments and receivers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def underway(co, tl):
    """A shipment accepted with every leg booked, on leg 1 (leg 0 done)."""
    acme = co["acme"]
    path = offer_to(tl, co, acme, "underway")
    document = json.loads(path.read_text())
    bookings = []
    for leg, k in enumerate(("k1", "k2", "k3")):
        b = acme.home / f"underway-{leg}.json"
        agreement.write(tl.sign_booking(co[k].account(), document, leg), b)
        bookings += ["--booking", b]
    sid = int(acme.run("accept", path, *bookings, *acme.key).stdout.strip())
    tl.chain.advance(HOUR)
    co["k1"].run("milestone", sid, "DEPA", *co["k1"].key)
    for carrier, code in (("k1", "ARRI"), ("k2", "DEPA")):
        tl.chain.advance(HOUR)
        co[carrier].run("milestone", sid, code, *co[carrier].key)
    return sid


def test_an_amendment_needs_both_signatures_and_only_theirs(co, tl, underway):
    acme, lotus, rival = co["acme"], co["lotus"], co["rival"]
    path = acme.home / "swap.json"
    acme.run("amend", "propose", underway, "--replace-carrier", f"2={co['k1'].address}",
             "-o", path, *acme.key)  # fmt: skip
    (rival.home / "swap.json").write_text(path.read_text())
    before = nonce(tl, acme)

    refused(acme.run("amend", "send", path, *acme.key, ok=False), "needs the seller's signature")
    refused(rival.run("amend", "sign", rival.home / "swap.json", *rival.key, ok=False),
            "neither the buyer nor the seller")  # fmt: skip
    finished = lotus.run("amend", "propose", underway, "--replace-carrier",
                         f"0={co['k2'].address}", "-o", lotus.home / "late.json", *lotus.key,
                         ok=False)  # fmt: skip
    refused(finished, "leg 0 is finished")
    assert nonce(tl, acme) == before


def test_the_receiver_is_never_the_contract_the_arbiter_or_a_carrier(co, tl, underway):
    lotus, acme = co["lotus"], co["acme"]
    before = nonce(tl, lotus)

    for who, named in ((tl.address, "contract itself"), (co["arb"].address, "arbiter"),
                       (co["k3"].address, "carries leg 2")):  # fmt: skip
        refused(lotus.run("receiver", underway, who, *lotus.key, ok=False), named)
    refused(acme.run("receiver", underway, acme.address, *acme.key, ok=False), "only the seller")
    assert nonce(tl, lotus) == before
    lotus.run("receiver", underway, co["rival"].address, *lotus.key)
    assert "nothing sent" in lotus.run("receiver", underway, co["rival"].address, *lotus.key).stdout


def test_no_receiver_change_and_no_arbiter_outside_its_dispute(co, tl, underway):
    lotus, arb, acme = co["lotus"], co["arb"], co["acme"]

    outside = arb.run("resolve", underway, "--to-buyer", "100%", *arb.key, ok=False)
    assert outside.exit_code == 1 and "Traceback" not in outside.output
    assert outside.output.splitlines()[-1].startswith("error: shipment")
    acme.run("dispute", underway, *acme.key)
    refused(lotus.run("receiver", underway, "seller", *lotus.key, ok=False), "disputed")


# -- files ---------------------------------------------------------------------------------------


def test_bad_files_are_one_line(co, tl, tmp_path):
    acme = co["acme"]
    (tmp_path / "not.json").write_text("{ nope")
    booking_as_offer = tmp_path / "booking.json"
    booking_as_offer.write_text(json.dumps({"format": agreement.BOOKING_FORMAT}))

    refused(acme.run("accept", tmp_path / "missing.json", *acme.key, ok=False), "does not exist")
    refused(acme.run("accept", tmp_path / "not.json", *acme.key, ok=False), "is not JSON")
    refused(acme.run("offer", "inspect", booking_as_offer, ok=False), "not a Tradelane offer")
    refused(co["lotus"].run("offer", "make", "CNSHA", "NLRTM", "--amount", "1", "--arbiter",
                            co["arb"].address, "-o", tmp_path / "no" / "offer.json", ok=False),
            "does not exist; create it first")  # fmt: skip


def test_an_offer_travels_as_json_on_stdout_and_stdin(co, tl):
    lotus, acme = co["lotus"], co["acme"]
    arbiter = co["arb"].address

    made = lotus.run("offer", "make", "CNSHA", "NLRTM", "--amount", "0.1", "--arbiter", arbiter,
                     "--carrier", f"Meridian Container Line={co['k2'].address}",
                     "--carrier", f"Boreal Ocean Carriers={co['k2'].address}",
                     "-o", "-", *lotus.key)  # fmt: skip
    shown = acme.run("offer", "inspect", "-", "--json", input=made.stdout)

    document = json.loads(made.stdout)
    report = json.loads(shown.stdout)
    assert document["format"] == agreement.OFFER_FORMAT and document["signer"] == lotus.address
    assert report["digest"] == document["digest"] and report["acceptable"] is True
    assert report["terms"]["arbiter"] == arbiter and report["status"] == "open"
    assert [o["digest"] for o in lotus.json("offers")].count(document["digest"]) == 1


def test_offers_from_one_home_take_sequential_nonces(co, tl):
    """A seller's offers share the contract's used-nonce words 256 at a time: `offer make`
    numbers them one after another (past any used on chain), so acceptance pays for a fresh
    word once per 256 offers rather than on every offer."""
    lotus = co["lotus"]
    arbiter = co["arb"].address

    def make() -> int:
        made = lotus.run("offer", "make", "CNSHA", "NLRTM", "--amount", "0.1", "--arbiter",
                         arbiter, "--carrier", f"Meridian Container Line={co['k2'].address}",
                         "--carrier", f"Boreal Ocean Carriers={co['k2'].address}",
                         "-o", "-", *lotus.key)  # fmt: skip
        return int(json.loads(made.stdout)["terms"]["nonce"])

    first, second = make(), make()

    assert second == first + 1
    assert first < 256  # not a random 64-bit nonce
