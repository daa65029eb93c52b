"""CO2e per delivered TEU, over a small hand-made index (SQLite) and a small operator
network whose lanes state their CO2e: the report's figures are the sums of routing's lane
figures for the legs of delivered shipments, and nothing else counts."""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import Boolean, Integer, String, Text

import routing
from routing.assumptions import great_circle_km, leg_co2e_kg
from tradelane.analytics.report import lanes_report
from tradelane.index import open_index

T0 = 1_767_225_600  # 2026-01-01 00:00 UTC
DAY = 86_400
CHAIN, CONTRACT = 31337, "0x00000000000000000000000000000000000000C0"
A, B = "0x" + "a" * 40, "0x" + "b" * 40
PORTS = {"CNSHA": (31.23, 121.49), "SGSIN": (1.26, 103.84), "NLRTM": (51.95, 4.14),
         "DEDUI": (51.43, 6.76)}  # fmt: skip
NETWORK = {
    "ports": [{"locode": c, "name": c, "lat": la, "lon": lo} for c, (la, lo) in PORTS.items()],
    "lanes": [
        {"from": "CNSHA", "to": "NLRTM", "mode": "sea", "carrier": "X", "service": "X1",
         "distance_km": 19500, "transit_hours": 720, "cost_usd": 2000, "co2e_kg": 1000},
        {"from": "CNSHA", "to": "NLRTM", "mode": "sea", "carrier": "Y", "service": "Y1",
         "distance_km": 19500, "transit_hours": 720, "cost_usd": 2000, "co2e_kg": 1200},
        {"from": "CNSHA", "to": "SGSIN", "mode": "sea", "carrier": "X", "service": "X2",
         "distance_km": 3900, "transit_hours": 120, "cost_usd": 900, "co2e_kg": 300},
        {"from": "SGSIN", "to": "NLRTM", "mode": "sea", "carrier": "X", "service": "X3",
         "distance_km": 15500, "transit_hours": 600, "cost_usd": 1500, "co2e_kg": 800},
    ],
}  # fmt: skip
SEA_SHA_RTM = (1000 + 1200) / 2  # two parallel services: their mean
# Rotterdam → Duisburg by rail: no such lane, so great-circle km × routing's rail factor
RAIL_RTM_DUI = leg_co2e_kg("rail", great_circle_km(*PORTS["NLRTM"], *PORTS["DEDUI"]))


def _fill(table, row: dict) -> dict:
    """A row with every NOT NULL column the test does not care about set to a zero value."""
    out = dict(row)
    for col in table.columns:
        if col.name in out or col.nullable or col.server_default is not None:
            continue
        kind = type(col.type)
        out[col.name] = False if kind is Boolean else "" if issubclass(kind, String | Text) else 0
        if issubclass(kind, Integer):
            out[col.name] = 0
    return out


def _add(store, sid: int, legs: list[tuple], *, dropped: bool, refunded: int = 0) -> None:
    """One shipment opened at T0 with its route in force (legs: origin, destination, mode,
    carrier), its deadline 40 days on, an ACT DROP when ``dropped``."""
    t = store.tables
    key = {"chain_id": CHAIN, "contract": CONTRACT, "shipment_id": sid}
    rows = {
        "shipments": [{**key, "deadline": T0 + 40 * DAY, "opened_at": T0, "refunded": refunded,
                       "delivered_at": T0 + 35 * DAY if dropped else 0, "disputed_at": 0}],
        "legs": [{**key, "route_version": 1, "leg": i, "origin": o, "destination": d, "mode": m,
                  "carrier": c, "planned_departure": T0 + i * DAY, "in_force": True,
                  "planned_arrival": T0 + (i + 1) * DAY} for i, (o, d, m, c) in enumerate(legs)],
        "milestones": [{**key, "seq": 0, "leg": len(legs) - 1, "code": "DROP",
                        "classifier": "ACT", "location": legs[-1][1], "event_time": T0 + 35 * DAY,
                        "carrier": legs[-1][3], "block_time": T0 + 35 * DAY}] if dropped else [],
    }  # fmt: skip
    with store.engine.begin() as conn:
        for name, values in rows.items():
            if values:
                conn.execute(t[name].insert(), [_fill(t[name], v) for v in values])


