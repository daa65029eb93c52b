"""The reads of `tradelane.client.Tradelane`: a shipment as the contract holds it, and status.

`view` is the contract's `ShipmentView` completed from the route in force; `status` builds the
buyer's `ShipmentStatus` (legs planned vs actual, money, the next milestone due, the hash chain
checked) from the chain, or from the event index when one is attached (`tradelane.index`).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from eth_utils import keccak

from . import history
from .errors import ChainError, NotFoundError
from .legs import route_hash
from .model import Classifier, Code, LegView, MilestoneEvent, Mode, ShipmentStatus, State, Tranche
from .steps import ERC20_ABI, ETH, Steps

__all__ = ["Reads"]


class Reads(Steps):
    """Counts, credits, views, history and status; mixed into `tradelane.client.Tradelane`."""

    index: Any  # reads come from here when set (`tradelane.index.attach`)

    def count(self) -> int:
        return int(self.contract.functions.shipmentCount().call())

    def credit(self, payee: str, token: str = ETH) -> int:
        """What `payee` may withdraw in `token` (the web pages read it from the index)."""
        return int(self.contract.functions.credit(self.chain.address(payee), token).call())

    def view(self, shipment_id: int) -> dict:
        """The contract's `ShipmentView` as a dict (raises for an unknown id), completed from the
        route in force's `RouteCommitted` event: `legs` with their planned times and passages
        (the contract stores only what milestones check), `routeHash`, `agreement` (the offer or
        amendment in force) and `networkHash`, checked against the contract's `terms`."""
        if not 0 < shipment_id <= self.count():
            raise NotFoundError(
                f"shipment {shipment_id} does not exist on chain {self.chain.chain_id}"
            )
        raw = self.contract.functions.shipment(shipment_id).call()
        names = [o["name"] for o in self._view_abi]
        v = dict(zip(names, raw, strict=True))
        agreement_digest, legs, network = self.in_force(shipment_id)
        route = route_hash(legs)
        if keccak(agreement_digest + route) != bytes(v["terms"]):
            raise ChainError(
                f"shipment {shipment_id}: the route in the logs is not the one the contract holds "
                "(the node serves incomplete logs); try another node"
            )
        v["legs"] = [list(leg) for leg in legs]
        v["routeHash"] = route
        v["agreement"] = agreement_digest
        v["networkHash"] = network
        return v

    @cached_property
    def _view_abi(self) -> list[dict]:
        fn = next(i for i in self.contract.abi if i.get("name") == "shipment")
        return fn["outputs"][0]["components"]

    def history(self, shipment_id: int, *, signatures: bool = False) -> list[MilestoneEvent]:
        """Every milestone of the shipment, from the logs, in order."""
        return history.read(self, shipment_id, signatures=signatures)

    def shipments_of(self, party: str) -> list[int]:
        """Ids of shipments where `party` is the buyer or the seller."""
        address = self.chain.address(party)
        if self.index is not None:
            return self.index.shipments_of(address)
        ids: set[int] = set()
        for role in ("buyer", "seller"):
            logs = self.logs("ShipmentOpened", **{role: address})
            ids.update(int(log["args"]["shipmentId"]) for log in logs)
        return sorted(ids)

    def token_info(self, token: str) -> tuple[str, int]:
        if int(token, 16) == 0:
            return "ETH", 18
        known = self.index.token(token) if self.index is not None else None
        if known:
            return known
        erc20 = self.chain.w3.eth.contract(address=token, abi=ERC20_ABI)
        try:
            found = erc20.functions.symbol().call(), int(erc20.functions.decimals().call())
        except Exception:  # noqa: BLE001 - a token without metadata is still a token
            return token[:10], 0
        if self.index is not None:
            self.index.remember_token(token, *found)
        return found

    def status(self, shipment_id: int, *, with_history: bool = True) -> ShipmentStatus:
        """The buyer's view: state, legs planned vs actual, money, next milestone, proof.

        With an index attached, read from it as of its last block (no chain call); the hash
        chain is then checked link by link up to the indexed head.
        """
        if self.index is not None:
            v, events, now = self.index.snapshot(shipment_id, with_history=with_history)
        else:
            v = self.view(shipment_id)
            now = self.chain.now()
            events = self.history(shipment_id) if with_history else []
        verified, problem = (
            history.verify(self, shipment_id, events, v) if with_history else (False, "not checked")
        )
        legs = _legs_with_actuals(v["legs"], events)
        state = State(v["state"])
        symbol, decimals = self.token_info(v["token"])
        next_expected, due = _next_expected(v, legs, state)
        refundable = v["held"] if state in (State.OPEN, State.ROUTED) and now > v["deadline"] else 0
        return ShipmentStatus(
            shipment_id=shipment_id,
            state=state,
            buyer=v["buyer"],
            seller=v["seller"],
            receiver=v["receiver"],
            token=v["token"],
            token_symbol=symbol,
            token_decimals=decimals,
            arbiter=v["arbiter"],
            destination=v["destination"].decode("ascii", "replace"),
            deadline=v["deadline"],
            opened_at=v["openedAt"],
            delivered_at=v["deliveredAt"],
            disputed_at=v["disputedAt"],
            deposited=v["deposited"],
            released=v["released"],
            refunded=v["refunded"],
            held=v["held"],
            refundable=refundable,
            route_hash="0x" + v["routeHash"].hex(),
            network_hash="0x" + v["networkHash"].hex(),
            items_root="0x" + v["itemsRoot"].hex(),
            head="0x" + v["head"].hex(),
            milestone_count=v["milestones"],
            current_leg=v["currentLeg"],
            leg_phase=v["legPhase"],
            last_event_time=v["lastEventTime"],
            legs=tuple(legs),
            tranches=tuple(Tranche(Code(c), leg, bps) for c, leg, bps in v["tranches"]),
            next_expected=next_expected,
            next_expected_due=due,
            overdue=bool(due and now > due),
            history_verified=verified,
            history_problem=problem,
            now=now,
            milestones=tuple(events),
        )


