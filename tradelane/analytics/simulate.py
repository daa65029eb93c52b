"""`tradelane simulate`: play a simulated population of shipments on a dev node.

The population (routes, delays, milestones) comes from :mod:`.population`; here it is
played in simulated time on the chain: the node's clock is moved step by step
(``evm_setNextBlockTimestamp``), each step opens the shipments booked in it, then sends
every milestone due in it as carrier-signed EIP-712 attestations relayed in batches
(`Tradelane.relay` → ``recordBatch``), then the refunds buyers ask for. Carriers never
send a transaction: each simulated carrier is a key derived from its name (dev chains
only), and `carriers.json` in TRADELANE_HOME maps the names to the addresses so that
analytics and routing can speak of carriers by name. A run is journaled and resumed
exactly once after an interruption (:mod:`.resume`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from eth_account import Account
from eth_utils import keccak
from web3.logs import DISCARD

from routing.encode import encode_route

from .. import agreement, attest, deployments
from ..chain import Chain
from ..client import Tradelane
from ..errors import ChainError
from ..files import write_json
from ..model import Classifier, Code, Milestone
from .population import Plan, SimConfig, plan_population
from .resume import RunJournal, reconcile

__all__ = [
    "SimResult",
    "accept_offers",
    "carrier_account",
    "carrier_directory",
    "make_offers",
    "open_shipments",
    "run",
]

STEP = 12 * 3600  # simulated seconds per clock step: milestones are reported twice a day
BATCH = 250  # attestations per relay transaction (~12M gas, well under a block)


def carrier_account(name: str):
    """The simulated carrier's key: derived from its name, public, for dev chains only."""
    return Account.from_key(keccak(text=f"tradelane simulated carrier: {name}"))


def carrier_directory() -> dict[str, str]:
    """name → address of the simulated carriers recorded in TRADELANE_HOME/carriers.json."""
    path = deployments.home() / "carriers.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _record_directory(names) -> dict[str, str]:
    book = carrier_directory() | {n: carrier_account(n).address for n in names}
    write_json(deployments.home() / "carriers.json", book)
    return book


def make_offers(
    tl: Tradelane,
    plans: list[Plan],
    carriers: dict[str, str],
    amount: int,
    nonces: list[int] | None = None,
) -> list[tuple[str, object]]:
    """(offer digest, ``acceptOffer`` call) per plan: the seller's signed offer with every
    carrier's booking riding along (buyer, seller and arbiter are the dev accounts, each
    carrier the key derived from its name). ``nonces``: the seller's offer nonces."""
    chain, fn = tl.chain, tl.contract.functions
    names = {address: name for name, address in carriers.items()}
    out = []
    for n, p in enumerate(plans):
        offer = tl.make_offer(
            "seller",
            encode_route(p.route, carriers),
            amount=amount,
            deadline=p.deadline,
            arbiter="arbiter",
            destination=p.route.destination,
            nonce=None if nonces is None else nonces[n],
        )
        digest = bytes.fromhex(offer["digest"][2:])
        bookings = [
            agreement.sign_booking(
                carrier_account(names[leg["carrier"]]), chain.chain_id, tl.address, digest, i
            )
            for i, leg in enumerate(offer["terms"]["legs"])
        ]
        args, sig = agreement.offer_call_args(offer)
        call = fn.acceptOffer(args, sig, agreement.booking_tuples(bookings, offer["digest"]))
        out.append((offer["digest"], call))
    return out


def accept_offers(tl: Tradelane, accepts: list, amount: int, longest: int = 0) -> list[int]:
    """The buyer accepts the offers with `Chain.send_many` (consecutive nonces, one JSON-RPC
    batch, then every receipt); the new shipments' ids, in order. Each gets the gas of the
    one at ``longest`` (the most legs) and half as much again."""
    if not accepts:
        return []
    chain = tl.chain
    gas = accepts[longest].estimate_gas({"from": chain.address("buyer"), "value": amount})
    receipts = chain.send_many(accepts, "buyer", gas=int(gas * 1.5), value=amount)
    event = tl.contract.events.ShipmentOpened()
    return [
        int(event.process_receipt(r, errors=DISCARD)[0]["args"]["shipmentId"]) for r in receipts
    ]


def open_shipments(
    tl: Tradelane, plans: list[Plan], carriers: dict[str, str], amount: int
) -> list[int]:
    """Open simulated shipments, each agreed, funded and with its route and bookings in
    force: `make_offers`, then `accept_offers` — the one place the simulator creates them."""
    calls = [c for _d, c in make_offers(tl, plans, carriers, amount)]
    return accept_offers(tl, calls, amount, _longest(plans))


