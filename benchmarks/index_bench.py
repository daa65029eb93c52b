"""The event index: catch-up speed, lookups that do not grow with the chain, reorg recovery,
concurrent page loads.

- `events_per_s_sqlite` / `_postgres`: a fresh index catching up over ≥ 100 000 events on a
  local anvil (400 agreed shipments, each with 250 EST milestones on its first leg — a leg
  holds at most 255 — sent in one `recordMilestones` call, in JSON-RPC batches of pre-signed
  transactions).
- `status_ms_N`: p50 of `Tradelane.status` (with history) of a typical shipment (six
  milestones) read from an index holding N shipments of its deployment; `party_page_ms_N`:
  p50 of one 50-row page of a party owning 1 000 of them. The deployment holds 40 real
  shipments; the rest are SYNTHETIC rows inserted straight into the SQLite index (copies of
  a real shipment's rows under new ids), as the issue allows.
- `reorg_recovery_ms`: the sync that finds and undoes a 10-block reorganisation (milestones
  of a typical shipment) and reads the 11 replacing blocks. The rollback re-folds the touched
  shipments from their raw logs, so it costs more when a touched shipment has a long history.
- `web.concurrent_20_page_loads_ms`: 20 shipment pages (typical shipments) fetched at once
  over HTTP from `tradelane serve`'s app (uvicorn) reading the index; p50 of 5 rounds.
  `concurrent_20_api_loads_ms`: the same for their JSON (`/api/shipments/N`), the data path
  without the page's rendering.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import insert, select

from benchmarks.chain_bench import accept_calls
from routing.encode import EncodedRoute, route_hash
from tradelane.chain import connect
from tradelane.client import DAY, Tradelane
from tradelane.index import attach
from tradelane.index.schema import legs, milestones, parties, shipments
from tradelane.model import Classifier, Code, Milestone
from tradelane.node import Anvil, free_port
from tradelane.web.service import party_page

__all__ = ["run"]

SHIPMENTS = 400
PER_SHIPMENT = 250  # a leg holds at most 255 milestones (SPECIFICATION.md B9)
PER_CALL = 250
TYPICAL = 40
ORIGIN = (Code.GTIN, Code.LOAD, Code.DEPA)


def _route(tl: Tradelane) -> EncodedRoute:
    start = tl.chain.now() + DAY
    stops = ("CNSHA", "SGSIN", "NLRTM")
    carriers = [tl.chain.address(c) for c in ("carrier1", "carrier2")]
    legs_ = [
        (a.encode(), b.encode(), 0, carriers[i], start + i * 6 * DAY, start + (i * 6 + 5) * DAY, 0)
        for i, (a, b) in enumerate(zip(stops, stops[1:], strict=False))
    ]
    return EncodedRoute(legs=legs_, route_hash=route_hash(legs_), network_hash=bytes(32))


def _accept(tl: Tradelane, n: int) -> range:
    """`n` agreed shipments (signed offers with every booking), accepted in batches."""
    chain, first = tl.chain, tl.count() + 1
    calls = accept_calls(tl, _route(tl), n, booked=True, deadline=chain.now() + 90 * DAY)
    chain.send_many(calls, "buyer", gas=500_000, value=10**15)
    return range(first, first + n)


def _typical(tl: Tradelane, n: int = TYPICAL) -> None:
    """`n` routed shipments with six estimated milestones each (the pages and lookups)."""
    when = tl.chain.now() + 2 * DAY
    steps = [
        [Milestone(sid, 0, code, Classifier.EST, "CNSHA", when).as_tuple() for code in ORIGIN] * 2
        for sid in _accept(tl, n)
    ]
    fns = tl.contract.functions
    tl.chain.send_many([fns.recordMilestones(s) for s in steps], "carrier1", gas=600_000)


def _seed(tl: Tradelane) -> int:
    """Routed shipments and their EST milestones; returns the number of logs on chain."""
    fns, chain = tl.contract.functions, tl.chain
    when = chain.now() + 2 * DAY
    batches = []
    for sid in _accept(tl, SHIPMENTS):
        m = Milestone(sid, 0, Code.DEPA, Classifier.EST, "CNSHA", when).as_tuple()
        batches += [fns.recordMilestones([m] * PER_CALL)] * (PER_SHIPMENT // PER_CALL)
    chain.send_many(batches, "carrier1", gas=4_000_000, chunk=20)  # ~40 kB each
    _typical(tl)
    return len(chain.w3.eth.get_logs({"address": tl.address, "fromBlock": 0}))


def _catch_up(tl: Tradelane, url: str) -> tuple[float, int]:
    client = Tradelane(tl.chain, tl.address, tl.deployment)
    ix = attach(client, url)
    try:
        report = ix.sync()
        return report.rate, report.logs
    finally:
        ix.stop()


def _postgres_rate(tl: Tradelane) -> tuple[float | None, int]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from pgserver import PostgresServer, available

    if not available():
        return None, 0
    with PostgresServer() as pg:
        return _catch_up(tl, pg.new_database())


def _p50(fn, repeats: int = 101) -> float:
    fn()  # warm
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def _grow(ix, key: dict, template: int, owner: str, total: int, owned: int) -> None:
    """Copy shipment `template`'s rows under new ids until the index holds `total`; the first
    `owned` copies belong to `owner` (as buyer)."""
    with ix.store.engine.begin() as conn:
        have = conn.execute(
            select(shipments.c.shipment_id).order_by(shipments.c.shipment_id.desc())
        ).first()[0]
        ship = dict(
            conn.execute(select(shipments).where(shipments.c.shipment_id == template))
            .one()
            ._mapping
        )
        route = [
            dict(r._mapping)
            for r in conn.execute(select(legs).where(legs.c.shipment_id == template))
        ]
        steps = [
            dict(r._mapping)
            for r in conn.execute(
                select(milestones).where(milestones.c.shipment_id == template).limit(6)
            )
        ]
        rows: dict[str, list] = {"s": [], "l": [], "m": [], "p": []}
        for sid in range(have + 1, total + 1):
            mine = sid - have <= owned
            buyer = owner if mine else ship["buyer"]
            rows["s"].append(ship | {"shipment_id": sid, "buyer": buyer})
            rows["l"] += [r | {"shipment_id": sid} for r in route]
            rows["m"] += [r | {"shipment_id": sid} for r in steps]
            rows["p"].append(
                {**key, "shipment_id": sid, "address": buyer, "role": "buyer", "block_number": 0}
            )
            if len(rows["s"]) >= 5_000 or sid == total:
                for table, part in (
                    (shipments, "s"),
                    (legs, "l"),
                    (milestones, "m"),
                    (parties, "p"),
                ):
                    if rows[part]:
                        conn.execute(insert(table), rows[part])
                rows = {k: [] for k in rows}


def _lookups(tl: Tradelane, url: str) -> dict:
    """On a deployment of its own holding only typical shipments, grown with synthetic copies
    to 100, 10 000 and 100 000: the same typical shipment's status, and the page of a party
    owning 1 000 of them (the lookup's cost is the shipment's history and the page's rows,
    whatever else the index holds)."""
    lone, _ = Tradelane.deploy(tl.chain, force=True)
    _typical(lone)
    client = Tradelane(lone.chain, lone.address, lone.deployment)
    ix = attach(client, url)
    ix.sync()
    key = {"chain_id": lone.chain.chain_id, "contract": lone.address}
    template = lone.count()
    owner = lone.chain.address("outsider")
    figures = {}
    for total, owned in ((100, 0), (10_000, 1_000), (100_000, 0)):
        _grow(ix, key, template, owner, total, owned)
        probe = total // 2  # a synthetic copy of the template: six milestones
        figures[f"status_ms_{total}"] = round(_p50(lambda p=probe: client.status(p)), 2)
        if total > 100:
            figures[f"party_page_ms_{total}"] = round(
                _p50(lambda: party_page(client, owner, limit=50)), 2
            )
    ix.stop()
    return figures


def _reorg_ms(tl: Tradelane, url: str) -> float:
    client = Tradelane(tl.chain, tl.address, tl.deployment)
    ix = attach(client, url)
    ix.sync()
    w3 = tl.chain.w3
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    sid = tl.count()  # a typical shipment: the cost of a reorg grows with the touched histories
    for _ in range(10):
        m = Milestone(sid, 0, Code.DEPA, Classifier.EST, "CNSHA", tl.chain.now() + DAY)
        tl.record("carrier1", m)
    ix.sync()
    w3.provider.make_request("evm_revert", [snapshot])
    for _ in range(11):
        m = Milestone(sid, 0, Code.GTIN, Classifier.PLN, "CNSHA", tl.chain.now() + DAY)
        tl.record("carrier1", m)
    t = time.perf_counter()
    report = ix.sync()
    elapsed = (time.perf_counter() - t) * 1000
    assert report.reorgs == 1 and report.rolled_back >= 10
    ix.stop()
    return elapsed


def _concurrent_pages_ms(tl: Tradelane, url: str) -> tuple[float, float]:
    import uvicorn

    from tradelane.web import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(tl.chain.url, index_url=url), port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    ids = list(range(tl.count() - 19, tl.count() + 1))  # typical shipments
    base = f"http://127.0.0.1:{port}"
    try:
        requests.get(f"{base}/shipment/{ids[0]}", timeout=60).raise_for_status()  # caught up

        def rounds(path: str) -> float:
            def load(sid: int) -> None:
                requests.get(f"{base}{path.format(sid)}", timeout=60).raise_for_status()

            samples = []
            with ThreadPoolExecutor(20) as pool:
                for _ in range(5):
                    t = time.perf_counter()
                    list(pool.map(load, ids))
                    samples.append((time.perf_counter() - t) * 1000)
            return statistics.median(samples)

        return rounds("/shipment/{}"), rounds("/api/shipments/{}")
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="tradelane-index-bench-") as scratch:
        return _run(Path(scratch))


def _run(work: Path) -> dict:
    with Anvil() as node:
        tl, _ = Tradelane.deploy(connect(node.url), force=True)
        logs = _seed(tl)
        sqlite_rate, indexed = _catch_up(tl, f"sqlite:///{work / 'catchup.sqlite'}")
        postgres_rate, _ = _postgres_rate(tl)
        pages_ms, api_ms = _concurrent_pages_ms(tl, f"sqlite:///{work / 'web.sqlite'}")
        reorg_ms = _reorg_ms(tl, f"sqlite:///{work / 'reorg.sqlite'}")
        figures = _lookups(tl, f"sqlite:///{work / 'lookups.sqlite'}")
    index = {
        "events_indexed": indexed,
        "events_on_chain": logs,
        "events_per_s_sqlite": round(sqlite_rate),
        "reorg_recovery_ms": round(reorg_ms, 1),
        **figures,
    }
    if postgres_rate is not None:
        index["events_per_s_postgres"] = round(postgres_rate)
    web = {
        "concurrent_20_page_loads_ms": round(pages_ms, 1),
        "concurrent_20_api_loads_ms": round(api_ms, 1),  # the data path alone (JSON)
    }
    return {"index": index, "web": web}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
