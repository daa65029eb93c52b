"""Realism suite: every lane of :data:`routing.realism.LANES` against its published range."""

from __future__ import annotations

import pytest

from routing.assumptions import region_of
from routing.realism import LANES, check


@pytest.mark.parametrize("lane", LANES, ids=[lane.id for lane in LANES])
def test_lane_is_realistic(reference, lane):
    assert check(reference, lane) == [], lane.source


def test_the_suite_covers_every_continent_and_cites_each_range(reference):
    regions = {
        region_of(p.country, p.lat, p.lon)
        for lane in LANES
        for p in (reference.ports[lane.origin], reference.ports[lane.destination])
    }
    assert {"ASIA", "NEUR", "MED", "NAMW", "NAME", "LAT", "AFR", "OCE", "SAS", "ME"} <= regions
    assert len(LANES) >= 25
    assert all(lane.source for lane in LANES)
