"""`tradelane simulate`: play a simulated population of shipments on a dev node.

The population (routes, delays, milestones) comes from :mod:`.population`; here it is
played in simulated time on the chain: the node's clock is moved step by step
(``evm_setNextBlockTimestamp``), each step opens the shipments booked in it, then sends
every milestone due in it as carrier-signed EIP-712 attestations relayed in batches
(`Tradelane.relay` → ``recordBatch``), then the refunds buyers ask for. Carriers never
send a transaction: each simulated carrier is a key derived from its name (dev chains
only), and `carriers.json` in TRADELANE_HOME maps the names to the addresses so that
analytics and routing can speak of carriers by name.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from eth_account import Account
from eth_utils import keccak
from web3.logs import DISCARD

from routing.encode import encode_route

from .. import agreement, attest, deployments
from ..chain import Chain
from ..client import Tradelane
from ..errors import ChainError
from ..model import Classifier, Code, Milestone
from .population import Plan, SimConfig, plan_population

__all__ = ["SimResult", "carrier_account", "carrier_directory", "open_shipments", "run"]

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
    path = deployments.home() / "carriers.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(book, indent=2, sort_keys=True) + "\n")
    return book


def open_shipments(
    tl: Tradelane, plans: list[Plan], carriers: dict[str, str], amount: int
) -> list[int]:
    """Open simulated shipments, each agreed, funded and with its route and bookings in force —
    the one place the simulator creates shipments (buyer, seller and arbiter are the dev
    accounts, each carrier the key derived from its name).

    Each shipment is the seller's signed offer (`Tradelane.make_offer`) with every carrier's
    booking riding along, accepted by the buyer; the acceptances go out with `Chain.send_many`
    (consecutive nonces, one JSON-RPC batch, then every receipt).
    """
    if not plans:
        return []
    chain, fn = tl.chain, tl.contract.functions
    names = {address: name for name, address in carriers.items()}
    accepts = []
    for p in plans:
        offer = tl.make_offer(
            "seller",
            encode_route(p.route, carriers),
            amount=amount,
            deadline=p.deadline,
            arbiter="arbiter",
            destination=p.route.destination,
        )
        digest = bytes.fromhex(offer["digest"][2:])
        bookings = [
            agreement.sign_booking(
                carrier_account(names[leg["carrier"]]), chain.chain_id, tl.address, digest, i
            )
            for i, leg in enumerate(offer["terms"]["legs"])
        ]
        args, sig = agreement.offer_call_args(offer)
        accepts.append(
            fn.acceptOffer(args, sig, agreement.booking_tuples(bookings, offer["digest"]))
        )
    longest = max(range(len(plans)), key=lambda i: len(plans[i].route.legs))
    gas = int(
        accepts[longest].estimate_gas({"from": chain.address("buyer"), "value": amount}) * 1.5
    )
    receipts = chain.send_many(accepts, "buyer", gas=gas, value=amount)
    event = tl.contract.events.ShipmentOpened()
    return [
        int(event.process_receipt(r, errors=DISCARD)[0]["args"]["shipmentId"]) for r in receipts
    ]


@dataclass
class SimResult:
    shipments: int
    milestones: int
    refunds: int
    transactions: int
    seconds: float
    first_id: int
    last_id: int
    start: int
    end: int

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


def run(
    tl: Tradelane,
    cfg: SimConfig,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SimResult:
    """Play the config's population on ``tl``'s dev chain, from the chain's clock on."""
    chain = tl.chain
    if not chain.is_dev or chain.is_embedded:
        raise ChainError(
            f"tradelane simulate runs on a local dev node only (anvil); chain {chain.chain_id} "
            f"at {chain.url} is not one"
        )
    started = time.monotonic()
    start = chain.now() + 3600
    plans = plan_population(cfg, start)
    names = {leg.carrier for p in plans for leg in p.route.legs}
    carriers = _record_directory(names)
    keys = {n: carrier_account(n) for n in names}
    amount = int(cfg.population["amount_wei"])
    queue = sorted(
        [(p.open_at, 0, k, None) for k, p in enumerate(plans)]
        + [(e.at, 1, k, e) for k, p in enumerate(plans) for e in p.events]
        + [(p.refund_at, 2, k, None) for k, p in enumerate(plans) if p.refund_at],
        key=lambda item: (item[0], item[1], item[2]),
    )
    ids: dict[int, int] = {}
    seq: dict[tuple[int, int], int] = {}  # (shipment, leg) → milestones signed on that leg
    txs = milestones = refunds = 0
    done = 0
    i = 0
    while i < len(queue):
        step_end = (queue[i][0] // STEP + 1) * STEP
        _set_clock(chain, step_end)
        end = i
        while end < len(queue) and queue[end][0] < step_end:
            end += 1
        # bookings first: a shipment's first milestone is days after its opening
        booked = [k for _at, kind, k, _e in queue[i:end] if kind == 0]
        for k, sid in zip(
            booked, open_shipments(tl, [plans[k] for k in booked], carriers, amount), strict=True
        ):
            ids[k] = sid
        txs += 2 * len(booked)
        batch = []
        while i < end:
            _at, kind, k, event = queue[i]
            i += 1
            if kind == 0:
                continue
            if kind == 1:
                batch.append(_attest(tl, plans[k], ids[k], event, seq, keys, step_end))
            else:
                _flush(tl, batch)
                txs += (len(batch) + BATCH - 1) // BATCH
                milestones += len(batch)
                batch = []
                tl.refund("buyer", ids[k])
                refunds += 1
                txs += 1
        _flush(tl, batch)
        txs += (len(batch) + BATCH - 1) // BATCH
        milestones += len(batch)
        if progress:
            progress(i - done, len(queue))
            done = i
    return SimResult(
        shipments=len(plans),
        milestones=milestones,
        refunds=refunds,
        transactions=txs,
        seconds=round(time.monotonic() - started, 2),
        first_id=min(ids.values(), default=0),
        last_id=max(ids.values(), default=0),
        start=start,
        end=chain.now(),
    )


def _attest(tl: Tradelane, plan: Plan, sid: int, e, seq: dict, keys: dict, step_end: int):
    """The leg's carrier signs the milestone off-line, valid for a day after the step; its
    nonce is its place on its leg (SPECIFICATION.md A5)."""
    carrier = keys[plan.route.legs[e.leg].carrier]
    m = Milestone(sid, e.leg, Code[e.code], Classifier[e.classifier], e.location, e.event_time)
    chain = tl.chain
    signed = attest.sign_milestone(
        carrier, chain.chain_id, tl.address, m, seq.get((sid, e.leg), 0), step_end + 86400
    )
    seq[(sid, e.leg)] = seq.get((sid, e.leg), 0) + 1
    return signed


def _flush(tl: Tradelane, batch: list[dict]) -> None:
    """Relay the step's attestations in ``recordBatch`` transactions. `Tradelane.relay` would
    first read every shipment's milestone count to check the nonces; the simulator signed
    them with the counts it keeps itself, so it sends the same entries without that."""
    chain = tl.chain
    for start in range(0, len(batch), BATCH):
        part = batch[start : start + BATCH]
        entries = [attest.to_entry(a, chain.chain_id, tl.address) for a in part]
        chain.send(tl.contract.functions.recordBatch(entries), "relayer")
