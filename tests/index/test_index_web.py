"""The web page reads the index: concurrent page loads without a global lock, a party's
shipments in pages, gzip, and a page that follows the chain as it moves."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import story
from fastapi.testclient import TestClient

from tradelane.web import create_app
from tradelane.web.service import party_page


def test_twenty_concurrent_page_loads_read_the_index(states, tl, db_url):
    app = create_app(tl.chain.url, index_url=db_url)
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


def test_responses_are_gzipped(states, tl, db_url):
    client = TestClient(create_app(tl.chain.url, index_url=db_url))
    page = client.get(f"/shipment/{states['completed']}", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"


def test_a_party_with_many_shipments_is_paged(states, tl, db_url):
    app = create_app(tl.chain.url, index_url=db_url)
    TestClient(app).get("/api/health")
    backend = app.state.backend
    with backend.use() as client:
        buyer = client.chain.address("buyer")
        total = len(client.shipments_of(buyer))
        seen, before = [], None
        while True:
            page = party_page(client, buyer, before=before, limit=3)
            assert page["total"] == total and len(page["rows"]) <= 3
            seen += [status.shipment_id for _role, status in page["rows"]]
            if page["next_before"] is None:
                break
            before = page["next_before"]
    assert seen == sorted(seen, reverse=True) and len(seen) == total == len(set(seen))
