"""The /lanes page and /api/lanes through FastAPI's test client (browser checks: page helper)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient

from tradelane.web.app import create_app

pytestmark = pytest.mark.anvil


@pytest.fixture
def client(simulated):
    tl, ix, _result, _home = simulated
    app = create_app(tl, index_url=ix.store.url)
    return TestClient(app)


def test_lanes_page_has_accessible_charts_and_the_league(client):
    page = client.get("/lanes")
    assert page.status_code == 200
    html = page.text
    svgs = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    assert len(svgs) == 2  # reliability over time, transit; no transfers here, so no dwell
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # well-formed XML, inline
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        ids = [e.get("id") for e in root.iter() if e.get("id")]
        assert title_id in ids and desc_id in ids
        assert len(ids) == len(set(ids))
    all_ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(all_ids) == len(set(all_ids)), "duplicate ids across the page"
    assert "Schedule reliability over time" in html and "Steady" in html
    assert "CNSHA-SGSIN: carrier league" in html
    assert "<script" not in html.split("</main>")[0].split('<main id="main"')[1]


def test_filters_and_json(client):
    data = client.get("/api/lanes", params={"carrier": "Cheapo"}).json()
    assert {r["carrier_name"] for r in data["lanes"]} == {"Cheapo"}
    page = client.get("/lanes", params={"mode": "air"})
    assert page.status_code == 200 and 'id="empty"' in page.text
    assert client.get("/lanes", params={"lane": "CNSHA-SGSIN", "window": "52"}).status_code == 200


@pytest.mark.parametrize(
    "params", [{"lane": "nowhere"}, {"mode": "teleport"}, {"window": "-3"}, {"window": "abc"}]
)
def test_bad_filters_are_a_400_page(client, params):
    page = client.get("/lanes", params=params)
    assert page.status_code == 400
    assert "Traceback" not in page.text
    assert client.get("/api/lanes", params=params).json()["status"] == 400