@pytest.fixture(params=["sqlite", "postgresql"])
def report(request, tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps(NETWORK))
    network = routing.load_network(path, merge=False)
    if request.param == "sqlite":
        store = open_index(f"sqlite:///{tmp_path}/index.sqlite")
    else:
        store = open_index(request.getfixturevalue("postgres").new_database())
    sea = "sea"
    _add(store, 1, [("CNSHA", "NLRTM", sea, A)], dropped=True)
    _add(store, 2, [("CNSHA", "SGSIN", sea, B), ("SGSIN", "NLRTM", sea, A)], dropped=True)
    _add(store, 3, [("CNSHA", "NLRTM", sea, A), ("NLRTM", "DEDUI", "rail", B)], dropped=True)
    _add(store, 4, [("CNSHA", "NLRTM", sea, B)], dropped=True, refunded=5)  # refunded: out
    _add(store, 5, [("CNSHA", "NLRTM", sea, A)], dropped=False)  # not delivered: out
    _add(store, 6, [("CNSHA", "NLRTM", sea, B), ("NLRTM", "XXZZZ", "road", B)], dropped=True)
    try:
        yield lanes_report(store, names={A: "A", B: "B"}, network=network, now=T0 + 50 * DAY)
    finally:
        store.close()


def test_co2e_per_delivered_teu_sums_routings_lane_figures(report):
    co2e = report["co2e"]
    lanes = {r["lane"]: r for r in co2e["by_lane"]}
    # CNSHA-NLRTM: shipment 1 (one direct leg), 2 (via Singapore); 4 refunded, 5 undelivered
    assert lanes["CNSHA-NLRTM"]["delivered_teu"] == 2
    assert lanes["CNSHA-NLRTM"]["co2e_kg_per_teu"] == round((SEA_SHA_RTM + 300 + 800) / 2, 1)
    # CNSHA-DEDUI: the rail leg has no lane in the network: great circle × the rail factor
    assert lanes["CNSHA-DEDUI"]["co2e_kg_per_teu"] == round(SEA_SHA_RTM + RAIL_RTM_DUI, 1)
    assert RAIL_RTM_DUI > 0
    # CNSHA-XXZZZ: a port the network does not know: counted apart, no figure
    assert lanes["CNSHA-XXZZZ"] == {"lane": "CNSHA-XXZZZ", "delivered_teu": 1, "co2e_kg": 0.0,
                                    "co2e_kg_per_teu": None, "co2e_unknown_teu": 1}  # fmt: skip

    carriers = {r["carrier_name"]: r for r in co2e["by_carrier"]}
    # A moved leg 0 of 1, leg 1 of 2, leg 0 of 3: three delivered TEU
    a = carriers["A"]
    assert (a["delivered_teu"], a["co2e_unknown_teu"]) == (3, 0)
    assert a["co2e_kg"] == round(SEA_SHA_RTM + 800 + SEA_SHA_RTM, 1)
    assert a["co2e_kg_per_teu"] == round(a["co2e_kg"] / 3, 1)
    # B: leg 0 of 2, leg 1 of 3 (the refunded 4 does not count); 6 is unknown
    b = carriers["B"]
    assert (b["delivered_teu"], b["co2e_unknown_teu"]) == (3, 1)
    assert b["co2e_kg"] == round(300 + RAIL_RTM_DUI, 1)
    assert b["co2e_kg_per_teu"] == round((300 + RAIL_RTM_DUI) / 2, 1)


def test_co2e_in_the_delivery_and_lane_tables(report):
    delivery = {(r["carrier_name"], r["lane"]): r for r in report["delivery"]}
    assert delivery[("A", "CNSHA-NLRTM")]["delivered_teu"] == 2
    assert delivery[("A", "CNSHA-NLRTM")]["co2e_kg_per_teu"] == round((SEA_SHA_RTM + 800) / 2, 1)
    assert delivery[("B", "CNSHA-NLRTM")]["co2e_kg_per_teu"] == 300.0  # 4 was refunded
    assert delivery[("B", "CNSHA-NLRTM")]["due"] == 2  # the refunded one is due all the same
    # the lane table (per carrier × leg port pair × mode) has no ACT arrivals here: empty
    assert report["lanes"] == []
    assert not math.isnan(report["co2e"]["by_lane"][0]["co2e_kg"])


def test_the_reference_network_lane_is_used_by_default(tmp_path):
    store = open_index(f"sqlite:///{tmp_path}/index.sqlite")
    _add(store, 1, [("CNSHA", "NLRTM", "sea", A)], dropped=True)
    try:
        rep = lanes_report(store, names={}, now=T0 + 50 * DAY)
    finally:
        store.close()
    ref = routing.load_network()
    edges = ref.graph.get_edge_data("CNSHA", "NLRTM").values()
    kg = [e["co2"] for e in edges if e["mode"] == "sea"]
    assert kg, "the reference network has Shanghai → Rotterdam sea lanes"
    [lane] = rep["co2e"]["by_lane"]
    assert lane["co2e_kg_per_teu"] == round(sum(kg) / len(kg), 1)
    assert rep["co2e"]["network_hash"] == ref.network_hash
