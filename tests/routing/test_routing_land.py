"""The reference network's land and feeder structure, checked against build-time data.

scgraph (the world railway/highway graphs) is build-only, so every road/rail lane's
path was saved, thinned, in ``routing/data/land_paths.json.gz``; these tests check
each lane against it without the graphs.
"""

from __future__ import annotations

import gzip
import hashlib
import json

import pytest

from routing.assumptions import great_circle_km
from routing.network import REFERENCE_DIR

#: A path's consecutive kept points are at most this far apart: the graphs' longest
#: edges (long straight roads in Mozambique, 650 km). A continuity check; whether the
#: ends are connected by land is checked on the components recorded at build time.
MAX_STEP_KM = 700.0


@pytest.fixture(scope="module")
def land_paths():
    raw = gzip.decompress((REFERENCE_DIR / "land_paths.json.gz").read_bytes())
    manifest = json.loads((REFERENCE_DIR / "MANIFEST.json").read_text())
    assert hashlib.sha256(raw).hexdigest() == manifest["land_paths_sha256"]
    return json.loads(raw)


def _land_lanes(net):
    for u, v, d in net.graph.edges(data=True):
        if d["mode"] in ("road", "rail"):
            yield u, v, d


def test_every_road_and_rail_lane_has_a_path_on_the_land_network(reference, land_paths):
    checked = 0
    for u, v, d in _land_lanes(reference):
        a, b = sorted((u, v))
        saved = land_paths.get(f"{d['mode']}:{a}:{b}")
        assert saved is not None, f"{d['mode']} {u}->{v} has no saved land path"
        assert d["km"] == pytest.approx(saved["km"], abs=0.1)
        path = saved["path"]
        assert path[0] == pytest.approx(list(reference.coords(a)), abs=1e-3)
        assert path[-1] == pytest.approx(list(reference.coords(b)), abs=1e-3)
        steps = [great_circle_km(*p, *q) for p, q in zip(path, path[1:], strict=False)]
        assert max(steps) <= MAX_STEP_KM, f"{u}->{v} jumps {max(steps):.0f} km"
        assert sum(steps) <= d["km"] * 1.001 + 1
        assert d["km"] >= reference.great_circle(u, v) * 0.999
        checked += 1
    assert checked > 400


def test_land_lane_ends_share_a_land_component(reference):
    for u, v, d in _land_lanes(reference):
        table = reference.land_components[d["mode"]]
        assert table.get(u) is not None and table.get(u) == table.get(v), (u, v, d["mode"])


@pytest.mark.parametrize(
    ("a", "b", "mode"),
    [
        ("NOOSL", "GLGOH", "road"),  # Oslo - Nuuk: the North Atlantic between
        ("LKCMB", "INBLR", "rail"),  # Sri Lanka - India: no fixed link
        ("ESVLC", "DZALG", "rail"),  # Spain - Algeria: the Mediterranean
        ("CAVAN", "RUDYR", "road"),  # Vancouver - Anadyr: the Bering Strait
    ],
)
def test_no_land_link_across_water(reference, a, b, mode):
    assert not any(
        d["mode"] == mode for d in reference.graph.get_edge_data(a, b, default={}).values()
    )
    table = reference.land_components[mode]
    assert table.get(a) is None or table.get(b) is None or table[a] != table[b]


def test_corridors_exist_with_real_distances(reference):
    def rail_km(a, b):
        return min(d["km"] for d in reference.graph[a][b].values() if d["mode"] == "rail")

    assert rail_km("DEHAM", "DEMUC") == pytest.approx(759, rel=0.02)
    assert rail_km("USLAX", "USCHI") == pytest.approx(3531, rel=0.02)
    barge = {(u, v) for u, v, d in reference.graph.edges(data=True) if d["mode"] == "barge"}
    assert {("NLRTM", "DEDUI"), ("CNSHA", "CNWUH"), ("USMSY", "USMEM")} <= barge


def test_feeders_are_capped_and_only_hubs_transship(reference):
    hubs = reference.hubs
    assert hubs and "SGSIN" in hubs
    long_ones = set()
    for u, v, d in reference.graph.edges(data=True):
        if d["service"].startswith("FDR-"):
            assert d["km"] <= 6000.0, (u, v, d["km"])
            assert u in hubs or v in hubs
            if d["km"] > 3000.0:
                long_ones.add(d["service"])
    # Beyond 3,000 km only remote ports' single feeder (no hub nearer), counted at build.
    manifest = json.loads((REFERENCE_DIR / "MANIFEST.json").read_text())
    assert len(long_ones) <= manifest["stats"]["remote_feeders"]
    sea_neighbours: dict[str, set] = {}
    for u, v, d in reference.graph.edges(data=True):
        if d["service"].startswith("FDR-"):
            port = v if u in hubs else u
            sea_neighbours.setdefault(port, set()).add(u if port == v else v)
    assert all(len(n) == 1 for p, n in sea_neighbours.items() if p not in hubs)
