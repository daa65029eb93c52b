"""Fixtures for the contract suite: one embedded chain and deployment per session, each test
isolated by an eth-tester snapshot taken before it and restored after it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from shipment_kit import Kit, build_kit  # noqa: E402


@pytest.fixture(scope="session")
def kit() -> Kit:
    return build_kit()


@pytest.fixture(autouse=True)
def _isolate(kit):
    snap = kit.snapshot()
    yield
    kit.revert_to(snap)


@pytest.fixture
def chain(kit):
    return kit.chain


@pytest.fixture
def ship(kit):
    return kit.ship


@pytest.fixture
def routed(kit) -> int:
    """An ETH shipment agreed on the default 3-leg route, every leg booked (Routed)."""
    return kit.open()


@pytest.fixture
def opened(routed) -> int:
    """A fresh shipment (since offers, every accepted shipment starts Routed)."""
    return routed