def _longest(plans: list[Plan]) -> int:
    return max(range(len(plans)), key=lambda i: len(plans[i].route.legs), default=0)


@dataclass
class SimResult:
    shipments: int
    milestones: int
    refunds: int
    transactions: int  # over every run of this simulation (a resumed one: all of them)
    seconds: float
    first_id: int
    last_id: int
    start: int
    end: int
    resumed: bool = False  # this run went on with an interrupted one
    already_done: bool = False  # nothing to do: this simulation had run to its end
    sent: int = 0  # transactions this run sent

    def to_json(self) -> dict:
        return {
            **self.__dict__,
            "shipments_per_s": round(self.shipments / self.seconds, 2) if self.seconds else None,
        }


def _set_clock(chain: Chain, t: int) -> None:
    """Mine a block at ``t`` so that calls and gas estimates see the new time too."""
    if t > chain.now():
        chain.w3.provider.make_request("evm_setNextBlockTimestamp", [t])
        chain.w3.provider.make_request("evm_mine", [])


def _queue(plans: list[Plan]) -> tuple[list[tuple], list[int], list[int]]:
    """Every opening (kind 0), milestone (1) and refund (2) in time order, with each
    milestone's attestation nonce (its place on its leg) and its place among its
    shipment's milestones (what a re-run compares with the chain's count)."""
    queue = sorted(
        [(p.open_at, 0, k, None) for k, p in enumerate(plans)]
        + [(e.at, 1, k, e) for k, p in enumerate(plans) for e in p.events]
        + [(p.refund_at, 2, k, None) for k, p in enumerate(plans) if p.refund_at],
        key=lambda item: (item[0], item[1], item[2]),
    )
    on_leg: dict[tuple[int, int], int] = {}
    on_shipment: dict[int, int] = {}
    nonce, ordinal = [0] * len(queue), [0] * len(queue)
    for j, (_at, kind, k, e) in enumerate(queue):
        if kind == 1:
            nonce[j] = on_leg.get((k, e.leg), 0)
            ordinal[j] = on_shipment.get(k, 0)
            on_leg[(k, e.leg)] = nonce[j] + 1
            on_shipment[k] = ordinal[j] + 1
    return queue, nonce, ordinal


def run(
    tl: Tradelane,
    cfg: SimConfig,
    *,
    progress: Callable[[int, int], None] | None = None,
    new: bool = False,
    notice: Callable[[str], None] | None = None,
) -> SimResult:
    """Play the config's population on ``tl``'s dev chain, exactly once.

    The first run plans the population from the chain's clock and journals it
    (:mod:`.resume`); a run after an interruption goes on with it from its own planned
    times; once it has run to its end, another run returns ``already_done`` and sends
    nothing, unless ``new`` (a new population from the chain's clock). An interrupted run
    is finished first even with ``new``: a killed ``--new`` run, run again, is finished,
    not begun a third time. ``progress(done,
    total)`` gets the queue items played so far after every clock step; ``notice(text)``
    is told when an interrupted run is resumed.
    """
    chain = tl.chain
    if not chain.is_dev or chain.is_embedded:
        raise ChainError(
            f"tradelane simulate runs on a local dev node only (anvil); chain {chain.chain_id} "
            f"at {chain.url} is not one"
        )
    journal = RunJournal.open(tl, cfg)
    try:
        if journal.status == "done" and not new:
            return SimResult(**journal.data["result"], already_done=True)
        resumed = journal.status == "running"
        if not resumed:
            journal.begin(cfg, start=chain.now() + 3600, from_block=chain.w3.eth.block_number)
        elif notice:
            data = journal.data
            notice(
                "resuming the interrupted run of this simulation (planned from "
                f"{datetime.fromtimestamp(data['start'], UTC):%Y-%m-%d %H:%M} UTC chain time; "
                f"{len(data['ids'])} of {cfg.population['shipments']} shipments opened): what "
                "the chain already has is not sent again"
            )
        return _Player(tl, cfg, journal).play(progress, resumed)
    finally:
        journal.close()


