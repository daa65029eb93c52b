"""The one place analytics reads the index: SQL (SQLAlchemy Core) → column frames.

The database does the heavy part — joining legs to their milestones and pivoting the
first ACT time of each code per leg in one GROUP BY — so a report over a million
milestones moves one row per leg into Python, not one per milestone. Only the tables and
columns of INDEX_SCHEMA.md are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, Table, and_, case, func, select

from .frame import Estimates, Legs, Shipments

__all__ = [
    "Scope",
    "index_time",
    "load_estimates",
    "load_legs",
    "load_shipments",
    "source_marker",
]


@dataclass(frozen=True)
class Scope:
    """Which part of the index to read: one deployment, a planned-arrival window (unix s)."""

    chain_id: int | None = None
    contract: str | None = None
    since: int | None = None
    until: int | None = None


def _where(table: Table, scope: Scope, time_col=None) -> list:
    out = []
    if scope.chain_id is not None:
        out.append(table.c.chain_id == scope.chain_id)
    if scope.contract is not None:
        out.append(table.c.contract == scope.contract)
    if time_col is not None and scope.since is not None:
        out.append(time_col >= scope.since)
    if time_col is not None and scope.until is not None:
        out.append(time_col < scope.until)
    return out


def _key(table: Table) -> list:
    """The shipment's key columns; :func:`_rows` joins them into ``chain:contract:id``."""
    c = table.c
    return [c.chain_id, c.contract, c.shipment_id]


def _rows(result) -> list[dict]:
    out = []
    for r in result:
        row = dict(r._mapping)
        row["shipment"] = f"{row.pop('chain_id')}:{row.pop('contract')}:{row.pop('shipment_id')}"
        out.append(row)
    return out


def _first(m: Table, code: str):
    hit = and_(m.c.code == code, m.c.classifier == "ACT")
    return func.min(case((hit, m.c.event_time)))


def _leg_join(legs: Table, m: Table):
    return and_(
        m.c.chain_id == legs.c.chain_id,
        m.c.contract == legs.c.contract,
        m.c.shipment_id == legs.c.shipment_id,
        m.c.leg == legs.c.leg,
    )


def load_legs(engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()) -> Legs:
    """Every leg in force with its first ACT DEPA / ARRI / DISC / LOAD time."""
    legs, m = tables["legs"], tables["milestones"]
    c = legs.c
    cols = [
        *_key(legs),
        c.leg,
        c.origin,
        c.destination,
        c.mode,
        c.carrier,
        c.planned_departure,
        c.planned_arrival,
    ]
    stmt = (
        select(
            *cols,
            _first(m, "DEPA").label("actual_departure"),
            _first(m, "ARRI").label("actual_arrival"),
            _first(m, "DISC").label("discharged"),
            _first(m, "LOAD").label("loaded"),
        )
        .select_from(legs.outerjoin(m, _leg_join(legs, m)))
        .where(c.in_force.is_(True), *_where(legs, scope, c.planned_arrival))
        .group_by(*cols)
    )
    with engine.connect() as conn:
        return Legs.from_rows(_rows(conn.execute(stmt)))


def load_estimates(
    engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()
) -> Estimates:
    """Every EST ARRI on a leg in force, with that leg's first ACT ARRI (NULL if none yet)."""
    legs, m = tables["legs"], tables["milestones"]
    act = m.alias("act")
    actual = (
        select(func.min(act.c.event_time))
        .where(
            act.c.chain_id == m.c.chain_id,
            act.c.contract == m.c.contract,
            act.c.shipment_id == m.c.shipment_id,
            act.c.leg == m.c.leg,
            act.c.code == "ARRI",
            act.c.classifier == "ACT",
        )
        .scalar_subquery()
    )
    stmt = (
        select(
            legs.c.carrier,
            legs.c.origin,
            legs.c.destination,
            legs.c.mode,
            m.c.event_time.label("estimated"),
            m.c.block_time.label("given_at"),
            actual.label("actual"),
        )
        .select_from(m.join(legs, _leg_join(legs, m)))
        .where(
            legs.c.in_force.is_(True),
            m.c.code == "ARRI",
            m.c.classifier == "EST",
            *_where(legs, scope, legs.c.planned_arrival),
        )
    )
    with engine.connect() as conn:
        return Estimates.from_rows(dict(r._mapping) for r in conn.execute(stmt))


