"""Offer to withdrawal between six companies that share only the chain and files.

Buyer, seller, three carriers and the arbiter each run `tradelane` with their own
TRADELANE_HOME, keystore and address book. Files travel between them by copy (as they
would by e-mail). On the way: a mid-voyage re-route round the Cape of Good Hope instead of
through Bab-el-Mandeb, signed by both, and a silent carrier replaced.
"""

from __future__ import annotations

import json
import shutil

import pytest
from homes import Party, make_party

from routing.encode import decode_legs
from tradelane.agreement import legs_from_json

HOUR = 3_600


@pytest.fixture(scope="module")
def world(anvil, deployed, home, tl, tmp_path_factory):
    root = tmp_path_factory.mktemp("world")
    names = ("acme", "lotus", "feeder", "ocean", "trucks", "arbiter")
    parties = {
        n: make_party(n, root, anvil.url, home / "deployments.json", tl.chain.w3) for n in names
    }
    return parties


def mail(path, sender: Party, recipient: Party):
    """A file sent from one company to another: a copy into the recipient's home."""
    assert path.parent == sender.home
    target = recipient.home / path.name
    shutil.copy(path, target)
    return target


def carrier_names(party: Party, origin: str, destination: str, *args) -> list[str]:
    """The carrier of each leg routing proposes first (the names its network uses)."""
    data = json.loads(party.run("route", origin, destination, *args, "--json").stdout)
    return [leg["carrier"] for leg in data["routes"][0]["legs"]]


