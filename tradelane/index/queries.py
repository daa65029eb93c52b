"""What the buyer's tools read from the index: one shipment, a party's shipments, freshness.

`Reader(store, chain_id, contract)` answers in the client's own read model: `snapshot(id)`
gives the contract's `ShipmentView` as a dict (the same keys and types as
`Tradelane.view`) with the milestone history, so `Tradelane.status` builds the same
`ShipmentStatus` from the index as from the chain. Every query is an index lookup: the cost
does not grow with the number of shipments or blocks (a payee's `credit` reads its credits
since its last withdrawal in that token, through an index, whatever the table holds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from eth_utils import to_checksum_address
from sqlalchemy import BigInteger, Numeric, and_, bindparam, cast, func, or_, select, type_coerce

from ..errors import NotFoundError
from ..model import Classifier, Code, Milestone, MilestoneEvent, Mode, State, parse_locode
from .schema import cursors, disputes, legs, milestones, parties, payouts, shipments, tokens
from .store import Store, insert_new

__all__ = ["Freshness", "Reader"]

_STATES = {s.label: s for s in State}
_MODES = {m.name.lower(): int(m) for m in Mode}  # as project.py names them (barge too)


@dataclass(frozen=True)
class Freshness:
    """How far the index has read: block, its time, the node's head then, and when."""

    block: int
    block_time: int
    head: int
    finalized: int
    finality: str
    synced_at: int
    reorgs: int

    @property
    def behind(self) -> int:
        return max(self.head - self.block, 0)

    @property
    def age(self) -> int:
        """Seconds since the follower last synced."""
        return max(int(time.time()) - self.synced_at, 0)

    def to_json(self) -> dict:
        return asdict(self) | {"blocks_behind": self.behind, "age_seconds": self.age}

    def describe(self) -> str:
        lag = f"{self.behind} blocks behind the head" if self.behind else "at the node's head"
        return f"index at block {self.block} ({lag}, synced {self.age}s ago)"


