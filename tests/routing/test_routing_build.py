"""Build stages that run without the build-only graphs: rotations, rates, regions."""

from __future__ import annotations

import pytest

from routing.assumptions import connection_hours, leg_cost_usd, region_of
from tools.build_network.sea import rotation_lanes

REGIONS = {"CNYTN": "ASIA", "PABLB": "LAT", "USSAV": "NAME"}


def test_a_through_lane_never_costs_more_than_stopping_on_the_way():
    # Asia -> Latin America and Latin America -> US East are cheaper per km than
    # Asia -> US East: without the cap, getting off at Balboa would pay.
    calls = ["CNYTN", "PABLB", "USSAV"]
    legs = [(15000.0, ["panama"]), (2800.0, []), (17800.0, ["panama"])]
    lanes = {(ln[0], ln[1]): ln for ln in rotation_lanes("X", "C", calls, legs, 16, 24, False,
                                                          REGIONS)}  # fmt: skip
    through = lanes[("CNYTN", "USSAV")][7]
    split = lanes[("CNYTN", "PABLB")][7] + lanes[("PABLB", "USSAV")][7]

    assert through <= split - 300
    assert through <= leg_cost_usd("sea", 17800.0, trade=("ASIA", "NAME"))


def test_directional_rates_price_the_backhaul_at_a_quarter_to_a_third():
    head = leg_cost_usd("sea", 19500, trade=("ASIA", "NEUR"))
    back = leg_cost_usd("sea", 19500, trade=("NEUR", "ASIA"))

    assert 0.25 <= back / head <= 0.4


@pytest.mark.parametrize(
    ("country", "lat", "lon", "region"),
    [("US", 33.7, -118.3, "NAMW"), ("US", 40.7, -74.0, "NAME"), ("RU", 43.1, 131.9, "ASIA"),
     ("RU", 59.9, 30.3, "NEUR"), ("FR", 43.3, 5.4, "MED"), ("FR", 49.5, 0.1, "NEUR"),
     ("KE", -4.0, 39.7, "AFR"), ("NZ", -36.8, 174.8, "OCE")],
)  # fmt: skip
def test_trade_regions(country, lat, lon, region):
    assert region_of(country, lat, lon) == region


def test_import_release_only_from_ship_or_aircraft_to_land():
    assert connection_hours(None, "rail") == 0
    assert connection_hours("sea", "sea") == 24
    assert connection_hours("sea", "rail") == 8 + 72
    assert connection_hours("air", "road") == 2 + 24
    assert connection_hours("rail", "road") == 2


def test_split_cap_binds_when_the_parts_are_cheaper():
    from tools.build_network.sea import _no_split_arbitrage

    lanes = {("A", "B"): [0] * 7 + [500.0], ("B", "C"): [0] * 7 + [500.0],
             ("A", "C"): [0] * 7 + [2000.0]}  # fmt: skip
    _no_split_arbitrage(lanes, 300.0)

    assert lanes[("A", "C")][7] == 700.0
    assert lanes[("A", "B")][7] == 500.0
