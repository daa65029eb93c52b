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

from .frame import Estimates, Legs, Routes, Shipments

__all__ = [
    "Scope",
    "index_time",
    "load_estimates",
    "load_legs",
    "load_routes",
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
    """The shipment's key columns; :func:`_columns` joins them into ``chain:contract:id``."""
    c = table.c
    return [c.chain_id, c.contract, c.shipment_id]


def _columns(result) -> dict[str, list]:
    """A result as column lists, with the shipment key joined.

    Fetched from the DBAPI cursor in one call: building SQLAlchemy Row objects for a
    few hundred thousand rows costs more than the query. The columns read are plain
    integers and text on both SQLite and PostgreSQL (amounts are only tested for zero).
    """
    names = list(result.keys())
    rows = result.cursor.fetchall()
    result.close()
    if not rows:  # zip(*rows) would give no columns at all
        cols: dict[str, list] = {name: [] for name in names}
    else:
        cols = dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))
    if "shipment_id" in cols:
        key = zip(cols.pop("chain_id"), cols.pop("contract"), cols.pop("shipment_id"), strict=True)
        cols["shipment"] = [f"{a}:{b}:{c}" for a, b, c in key]
    return cols


def _first(m: Table, code: str):
    hit = and_(m.c.code == code, m.c.classifier == "ACT")
    return func.min(case((hit, m.c.event_time)))


def _leg_join(legs, m: Table):
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
    key = [m.c.chain_id, m.c.contract, m.c.shipment_id, m.c.leg]
    acts = (  # one row per leg that has any ACT milestone: the pivot, in the database
        select(
            *key,
            _first(m, "DEPA").label("actual_departure"),
            _first(m, "ARRI").label("actual_arrival"),
            _first(m, "DISC").label("discharged"),
            _first(m, "LOAD").label("loaded"),
        )
        .where(m.c.classifier == "ACT", m.c.code.in_(("DEPA", "ARRI", "DISC", "LOAD")))
        .group_by(*key)
        .subquery()
    )
    stmt = (
        select(
            *_key(legs),
            c.leg,
            c.origin,
            c.destination,
            c.mode,
            c.carrier,
            c.planned_departure,
            c.planned_arrival,
            acts.c.actual_departure,
            acts.c.actual_arrival,
            acts.c.discharged,
            acts.c.loaded,
        )  # fmt: skip
        .select_from(legs.outerjoin(acts, _leg_join(legs, acts)))
        .where(c.in_force.is_(True), *_where(legs, scope, c.planned_arrival))
    )
    with engine.connect() as conn:
        return Legs.from_columns(_columns(conn.execute(stmt)))


def _same_shipment(a, b):
    return and_(*(a.c[k] == b.c[k] for k in ("chain_id", "contract", "shipment_id")))


def _first_arrival(m: Table):
    """The first ACT ARRI time of a milestone row's leg: a correlated subquery, which walks
    the few milestones of one shipment through the primary key instead of grouping the
    whole milestones table."""
    act = m.alias("first_arri")
    return (
        select(func.min(act.c.event_time))
        .where(
            _same_shipment(act, m),
            act.c.leg == m.c.leg,
            act.c.code == "ARRI",
            act.c.classifier == "ACT",
        )
        .scalar_subquery()
    )