class Reader:
    """Queries of one deployment's index."""

    def __init__(self, store: Store, chain_id: int, contract: str):
        self.store, self.chain_id, self.contract = store, chain_id, contract
        self._local = threading.local()  # views prefetched for this thread's page
        # The hot statements, built once: SQLAlchemy then reuses their compiled form and a
        # page pays only for the database's work, not for rebuilding the expressions.
        ids = bindparam("ids", expanding=True)
        self._ships_in = select(shipments).where(
            self._key(shipments), shipments.c.shipment_id.in_(ids)
        )
        self._legs_in = (
            select(legs)
            .where(self._key(legs), legs.c.shipment_id.in_(ids), legs.c.in_force)
            .order_by(legs.c.shipment_id, legs.c.leg)
        )
        self._now = select(cursors.c.timestamp).where(self._key(cursors))
        self._credit = _credit_sum(self._key(payouts), store.engine.dialect.name)

    @contextmanager
    def prefetch(self, ids: list[int]) -> Iterator[None]:
        """Within the block, `snapshot(id, with_history=False)` of these ids is served from
        two queries made up front (a page of statuses without one query per row)."""
        self._local.cache = self.views(ids)
        try:
            yield
        finally:
            self._local.cache = None

    def _key(self, table):
        return and_(table.c.chain_id == self.chain_id, table.c.contract == self.contract)

    # -- freshness -----------------------------------------------------------------------

    def freshness(self) -> Freshness | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(select(cursors).where(self._key(cursors))).first()
        if row is None:
            return None
        return Freshness(
            block=row.number,
            block_time=row.timestamp,
            head=row.head,
            finalized=row.finalized,
            finality=row.finality,
            synced_at=row.synced_at,
            reorgs=row.reorgs,
        )

    # -- one shipment --------------------------------------------------------------------

    def count(self) -> int:
        with self.store.engine.connect() as conn:
            found = conn.execute(
                select(func.max(shipments.c.shipment_id)).where(self._key(shipments))
            ).scalar()
        return int(found or 0)

    def views(self, ids: list[int]) -> tuple[dict[int, dict], int]:
        """({id: view dict} for the shipments of `ids` that exist, index block time), in two
        queries however many ids (a page of a party's shipments)."""
        with self.store.engine.connect() as conn:
            ships = conn.execute(self._ships_in, {"ids": ids}).all()
            route: dict[int, list] = {}
            for row in conn.execute(self._legs_in, {"ids": ids}).all():
                route.setdefault(row.shipment_id, []).append(row)
            now = conn.execute(self._now).scalar_one_or_none()
        return {s.shipment_id: _view(s, route.get(s.shipment_id, [])) for s in ships}, int(now or 0)

    def snapshot(self, shipment_id: int, *, with_history: bool = True):
        """(view dict as `Tradelane.view` returns it, milestone events, index block time)."""
        cache = getattr(self._local, "cache", None)
        if cache and not with_history and shipment_id in cache[0]:
            return cache[0][shipment_id], [], cache[1]
        with self.store.engine.connect() as conn:
            ship = conn.execute(
                select(shipments).where(
                    self._key(shipments), shipments.c.shipment_id == shipment_id
                )
            ).first()
            if ship is None:
                raise NotFoundError(
                    f"shipment {shipment_id} does not exist on chain {self.chain_id} "
                    f"(contract {self.contract}, as indexed)"
                )
            route = conn.execute(
                select(legs)
                .where(self._key(legs), legs.c.shipment_id == shipment_id, legs.c.in_force)
                .order_by(legs.c.leg)
            ).all()
            events = self._history(conn, shipment_id) if with_history else []
            now = conn.execute(
                select(cursors.c.timestamp).where(self._key(cursors))
            ).scalar_one_or_none()
        return _view(ship, route), events, int(now or 0)

    def history(self, shipment_id: int) -> list[MilestoneEvent]:
        with self.store.engine.connect() as conn:
            return self._history(conn, shipment_id)

    def _history(self, conn, shipment_id: int) -> list[MilestoneEvent]:
        rows = conn.execute(
            select(milestones)
            .where(self._key(milestones), milestones.c.shipment_id == shipment_id)
            .order_by(milestones.c.seq)
        ).all()
        return [
            MilestoneEvent(
                milestone=Milestone(
                    shipment_id,
                    r.leg,
                    Code[r.code],
                    Classifier[r.classifier],
                    r.location,
                    r.event_time,
                ),
                carrier=r.carrier,
                seq=r.seq,
                recorded_at=r.recorded_at,
                relayed=r.relayed,
                record=r.record,
                head=r.head,
                tx_hash=r.tx_hash,
                block_number=r.block_number,
                log_index=r.log_index,
            )
            for r in rows
        ]

    def disputer(self, shipment_id: int) -> str | None:
        """Who opened the shipment's dispute (None when there was none)."""
        with self.store.engine.connect() as conn:
            return conn.execute(
                select(disputes.c.opened_by).where(
                    self._key(disputes), disputes.c.shipment_id == shipment_id
                )
            ).scalar_one_or_none()

    # -- money ---------------------------------------------------------------------------

    def credit(self, payee: str, token: str) -> int:
        """What `payee` may withdraw in `token` (address(0) = ETH) as of the index's block:
        the contract's `credit(payee, token)`, with no call to the node.

        Every credit the contract makes is a payouts row (a tranche, a completion, a refund,
        either side of a resolution) and a withdrawal takes the whole credit (B24), so the
        credit is the sum of what was paid in after the payee's last withdrawal in that token:
        one statement (one snapshot under a concurrent sync) over `ix_payouts_credit`, which
        reads only the rows from that withdrawal on and never the table."""
        params = {"payee": to_checksum_address(payee), "token": to_checksum_address(token)}
        with self.store.engine.connect() as conn:
            parts = conn.execute(self._credit, params).one()
        return sum(int(part or 0) * 10 ** (_DIGITS * i) for i, part in enumerate(parts))

    # -- a party's shipments -------------------------------------------------------------

    def _of(self, address: str, roles: tuple[str, ...]):
        """The party rows of `address` in `roles`: one range of the (address, shipment_id)
        index, so a page costs the same with 100 shipments or 100 000."""
        return and_(self._key(parties), parties.c.address == address, parties.c.role.in_(roles))

    def count_of(self, address: str, roles: tuple[str, ...] = ("buyer", "seller")) -> int:
        query = select(func.count(parties.c.shipment_id.distinct())).where(self._of(address, roles))
        with self.store.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def shipments_of(
        self,
        address: str,
        *,
        roles: tuple[str, ...] = ("buyer", "seller"),
        limit: int | None = None,
        before: int | None = None,
        newest_first: bool = False,
    ) -> list[int]:
        """Ids of `address`'s shipments (as buyer or seller), oldest first unless
        `newest_first`; a page is `limit` ids, optionally only those below id `before`."""
        where = self._of(address, roles)
        if before is not None:
            where = and_(where, parties.c.shipment_id < before)
        column = parties.c.shipment_id
        query = (
            select(column)
            .where(where)
            .group_by(column)
            .order_by(column.desc() if newest_first else column)
            .limit(limit)
        )
        with self.store.engine.connect() as conn:
            return [r[0] for r in conn.execute(query).all()]

    def roles_of(self, address: str) -> dict[int, set[str]]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(parties.c.shipment_id, parties.c.role).where(
                    self._key(parties), parties.c.address == address
                )
            ).all()
        found: dict[int, set[str]] = {}
        for sid, role in rows:
            found.setdefault(sid, set()).add(role)
        return found

    # -- tokens --------------------------------------------------------------------------

    def token(self, address: str) -> tuple[str, int] | None:
        with self.store.engine.connect() as conn:
            row = conn.execute(
                select(tokens.c.symbol, tokens.c.decimals).where(
                    tokens.c.chain_id == self.chain_id, tokens.c.address == address
                )
            ).first()
        return (row.symbol, row.decimals) if row else None

    def remember_token(self, address: str, symbol: str, decimals: int) -> None:
        row = {"chain_id": self.chain_id, "address": address, "symbol": symbol[:32]}
        row["decimals"] = decimals
        with self.store.engine.begin() as conn:
            conn.execute(insert_new(conn, tokens), [row])


