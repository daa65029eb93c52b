"""The web page reads the index: concurrent page loads without a global lock, a party's
shipments in pages, gzip, a follower thread that keeps the index fresh so page loads make
no call to the node, and a server that reads an index another process keeps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import story
from fastapi.testclient import TestClient
from sqlalchemy import event

from tradelane.client import ETH, Tradelane
from tradelane.index import attach
from tradelane.model import Code
from tradelane.web import create_app
from tradelane.web.money import amount_text

sys.path.insert(0, str(Path(__file__).parent.parent))
from rpc_proxy import FlakyProvider  # noqa: E402


def _until(check, seconds: float = 30.0):
    """Poll `check()` until it returns something true (no timing asserted, just a bound)."""
    deadline = time.monotonic() + seconds
    while not (found := check()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def test_twenty_concurrent_page_loads_read_the_index(states, tl, db_url):
    app = create_app(tl.chain.url, index_url=db_url, max_index_age=0)  # each request syncs
    client = TestClient(app)
    ids = list(states.values())
    with ThreadPoolExecutor(20) as pool:
        pages = list(
            pool.map(lambda i: client.get(f"/api/shipments/{ids[i % len(ids)]}"), range(20))
        )
    assert [p.status_code for p in pages] == [200] * 20
    assert {p.json()["shipment_id"] for p in pages} == set(ids)
    assert app.state.backend.index.reader.freshness().block == tl.chain.w3.eth.block_number
    # a new shipment on chain shows on the next request
    sid = story.opened(tl)
    assert client.get(f"/api/shipments/{sid}").json()["state"] == "routed"  # offers open routed


def test_with_the_follower_on_a_page_load_makes_no_node_call(states, tl, db_url):
    """Every page, the HTML shipment page in every state too: its money panel's credits,
    the disputer and the bookings still pending come from the index, the contract's timers
    were read when the app opened the client."""
    proxy = FlakyProvider(tl.chain.url).start()  # counts every JSON-RPC call
    buyer = tl.chain.address("buyer")
    # the thread syncs once at startup, then not for an hour: any call counted is a page's
    app = create_app(proxy.url, index_url=db_url, follow_every=3600)
    try:
        with TestClient(app) as client:
            assert client.get("/api/health").json()["index"]["blocks_behind"] == 0
            paths = [
                f"/api/shipments/{states['completed']}",
                f"/api/shipments/{states['routed']}/live",
                f"/api/shipments/{states['completed']}/actions?as=seller",
                f"/api/parties/{buyer}/shipments",
                *(f"/shipment/{sid}" for sid in states.values()),
                f"/party/{buyer}",
            ]
            before = len(proxy.calls)
            pages = {path: client.get(path) for path in paths}
            made = proxy.calls[before:]
    finally:
        proxy.stop()
    assert [p.status_code for p in pages.values()] == [200] * len(paths)
    assert made == [], f"page loads called the node: {made}"
    assert "index at block" in pages[paths[-1]].text  # the footer says how fresh
    # the credit shown is the contract's (the buyer got a refund and a resolution's share)
    owed = amount_text(tl.credit(buyer, ETH), 18, "ETH")
    assert owed != "0 ETH"
    assert f"The buyer has {owed} credited" in pages[f"/shipment/{states['resolved']}"].text


def test_a_new_milestone_shows_without_anyone_asking_for_a_sync(tl, db_url):
    sid = story.routed(tl)
    app = create_app(tl.chain.url, index_url=db_url)  # follows every second
    with TestClient(app) as client:
        assert client.get(f"/api/shipments/{sid}").json()["milestones"] == []
        story.act(tl, sid, 0, Code.DEPA, "CNSHA")
        shown = _until(lambda: client.get(f"/api/shipments/{sid}").json()["milestones"])
    assert [m["code"] for m in shown] == ["DEPA"]
    assert app.state.backend.keeper.running is False  # stopped at shutdown


def test_no_index_follow_reads_an_index_kept_beside_it_and_never_writes(tl, db_url):
    sid = story.routed(tl)
    writer = attach(Tradelane(tl.chain, tl.address, tl.deployment), db_url)  # "beside"
    writer.sync()
    app = create_app(tl.chain.url, index_url=db_url, index_follow=False)
    writes = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE", "CREATE"):
            writes.append(statement)

    event.listen(app.state.backend.store().engine, "before_cursor_execute", record)
    with TestClient(app) as client:
        seen = len(client.get(f"/api/shipments/{sid}").json()["milestones"])
        story.act(tl, sid, 0, Code.DEPA, "CNSHA")
        time.sleep(1.5)  # a server that followed would have read it by now
        assert len(client.get(f"/api/shipments/{sid}").json()["milestones"]) == seen
        writer.sync()
        assert len(client.get(f"/api/shipments/{sid}").json()["milestones"]) == seen + 1
        health = client.get("/api/health").json()
    assert health["index"]["block"] == tl.chain.w3.eth.block_number
    assert writes == [] and app.state.backend.keeper.syncs == 0
    writer.stop()


def test_serve_beside_a_tradelane_index_follow_process_shows_its_updates(tl, db_url, env_home):
    """The production layout: `tradelane index --follow` in its own process writes the index;
    the server (`--no-index-follow`) only reads it, and a new milestone reaches the page."""
    sid = story.routed(tl)
    command = [sys.executable, "-m", "tradelane.cli", "index", "--follow", "--poll", "0.2"]
    command += ["--rpc", tl.chain.url, "--db", db_url]
    follower = subprocess.Popen(
        command, env=env_home, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip

    def milestones(client, at_least: int) -> int:
        deadline = time.monotonic() + 60
        while True:
            assert follower.poll() is None, follower.stderr.read().decode()
            reply = client.get(f"/api/shipments/{sid}")
            found = len(reply.json()["milestones"]) if reply.status_code == 200 else -1
            if found >= at_least:
                return found
            assert time.monotonic() < deadline, f"the page never showed {at_least} milestones"
            time.sleep(0.1)

    try:
        app = create_app(tl.chain.url, index_url=db_url, index_follow=False)
        with TestClient(app) as client:
            seen = milestones(client, 0)  # once the follower beside has indexed the shipment
            story.act(tl, sid, 0, Code.DEPA, "CNSHA")
            assert milestones(client, seen + 1) == seen + 1
        assert app.state.backend.keeper.syncs == 0  # the server never read the chain's logs
    finally:
        os.killpg(follower.pid, signal.SIGTERM)
        follower.wait(timeout=10)


def test_a_party_with_many_shipments_is_paged_in_the_json_api(states, tl, db_url):
    client = TestClient(create_app(tl.chain.url, index_url=db_url, max_index_age=0))
    url = f"/api/parties/{tl.chain.address('buyer')}/shipments"
    total = client.get(url).json()["total"]
    assert total > 6  # more than two pages of three
    seen, before, pages = [], None, 0
    while True:
        body = client.get(url, params={"limit": 3} | ({"before": before} if before else {}))
        body = body.json()
        assert body["total"] == total and len(body["shipments"]) <= 3
        seen += [row["shipment_id"] for row in body["shipments"]]
        pages += 1
        if body["next_before"] is None:
            break
        assert body["next_before"] == seen[-1]
        before = body["next_before"]
    assert seen == sorted(seen, reverse=True) and len(seen) == total == len(set(seen))
    assert pages == -(-total // 3)
    for name, value in (("limit", 0), ("limit", 201), ("before", "x"), ("before", 0)):
        bad = client.get(url, params={name: value})
        assert bad.status_code == 400 and f"{name} '{value}'" in bad.json()["detail"], bad.text


def test_responses_are_gzipped(states, tl, db_url):
    client = TestClient(create_app(tl.chain.url, index_url=db_url))
    page = client.get(f"/shipment/{states['completed']}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
