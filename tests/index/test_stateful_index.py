"""The buyer's questions answered from the index match the chain for every state in the
stateful test's histories: the hypothesis machine of tests/contracts/test_stateful.py runs
random lifecycles (every role, ETH and fee tokens, amendments, disputes, refunds, receivers,
withdrawals); at the end of each, a fresh index of the chain must give every shipment the
same status as the chain itself."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.stateful import initialize, run_state_machine_as_test

sys.path.insert(0, str(Path(__file__).parents[1] / "contracts"))

from shipment_kit import build_kit  # noqa: E402
from test_stateful import PORTS, TOKENS, ShipmentsMachine  # noqa: E402

from tradelane.client import Tradelane  # noqa: E402
from tradelane.index import attach  # noqa: E402


class IndexedMachine(ShipmentsMachine):
    new_database = None  # set by the test: a fresh database URL per history
    checked: list = []

    @initialize(
        token=st.sampled_from(TOKENS),
        amount=st.integers(1, 10**18),
        days=st.integers(5, 40),
        booked=st.booleans(),
    )
    def open_first(self, token, amount, days, booked):
        """Every history starts with a shipment (hypothesis tries empty ones first)."""
        tranches = ((2, 0, 2000), (3, 255, 3000))
        ShipmentsMachine.open(self, token, amount, days, tranches, PORTS, booked, "honest")

    def teardown(self):
        try:
            if self.ids:
                self._compare()
        finally:
            super().teardown()

    def _compare(self):
        chain, address = self.kit.chain, self.kit.ship.address
        from_chain = Tradelane(chain, address)
        indexed = Tradelane(chain, address)
        ix = attach(indexed, self.new_database())
        try:
            ix.sync()
            for sid in self.ids:
                want, got = from_chain.status(sid).to_json(), indexed.status(sid).to_json()
                want.pop("now"), got.pop("now")
                assert got == want, f"shipment {sid}"
                IndexedMachine.checked.append(want["state"])
            party = chain.address("buyer")
            assert indexed.shipments_of(party) == from_chain.shipments_of(party)
        finally:
            ix.stop()


@pytest.fixture(scope="module")
def kit():
    return build_kit()


def test_index_answers_match_the_chain_over_random_histories(kit, db_url, tmp_path, request):
    counter = iter(range(1_000))
    if db_url.startswith("sqlite"):
        new_database = lambda: f"sqlite:///{tmp_path}/h{next(counter)}.sqlite"  # noqa: E731
    else:
        new_database = request.getfixturevalue("postgres").new_database
    IndexedMachine.new_database = staticmethod(new_database)
    IndexedMachine.kit = kit
    IndexedMachine.checked = []
    config = settings(
        max_examples=int(os.environ.get("TRADELANE_STATEFUL_EXAMPLES", "6")),
        stateful_step_count=25,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    # hypothesis starts from the simplest (empty) histories: a fixed seed reaches full ones
    run_state_machine_as_test(hypothesis_seed(15)(IndexedMachine), settings=config)
    assert len(IndexedMachine.checked) >= 3