_DIGITS = 10  # SQLite adds a credit per 10 decimal digits: below 2**63 up to 9 * 10**8 rows


def _credit_sum(key, dialect: str):
    """The sum of (:payee, :token)'s credits after their last withdrawal, as parts: PostgreSQL
    adds NUMERIC exactly (one part); SQLite's integers stop at 2**63 and `Amount` is decimal
    text there, so it adds each 10-digit slice of the amounts (a credit row is at most one
    shipment's deposit, below 2**96: 29 digits, 3 slices) and `Reader.credit` puts them
    together."""
    mine = and_(key, payouts.c.payee == bindparam("payee"), payouts.c.token == bindparam("token"))
    withdrawn = and_(mine, payouts.c.kind == "withdrawn")
    block, index = payouts.c.block_number, payouts.c.log_index
    last = select(block).where(withdrawn).order_by(block.desc()).limit(1).scalar_subquery()
    last = func.coalesce(last, -1)
    at = select(func.max(index)).where(withdrawn, block == last).scalar_subquery()
    at = func.coalesce(at, -1)
    if dialect == "sqlite":
        slices = [func.substr(payouts.c.amount, -_DIGITS * (i + 1), _DIGITS) for i in range(3)]
        parts = [func.sum(cast(part, BigInteger)) for part in slices]
    else:
        parts = [func.sum(type_coerce(payouts.c.amount, Numeric(78, 0)))]
    after = and_(block >= last, or_(block > last, index > at))
    return select(*parts).where(mine, payouts.c.kind != "withdrawn", after)


def _hexbytes(text: str) -> bytes:
    return bytes.fromhex(text[2:])


def _view(ship, route) -> dict:
    """A shipments row (and its legs in force) as the contract's ShipmentView dict."""
    deposited = int(ship.amount)
    released, refunded = int(ship.released), int(ship.refunded)
    tranches = []
    for part in filter(None, ship.tranches.split(",")):
        code, leg, bps = part.split(":")
        tranches.append((int(Code[code]), int(leg), int(bps)))
    return {
        "state": int(_STATES[ship.state]),
        "buyer": ship.buyer,
        "seller": ship.seller,
        "receiver": ship.receiver,
        "token": ship.token,
        "arbiter": ship.arbiter,
        "destination": parse_locode(ship.destination),
        "deadline": ship.deadline,
        "openedAt": ship.opened_at,
        "deliveredAt": ship.delivered_at,
        "disputedAt": ship.disputed_at,
        "deposited": deposited,
        "released": released,
        "refunded": refunded,
        "held": deposited - released - refunded,
        "routeHash": _hexbytes(ship.route_hash),
        "networkHash": _hexbytes(ship.network_hash),
        "itemsRoot": _hexbytes(ship.items_root),
        "head": _hexbytes(ship.head),
        "milestones": ship.milestone_count,
        "currentLeg": ship.current_leg,
        "legPhase": ship.leg_phase,
        "lastEventTime": ship.last_event_time,
        "confirmedLegs": ship.confirmed_legs,
        "tranches": tranches,
        "legs": [
            (
                r.origin.encode(),
                r.destination.encode(),
                _MODES[r.mode],
                r.carrier,
                r.planned_departure,
                r.planned_arrival,
                r.passages,
            )
            for r in route
        ],
    }