def test_offer_to_withdrawal_with_a_reroute_and_a_replaced_carrier(world, tl):
    acme, lotus = world["acme"], world["lotus"]
    feeder, ocean, trucks, arbiter = (world[n] for n in ("feeder", "ocean", "trucks", "arbiter"))
    w3 = tl.chain.w3

    # -- address books: each company writes down whom it knows -------------------------------
    names = carrier_names(lotus, "CNNKG", "DEDUI")
    assert len(names) == 3 and len(set(names)) == 3, names  # feeder, ocean, road haulage
    carriers = dict(zip(names, (feeder, ocean, trucks), strict=True))
    for name, company in carriers.items():
        lotus.knows(company, name, "carrier")
    lotus.knows(acme, "Acme Imports", "buyer")
    lotus.knows(arbiter, "Lisbon Trade Arbitration", "arbiter")
    acme.knows(lotus, "Lotus Export Shanghai", "seller")
    acme.knows(arbiter, "Lisbon Trade Arbitration", "arbiter")
    acme.knows(ocean, names[1], "carrier")  # the buyer knows the ocean line, not the others

    # -- the seller offers; the carriers confirm their legs; the buyer inspects and accepts ---
    lotus.run("offer", "make", "CNNKG", "DEDUI", "--amount", "2", "--buyer", "Acme Imports",
              "--arbiter", "Lisbon Trade Arbitration", "--tranche", "DEPA:1:3000",
              "--tranche", "ARRI:1:3000", "-o", lotus.home / "offer.json", *lotus.key)  # fmt: skip
    bookings = []
    for leg, company in enumerate((feeder, ocean)):  # the trucker does not answer
        offer = mail(lotus.home / "offer.json", lotus, company)
        booking = company.home / f"leg{leg}.json"
        company.run("book", offer, "--leg", leg, "-o", booking, *company.key)
        bookings += ["--booking", mail(booking, company, acme)]
    offer = mail(lotus.home / "offer.json", lotus, acme)

    shown = acme.run("offer", "inspect", offer, *bookings, *acme.key).stdout
    words = " ".join(shown.split())
    assert "Lotus Export Shanghai (seller)" in shown
    assert "Lisbon Trade Arbitration (arbiter)" in shown
    assert f"{names[1]} (carrier)" in shown  # the one carrier the buyer knows
    for company, name in ((feeder, names[0]), (trucks, names[2])):  # unknown: only a claim
        claim = f"⚠ {company.address} is not in your address book; the seller calls it"
        assert f"{claim} '{name} (carrier)'" in words
    assert "carriers booked │ leg 0, leg 1" in words
    assert "acceptable: yes" in shown
    before = w3.eth.get_balance(acme.address)
    sid = int(acme.run("accept", offer, *bookings, *acme.key).stdout.strip().splitlines()[-1])
    assert before - w3.eth.get_balance(acme.address) >= 2 * 10**18
    assert acme.run("accept", offer, *bookings, *acme.key).stdout.strip() == str(sid)  # no twice
    listed = lotus.json("offers")
    assert [(o["status"], o["shipment_id"]) for o in listed] == [("accepted", sid)]

    def report(company: Party, code: str, leg: int) -> None:
        """The carrier reports with the plain command line (leg and place from the chain);
        the feeder's DEPA of the last leg reads exactly like its DEPA of leg 0."""
        tl.chain.advance(6 * HOUR)
        company.run("milestone", sid, code, *company.key)
        assert tl.history(sid)[-1].milestone.leg == leg

    # -- leg 0 by the feeder; the ocean line departs (30 % released) --------------------------
    report(feeder, "DEPA", 0)
    report(feeder, "ARRI", 0)
    report(ocean, "DEPA", 1)
    assert acme.json("status", sid)["released"] == str(6 * 10**17)

    # -- Red Sea closes mid-voyage: the buyer proposes going round the Cape --------------------
    cape = carrier_names(acme, "CNSHA", "DEDUI", "--avoid-passage", "babalmandab")
    mapping = [f"{cape[0]}={ocean.address}"] + [f"{n}={trucks.address}" for n in cape[1:]]
    acme.run("amend", "propose", sid, "--avoid-passage", "babalmandab", "-o",
             acme.home / "cape.json", *sum((["--carrier", m] for m in mapping), []),
             *acme.key)  # fmt: skip
    cape_file = mail(acme.home / "cape.json", acme, lotus)
    lotus.run("amend", "sign", cape_file, *lotus.key)
    signed = mail(cape_file, lotus, ocean)
    ocean.run("book", signed, "--leg", 1, "-o", ocean.home / "cape-leg1.json", *ocean.key)
    signed = mail(cape_file, lotus, acme)
    acme.run("amend", "send", signed, "--booking",
             mail(ocean.home / "cape-leg1.json", ocean, acme), *acme.key)  # fmt: skip
    legs = decode_legs([tuple(leg) for leg in tl.view(sid)["legs"]])
    assert all("babalmandab" not in leg["passages"] for leg in legs[1:])
    assert "babalmandab" in decode_legs(json_legs(offer))[1]["passages"]  # the route agreed first
    assert [leg["carrier"] for leg in legs[:2]] == [feeder.address, ocean.address]

    report(ocean, "ARRI", 1)  # at the Cape route's port: 30 % more
    assert acme.json("status", sid)["released"] == str(12 * 10**17)

    # -- the trucker never confirmed and stays silent: the seller hands its leg to the feeder --
    last = len(legs) - 1
    silent = trucks.run("milestone", sid, "DEPA", "--leg", last, *trucks.key, ok=False)
    assert silent.exit_code == 1 and silent.output.startswith("error: ")
    lotus.run("amend", "propose", sid, "--replace-carrier", f"{last}={feeder.address}",
              "-o", lotus.home / "replace.json", *lotus.key)  # fmt: skip
    acme.run("amend", "sign", mail(lotus.home / "replace.json", lotus, acme), *acme.key)
    both = mail(acme.home / "replace.json", acme, feeder)
    feeder.run("book", both, "--leg", last, "-o", feeder.home / "last.json", *feeder.key)
    feeder.run("amend", "send", both, "--booking", feeder.home / "last.json", *feeder.key)
    for code in ("DEPA", "ARRI", "DROP"):
        report(feeder, code, last)

    # -- delivered: the buyer confirms, the seller withdraws --------------------------------
    status = acme.json("status", sid)
    assert status["state"] == "delivered"
    assert status["history_verified"] is True
    assert [m["code"] for m in status["milestones"]] == [
        "DEPA", "ARRI", "DEPA", "ARRI", "DEPA", "ARRI", "DROP"
    ]  # fmt: skip
    refused = arbiter.run("resolve", sid, "--to-buyer", "100%", *arbiter.key, ok=False)
    assert refused.exit_code == 1  # the arbiter acts only inside a dispute
    assert refused.output.splitlines()[-1].startswith("error: shipment")
    acme.run("confirm", sid, *acme.key)
    before = w3.eth.get_balance(lotus.address)
    lotus.run("withdraw", sid, *lotus.key)
    assert w3.eth.get_balance(lotus.address) - before > 2 * 10**18 - 10**16  # minus gas
    assert acme.json("status", sid)["state"] == "completed"


def json_legs(offer_file) -> list[tuple]:
    return legs_from_json(json.loads(offer_file.read_text())["terms"]["legs"])