def load_shipments(
    engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()
) -> Shipments:
    """Every shipment with a route in force: lane, carriers, deadline and outcome."""
    s, legs, m, d = tables["shipments"], tables["legs"], tables["milestones"], tables["disputes"]
    by_leg = (
        select(
            legs.c.chain_id,
            legs.c.contract,
            legs.c.shipment_id,
            func.min(legs.c.planned_departure).label("first_departure"),
            func.max(legs.c.leg).label("last_leg"),
        )
        .where(legs.c.in_force.is_(True))
        .group_by(legs.c.chain_id, legs.c.contract, legs.c.shipment_id)
        .subquery()
    )
    same = and_(
        by_leg.c.chain_id == s.c.chain_id,
        by_leg.c.contract == s.c.contract,
        by_leg.c.shipment_id == s.c.shipment_id,
    )
    stmt = (
        select(
            *_key(s),
            s.c.deadline,
            s.c.opened_at,
            s.c.delivered_at,
            s.c.refunded,
            s.c.disputed_at,
            by_leg.c.first_departure,
        )
        .select_from(s.join(by_leg, same))
        .where(*_where(s, scope, s.c.deadline))
    )
    legs_stmt = select(
        *_key(legs), legs.c.leg, legs.c.origin, legs.c.destination, legs.c.carrier
    ).where(legs.c.in_force.is_(True), *_where(legs, scope))
    drops = (
        select(*_key(m), func.min(m.c.event_time).label("dropped_at"))
        .where(m.c.code == "DROP", m.c.classifier == "ACT", *_where(m, scope))
        .group_by(m.c.chain_id, m.c.contract, m.c.shipment_id)
    )
    del d  # disputes are on the shipment row (disputed_at); the table adds resolution detail
    with engine.connect() as conn:
        route: dict[str, list] = {}
        for r in _rows(conn.execute(legs_stmt.order_by(legs.c.leg))):
            route.setdefault(r["shipment"], []).append(r)
        dropped = {r["shipment"]: r["dropped_at"] for r in _rows(conn.execute(drops))}
        rows = []
        for r in _rows(conn.execute(stmt)):
            ls = route.get(r["shipment"])
            if not ls:
                continue
            rows.append(
                {
                    **r,
                    "origin": ls[0]["origin"],
                    "destination": ls[-1]["destination"],
                    "carriers": "|".join(dict.fromkeys(x["carrier"] for x in ls)),
                    "delivered_at": r["delivered_at"] or None,
                    "dropped_at": dropped.get(r["shipment"]),
                    "refunded": 1 if r["refunded"] and int(r["refunded"]) else 0,
                    "disputed_at": r["disputed_at"] or None,
                }
            )
    return Shipments.from_rows(rows)


def source_marker(engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()) -> dict:
    """What the index held when read: per deployment, the highest block of a milestone and
    the number of milestones (part of the snapshot hash: same data → same marker)."""
    m = tables["milestones"]
    stmt = (
        select(m.c.chain_id, m.c.contract, func.max(m.c.block_number), func.count())
        .where(*_where(m, scope))
        .group_by(m.c.chain_id, m.c.contract)
        .order_by(m.c.chain_id, m.c.contract)
    )
    with engine.connect() as conn:
        return {
            f"{chain}:{contract}": {"block": int(block or 0), "milestones": int(n)}
            for chain, contract, block, n in conn.execute(stmt)
        }


def index_time(engine: Engine, tables: Mapping[str, Table]) -> int | None:
    """The chain time the index has reached: the latest block time of a milestone (a dev
    chain's clock may run far from the wall clock, so reports are "as of" this)."""
    m = tables["milestones"]
    with engine.connect() as conn:
        value = conn.execute(select(func.max(m.c.block_time))).scalar()
    return int(value) if value is not None else None
