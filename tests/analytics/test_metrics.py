"""The metrics over column arrays: each definition checked on hand-made legs."""

from __future__ import annotations

import numpy as np

from tradelane.analytics import metrics
from tradelane.analytics.frame import Estimates, Legs, Shipments

DAY = 86_400
T0 = 1_767_225_600  # 2026-01-01 00:00 UTC


def leg(sid, i, planned_dep, planned_arr, dep=None, arr=None, *, carrier="A", o="CNSHA",
        d="NLRTM", disc=None, load=None):  # fmt: skip
    return {
        "shipment": f"1:0xC:{sid}", "leg": i, "origin": o, "destination": d, "mode": "sea",
        "carrier": carrier, "planned_departure": planned_dep, "planned_arrival": planned_arr,
        "actual_departure": dep, "actual_arrival": arr, "discharged": disc, "loaded": load,
    }  # fmt: skip


def test_reliability_uses_calendar_days_either_side():
    p = T0 + 12 * 3600  # planned noon, day 0
    rows = [
        leg(1, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, p + 35 * 3600),  # day +1 (23:00): on time
        leg(2, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, p + 37 * 3600),  # day +2: late by ~1.5 d
        leg(3, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, p - 13 * 3600),  # day -1 (23:00): on time
        leg(4, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, p - 37 * 3600),  # day -2: early
        leg(5, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, None),  # not arrived: not counted
        leg(6, 0, T0 - 10 * DAY, p, T0 - 10 * DAY, p + 4 * DAY, carrier="B"),
    ]
    out = {r["carrier"]: r for r in metrics.reliability(Legs.from_rows(rows))}
    a = out["A"]
    assert (a["arrivals"], a["on_time"], a["late"], a["early"]) == (4, 2, 1, 1)
    assert a["reliability"] == 0.5
    assert a["avg_late_delay_d"] == round(37 / 24, 3)
    assert out["B"]["reliability"] == 0.0 and out["B"]["avg_late_delay_d"] == 4.0
    assert a["lane"] == "CNSHA-NLRTM" and a["mode"] == "sea"


def test_transit_percentiles_and_predictability():
    rows = [leg(i, 0, T0, T0 + 30 * DAY, T0 + DAY, T0 + DAY + (28 + i) * DAY) for i in range(11)]
    [t] = metrics.transit(Legs.from_rows(rows), by=("carrier",))
    assert t["legs"] == 11
    assert t["p50_d"] == 33.0 and t["mean_d"] == 33.0
    assert t["p90_d"] == 37.0
    assert t["planned_excess_iqr_d"] == 5.0  # (actual - 30) spans -2..8, IQR 0.5..5.5


def test_dwell_and_port_time_at_a_transfer():
    rows = [
        leg(1, 0, T0, T0 + 5 * DAY, T0, T0 + 5 * DAY, d="SGSIN", disc=T0 + 5 * DAY + 6 * 3600),
        leg(
            1,
            1,
            T0 + 7 * DAY,
            T0 + 20 * DAY,
            T0 + 7 * DAY,
            T0 + 20 * DAY,
            o="SGSIN",
            load=T0 + 6 * DAY + 18 * 3600,
        ),  # fmt: skip
        leg(2, 0, T0, T0 + 5 * DAY, T0, T0 + 5 * DAY, d="SGSIN", disc=T0 + 5 * DAY + 10 * 3600),
        leg(
            2,
            1,
            T0 + 9 * DAY,
            T0 + 20 * DAY,
            T0 + 9 * DAY,
            None,
            o="SGSIN",
            load=T0 + 8 * DAY + 22 * 3600,
        ),  # fmt: skip
    ]
    [hub] = metrics.dwell(Legs.from_rows(rows))
    assert hub["hub"] == "SGSIN" and hub["transfers"] == 2
    assert hub["dwell_p50_h"] == (36 + 84) / 2  # 36 h and 84 h from DISC to LOAD
    assert hub["port_time_mean_h"] == (48 + 96) / 2
    assert hub["handling_mean_h"] == 8.0


def test_eta_accuracy_by_lead_time():
    est = Estimates.from_rows(
        [
            {"carrier": "A", "origin": "X", "destination": "Y", "mode": "sea",
             "estimated": T0 + 10 * DAY, "given_at": T0, "actual": T0 + 10 * DAY + 12 * 3600},
            {"carrier": "A", "origin": "X", "destination": "Y", "mode": "sea",
             "estimated": T0 + 10 * DAY, "given_at": T0 + 9 * DAY + 12 * 3600,
             "actual": T0 + 10 * DAY - 2 * 3600},
            {"carrier": "A", "origin": "X", "destination": "Y", "mode": "sea",
             "estimated": T0, "given_at": T0, "actual": None},
        ]
    )  # fmt: skip
    out = {r["lead"]: r for r in metrics.eta_accuracy(est)}
    assert set(out) == {"7-14d", "0-1d"}
    assert out["7-14d"]["mae_h"] == 12.0 and out["7-14d"]["bias_h"] == 12.0
    assert out["0-1d"]["bias_h"] == -2.0 and out["0-1d"]["estimates"] == 1


def test_delivery_counts_due_shipments_per_carrier():
    base = {"origin": "CNSHA", "destination": "NLRTM", "opened_at": T0, "first_departure": T0,
            "dropped_at": None, "refunded": 0, "disputed_at": None}  # fmt: skip
    ships = Shipments.from_rows(
        [
            {**base, "shipment": "1", "carriers": "A|B", "deadline": T0 + 9, "delivered_at": T0},
            {
                **base,
                "shipment": "2",
                "carriers": "A",
                "deadline": T0 + 9,
                "delivered_at": None,
                "refunded": 1,
            },  # fmt: skip
            {**base, "shipment": "3", "carriers": "A", "deadline": T0 + 99, "delivered_at": None},
        ]
    )
    out = {r["carrier"]: r for r in metrics.delivery(ships, as_of=T0 + 50)}
    assert out["A"]["due"] == 2 and out["A"]["on_time"] == 1 and out["A"]["refunded"] == 1
    assert out["B"]["on_time_share"] == 1.0


def test_rolling_reliability_series():
    rows = []
    for week in range(10):
        p = T0 + week * 7 * DAY + DAY
        late = week >= 5
        rows.append(leg(week, 0, p - 9 * DAY, p, p - 9 * DAY, p + (3 * DAY if late else 0)))
    series = metrics.reliability_series(Legs.from_rows(rows), window_periods=2)
    values = [s["reliability"] for s in series]
    assert values[0] == 1.0 and values[-1] == 0.0
    assert 0.5 in values  # the window straddling the change
    assert all(s["arrivals"] <= 2 for s in series)
    assert np.all(np.diff([s["period_end"] for s in series]) > 0)
