"""The HTML pages: shipment (timeline, map, escrow, badge), lookup, trace, party."""

from __future__ import annotations

import re
from urllib.parse import quote

from tradelane.model import Code


def test_shipment_page_shows_state_timeline_map_escrow_and_badge(client, journey):
    j = journey("transshipped")

    html = client.get(f"/shipment/{j.sid}").text

    assert "In transit" in html
    assert "Leg 2: Singapore (SGSIN)" in html
    assert html.count('<li class="leg leg-') == 3
    assert 'class="leg leg-completed"' in html and 'class="leg leg-in-transit"' in html
    assert "Gated in" in html and "Discharged" in html
    assert 'id="verified-badge"' in html and 'data-verified="true"' in html
    assert "2.5 ETH" in html and "0.5 ETH" in html  # deposited, released tranche
    svg = re.search(r"<svg[^>]*class=\"route-map\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="port"') == 4
    assert "Suez" in svg and "Malacca" in svg
    assert 'class="leg leg-sea leg-completed"' in svg and 'class="leg leg-rail leg-planned"' in svg
    assert 'class="position"' in svg
    for link in ("bundle", "dcsa", "epcis"):
        assert f"/api/shipments/{j.sid}/{link}?download=true" in html


def test_overdue_milestones_are_flagged(client, journey, tl):
    j = journey("routed")
    tl.chain.advance(3 * 86_400)  # past the planned first departure, nothing recorded

    html = client.get(f"/shipment/{j.sid}").text

    assert "flag-overdue" in html and "overdue by" in html
    assert "tone-warn" in html


def test_completed_shipment_says_so_and_stops_live_updates(client, journey):
    j = journey("completed")

    html = client.get(f"/shipment/{j.sid}").text

    assert "Completed" in html
    assert 'data-final="true"' in html
    assert "Delivered" in html


def test_accepted_shipment_shows_its_agreed_route_before_bookings(client, journey):
    """Since offers (issue 12), a shipment has its route from the start: no placeholder map."""
    j = journey("open")

    html = client.get(f"/shipment/{j.sid}").text

    assert "No route committed yet" not in html and "DEDUI" in html


def test_body_fragment_and_standalone_map(client, journey):
    j = journey("departed")

    body = client.get(f"/shipment/{j.sid}/body")
    svg = client.get(f"/shipment/{j.sid}/map.svg")

    assert body.status_code == 200 and "<html" not in body.text and "Timeline" in body.text
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg")


def test_page_updates_are_visible_after_a_new_milestone(client, journey):
    j = journey("departed")
    j.at(j.legs[0][5])
    j.record(0, Code.ARRI)

    html = client.get(f"/shipment/{j.sid}/body").text

    assert "Arrived" in html and 'data-milestones="5"' in html


def test_lookup_routes_ids_addresses_and_codes(client, tl, codes):
    buyer = tl.chain.address("buyer")

    by_id = client.get("/lookup?q=%231", follow_redirects=False)
    by_party = client.get(f"/lookup?q={buyer.lower()}", follow_redirects=False)
    by_code = client.get(f"/lookup?q={quote(codes[0], safe='')}", follow_redirects=False)

    assert by_id.headers["location"] == "/shipment/1"
    assert by_party.headers["location"] == f"/party/{buyer}"
    assert by_code.headers["location"].startswith("/trace?code=https%3A%2F%2Fid.gs1.org")


def test_trace_page_shows_item_proof_and_shipment(client, journey, codes):
    j = journey("departed")

    html = client.get(f"/trace?code={quote(codes[2], safe='')}").text

    assert "SN-002" in html
    assert 'id="proof-badge"' in html and f"Belongs to shipment {j.sid}" in html
    assert f'href="/shipment/{j.sid}"' in html


def test_digital_link_paths_redirect_to_the_trace_page(client):
    r = client.get("/01/09506000134352/21/SN-001", follow_redirects=False)

    assert r.status_code == 303
    assert r.headers["location"].startswith("/trace?code=https%3A%2F%2Fid.gs1.org%2F01%2F")


def test_party_page_lists_shipments(client, journey, tl):
    j = journey("routed")

    html = client.get(f"/party/{tl.chain.address('seller')}").text
    assert f'href="/shipment/{j.sid}?as=seller"' in html and "seller" in html

    seller_view = client.get(f"/shipment/{j.sid}?as=seller").text
    assert 'data-action="cancel"' in seller_view and 'data-action="confirm"' not in seller_view
    carrier_view = client.get(f"/shipment/{j.sid}?as=carrier").text
    assert f"tradelane milestone {j.sid} DEPA --leg 0" in carrier_view
    bad = client.get(f"/shipment/{j.sid}?as=captain")
    assert bad.status_code == 400 and "captain" in bad.text


def test_pages_have_landmarks_labels_and_viewport(client, journey):
    j = journey("departed")

    for url in ("/", f"/shipment/{j.sid}"):
        html = client.get(url).text
        assert '<main id="main"' in html and 'role="banner"' in html
        assert 'name="viewport"' in html and 'lang="en"' in html
        assert 'class="skip"' in html
    home = client.get("/").text
    assert '<label for="q">' in home


def test_party_page_pages_through_older_shipments(client, journey, tl, monkeypatch):
    from tradelane.web import pages

    ids = [journey("open").sid for _ in range(3)]
    monkeypatch.setattr(pages, "PARTY_PAGE", 2)
    buyer = tl.chain.address("buyer")
    first = client.get(f"/party/{buyer}").text
    assert f'href="/shipment/{ids[2]}?as=buyer"' in first
    assert f'href="/shipment/{ids[0]}?as=buyer"' not in first
    assert f'href="/party/{buyer}?before={ids[1]}"' in first
    older = client.get(f"/party/{buyer}?before={ids[1]}").text
    assert f'href="/shipment/{ids[0]}?as=buyer"' in older and "Newest" in older