def load_estimates(
    engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()
) -> Estimates:
    """Every EST ARRI on a leg in force, with that leg's first ACT ARRI (NULL if none yet)."""
    legs, m = tables["legs"], tables["milestones"]
    stmt = (
        select(
            legs.c.carrier,
            legs.c.origin,
            legs.c.destination,
            legs.c.mode,
            m.c.event_time.label("estimated"),
            m.c.block_time.label("given_at"),
            _first_arrival(m).label("actual"),
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
        return Estimates.from_columns(_columns(conn.execute(stmt)))


def load_shipments(
    engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()
) -> Shipments:
    """Every shipment with a route in force: lane, carriers, deadline and outcome.

    One query: the route's summary (first origin, final destination, carriers) is
    aggregated in the database; disputes are on the shipment row (``disputed_at``).
    """
    s, legs, m = tables["shipments"], tables["legs"], tables["milestones"]
    with engine.connect() as conn:
        ship = _columns(conn.execute(_shipments_query(s, legs, scope)))
        drop_cols = _columns(conn.execute(_drops_query(m, scope)))
    dropped = dict(zip(drop_cols["shipment"], drop_cols["dropped_at"], strict=True))
    return Shipments.from_columns(
        {
            **ship,
            # a carrier of several legs counts once, in the order it first appears
            "carriers": ["|".join(dict.fromkeys(c.split("|"))) for c in ship["carriers"]],
            "delivered_at": [v or None for v in ship["delivered_at"]],
            "refunded": [1 if v and int(v) else 0 for v in ship["refunded"]],
            "disputed_at": [v or None for v in ship["disputed_at"]],
            "dropped_at": [dropped.get(key) for key in ship["shipment"]],
        }
    )


def _route_summary(legs: Table):
    """Per shipment, over its legs in force: first departure, first and last leg, and the
    carriers ``|``-joined (one row per leg, so repeats; :func:`load_shipments` drops them)."""
    return (
        select(
            *_key(legs),
            func.min(legs.c.planned_departure).label("first_departure"),
            func.min(legs.c.leg).label("first_leg"),
            func.max(legs.c.leg).label("last_leg"),
            func.aggregate_strings(legs.c.carrier, "|").label("carriers"),
        )
        .where(legs.c.in_force.is_(True))
        .group_by(legs.c.chain_id, legs.c.contract, legs.c.shipment_id)
        .subquery()
    )


def _shipments_query(s: Table, legs: Table, scope: Scope):
    """Each shipment row with its route's summary, the first leg's origin and the last
    leg's destination."""
    by_leg = _route_summary(legs)
    first, last = legs.alias("first_leg"), legs.alias("last_leg")

    def same(table, leg=None):
        on = [_same_shipment(table, by_leg)]
        if leg is not None:
            on += [table.c.leg == leg, table.c.in_force.is_(True)]
        return and_(*on)

    return (
        select(
            *_key(s),
            s.c.deadline,
            s.c.opened_at,
            s.c.delivered_at,
            s.c.refunded,
            s.c.disputed_at,
            by_leg.c.first_departure,
            first.c.origin,
            last.c.destination,
            by_leg.c.carriers,
        )
        .select_from(
            s.join(by_leg, same(s))
            .join(first, same(first, by_leg.c.first_leg))
            .join(last, same(last, by_leg.c.last_leg))
        )
        .where(*_where(s, scope, s.c.deadline))
    )


def _drops_query(m: Table, scope: Scope):
    """Each dropped shipment's first ACT DROP time, in a query of its own: joined into
    :func:`_shipments_query`, PostgreSQL's plan took minutes."""
    return (
        select(*_key(m), func.min(m.c.event_time).label("dropped_at"))
        .where(m.c.code == "DROP", m.c.classifier == "ACT", *_where(m, scope))
        .group_by(m.c.chain_id, m.c.contract, m.c.shipment_id)
    )


def load_routes(engine: Engine, tables: Mapping[str, Table], scope: Scope = Scope()) -> Routes:
    """Every leg in force (port pair, mode, carrier) of the shipments :func:`load_shipments`
    reads for the same scope: the legs table alone, no milestones."""
    s, legs = tables["shipments"], tables["legs"]
    c = legs.c
    stmt = (
        select(*_key(legs), c.origin, c.destination, c.mode, c.carrier)
        .select_from(legs.join(s, _same_shipment(legs, s)))
        .where(c.in_force.is_(True), *_where(s, scope, s.c.deadline))
    )
    with engine.connect() as conn:
        return Routes.from_columns(_columns(conn.execute(stmt)))


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
