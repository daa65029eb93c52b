"""`tradelane simulate` exactly once: the run journal, and an interrupted step read back
from the chain.

A simulated population is planned from a start time and played step by step
(:mod:`.simulate`). The run journal — ``chains/<chain>/simulate/<contract>-<config>.json``
in TRADELANE_HOME, one per deployment and config (file and overrides), written durably by
`tradelane.files.write_json` — holds what a re-run needs to play the *same* population on
from where it stopped: the planned start (the plan is drawn again from it, never from the
chain's clock), the seller's offer-nonce base, the index of the next queue item and the
shipment ids opened so far, written after every clock step; and, while a step's offers
are out, their digests, written before they are sent.

A kill can land after some of a step's transactions were mined and before the journal
says so. The re-run reads that step back from the chain before sending anything
(:func:`reconcile`): a shipment whose offer digest the journal holds is found by its
``ShipmentOpened`` log (and an offer nonce used without one stops the run: the journal
would not be the chain's); a shipment's milestone count says which of its milestones are
recorded (they are recorded in plan order, each attestation's nonce is its place on its
leg); its refunded amount says whether the refund happened. The contract refuses each of
these twice anyway (used offer nonce, used attestation nonce, refund of a refunded
shipment): the reconciliation is what makes a re-run not even try.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from ..deployments import chain_dir
from ..errors import ChainError, JournalError
from ..files import hold_lock, read_json_strict, write_json
from ..logs import fetch as fetch_logs

__all__ = ["RunJournal", "reconcile"]

PENDING_WAIT_S = 60.0


class RunJournal:
    """One simulation's journal file, locked for as long as the run holds it."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {}
        self._lock = None

    @classmethod
    def open(cls, tl, cfg) -> RunJournal:
        folder = chain_dir(tl.chain) / "simulate"
        journal = cls(folder / f"{tl.address.lower()}-{cfg.digest[:16]}.json")
        journal._take_lock()
        if journal.path.exists():
            journal.data = read_json_strict(journal.path, "the simulation journal")
        return journal

    def _take_lock(self) -> None:
        self._lock = hold_lock(
            self.path.with_suffix(".lock"),
            "another `tradelane simulate` with this config is playing on this deployment "
            "right now; wait for it to finish (or stop it), then run this again",
        )

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @property
    def status(self) -> str | None:
        """None (never run), "running" (interrupted: resume it) or "done"."""
        return self.data.get("status")

    def begin(self, cfg, start: int, from_block: int) -> None:
        """A new run: its planned start and offer nonces, before anything is sent."""
        shipments = int(cfg.population["shipments"])
        earlier = [*self.data.get("earlier", []), self.data["result"]] if self.data else []
        self.data = {
            "config": str(cfg.path),
            "config_digest": cfg.digest,
            "population": cfg.population,
            "start": start,
            # the seller's offer nonces are base + shipment number: dense (256 share a word)
            "offer_nonce_base": secrets.randbelow((2**64 - shipments) >> 8) << 8,
            "from_block": from_block,
            "status": "running",
            "next": 0,
            "ids": {},
            "offers": {},
            "transactions": 0,
            "seconds": 0.0,
            "earlier": earlier,
        }
        self._save()

    def offers_out(self, digests: dict[int, str]) -> None:
        """Before a step's offers are sent: their digests (how a re-run finds them)."""
        for k, digest in digests.items():
            self.data["offers"].setdefault(str(k), []).append(digest)
        self._save()

    def step_done(self, next_item: int, ids: dict[int, int], transactions: int, seconds: float):
        self.data.update(
            next=next_item,
            ids={str(k): v for k, v in sorted(ids.items())},
            offers={},
            transactions=self.data["transactions"] + transactions,
            seconds=round(self.data["seconds"] + seconds, 2),
        )
        self._save()

    def finish(self, result: dict) -> None:
        self.data.update(status="done", result=result)
        self._save()

    def _save(self) -> None:
        write_json(self.path, {**self.data, "updated": int(time.time())})


def _wait_for_pending(chain, names=("buyer", "relayer")) -> None:
    """Let the node mine what the killed run had sent (a dev node mines at once)."""
    for name in names:
        address = chain.address(name)
        deadline = time.monotonic() + PENDING_WAIT_S
        while chain.w3.eth.get_transaction_count(
            address, "pending"
        ) > chain.w3.eth.get_transaction_count(address, "latest"):
            if time.monotonic() > deadline:
                raise ChainError(
                    f"transactions an earlier run of this simulation sent from {name} are still "
                    f"pending after {PENDING_WAIT_S:.0f} s; let the node mine them (is it "
                    "mining?), then run the same command again"
                )
            time.sleep(0.2)


def _opened(tl, journal: RunJournal) -> dict[int, int]:
    """Shipment number → id, for the offers of the interrupted step found on chain."""
    pending = journal.data["offers"]
    if not pending:
        return {}
    chain = tl.chain
    logs = fetch_logs(
        chain.w3,
        tl.contract.events.ShipmentOpened(),
        from_block=journal.data["from_block"],
        argument_filters={"buyer": chain.address("buyer"), "seller": chain.address("seller")},
    )
    by_digest = {"0x" + bytes(g["args"]["offer"]).hex(): int(g["args"]["shipmentId"]) for g in logs}
    return {
        int(k): by_digest[d] for k, digests in pending.items() for d in digests if d in by_digest
    }


def reconcile(tl, journal: RunJournal, queue: list, ordinal: list, span: range, ids: dict) -> set:
    """The queue items in ``span`` (the interrupted step) whose effect the chain already
    has; ``ids`` gains the step's shipments the killed run opened.

    ``ordinal[j]`` is item j's place among its shipment's milestones (plan order).
    """
    chain, fn = tl.chain, tl.contract.functions
    _wait_for_pending(chain)
    ids.update(_opened(tl, journal))
    seller, base = chain.address("seller"), int(journal.data["offer_nonce_base"])
    view_abi = next(i for i in tl.contract.abi if i.get("name") == "shipment")
    names = [o["name"] for o in view_abi["outputs"][0]["components"]]
    views: dict[int, dict] = {}
    done = set()
    for j in span:
        _at, kind, k, _event = queue[j]
        if kind == 0 and k not in ids:
            if fn.offerNonceUsed(seller, base + k).call():
                raise JournalError(
                    f"shipment {k} of this simulation was opened on chain, but the journal "
                    f"{journal.path} holds no offer of it; the journal is not this chain's. Move "
                    "it aside only to start the simulation again from scratch (`--new`)"
                )
            continue
        if k not in views:
            views[k] = dict(zip(names, fn.shipment(ids[k]).call(), strict=True))
        view = views[k]
        if (
            kind == 0
            or (kind == 1 and ordinal[j] < int(view["milestones"]))
            or (kind == 2 and int(view["refunded"]) > 0)
        ):
            done.add(j)
    return done
