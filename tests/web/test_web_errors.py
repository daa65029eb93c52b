"""Bad input and failures: the right status, the reason in words, never a stack trace."""

from __future__ import annotations

import socket

import pytest
from fastapi.testclient import TestClient

from tradelane.chain import Chain
from tradelane.client import Tradelane
from tradelane.errors import ChainError
from tradelane.web import create_app


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/shipment/9999", 404, ["Not found", "no shipment 9999"]),
        ("/shipment/abc", 400, ["not a shipment number"]),
        ("/shipment/0", 400, ["not a shipment number"]),
        ("/trace?code=not-a-code", 400, ["look right"]),
        ("/trace?code=%2801%2909506000134353%2821%29X", 400, ["check digit"]),
        ("/trace", 400, ["no trace code"]),
        (
            "/trace?code=https%3A%2F%2Fid.gs1.org%2F01%2F09506000134352%2F21%2FNOPE",
            404,
            ["no known"],
        ),
        ("/party/0x1234", 400, ["not an Ethereum address"]),
        ("/lookup?q=0xnothex", 400, ["not an Ethereum address"]),
        ("/lookup?q=", 400, ["type a shipment number"]),
        ("/no/such/page", 404, ["no page at /no/such/page"]),
    ],
)
def test_bad_input_gives_a_friendly_page(client, url, status, words, friendly):
    response = client.get(url)

    friendly(response, status, *words)
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/shipments/9999", 404, ["no shipment 9999"]),
        ("/api/shipments/abc", 400, ["shipment_id 'abc'"]),
        ("/api/shipments/0/bundle", 400, ["greater than or equal to 1"]),
        ("/api/trace?code=garbage", 400, []),
        ("/api/trace", 400, ["code"]),
        ("/api/parties/0xzz/shipments", 400, ["not an Ethereum address"]),
    ],
)
def test_bad_input_gives_json_errors_under_api(client, url, status, words, friendly):
    response = client.get(url)

    friendly(response, status, *words)
    assert response.json()["status"] == status


def test_unreachable_node_gives_503_with_the_reason(friendly):
    url = f"http://127.0.0.1:{_closed_port()}"
    with TestClient(create_app(url)) as c:
        page = c.get("/shipment/1")
        api = c.get("/api/shipments/1")

    friendly(page, 503, "not reachable", f"no Ethereum node answers at {url}")
    friendly(api, 503, "no Ethereum node answers")


def test_node_that_goes_away_mid_session_gives_503(tl, friendly):
    from web3 import Web3

    url = f"http://127.0.0.1:{_closed_port()}"
    dead = Chain(w3=Web3(Web3.HTTPProvider(url)), url=url, chain_id=tl.chain.chain_id)
    with TestClient(create_app(Tradelane(dead, tl.address))) as c:
        response = c.get("/shipment/1")

    friendly(response, 503, "stopped answering", url)


def test_failing_chain_factory_gives_503(friendly):
    def factory():
        raise ChainError("the node is syncing")

    with TestClient(create_app(factory)) as c:
        friendly(c.get("/api/health"), 503, "the node is syncing")


def test_unexpected_errors_give_a_500_page_without_traceback(tl, journey, monkeypatch, friendly):
    journey("open")
    app = create_app(tl)
    monkeypatch.setattr(Tradelane, "status", lambda *a, **k: 1 / 0)
    with TestClient(app, raise_server_exceptions=False) as c:
        page = c.get("/shipment/1")
        api = c.get("/api/shipments/1")

    friendly(page, 500, "Something went wrong")
    assert "ZeroDivisionError" not in page.text
    friendly(api, 500)
    assert "division" not in api.text
