"""Fixtures for the web tests: one embedded chain per session, shipments built through the client.

`journey(...)` opens a three-leg shipment (Shanghai → Singapore by sea, Singapore →
Rotterdam by sea through Malacca, Bab-el-Mandeb, Suez and Gibraltar, Rotterdam → Duisburg
by rail) with four traceable items, and moves it as far as asked; every step is a real
transaction on eth-tester.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak
from fastapi.testclient import TestClient

from routing.passages import passages_mask
from tradelane.chain import connect
from tradelane.client import DAY, Tradelane
from tradelane.model import Classifier, Code, Milestone, Mode, Tranche
from tradelane.web import create_app

HOUR = 3_600
LEGS_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"
ITEMS = (
    "https://id.gs1.org/00/106141411234567897",
    "https://id.gs1.org/01/09506000134352/21/SN-001",
    "https://id.gs1.org/01/09506000134352/21/SN-002",
)
STAGES = ("open", "routed", "departed", "transshipped", "delivered", "completed")


@dataclass(frozen=True)
class Encoded:
    legs: list
    route_hash: bytes
    network_hash: bytes


def encode(legs: list) -> Encoded:
    return Encoded(legs, keccak(abi_encode([LEGS_TYPE], [legs])), b"\x42" * 32)


@pytest.fixture(scope="session")
def tl(tmp_path_factory) -> Tradelane:
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADELANE_HOME", str(tmp_path_factory.mktemp("tradelane-home")))
    client, _ = Tradelane.deploy(connect("embedded"))
    yield client
    mp.undo()


@pytest.fixture(autouse=True)
def isolate(request):
    """Each test starts from the freshly deployed chain (eth-tester snapshots are cheap)."""
    if "tl" not in request.fixturenames and "journey" not in request.fixturenames:
        yield
        return
    tester = request.getfixturevalue("tl").chain.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    yield
    tester.revert_to_snapshot(snapshot)


class Journey:
    """One shipment, moved stage by stage through the client."""

    def __init__(self, tl: Tradelane, *, items: bool = True, start_in: int = DAY):
        self.tl = tl
        chain = tl.chain
        now = chain.now()
        self.carriers = [chain.address(f"carrier{i}") for i in (1, 2, 3)]
        t0 = now + start_in
        self.legs = [
            (b"CNSHA", b"SGSIN", int(Mode.SEA), self.carriers[0], t0, t0 + 6 * DAY, 0),
            (
                b"SGSIN",
                b"NLRTM",
                int(Mode.SEA),
                self.carriers[1],
                t0 + 8 * DAY,
                t0 + 30 * DAY,
                passages_mask(["malacca", "babalmandab", "suez", "gibraltar"]),
            ),
            (b"NLRTM", b"DEDUI", int(Mode.RAIL), self.carriers[2], t0 + 31 * DAY, t0 + 32 * DAY, 0),
        ]
        root = bytes(32)
        self.items = []
        if items:
            from tradelane.trace import items as trace_items

            self.items = trace_items.parse_items("\n".join(ITEMS))
            root = trace_items.items_root(self.items)
        # "open": the buyer accepted the seller's offer; the carriers confirm at "routed".
        offer = tl.make_offer(
            "seller",
            encode(self.legs),
            amount=25 * 10**17,
            deadline=t0 + 45 * DAY,
            arbiter="arbiter",
            tranches=[Tranche(Code.DEPA, 0, 2_000)],
            items_root=root,
        )
        self.sid = tl.accept_offer("buyer", offer)
        if self.items:
            from tradelane.trace import items as trace_items

            trace_items.remember(tl, self.sid, self.items)
        self.stage = "open"

    def at(self, t: int) -> int:
        now = self.tl.chain.now()
        return self.tl.chain.advance(t - now) if t > now else now

    def record(self, leg: int, code: Code, classifier: Classifier = Classifier.ACT, at=None):
        carrier = f"carrier{leg + 1}"
        origin, destination = self.legs[leg][0].decode(), self.legs[leg][1].decode()
        place = origin if code in (Code.GTIN, Code.LOAD, Code.DEPA) else destination
        when = at if at is not None else self.tl.chain.now()
        self.tl.record(carrier, Milestone(self.sid, leg, code, classifier, place, when))

    def to(self, stage: str) -> Journey:
        """Move forward to `stage` (one of STAGES)."""
        for step in STAGES[STAGES.index(self.stage) + 1 : STAGES.index(stage) + 1]:
            getattr(self, f"_{step}")()
            self.stage = step
        return self

    def _routed(self):
        for i in range(len(self.legs)):
            self.tl.confirm_booking(f"carrier{i + 1}", self.sid, i)

    def _departed(self):
        dep = self.legs[0][4]
        self.at(dep - 5 * HOUR)
        self.record(0, Code.GTIN)
        self.at(dep - 2 * HOUR)
        self.record(0, Code.LOAD)
        self.at(dep + 3 * HOUR)
        self.record(0, Code.DEPA)
        self.record(0, Code.ARRI, Classifier.EST, at=self.legs[0][5] + 12 * HOUR)

    def _transshipped(self):
        self.at(self.legs[0][5] + 10 * HOUR)
        self.record(0, Code.ARRI)
        self.record(0, Code.DISC)
        self.at(self.legs[1][4] + HOUR)
        self.record(1, Code.DEPA)

    def _delivered(self):
        self.at(self.legs[1][5])
        self.record(1, Code.ARRI)
        self.at(self.legs[2][4])
        self.record(2, Code.DEPA)
        self.at(self.legs[2][5])
        self.record(2, Code.ARRI)
        self.at(self.legs[2][5] + 4 * HOUR)
        self.record(2, Code.DROP)

    def _completed(self):
        self.tl.confirm("buyer", self.sid)


@pytest.fixture
def journey(tl):
    def make(stage: str = "departed", **kwargs) -> Journey:
        return Journey(tl, **kwargs).to(stage)

    return make


@pytest.fixture(scope="session")
def journey_cls():
    return Journey


@pytest.fixture(scope="session")
def app(tl):
    # max_index_age=0: every request syncs the index first, so a test that records a
    # milestone reads it on the next request (and no follower thread races the snapshots)
    return create_app(tl, poll_seconds=1.0, max_index_age=0)


@pytest.fixture(scope="session")
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="session")
def codes() -> tuple[str, ...]:
    """The trace codes every journey carries."""
    return ITEMS


@pytest.fixture(scope="session")
def friendly():
    return assert_friendly


def assert_friendly(response, status: int, *words: str) -> None:
    """The right status, the reason in plain words, and no traceback anywhere."""
    assert response.status_code == status, response.text[:500]
    body = response.text
    assert "Traceback" not in body
    assert 'File "' not in body
    for word in words:
        assert word.lower() in body.lower(), f"{word!r} not in {body[:800]}"
