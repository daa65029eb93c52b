"""Logs are read in block ranges a public node will serve, and give the same history as one call.

A real HTTP JSON-RPC endpoint in front of the session's anvil plays a provider that caps
`eth_getLogs` at a few blocks per call (as Infura, Alchemy or QuickNode do at 10 000 or 2 000),
answering a wider query with an error.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tradelane import logs
from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.model import Code

LIMIT = 3  # blocks per eth_getLogs call the capped endpoint serves


class CappedProvider(ThreadingHTTPServer):
    """Forwards JSON-RPC to `upstream`, refusing eth_getLogs over more than LIMIT blocks."""

    def __init__(self, upstream: str):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.refused = 0
        self.served = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def answer(self, call: dict) -> dict:
        if call.get("method") == "eth_getLogs":
            query = call["params"][0]
            span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
            if span > LIMIT:
                self.refused += 1
                error = {"code": -32005, "message": f"block range {span} exceeds limit {LIMIT}"}
                return {"jsonrpc": "2.0", "id": call["id"], "error": error}
            self.served += 1
        return requests.post(self.upstream, json=call, timeout=30).json()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server hook
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server: CappedProvider = self.server  # type: ignore[assignment]
        reply = [server.answer(c) for c in body] if isinstance(body, list) else server.answer(body)
        data = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def capped(anvil):
    server = CappedProvider(anvil.url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def travelled(tl, routed) -> int:
    """A shipment whose milestones sit in several blocks, well apart."""
    sid = routed()
    tl.chain.advance(max(0, tl.view(sid)["legs"][0][4] - tl.chain.now()))
    for code in (Code.GTIN, Code.LOAD, Code.DEPA):
        m, carrier = tl.milestone_for(sid, code)
        tl.record(carrier, m)
        tl.chain.w3.provider.make_request("anvil_mine", [hex(4)])
    return sid


def test_a_capped_provider_serves_the_same_history_in_small_ranges(tl, travelled, capped):
    direct = tl.history(travelled, signatures=True)
    through = Tradelane(connect(capped.url), tl.address, tl.deployment)

    history = through.history(travelled, signatures=True)

    assert history == direct and len(history) == 3
    assert capped.refused > 0 and capped.served > 1
    assert through.status(travelled).history_verified is True


def test_ranges_cover_every_block_once(tl, travelled, monkeypatch):
    """With a 2-block range the reads tile the span exactly: nothing missed, nothing twice."""
    whole = tl.logs("MilestoneRecorded", shipmentId=travelled)
    monkeypatch.setattr(logs, "RANGE", 2)

    assert tl.logs("MilestoneRecorded", shipmentId=travelled) == whole
    assert [log["args"]["shipmentId"] for log in whole] == [travelled] * 3
