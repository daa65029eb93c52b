"""Subscriptions without a browser: the Atom feed, webhooks, the print view, the odds line."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from xml.etree import ElementTree as ET

from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.model import Classifier, Code
from tradelane.web import create_app
from tradelane.web.feeds import Webhooks
from tradelane.web.geo import port_book
from tradelane.web.live import hub
from tradelane.web.money import Terms
from tradelane.web.sources import Chance
from tradelane.web.views import build_page

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_lists_milestones_newest_first_with_estimates_as_estimates(client, journey):
    j = journey("departed")
    r = client.get(f"/shipment/{j.sid}/feed.atom")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    # opened + GTIN, LOAD, DEPA (actual) + the ARRI estimate
    assert len(titles) == 5
    assert "Estimate: expected to arrive at Singapore (SGSIN)" in titles
    assert not any(t.startswith("Arrived") for t in titles)
    updated = [e.findtext(f"{ATOM}updated") for e in feed.findall(f"{ATOM}entry")]
    assert updated == sorted(updated, reverse=True)
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href").endswith(f"/shipment/{j.sid}")
    assert client.get("/shipment/999/feed.atom").status_code == 404


def test_print_view_carries_the_bundle_digest(client, journey):
    import hashlib
    import re

    j = journey("delivered")
    page = client.get(f"/shipment/{j.sid}/print")
    assert page.status_code == 200
    digest = re.search(r'id="digest">([0-9a-f]{64})<', page.text).group(1)
    bundle = client.get(f"/api/shipments/{j.sid}/bundle").json()
    canonical = json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()
    assert hashlib.sha256(canonical).hexdigest() == digest
    assert "Proof of delivery" in page.text and "Delivered" in page.text


class _Sink(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Sink.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_is_called_on_each_new_milestone(journey_cls):
    # a chain of its own: only this app's lock serialises its JSON-RPC
    tl, _ = Tradelane.deploy(connect("embedded"))
    j = journey_cls(tl).to("routed")
    sink = HTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    app = create_app(tl)
    watcher = hub(app)
    hooks = Webhooks([f"http://127.0.0.1:{sink.server_port}/hook"], base="http://tracking")
    _Sink.received.clear()
    try:
        watcher.listen(hooks)
        deadline = time.monotonic() + 30
        while watcher.block is None and time.monotonic() < deadline:
            time.sleep(0.05)  # webhooks report what comes after the watcher's first look
        with app.state.backend.lock:
            j.at(j.legs[0][4])
            j.record(0, Code.GTIN)
            j.record(0, Code.DEPA)
        deadline = time.monotonic() + 10
        while len(_Sink.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.stop()
        app.state.backend.close()
        sink.shutdown()
    assert [m["shipment_id"] for m in _Sink.received] == [j.sid, j.sid]
    assert _Sink.received[0]["page"] == f"http://tracking/shipment/{j.sid}"
    assert _Sink.received[0]["tx_hash"].startswith("0x")
    assert hooks.sent == 2


def test_headline_date_with_lane_odds_and_risk(tl, journey):
    j = journey("departed")
    j.record(0, Code.ARRI, Classifier.EST, at=j.legs[0][5] + 3 * 86_400)
    status = tl.status(j.sid)
    terms = Terms(grace_period=3 * 86_400, arbiter_timeout=14 * 86_400)
    plain = build_page(status, port_book(), terms=terms).delivery
    assert plain.label == "Expected delivery" and plain.risk == "on-track"
    assert plain.chance == "" and "carrier's latest estimate" in plain.band
    # the slip carries to the final arrival: three days later than planned
    assert plain.when == j.legs[2][5] + 3 * 86_400
    odds = Chance(0.62, j.legs[2][5], j.legs[2][5] + 5 * 86_400, "4000 simulated arrivals")
    page = build_page(status, port_book(), terms=terms, chance=odds).delivery
    assert page.risk == "at-risk"
    assert page.chance.startswith("62% chance of delivery by the deadline")
    assert page.band.startswith("Likely between")
