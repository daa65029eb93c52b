"""The tracking site on anvil: live-update latency, shipment page under load, a big party page.

* ``update_latency_ms``: a milestone's block is mined → the page's event stream says so →
  the page has fetched its new body (what a reader waits for), median of several updates.
* ``shipment_page_ms_p95``: 20 clients fetching a finished shipment's page at once.
* ``party_page_ms_1000_shipments``: the buyer's list page when the buyer has 1000 shipments.

The app runs under uvicorn in a thread, as ``tradelane serve`` runs it.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from tradelane.chain import connect
from tradelane.client import DAY, Tradelane
from tradelane.model import Classifier, Code, Milestone
from tradelane.node import Anvil

from .chain_bench import _lifecycles, _Route, _seed

__all__ = ["run"]

CLIENTS = 20


def _serve(url: str):
    import uvicorn

    from tradelane.node import free_port
    from tradelane.web import create_app

    port = free_port()
    index = f"sqlite:///{tempfile.mkdtemp(prefix='tradelane-bench-')}/index.sqlite"
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(url, index_url=index),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def _page_under_load(base: str, sid: int, per_client: int = 10) -> float:
    def client(_: int) -> list[float]:
        out = []
        with httpx.Client(timeout=60) as http:
            for _ in range(per_client):
                t = time.perf_counter()
                r = http.get(f"{base}/shipment/{sid}")
                r.raise_for_status()
                out.append((time.perf_counter() - t) * 1000)
        return out

    with ThreadPoolExecutor(CLIENTS) as pool:
        samples = [ms for batch in pool.map(client, range(CLIENTS)) for ms in batch]
    return _p95(samples)


def _update_latency(tl: Tradelane, base: str, updates: int = 5) -> float:
    """Median ms from a milestone's receipt to the page holding the new body."""
    now = tl.chain.now()
    sid = tl.open_agreed_shipment(
        "buyer",
        seller="seller",
        encoded=_Route(tl.chain, now + DAY),
        amount=10**15,
        deadline=now + 90 * DAY,
        arbiter="arbiter",
    )
    samples = []
    events: list[float] = []
    ready = threading.Event()

    def listen():
        with (
            httpx.Client(timeout=None) as http,
            http.stream("GET", f"{base}/shipment/{sid}/events") as r,
        ):
            ready.set()
            for line in r.iter_lines():
                if line.startswith("event: update"):
                    events.append(time.perf_counter())
                    if len(events) >= updates:
                        return

    threading.Thread(target=listen, daemon=True).start()
    ready.wait(10)
    time.sleep(0.5)
    with httpx.Client(timeout=60) as http:
        for i in range(updates):
            code = (Code.GTIN, Code.LOAD, Code.INSP, Code.INSP, Code.INSP)[i]
            m = Milestone(sid, 0, code, Classifier.ACT, "CNSHA", tl.chain.now())
            seen = len(events)
            tl.record("carrier1", m)
            mined = time.perf_counter()
            while len(events) <= seen and time.perf_counter() - mined < 10:
                time.sleep(0.005)
            http.get(f"{base}/shipment/{sid}/body").raise_for_status()
            samples.append((time.perf_counter() - mined) * 1000)
            time.sleep(0.3)
    return statistics.median(samples)


def _party_page_ms(base: str, buyer: str, head: int, repeats: int = 5) -> float:
    """The page once the server's index has the 1000 shipments (its catch-up, which the
    requests would otherwise share the CPU with, is `index_bench`'s figure)."""
    samples = []
    with httpx.Client(timeout=120) as http:
        deadline = time.monotonic() + 300
        while http.get(f"{base}/api/health").json()["index"]["block"] < head:
            if time.monotonic() > deadline:
                raise RuntimeError("the server's index did not catch up with the seeded chain")
            time.sleep(0.2)
        for _ in range(repeats):
            t = time.perf_counter()
            http.get(f"{base}/party/{buyer}").raise_for_status()
            samples.append((time.perf_counter() - t) * 1000)
    return statistics.median(samples)


def run() -> dict:
    with Anvil() as node:
        tl, _ = Tradelane.deploy(connect(node.url), force=True)
        _lifecycles(tl, 20, pipelined=True)
        probe = tl.count()  # a finished shipment: route, 6 milestones, confirmed
        server, base = _serve(node.url)
        try:
            latency = _update_latency(tl, base)
            page_p95 = _page_under_load(base, probe)
            _seed(tl, 1000)
            head = tl.chain.w3.eth.block_number
            party = _party_page_ms(base, tl.chain.address("buyer"), head)
        finally:
            hub = getattr(server.config.app.state, "live_hub", None)
            if hub is not None:
                hub.stop()
            server.should_exit = True
    return {
        "update_latency_ms": round(latency, 1),
        "shipment_page_ms_p95": round(page_p95, 1),
        "shipment_page_clients": CLIENTS,
        "party_page_ms_1000_shipments": round(party, 1),
    }
