"""The shipped reference network: integrity, real sea geography, chokepoints."""

from __future__ import annotations

import hashlib
import json
import os

import pytest
import searoute

import routing
from routing.encode import route_json
from routing.network import REFERENCE_DIR

DEPART = "2025-03-03"


def test_reference_network_matches_its_manifest(reference):
    manifest = json.loads((REFERENCE_DIR / "MANIFEST.json").read_text())
    blob = (REFERENCE_DIR / "network.json.gz").read_bytes()

    assert hashlib.sha256(blob).hexdigest() == manifest["file_sha256"]
    assert reference.network_hash == "0x" + manifest["data_sha256"]
    assert len(reference.ports) == manifest["ports"]
    assert reference.graph.number_of_edges() == manifest["lanes"]


def test_reference_network_is_a_cached_multidigraph(reference):
    assert reference.graph.is_multigraph() and reference.graph.is_directed()
    assert routing.load_network() is reference
    assert reference.coords("NLRTM") == pytest.approx((51.904383, 4.442447))
    assert reference.ports["USCHI"].country == "US"


def test_reference_network_has_every_mode_and_fictional_carriers(reference):
    modes = {d["mode"] for _, _, d in reference.graph.edges(data=True)}

    assert modes == {"sea", "air", "rail", "road", "barge"}
    assert all(c.get("fictional") for c in reference.carriers.values())
    assert len(reference.ports) > 3900


def _searoute_km(net, a, b):
    (la, lo), (lb, lob) = net.coords(a), net.coords(b)
    return searoute.searoute([lo, la], [lob, lb], units="km")["properties"]["length"]


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("CNSHA", "NLRTM"),
        ("SGSIN", "NLRTM"),
        ("CNSHA", "USLAX"),
        ("GBFXT", "USNYC"),
        ("SGSIN", "AEJEA"),
        ("KRPUS", "CAVAN"),
        ("ESALG", "BRSSA"),
        ("CNSHA", "ZADUR"),
    ],
)
def test_sea_distance_routes_agree_with_searoute(reference, origin, destination):
    [route] = routing.propose(
        reference, origin, destination, objective="distance", modes="sea", depart_after=DEPART
    )

    ours = route.totals.distance_km
    theirs = _searoute_km(reference, origin, destination)
    assert ours == pytest.approx(theirs, rel=0.05)


def test_suez_avoiding_shanghai_rotterdam_goes_round_africa(reference, validate_route):
    routes = routing.propose(
        reference, "CNSHA", "NLRTM", avoid_passages="suez", alternatives=3, depart_after=DEPART
    )

    for route in routes:
        validate_route(route, "CNSHA", "NLRTM")
        passages = {p for leg in route.legs for p in leg.passages}
        assert "suez" not in passages
    assert "south_africa" in {p for leg in routes[0].legs for p in leg.passages}


def test_default_shanghai_rotterdam_goes_through_suez(reference):
    [route] = routing.propose(reference, "CNSHA", "NLRTM", depart_after=DEPART)

    assert "suez" in {p for leg in route.legs for p in leg.passages}


def test_aliases_for_passages_are_accepted(reference):
    [route] = routing.propose(
        reference, "AEJEA", "NLRTM", avoid_passages=["Bab-el-Mandeb", "hormuz"], depart_after=DEPART
    )

    passages = {p for leg in route.legs for p in leg.passages}
    assert not passages & {"babalmandab", "ormuz"}


def test_inland_to_inland_uses_road_or_rail_at_the_ends(reference, validate_route):
    [route] = routing.propose(reference, "CNCKG", "DEMUC", depart_after=DEPART)

    validate_route(route, "CNCKG", "DEMUC")
    assert route.legs[0].mode in {"road", "rail"} and route.legs[-1].mode in {"road", "rail"}


def test_every_leg_has_planned_times_even_without_depart_after(reference):
    [route] = routing.propose(reference, "SGSIN", "HKHKG")

    assert all(leg.departure.tzinfo is not None for leg in route.legs)


def test_route_json_has_the_issue_shape(reference):
    [route] = routing.propose(reference, "SGSIN", "DEHAM", depart_after=DEPART)

    data = route_json(route)
    assert set(data) == {"legs", "totals", "route_hash", "network_hash"}
    assert set(data["totals"]) == {
        "distance_km", "transit_hours", "cost_usd", "co2e_kg", "transshipments",
    }  # fmt: skip
    assert {"from", "to", "mode", "carrier", "departure", "arrival", "distance_km", "cost_usd",
            "co2e_kg", "passages"} <= set(data["legs"][0])  # fmt: skip
    json.dumps(data)


@pytest.mark.skipif(
    not (os.environ.get("TRADELANE_TEST_BUILD") or os.environ.get("CI")),
    reason="rebuilds the world network (about 2 minutes, build-only deps); CI runs it, "
    "or set TRADELANE_TEST_BUILD=1",
)
def test_the_build_is_deterministic():
    try:
        import scgraph_data  # noqa: F401 - a build-only dependency
    except ImportError:  # CI (make test installs it) or asked for: missing it is a failure
        pytest.fail("scgraph_data is not installed: pip install -r requirements-build.txt")
    from tools.build_network import build, canonical_bytes

    data, _, _ = build()
    want = json.loads((REFERENCE_DIR / "MANIFEST.json").read_text())["data_sha256"]
    assert hashlib.sha256(canonical_bytes(data)).hexdigest() == want