def _legs_with_actuals(raw_legs: list, events: list[MilestoneEvent]) -> list[LegView]:
    legs = []
    for i, (origin, destination, mode, carrier, dep, arr, passages) in enumerate(raw_legs):
        times: dict[str, int] = {}
        for e in events:
            m = e.milestone
            if m.leg != i or m.code not in (Code.DEPA, Code.ARRI) or m.classifier == Classifier.PLN:
                continue
            kind = "actual" if m.classifier == Classifier.ACT else "estimated"
            times[f"{kind}_{'departure' if m.code == Code.DEPA else 'arrival'}"] = m.event_time
        legs.append(
            LegView(
                index=i,
                origin=origin.decode("ascii", "replace"),
                destination=destination.decode("ascii", "replace"),
                mode=Mode(mode).name.lower(),
                carrier=carrier,
                planned_departure=dep,
                planned_arrival=arr,
                passages=passages,
                **times,
            )
        )
    return legs


def _next_expected(v: dict, legs: list[LegView], state: State) -> tuple[str | None, int | None]:
    if state != State.ROUTED or not legs:
        if state == State.DELIVERED:
            return "buyer confirmation (or finalize after the grace period)", None
        return None, None
    i, phase = v["currentLeg"], v["legPhase"]
    leg = legs[i]
    if phase == 0:
        return f"DEPA at {leg.origin} (leg {i})", leg.estimated_departure or leg.planned_departure
    if phase == 1:
        return f"ARRI at {leg.destination} (leg {i})", leg.estimated_arrival or leg.planned_arrival
    if i + 1 < len(legs):
        nxt = legs[i + 1]
        return (
            f"DEPA at {nxt.origin} (leg {i + 1})",
            nxt.estimated_departure or nxt.planned_departure,
        )
    return f"DROP at {leg.destination} (delivery, leg {i})", v["deadline"]
