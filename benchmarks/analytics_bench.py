"""Analytics figures: the lanes report over ≥ 1,000,000 milestones (SQLite and PostgreSQL),
on-time route ranking against a plain route query, and simulated shipments per second.

The million milestones are synthetic rows inserted directly into the index tables (the
issue allows it for this figure): the default simulation config's population, planned by
`tradelane.analytics.population` (routes, delays, ESTs, transfers) but not played on a
chain. `simulate_shipments_per_s` plays a small population on a real anvil.

    .venv/bin/python -m benchmarks.analytics_bench [--milestones N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import routing
from routing.ontime import rank_on_time
from tradelane.analytics.population import load_config, plan_population
from tradelane.analytics.report import lanes_report
from tradelane.analytics.routes import candidates
from tradelane.analytics.simulate import carrier_account
from tradelane.analytics.snapshot import load_snapshot
from tradelane.index import open_index

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = "0x" + "ab" * 20
START = 1_800_000_000


def _defaults(table, row: dict) -> dict:
    """Fill the NOT NULL columns a synthetic row does not set (the index may add columns)."""
    out = dict(row)
    for col in table.columns:
        if col.name in out or col.nullable or col.server_default is not None:
            continue
        try:
            kind = col.type.python_type
        except NotImplementedError:
            kind = str
        out[col.name] = {int: 0, bool: False, str: ""}.get(kind, 0)
    return out


def synthetic_rows(milestones: int, seed: int = 7) -> tuple[dict[str, list[dict]], int]:
    """Rows for shipments, legs and milestones until at least ``milestones`` milestones."""
    cfg = load_config(shipments=max(100, milestones // 9), days=730, seed=seed)
    plans = plan_population(cfg, START)
    address = {}
    rows: dict[str, list[dict]] = {"shipments": [], "legs": [], "milestones": []}
    block = 0
    for sid, p in enumerate(plans, 1):
        key = {"chain_id": 31337, "contract": CONTRACT, "shipment_id": sid}
        delivered = next((e.at for e in p.events if e.code == "DROP"), 0)
        rows["shipments"].append(
            {**key, "deadline": p.deadline, "opened_at": p.open_at, "block_number": block,
             "delivered_at": delivered if 0 < delivered <= p.deadline else 0, "disputed_at": 0,
             "refunded": 1 if p.refund_at else 0, "released": 0, "amount": 10**15,
             "state": "delivered" if 0 < delivered <= p.deadline else "refunded"}
        )  # fmt: skip
        for i, leg in enumerate(p.route.legs):
            carrier = address.setdefault(leg.carrier, carrier_account(leg.carrier).address)
            rows["legs"].append(
                {**key, "leg": i, "route_version": 0, "origin": leg.origin,
                 "destination": leg.destination, "mode": leg.mode, "carrier": carrier,
                 "planned_departure": int(leg.departure.timestamp()),
                 "planned_arrival": int(leg.arrival.timestamp()), "passages": 0,
                 "in_force": True, "block_number": block}
            )  # fmt: skip
        for seq, e in enumerate(p.events):
            block += 1
            rows["milestones"].append(
                {**key, "seq": seq, "leg": e.leg, "code": e.code, "classifier": e.classifier,
                 "location": e.location, "event_time": e.event_time,
                 "carrier": address[p.route.legs[e.leg].carrier], "block_number": block,
                 "block_time": e.at, "recorded_at": e.at, "log_index": 0,
                 "tx_hash": "0x" + f"{block:064x}"}
            )  # fmt: skip
        if len(rows["milestones"]) >= milestones:
            break
    return rows, len(rows["milestones"])


def fill(url: str, rows: dict[str, list[dict]]):
    store = open_index(url)
    with store.engine.begin() as conn:
        for name in ("shipments", "legs", "milestones"):
            table = store.tables[name]
            data = [_defaults(table, r) for r in rows[name]]
            for start in range(0, len(data), 50_000):
                conn.execute(table.insert(), data[start : start + 50_000])
    if store.engine.dialect.name == "postgresql":  # planner statistics, as autovacuum would
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    return store


def _report_ms(store, names) -> float:
    started = time.perf_counter()
    rep = lanes_report(store, names=names)
    assert rep["lanes"], "the synthetic index produced an empty report"
    return round((time.perf_counter() - started) * 1000, 1)


def _route_figures(store, names) -> dict:
    """On the reference world network (CNSHA → NLRTM, ready 2027-03-01, 3 alternatives): the
    on-time ranking (candidates + Monte Carlo, the snapshot loaded once; ``cold``: its first
    ranking, before any lane is drawn) against plain queries — the cheapest route (no
    deadline), the same with the deadline (what `tradelane route --deadline` runs without
    `--objective on-time`) and the earliest arrival. Two deadlines: the cheapest route's
    planned arrival, and ``tight``, three weeks (the cheapest, by sea, is late; rail makes it)."""
    net = routing.load_network()
    snap_started = time.perf_counter()
    snap = load_snapshot(store, names)
    snapshot_ms = (time.perf_counter() - snap_started) * 1000
    ask = {"depart_after": "2027-03-01"}
    loose = routing.propose(net, "CNSHA", "NLRTM", **ask)[0].legs[-1].arrival
    tight = datetime(2027, 3, 22, tzinfo=UTC)

    def plain(**more):
        return lambda: routing.propose(net, "CNSHA", "NLRTM", **ask, **more)

    def on_time(deadline: datetime, cold: bool = False):
        query = {**ask, "alternatives": 3, "deadline": deadline.isoformat()}

        def run():
            routes = candidates(net, "CNSHA", "NLRTM", query, 3)
            obs = replace(snap.observations) if cold else snap.observations  # no draws yet
            rank_on_time(routes, deadline, obs, network=net)

        return run

    out = {
        name: _median_ms(fn)
        for name, fn in (
            ("plain_route_ms", plain()),
            ("plain_deadline_route_ms", plain(deadline=loose.isoformat())),
            ("plain_time_route_ms", plain(objective="time")),
            ("ontime_route_ms", on_time(loose)),
            ("ontime_route_cold_ms", on_time(loose, cold=True)),
            ("plain_tight_deadline_route_ms", plain(deadline=tight.isoformat())),
            ("ontime_tight_route_ms", on_time(tight)),
        )
    }
    ratio = {
        "ontime_over_plain": ("ontime_route_ms", "plain_route_ms"),
        "ontime_over_plain_deadline": ("ontime_route_ms", "plain_deadline_route_ms"),
        "ontime_over_plain_time": ("ontime_route_ms", "plain_time_route_ms"),
        "ontime_tight_over_plain_deadline": (
            "ontime_tight_route_ms",
            "plain_tight_deadline_route_ms",
        ),
    }
    out.update({k: round(out[a] / out[b], 2) for k, (a, b) in ratio.items()})
    out["snapshot_load_ms"] = round(snapshot_ms, 1)
    return out


def _median_ms(fn, runs: int = 15) -> float:
    """The median wall time of ``runs`` calls after one warm-up, in ms."""
    fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 2)


def _simulate_rate(shipments: int = 150) -> float:
    from tradelane.analytics import simulate
    from tradelane.chain import connect
    from tradelane.client import Tradelane
    from tradelane.node import Anvil

    old = os.environ.get("TRADELANE_HOME")
    with tempfile.TemporaryDirectory() as home, Anvil() as node:
        os.environ["TRADELANE_HOME"] = home
        try:
            tl, _ = Tradelane.deploy(connect(node.url))
            result = simulate.run(tl, load_config(shipments=shipments, days=30))
        finally:
            os.environ.pop("TRADELANE_HOME", None) if old is None else os.environ.update(
                TRADELANE_HOME=old
            )
    return round(result.shipments / result.seconds, 2)


def _postgres_ms(rows, names) -> float | None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pgserver import PostgresServer, available
    except ImportError:
        return None
    if not available():
        return None
    with PostgresServer() as pg:
        store = fill(pg.new_database(), rows)
        try:
            return _report_ms(store, names)
        finally:
            store.close()


def run(milestones: int = 1_000_000, *, postgres: bool = True, simulate: bool = True) -> dict:
    rows, count = synthetic_rows(milestones)
    names = {carrier_account(n).address: n for n in _carrier_names()}
    with tempfile.TemporaryDirectory() as tmp:
        store = fill(f"sqlite:///{tmp}/index.sqlite", rows)
        try:
            results = {
                "milestones": count,
                "legs": len(rows["legs"]),
                "lanes_report_ms_sqlite": _report_ms(store, names),
                **_route_figures(store, names),
            }
        finally:
            store.close()
    if postgres:
        results["lanes_report_ms_postgres"] = _postgres_ms(rows, names)
    if simulate:
        results["simulate_shipments_per_s"] = _simulate_rate()
    return results


def _carrier_names() -> set[str]:
    return {lane["carrier"] for lane in json.loads(Path(load_config().path).read_text())["lanes"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--milestones", type=int, default=1_000_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-simulate", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.milestones, postgres=not args.no_postgres, simulate=not args.no_simulate)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
