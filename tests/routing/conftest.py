"""Shared fixtures for the routing tests: the reference network and small named graphs."""

from __future__ import annotations

import pytest
from routing_kit import lane, make_network, validate_route

import routing
from routing.network import Network


@pytest.fixture(scope="session")
def reference() -> Network:
    return routing.load_network()


@pytest.fixture
def diamond() -> Network:
    """XXAAA -> XXDDD three ways: cheap & slow via XXBBB, fast & dear via XXCCC, direct (air).

    cost:  via B = 200, via C = 400, direct = 1000
    time:  via B = 40 h, via C = 20 h, direct = 5 h
    co2:   via B = 20, via C = 60, direct = 500
    """
    return make_network(
        [
            lane("XXAAA", "XXBBB", cost=100, hours=20, co2=10, passages=["suez"]),
            lane("XXBBB", "XXDDD", cost=100, hours=20, co2=10),
            lane("XXAAA", "XXCCC", cost=200, hours=10, co2=30, carrier="Bolt"),
            lane("XXCCC", "XXDDD", cost=200, hours=10, co2=30, carrier="Bolt"),
            lane("XXAAA", "XXDDD", cost=1000, hours=5, co2=500, mode="air", carrier="Wing"),
        ]
    )


@pytest.fixture(name="make_network")
def _make_network_fixture():
    return make_network


@pytest.fixture(name="lane")
def _lane_fixture():
    return lane


@pytest.fixture(name="validate_route")
def _validate_route_fixture():
    return validate_route