class _Player:
    """One run of a journaled population: its queue, ids and keys, played step by step."""

    def __init__(self, tl: Tradelane, cfg: SimConfig, journal: RunJournal):
        self.created = time.monotonic()  # planning counts in the run's seconds
        self.tl, self.journal = tl, journal
        data = journal.data
        self.plans = plan_population(cfg, int(data["start"]))
        names = {leg.carrier for p in self.plans for leg in p.route.legs}
        self.carriers = _record_directory(names)
        self.keys = {n: carrier_account(n) for n in names}
        self.amount = int(cfg.population["amount_wei"])
        self.queue, self.nonce, self.ordinal = _queue(self.plans)
        self.ids = {int(k): int(v) for k, v in data["ids"].items()}
        self.base = int(data["offer_nonce_base"])

    def play(self, progress, resumed: bool) -> SimResult:
        chain, queue, sent = self.tl.chain, self.queue, 0
        i = int(self.journal.data["next"])
        if progress:
            progress(i, len(queue))
        check = resumed  # the interrupted step is read back from the chain first
        started = self.created
        while i < len(queue):
            step_end = (queue[i][0] // STEP + 1) * STEP
            _set_clock(chain, step_end)
            end = i
            while end < len(queue) and queue[end][0] < step_end:
                end += 1
            span = range(i, end)
            done = (
                reconcile(self.tl, self.journal, queue, self.ordinal, span, self.ids)
                if check
                else set()
            )
            check = False
            txs = self._step([j for j in span if j not in done], step_end)
            sent += txs
            now = time.monotonic()
            self.journal.step_done(end, self.ids, txs, now - started)
            started = now
            i = end
            if progress:
                progress(i, len(queue))
        result = self._result()
        self.journal.finish(result)
        return SimResult(**result, resumed=resumed, sent=sent)

    def _step(self, items: list[int], step_end: int) -> int:
        """Send a step's openings, then its milestones and refunds in order; -> transactions."""
        tl, queue = self.tl, self.queue
        booked = [queue[j][2] for j in items if queue[j][1] == 0]
        plans = [self.plans[k] for k in booked]
        nonces = [self.base + k for k in booked]
        offers = make_offers(tl, plans, self.carriers, self.amount, nonces)
        if offers:  # journaled before they are sent: a re-run finds them by digest
            self.journal.offers_out(dict(zip(booked, (d for d, _c in offers), strict=True)))
        opened = accept_offers(tl, [c for _d, c in offers], self.amount, _longest(plans))
        self.ids.update(zip(booked, opened, strict=True))
        txs = len(opened)
        valid_until = max(step_end, tl.chain.now()) + 86400
        batch: list[dict] = []
        for j in items:
            _at, kind, k, event = queue[j]
            if kind == 1:
                batch.append(self._attest(k, event, self.nonce[j], valid_until))
            elif kind == 2:
                txs += _flush(tl, batch)
                batch = []
                tl.refund("buyer", self.ids[k])
                txs += 1
        return txs + _flush(tl, batch)

    def _attest(self, k: int, e, nonce: int, valid_until: int) -> dict:
        """The leg's carrier signs the milestone off-line; its nonce is its place on its leg
        (SPECIFICATION.md A5)."""
        plan, chain = self.plans[k], self.tl.chain
        carrier = self.keys[plan.route.legs[e.leg].carrier]
        m = Milestone(
            self.ids[k], e.leg, Code[e.code], Classifier[e.classifier], e.location, e.event_time
        )
        return attest.sign_milestone(
            carrier, chain.chain_id, self.tl.address, m, nonce, valid_until
        )

    def _result(self) -> dict:
        data = self.journal.data
        return {
            "shipments": len(self.plans),
            "milestones": sum(len(p.events) for p in self.plans),
            "refunds": sum(1 for p in self.plans if p.refund_at),
            "transactions": int(data["transactions"]),
            "seconds": float(data["seconds"]),
            "first_id": min(self.ids.values(), default=0),
            "last_id": max(self.ids.values(), default=0),
            "start": int(data["start"]),
            "end": self.tl.chain.now(),
        }


def _flush(tl: Tradelane, batch: list[dict]) -> int:
    """Relay the step's attestations in ``recordBatch`` transactions. `Tradelane.relay` would
    first read every shipment's milestone count to check the nonces; the simulator signed
    them with the counts it keeps itself, so it sends the same entries without that."""
    chain = tl.chain
    for start in range(0, len(batch), BATCH):
        part = batch[start : start + BATCH]
        entries = [attest.to_entry(a, chain.chain_id, tl.address) for a in part]
        chain.send(tl.contract.functions.recordBatch(entries), "relayer")
    return -(-len(batch) // BATCH)
