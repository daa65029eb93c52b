"""Random lifecycles against the invariants (I1–I4 in docs/SPECIFICATION.md).

A hypothesis ``RuleBasedStateMachine`` drives many shipments (ETH, a plain ERC-20, a
fee-on-transfer token and a rebasing token) with every role plus an outsider: offers accepted
(and hostile ones: a seller that names itself carrier, a buyer that names itself arbiter, a
buyer's second key as arbiter), bookings confirmed by the right or wrong party, milestones
(direct, relayed, batched, right and wrong), amendments, time jumps, rebases, delivery, refunds,
cancellations, disputes, receivers, operators and withdrawals. After every step it checks (A8):

* per shipment ``released + refunded + held == deposited`` (I1);
* per token, the contract's balance == Σ held + Σ credits (≥ for the rebasing token, which only
  grows here), credits tracked from the events and spot-checked against ``credit()`` (I2);
* no tranche is paid twice, nobody withdraws more than was credited, amounts only move one way (I3);
* states never go backwards, final states never change (I4).

``benchmarks/soak.py`` runs this same machine for ≥ 10 000 steps.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from shipment_kit import CODES, DAY, PARTIES, Kit, lc

from tradelane.errors import ChainError, ContractRevert

TOKENS = ("ETH", "MockToken", "FeeToken", "RebaseToken")
# Who the parties of an offer are: honest, or trying what A2/A3 forbid (refused at acceptance),
# or a buyer whose "arbiter" is its own second key (the seller agreed to it: allowed).
CASTS = ("honest", "honest", "seller_carrier", "buyer_arbiter", "buyer_key_arbiter")
PORTS = ("CNSHA", "SGSIN", "EGPSD", "NLRTM")
FINAL = {5, 6, 7}
ALLOWED = {  # state → states it may move to (besides itself)
    2: {3, 4, 5, 6},
    3: {4, 5, 6},
    4: {7},
}
GAS = 1_500_000
MAX_SHIPMENTS = 5


class ShipmentsMachine(RuleBasedStateMachine):
    """Set ``ShipmentsMachine.kit`` (a `shipment_kit.Kit`) before running."""

    kit: Kit = None  # type: ignore[assignment]
    steps_run = 0  # class-wide counter, read by the soak benchmark

    def __init__(self):
        super().__init__()
        self.snap = self.kit.snapshot()
        self.ids: list[int] = []
        self.views: dict[int, dict] = {}
        self.credits: dict[tuple[str, str], int] = {}
        self.withdrawn: dict[tuple[str, str], int] = {}
        self.tranches_paid: set[tuple[int, int]] = set()
        self.base_balance = {t: self.kit.balance(t) for t in TOKENS}
        self.base_held = {t: self._held_total(t) for t in TOKENS}
        self.base_credit = {}
        self.arbiter: dict[int, str] = {}

    def teardown(self):
        self.kit.revert_to(self.snap)

    # -- plumbing ------------------------------------------------------------------

    def _tx(self, fn, sender, value=0) -> bool:
        """Sends; True if it succeeded. Tracks credits and tranche payments from the events."""
        try:
            receipt = self.kit.chain.send(fn, sender, value=value, gas=GAS)
        except (ChainError, ContractRevert):
            return False
        for ev in self.kit.events(receipt, "Credited"):
            key = (ev["payee"], ev["token"])
            self.credits[key] = self.credits.get(key, 0) + ev["amount"]
        for ev in self.kit.events(receipt, "Withdrawn"):
            key = (ev["payee"], ev["token"])
            self.credits[key] = self.credits.get(key, 0) - ev["amount"]
            self.withdrawn[key] = self.withdrawn.get(key, 0) + ev["amount"]
            assert self.credits[key] == 0, "withdraw takes the whole credit"
        for ev in self.kit.events(receipt, "TrancheReleased"):
            key = (ev["shipmentId"], ev["tranche"])
            assert key not in self.tranches_paid, f"tranche {key} paid twice"
            self.tranches_paid.add(key)
        return True

    def _held_total(self, token) -> int:
        address = self.kit.token(token)
        return (
            sum(v["held"] for v in self.views.values() if v["token"] == address)
            if hasattr(self, "views")
            else 0
        )

    def _refresh(self, sid):
        old = self.views.get(sid)
        new = self.kit.view(sid)
        if old is not None:
            assert new["state"] == old["state"] or new["state"] in ALLOWED.get(
                old["state"], set()
            ), f"shipment {sid}: state {old['state']} → {new['state']}"
            assert new["released"] >= old["released"] and new["refunded"] >= old["refunded"]
            assert new["held"] <= old["held"]
            assert new["milestones"] >= old["milestones"]
        assert new["released"] + new["refunded"] + new["held"] == new["deposited"], (
            f"I1 broken on {sid}"
        )
        self.views[sid] = new

    def _view(self, sid) -> dict:
        return self.views[sid]

    # -- rules ---------------------------------------------------------------------

    @initialize()
    def start(self):
        type(self).steps_run += 1

    @precondition(lambda self: len(self.ids) < MAX_SHIPMENTS)
    @rule(
        token=st.sampled_from(TOKENS),
        amount=st.integers(1, 10**18),
        days=st.integers(1, 40),
        split=st.sampled_from(
            [(), ((2, 0, 2000), (3, 255, 3000)), ((3, 1, 10000),), ((2, 0, 5000), (2, 2, 5000))]
        ),
        ports=st.sampled_from((PORTS, PORTS, ("CNSHA", "SGSIN", "NLRTM"))),
        booked=st.booleans(),
        cast=st.sampled_from(CASTS),
    )
    def open(self, token, amount, days, split, ports, booked, cast):
        """The seller offers, the buyer accepts (every booking riding along, or none)."""
        type(self).steps_run += 1
        kit = self.kit
        carriers = ("seller", "carrier2", "carrier3") if cast == "seller_carrier" else None
        arbiter = {"buyer_arbiter": "buyer", "buyer_key_arbiter": "operator"}.get(cast, "arbiter")
        legs = kit.legs(ports=ports, **({"carriers": carriers} if carriers else {}))
        tranches = [t for t in split if t[1] == 255 or t[1] < len(legs)]
        offer = kit.offer(
            token=None if token == "ETH" else token,
            amount=amount,
            deadline=kit.chain.now() + days * DAY,
            tranches=tranches,
            legs=legs,
            arbiter=arbiter,
        )
        if token != "ETH":
            self._tx(kit.tokens[token].functions.approve(kit.ship.address, amount), "buyer")
        bookings = kit.bookings(kit.offer_digest(offer), legs) if booked else []
        sig = kit.compact(kit.sign_offer(offer))
        fn = kit.ship.functions.acceptOffer(offer, sig, bookings)
        ok = self._tx(fn, "buyer", value=amount if token == "ETH" else 0)
        if cast in ("seller_carrier", "buyer_arbiter"):
            assert not ok, f"an offer with {cast} was accepted"
            return
        assert ok, "a valid offer is accepted"
        assert not self._tx(fn, "buyer", value=amount if token == "ETH" else 0), "offer reused"
        sid = kit.ship.functions.shipmentCount().call()
        self.ids.append(sid)
        self.arbiter[sid] = arbiter
        self._refresh(sid)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), who=st.sampled_from(("carrier1", "carrier2", "carrier3", "outsider")))
    def confirm(self, data, who):
        """A carrier (or someone else) confirms a leg's booking directly."""
        type(self).steps_run += 1
        sid = data.draw(st.sampled_from(self.ids))
        legs = self._view(sid)["legs"]
        leg = data.draw(st.integers(0, len(legs) - 1))
        ok = self._tx(self.kit.ship.functions.confirmBooking(sid, leg, self.kit.terms(sid)), who)
        if ok:
            assert self.kit.addr(who) == legs[leg][3], f"{who} confirmed leg {leg}"
        self._refresh(sid)

    @precondition(lambda self: any(t == "RebaseToken" for t in TOKENS))
    @rule(bps=st.integers(0, 500))
    def rebase(self, bps):
        """The rebasing token's balances grow."""
        type(self).steps_run += 1
        self._tx(self.kit.tokens["RebaseToken"].functions.rebase(bps), "outsider")

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        how=st.sampled_from(("direct", "direct", "relayed", "batch", "direct_batch", "wrong")),
        repeat=st.integers(1, 3),
    )
    def milestone(self, data, how, repeat):
        """The next plausible milestones (or a deliberately wrong one), sent one of several ways."""
        type(self).steps_run += 1
        sid = data.draw(st.sampled_from(self.ids))
        for _ in range(repeat if how == "direct" else 1):
            self._milestone(data, how, sid)

    def _milestone(self, data, how, sid):
        v = self._view(sid)
        leg, code, loc = self._next(v)
        carrier = self.kit.addr(v["legs"][leg][3])
        confirmed = v["confirmedLegs"] >> leg & 1
        m = (sid, leg, CODES[code], 0, lc(loc), self.kit.chain.now())
        ship = self.kit.ship.functions
        nonce = self.kit.leg_nonce(sid, leg)
        if how == "direct":
            ok = self._tx(ship.recordMilestone(m), carrier)
            assert confirmed or not ok, "an unconfirmed leg recorded a milestone (A2)"
        elif how == "relayed":
            entry = self.kit.signed_entry(m, carrier, nonce)
            ok = self._tx(ship.relaySignedMilestone(*entry), "relayer")
            assert confirmed or not ok, "an unconfirmed leg recorded a milestone (A2)"
        elif how == "batch":
            # A signed EST, then the ACT directly, in one mixed batch.
            est = (sid, leg, CODES[code], 1, lc(loc), self.kit.chain.now() + DAY)
            entries = [self.kit.signed_entry(est, carrier, nonce), self.kit.direct_entry(m)]
            self._tx(ship.recordBatch(entries), carrier)
        elif how == "direct_batch":
            est = (sid, leg, CODES[code], 1, lc(loc), self.kit.chain.now() + DAY)
            self._tx(ship.recordMilestones([est, m]), carrier)
        else:
            wrong = data.draw(st.sampled_from(("outsider", "carrier1", "carrier2", "carrier3")))
            bad = (
                sid,
                data.draw(st.integers(0, 3)),
                data.draw(st.integers(0, 8)),
                0,
                lc(data.draw(st.sampled_from(PORTS))),
                self.kit.chain.now(),
            )
            ok = self._tx(ship.recordMilestone(bad), wrong)
            if self.kit.addr(wrong) != carrier and bad[1] == leg:
                assert not ok, "a non-carrier recorded a milestone"
        self._refresh(sid)

    @staticmethod
    def _next(v):
        legs, cur, phase = v["legs"], v["currentLeg"], v["legPhase"]
        origin, dest = legs[cur][0].rstrip(b"\0").decode(), legs[cur][1].rstrip(b"\0").decode()
        if phase == 0:
            return cur, "DEPA", origin
        if phase == 1:
            return cur, "ARRI", dest
        if cur + 1 < len(legs):
            return cur + 1, "DEPA", legs[cur + 1][0].rstrip(b"\0").decode()
        return cur, "DROP", dest

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        signer=st.sampled_from(("seller", "outsider")),
        rescue=st.booleans(),
    )
    def amend(self, data, signer, rescue):
        """Both parties (or a forger) re-plan the legs from the current one (a new carrier for it,
        when `rescue`) or after it."""
        type(self).steps_run += 1
        sid = data.draw(st.sampled_from(self.ids))
        v = self._view(sid)
        _, legs = self.kit.in_force(sid)
        start = v["currentLeg"] + (0 if rescue else 1)
        if start >= len(legs):
            return
        new = [leg[:5] + (leg[5] + DAY, leg[6] ^ 1) for leg in legs[start:]]
        if rescue:
            new[0] = new[0][:3] + (self.kit.addr("outsider"),) + new[0][4:]
        try:
            self.kit.amend(sid, start, new, seller=signer)
            ok = True
        except (ChainError, ContractRevert):
            ok = False
        if signer == "outsider":
            assert not ok, "an amendment without the seller's signature applied"
        self._refresh(sid)

    @rule(days=st.integers(0, 20))
    def advance(self, days):
        type(self).steps_run += 1
        self.kit.advance(days * DAY + 1)

    @precondition(lambda self: self.ids)
    @rule(
        data=st.data(),
        action=st.sampled_from(
            (
                "confirmDelivery",
                "finalize",
                "refund",
                "cancel",
                "openDispute",
                "settleDispute",
                "resolveDispute",
            )
        ),
        who=st.sampled_from(PARTIES),
    )
    def settle(self, data, action, who):
        type(self).steps_run += 1
        sid = data.draw(st.sampled_from(self.ids))
        fns = self.kit.ship.functions
        if action == "resolveDispute":
            held = self._view(sid)["held"]
            fn = fns.resolveDispute(sid, data.draw(st.integers(0, held + 1)))
        else:
            fn = getattr(fns, action)(sid)
        ok = self._tx(fn, who)
        allowed = {
            "confirmDelivery": {"buyer"},
            "refund": {"buyer"},
            "cancel": {"seller"},
            "openDispute": {"buyer", "seller"},
            "resolveDispute": {self.arbiter[sid]},
        }
        if ok and action in allowed:
            assert who in allowed[action], f"{who} succeeded at {action}"
        self._refresh(sid)

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), who=st.sampled_from(("seller", "buyer", "outsider")))
    def roles(self, data, who):
        type(self).steps_run += 1
        sid = data.draw(st.sampled_from(self.ids))
        fns = self.kit.ship.functions
        name = data.draw(st.sampled_from(("relayer", "seller", "arbiter", "carrier1", "contract")))
        target = self.kit.ship.address if name == "contract" else self.kit.addr(name)
        if data.draw(st.booleans()):
            ok = self._tx(fns.setReceiver(sid, target), who)
            assert not ok or who == "seller", f"{who} redirected the seller's money"
            v = self._view(sid)
            forbidden = {self.kit.ship.address, v["arbiter"], *(leg[3] for leg in v["legs"])}
            assert not ok or target not in forbidden, f"{name} became a receiver (A6)"
            assert not ok or v["state"] != 4, "receiver changed during a dispute (A6)"
        else:
            self._tx(fns.setOperator(self.kit.addr("operator"), data.draw(st.booleans())), who)
        self._refresh(sid)

    @precondition(lambda self: any(c > 0 for c in self.credits.values()))
    @rule(who=st.sampled_from(PARTIES), token=st.sampled_from(TOKENS))
    def withdraw(self, who, token):
        type(self).steps_run += 1
        address = self.kit.token(token)
        self._tx(self.kit.ship.functions.withdraw(address, self.kit.addr(who)), who)

    # -- invariants ----------------------------------------------------------------

    @invariant()
    def balances_cover_held_and_credits(self):
        for token in TOKENS:
            address = self.kit.token(token)
            credits = sum(c for (_, t), c in self.credits.items() if t == address)
            held = self._held_total(token)
            assert credits >= 0
            expected = self.base_balance[token] - self.base_held[token] + held + credits
            if token == "RebaseToken":  # only grows here: the contract holds at least its dues
                assert self.kit.balance(token) >= held + credits, f"I2 broken for {token}"
            else:
                assert self.kit.balance(token) == expected, f"I2 broken for {token}"

    @invariant()
    def credits_match_contract(self):
        if not self.credits:
            return
        (payee, token), tracked = max(self.credits.items(), key=lambda kv: kv[1])
        assert self.kit.ship.functions.credit(payee, token).call() == tracked


def run_machine(kit: Kit, *, examples: int, steps: int, seed: int | None = None) -> int:
    """Runs the machine on `kit`; returns how many rule steps ran."""
    from hypothesis import seed as hypothesis_seed
    from hypothesis.stateful import run_state_machine_as_test

    ShipmentsMachine.kit = kit
    ShipmentsMachine.steps_run = 0
    config = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    machine = ShipmentsMachine
    if seed is not None:
        machine = hypothesis_seed(seed)(ShipmentsMachine)
    run_state_machine_as_test(machine, settings=config)
    return ShipmentsMachine.steps_run


def test_stateful_random_lifecycles(kit):
    """I1–I4 over random lifecycles; a small default (TRADELANE_STATEFUL_EXAMPLES to raise it)."""
    examples = int(os.environ.get("TRADELANE_STATEFUL_EXAMPLES", "6"))
    assert run_machine(kit, examples=examples, steps=25) > 0
