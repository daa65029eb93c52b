"""Helpers for the traceability tests: route encoding, the lifecycle `Builder`, the schemas' home.

Imported by the tests and by conftest.py (a module of its own, so that it is never confused
with another folder's conftest).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_utils import keccak

from tradelane.client import DAY, Tradelane
from tradelane.model import Classifier, Code, Milestone, Mode
from tradelane.trace import items as trace_items

HOUR = 3600
LEGS_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"
ITEMS = [
    "https://id.gs1.org/00/106141411234567897",
    "https://id.gs1.org/01/09506000134352/21/SN-001",
    "https://id.gs1.org/01/09506000134352/21/SN-002",
    "(01)09506000134352(21)SN-003",
]


@dataclass(frozen=True)
class Encoded:
    legs: list
    route_hash: bytes
    network_hash: bytes


def encode(legs: list, network: bytes = b"\x42" * 32) -> Encoded:
    return Encoded(legs, keccak(abi_encode([LEGS_TYPE], [legs])), network)


def leg(origin, destination, mode, carrier, dep, arr, passages=0):
    return (origin.encode(), destination.encode(), int(mode), carrier, dep, arr, passages)


class Builder:
    """Drives one shipment through the client; every step is a real transaction."""

    def __init__(
        self, tl: Tradelane, codes=ITEMS, *, items_at_open=True, modes=(Mode.SEA, Mode.ROAD)
    ):
        self.tl = tl
        chain = tl.chain
        self.items = trace_items.parse_items("\n".join(codes)) if codes else []
        root = trace_items.items_root(self.items)
        now = chain.now()
        self.c1, self.c2 = chain.address("carrier1"), chain.address("carrier2")
        self.route = encode(
            [
                leg("CNSHA", "NLRTM", modes[0], self.c1, now + DAY, now + 30 * DAY, 1),
                leg("NLRTM", "DEHAM", modes[1], self.c2, now + 31 * DAY, now + 32 * DAY),
            ]
        )
        self.sid = tl.open_agreed_shipment(
            "buyer",
            seller="seller",
            encoded=self.route,
            amount=10**18,
            deadline=now + 60 * DAY,
            arbiter="arbiter",
            items_root=root if items_at_open else bytes(32),
        )
        if self.items:
            if not items_at_open:
                tl.commit_items("seller", self.sid, root)
            trace_items.remember(tl, self.sid, self.items)

    def m(self, leg_, code, location, classifier=Classifier.ACT, at=None):
        chain = self.tl.chain
        return Milestone(self.sid, leg_, code, classifier, location, at or chain.now())

    def step(self, carrier, leg_, code, location, classifier=Classifier.ACT, wait=HOUR):
        self.tl.chain.advance(wait)
        self.tl.record(carrier, self.m(leg_, code, location, classifier))

    def relayed(self, carrier, leg_, code, location, wait=HOUR):
        self.tl.chain.advance(wait)
        signed = self.tl.sign(carrier, self.m(leg_, code, location))
        self.tl.relay("relayer", [signed])

    def full(self):
        """Origin to delivery: direct, EST, relayed, batch and customs milestones."""
        self.step("carrier1", 0, Code.GTIN, "CNSHA")
        self.step("carrier1", 0, Code.LOAD, "CNSHA")
        self.relayed("carrier1", 0, Code.DEPA, "CNSHA")
        eta = self.m(0, Code.ARRI, "NLRTM", Classifier.EST, at=self.tl.chain.now() + 20 * DAY)
        self.tl.record("carrier1", eta)
        self.tl.chain.advance(20 * DAY)
        self.step("carrier1", 0, Code.ARRI, "NLRTM")
        self.step("carrier1", 0, Code.DISC, "NLRTM")
        self.step("carrier1", 0, Code.INSP, "NLRTM")
        self.step("carrier1", 0, Code.RELS, "NLRTM")
        self.tl.chain.advance(DAY)
        now = self.tl.chain.now()
        self.tl.record_batch(
            "carrier2",
            [
                Milestone(self.sid, 1, Code.DEPA, Classifier.ACT, "NLRTM", now),
                Milestone(self.sid, 1, Code.ARRI, Classifier.ACT, "DEHAM", now),
            ],
        )
        self.step("carrier2", 1, Code.DROP, "DEHAM")
        return self


STANDARDS = Path(__file__).parent / "standards"


def dcsa_errors(validators, events: list) -> list[str]:
    """Schema errors of an events array: the response schema, then each event's own schema."""
    kinds = {
        "TRANSPORT": "transportEvent",
        "EQUIPMENT": "equipmentEvent",
        "SHIPMENT": "shipmentEvent",
    }
    errors = [e.message for e in validators["response"].iter_errors(events)]
    for i, event in enumerate(events):
        validator = validators[kinds[event.get("eventType", "TRANSPORT")]]
        errors += [f"event {i}: {e.message}" for e in validator.iter_errors(event)]
    return errors


LIFECYCLES = ("full", "late_items_departed", "no_items_routed", "air_then_road")


def build(tl: Tradelane, name: str) -> Builder:
    """One named lifecycle, built through the client."""
    if name == "full":
        return Builder(tl).full()
    if name == "late_items_departed":
        b = Builder(tl, ITEMS[1:3], items_at_open=False)
        b.step("carrier1", 0, Code.GTIN, "CNSHA")
        b.relayed("carrier1", 0, Code.LOAD, "CNSHA")
        b.step("carrier1", 0, Code.DEPA, "CNSHA")
        return b
    if name == "no_items_routed":
        return Builder(tl, [])
    if name == "air_then_road":
        return Builder(tl, modes=(Mode.AIR, Mode.ROAD)).full()
    raise ValueError(name)
