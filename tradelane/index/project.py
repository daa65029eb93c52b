"""Decoded logs → rows of the decoded tables, one shipment's story at a time.

`Projection.apply(logs)` folds logs (in chain order) into the shipments they touch and writes
the result in the caller's transaction. The decoded tables are a pure function of `raw_logs`
(and the opening calls' input kept in `calls`), so a reorg or a re-decode deletes the rows of
the touched shipments and folds their surviving logs again.
"""

from __future__ import annotations

from collections.abc import Iterable

from eth_utils import to_checksum_address
from sqlalchemy import Connection, and_, delete, select, update

from ..model import Classifier, Code, Mode, State, genesis_head, unpack_record
from .decode import EventDecoder, Log
from .schema import amendments, disputes, legs, milestones, parties, payouts, shipments
from .store import insert_new

__all__ = ["Projection"]

ZERO = "0x0000000000000000000000000000000000000000"


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


class Projection:
    """Folds logs into decoded rows for one (chain, contract)."""

    def __init__(self, conn: Connection, chain_id: int, contract: str, decoder: EventDecoder):
        self.conn = conn
        self.key = {"chain_id": chain_id, "contract": contract}
        self.decoder = decoder
        self.ships: dict[int, dict] = {}
        self.disputes: dict[int, dict] = {}
        self.rows: dict[str, list[dict]] = {t: [] for t in ("legs", "milestones", "payouts")}
        self.rows.update(amendments=[], parties=[])
        self.tranches: dict[str, str] = {}  # opening tx hash → tranche text
        self.seen_parties: set[tuple[int, str, str]] = set()

    # -- loading and writing -----------------------------------------------------------

    def _where(self, table, ids: Iterable[int]):
        k = self.key
        return and_(
            table.c.chain_id == k["chain_id"],
            table.c.contract == k["contract"],
            table.c.shipment_id.in_(list(ids)),
        )

    def load(self, ids: set[int]) -> None:
        """Bring the current rows of shipments `ids` into memory (in chunks the DB accepts)."""
        todo = sorted(i for i in ids if i not in self.ships)
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            for row in self.conn.execute(select(shipments).where(self._where(shipments, chunk))):
                self.ships[row.shipment_id] = dict(row._mapping)
            for row in self.conn.execute(select(disputes).where(self._where(disputes, chunk))):
                self.disputes[row.shipment_id] = dict(row._mapping)

    def forget(self, ids: set[int]) -> None:
        """Delete every decoded row of shipments `ids` (before folding their logs again)."""
        todo = sorted(ids)
        for start in range(0, len(todo), 500):
            chunk = todo[start : start + 500]
            for table in (shipments, legs, milestones, payouts, disputes, amendments, parties):
                self.conn.execute(delete(table).where(self._where(table, chunk)))

    def flush(self) -> None:
        """Write what was folded: shipments and disputes replaced, the rest appended."""
        for table, cache in ((shipments, self.ships), (disputes, self.disputes)):
            if cache:
                ids = set(cache)
                todo = sorted(ids)
                for start in range(0, len(todo), 500):
                    where = self._where(table, todo[start : start + 500])
                    self.conn.execute(delete(table).where(where))
                self.conn.execute(table.insert(), list(cache.values()))
        for name, table in (
            ("legs", legs),
            ("milestones", milestones),
            ("payouts", payouts),
            ("amendments", amendments),
        ):
            if self.rows[name]:
                self.conn.execute(table.insert(), self.rows[name])
                self.rows[name] = []
        if self.rows["parties"]:  # a party named again in a later batch is already there
            self.conn.execute(insert_new(self.conn, parties), self.rows["parties"])
            self.rows["parties"] = []

    # -- folding -----------------------------------------------------------------------

    def apply(self, logs: list[Log]) -> int:
        """Fold `logs` (chain order) into rows and write them; returns how many decoded."""
        decoded = []
        for log in logs:
            result = self.decoder.decode(log)
            if result is not None:
                decoded.append((log, *result))
        touched = {a["shipmentId"] for _, name, a in decoded if "shipmentId" in a}
        self.load(touched)
        for log, name, args in decoded:
            handler = getattr(self, f"_on_{name}", None)
            if handler is not None:
                handler(log, args)
        self.flush()
        return len(decoded)

    def _origin(self, log: Log) -> dict:
        return {
            "block_number": log.block_number,
            "tx_hash": log.tx_hash,
            "log_index": log.log_index,
        }

    def _party(self, sid: int, address: str, role: str, log: Log) -> None:
        key = (sid, address, role)
        if key not in self.seen_parties:  # a role is listed once (rows already stored: flush)
            self.seen_parties.add(key)
            self.rows["parties"].append(
                {**self.key, "shipment_id": sid, "address": address, "role": role}
                | {"block_number": log.block_number}
            )

    def _ship(self, sid: int, log: Log) -> dict | None:
        ship = self.ships.get(sid)
        if ship is not None:
            ship["updated_block"] = log.block_number
        return ship

    def _on_ShipmentOpened(self, log: Log, a: dict) -> None:  # noqa: N802 - event names
        sid = a["shipmentId"]
        chain_id, contract = self.key["chain_id"], self.key["contract"]
        self.ships[sid] = {
            **self.key,
            "shipment_id": sid,
            "buyer": a["buyer"],
            "seller": a["seller"],
            "token": a["token"],
            "amount": a["amount"],
            "destination": a["destination"].decode("ascii", "replace"),
            "deadline": a["deadline"],
            "arbiter": a["arbiter"],
            "opened_at": log.block_time,
            "state": State.OPEN.label,
            "delivered_at": 0,
            "disputed_at": 0,
            "released": 0,
            "refunded": 0,
            "block_number": log.block_number,
            "receiver": ZERO,
            "items_root": _hex(bytes(32)),
            "route_hash": _hex(bytes(32)),
            "network_hash": _hex(bytes(32)),
            "route_version": 0,
            "head": _hex(genesis_head(chain_id, contract, sid)),
            "milestone_count": 0,
            "current_leg": 0,
            "leg_phase": 0,
            # the contract starts the last ACT time at the opening: none can predate it
            "last_event_time": log.block_time,
            "tranches": self.tranches.get(log.tx_hash, ""),
            "tx_hash": log.tx_hash,
            "updated_block": log.block_number,
            "agreement": _hex(a.get("offer", bytes(32))),
            "confirmed_legs": 0,
        }
        for role in ("buyer", "seller", "arbiter"):
            self._party(sid, a[role], role, log)

    def _on_ItemsCommitted(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship["items_root"] = _hex(a["itemsRoot"])

    def _on_ReceiverSet(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship["receiver"] = a["receiver"]
            if a["receiver"] != ZERO:
                self._party(a["shipmentId"], a["receiver"], "receiver", log)

    def _on_RouteCommitted(self, log: Log, a: dict) -> None:  # noqa: N802
        sid = a["shipmentId"]
        ship = self._ship(sid, log)
        if ship is None:
            return
        version, from_leg = ship["route_version"], a["fromLeg"]
        route_hash = _hex(a["routeHash"])
        self._retire_legs(sid, from_leg)
        for i, (origin, dest, mode, raw_carrier, dep, arr, passages) in enumerate(a["legs"]):
            carrier = to_checksum_address(raw_carrier)  # inside a tuple: eth_abi's lower case
            self.rows["legs"].append(
                {
                    **self.key,
                    "shipment_id": sid,
                    "route_version": version,
                    "leg": i,
                    "origin": origin.decode("ascii", "replace"),
                    "destination": dest.decode("ascii", "replace"),
                    "mode": Mode(mode).name.lower(),
                    "carrier": carrier,
                    "planned_departure": dep,
                    "planned_arrival": arr,
                    "passages": passages,
                    "route_hash": route_hash,
                    "in_force": i >= from_leg,
                    "confirmed": False,
                    **self._origin(log),
                }
            )
            if i >= from_leg:
                self._party(sid, carrier, "carrier", log)
        if version > 0:
            self._amended(log, a, sid, version)
        ship.update(
            route_version=version + 1,
            route_hash=route_hash,
            network_hash=_hex(a["networkHash"]),
            agreement=_hex(a.get("agreement", bytes.fromhex(ship["agreement"][2:]))),
            # legs from `from_leg` are new: booked again (BookingsConfirmed follows)
            confirmed_legs=ship["confirmed_legs"] & ((1 << from_leg) - 1),
        )
        if ship["state"] == State.OPEN.label:
            ship["state"] = State.ROUTED.label

    def _retire_legs(self, sid: int, from_leg: int) -> None:
        """A new route replaces the legs from `from_leg` on, in the database and this batch."""
        self.conn.execute(
            update(legs)
            .where(self._where(legs, [sid]), legs.c.leg >= from_leg, legs.c.in_force)
            .values(in_force=False)
        )
        for row in self.rows["legs"]:
            if row["shipment_id"] == sid and row["leg"] >= from_leg:
                row["in_force"] = False

    def _amended(self, log: Log, a: dict, sid: int, version: int) -> None:
        self.rows["amendments"].append(
            {
                **self.key,
                "shipment_id": sid,
                "route_version": version,
                "from_leg": a["fromLeg"],
                "route_hash": _hex(a["routeHash"]),
                "network_hash": _hex(a["networkHash"]),
                "legs": len(a["legs"]),
                "block_time": log.block_time,
                **self._origin(log),
            }
        )

    def _on_BookingsConfirmed(self, log: Log, a: dict) -> None:  # noqa: N802
        """The carriers of the legs in bitmask `legs` confirmed their bookings."""
        sid = a["shipmentId"]
        ship = self._ship(sid, log)
        if ship is None:
            return
        ship["confirmed_legs"] |= a["legs"]
        booked = [i for i in range(16) if a["legs"] >> i & 1]
        for row in self.rows["legs"]:  # legs of this batch
            if row["shipment_id"] == sid and row["in_force"] and row["leg"] in booked:
                row["confirmed"] = True
        self.conn.execute(
            update(legs)
            .where(self._where(legs, [sid]), legs.c.in_force, legs.c.leg.in_(booked))
            .values(confirmed=True)
        )

    def _on_MilestoneRecorded(self, log: Log, a: dict) -> None:  # noqa: N802
        sid = a["shipmentId"]
        ship = self._ship(sid, log)
        if ship is None:
            return
        m, recorded_at, seq, relayed = unpack_record(sid, a["record"])
        self.rows["milestones"].append(
            {
                **self.key,
                "shipment_id": sid,
                "seq": seq,
                "leg": m.leg,
                "code": m.code.name,
                "classifier": m.classifier.name,
                "location": m.location,
                "event_time": m.event_time,
                "carrier": a["carrier"],
                "block_time": log.block_time,
                "recorded_at": recorded_at,
                "relayed": relayed,
                "record": _hex(a["record"]),
                "head": _hex(a["head"]),
                **self._origin(log),
            }
        )
        ship.update(head=_hex(a["head"]), milestone_count=seq + 1)
        if m.classifier == Classifier.ACT:  # as the contract's progress word moves
            if m.leg != ship["current_leg"] and ship["leg_phase"] == 2:
                ship["leg_phase"] = 0
            ship["current_leg"] = m.leg
            ship["last_event_time"] = m.event_time
            if m.code == Code.DEPA:
                ship["leg_phase"] = 1
            elif m.code == Code.ARRI:
                ship["leg_phase"] = 2

    def _payout(self, log: Log, sid: int, payee: str, amount: int, kind: str, part=0) -> None:
        ship = self.ships[sid]
        self.rows["payouts"].append(
            {
                **self.key,
                "block_number": log.block_number,
                "log_index": log.log_index,
                "part": part,
                "shipment_id": sid,
                "payee": payee,
                "token": ship["token"],
                "amount": amount,
                "kind": kind,
                "tx_hash": log.tx_hash,
            }
        )

    def _seller_side(self, ship: dict) -> str:
        return ship["receiver"] if ship["receiver"] != ZERO else ship["seller"]

    def _on_TrancheReleased(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship["released"] += a["amount"]
            self._payout(log, a["shipmentId"], self._seller_side(ship), a["amount"], "tranche")

    def _on_Delivered(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship.update(state=State.DELIVERED.label, delivered_at=a["deliveredAt"])

    def _on_Completed(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship.update(state=State.COMPLETED.label, released=ship["released"] + a["amount"])
            self._payout(log, a["shipmentId"], self._seller_side(ship), a["amount"], "completed")

    def _on_Refunded(self, log: Log, a: dict) -> None:  # noqa: N802
        if ship := self._ship(a["shipmentId"], log):
            ship.update(state=State.REFUNDED.label, refunded=ship["refunded"] + a["amount"])
            self._payout(log, a["shipmentId"], ship["buyer"], a["amount"], "refunded")

    def _on_DisputeOpened(self, log: Log, a: dict) -> None:  # noqa: N802
        sid = a["shipmentId"]
        if ship := self._ship(sid, log):
            ship.update(state=State.DISPUTED.label, disputed_at=log.block_time)
            self.disputes[sid] = {
                **self.key,
                "shipment_id": sid,
                "opened_by": a["by"],
                "opened_at": log.block_time,
                "resolved_at": None,
                "to_buyer": None,
                "to_seller": None,
                "by_timeout": None,
                "block_number": log.block_number,
                "resolved_block": None,
            }

    def _on_DisputeResolved(self, log: Log, a: dict) -> None:  # noqa: N802
        sid = a["shipmentId"]
        ship = self._ship(sid, log)
        if ship is None:
            return
        ship.update(
            state=State.RESOLVED.label,
            refunded=ship["refunded"] + a["toBuyer"],
            released=ship["released"] + a["toSeller"],
        )
        if sid in self.disputes:
            self.disputes[sid].update(
                resolved_at=log.block_time,
                to_buyer=a["toBuyer"],
                to_seller=a["toSeller"],
                by_timeout=a["byTimeout"],
                resolved_block=log.block_number,
            )
        self._payout(log, sid, ship["buyer"], a["toBuyer"], "resolved")
        self._payout(log, sid, self._seller_side(ship), a["toSeller"], "resolved", part=1)

    def _on_Withdrawn(self, log: Log, a: dict) -> None:  # noqa: N802
        self.rows["payouts"].append(
            {
                **self.key,
                "block_number": log.block_number,
                "log_index": log.log_index,
                "part": 0,
                "shipment_id": None,
                "payee": a["payee"],
                "token": a["token"],
                "amount": a["amount"],
                "kind": "withdrawn",
                "tx_hash": log.tx_hash,
            }
        )
