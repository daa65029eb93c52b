"""The one Python client of the Shipments contract.

The CLI, the brownie scripts, the demo, the exports, the web page and the tests all
go through `Tradelane`: nothing else builds a transaction or reads a shipment.

    >>> from tradelane.chain import connect
    >>> tl, _ = Tradelane.deploy(connect("embedded"))          # doctest: +SKIP
    >>> offer = tl.make_offer("seller", encoded, amount=..., deadline=..., arbiter=...)  # +SKIP
    >>> sid = tl.accept_offer("buyer", offer)                   # doctest: +SKIP

The agreement steps (offers, bookings, amendments, and the dev shortcut
`open_agreed_shipment`) are in `tradelane.agreeing`; see `tradelane.agreement` for the API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from functools import cached_property

from eth_account.signers.local import LocalAccount
from eth_utils import function_abi_to_4byte_selector, keccak
from web3 import Web3

from . import agreement, attest, deployments, history
from .agreeing import AgreementSteps
from .chain import Chain
from .compiler import SOLC_VERSION, source_hash
from .contracts import at, deploy
from .errors import ChainError, InputError, NotDeployedError, NotFoundError
from .logs import fetch as fetch_logs
from .model import (
    ORIGIN_SIDE,
    Classifier,
    Code,
    LegView,
    Milestone,
    MilestoneEvent,
    Mode,
    ShipmentStatus,
    State,
    Tranche,
    parse_locode,
)

__all__ = ["Tradelane", "ETH", "DAY"]

ETH = "0x0000000000000000000000000000000000000000"
DAY = 86_400
ERC20_ABI = [
    {
        "name": n,
        "type": "function",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"type": t}],
    }
    for n, t in (("symbol", "string"), ("decimals", "uint8"))
] + [
    {
        "name": "allowance",
        "type": "function",
        "stateMutability": "view",
        "inputs": [{"type": "address"}, {"type": "address"}],
        "outputs": [{"type": "uint256"}],
    },
    {
        "name": "approve",
        "type": "function",
        "stateMutability": "nonpayable",
        "inputs": [{"type": "address"}, {"type": "uint256"}],
        "outputs": [{"type": "bool"}],
    },
]
Who = str | LocalAccount


class Tradelane(AgreementSteps):
    """A deployed Shipments contract on a connected chain."""

    def __init__(self, chain: Chain, address: str, deployment: dict | None = None):
        self.chain = chain
        self.address = Web3.to_checksum_address(address)
        # The complete surface (IShipments): the Shipments core plus the desk behind its fallback.
        self.contract = at(chain, "IShipments", self.address)
        self.deployment = deployment or {"address": self.address, "block": 0}
        self.last_receipt: dict | None = None  # of the last `accept_offer`
        # reads (status, shipments_of) come from here when set: tradelane.index.attach
        self.index = None

    # -- finding the contract --------------------------------------------------------

    @classmethod
    def deploy(
        cls,
        chain: Chain,
        *,
        sender: Who = "deployer",
        grace_period: int = 3 * DAY,
        arbiter_timeout: int = 14 * DAY,
        force: bool = False,
    ) -> tuple[Tradelane, bool]:
        """Deploy unless this chain already runs these sources. Returns (client, deployed_now)."""
        sources = source_hash()
        if not force and not chain.is_embedded:
            existing = deployments.existing(chain)
            if existing and existing.get("source_hash") == sources:
                with contextlib.suppress(NotDeployedError):  # a fresh node: deploy again
                    return cls.attach(chain), False
        contract, receipt = deploy(chain, "Shipments", grace_period, arbiter_timeout, sender=sender)
        entry = {
            "address": contract.address,
            "block": receipt["blockNumber"],
            "tx_hash": receipt["transactionHash"].hex(),
            "compiler": f"solc {SOLC_VERSION} (wasm), evm prague",
            "source_hash": sources,
            "grace_period": grace_period,
            "arbiter_timeout": arbiter_timeout,
        }
        deployments.record(chain, entry)
        return cls(chain, contract.address, entry), True

    @classmethod
    def attach(cls, chain: Chain) -> Tradelane:
        entry = deployments.lookup(chain)
        tl = cls(chain, entry["address"], entry)
        tl._check_interface()
        return tl

    def _check_interface(self) -> None:
        """Refuse a contract that lacks this version's functions (e.g. a node state kept from an
        older Tradelane): calling it would fail later, one obscure revert at a time."""
        code = bytes(self.chain.w3.eth.get_code(self.address))
        with contextlib.suppress(Exception):  # an older version has no desk: reported below
            desk = self.contract.functions.DESK().call()
            code += bytes(self.chain.w3.eth.get_code(desk))
        missing = [
            f["name"]
            for f in self.contract.abi
            if f["type"] == "function" and function_abi_to_4byte_selector(f) not in code
        ]
        missing.sort(key=str.isupper)  # entry points first, then constants
        if missing:
            raise ChainError(
                f"the contract at {self.address} on chain {self.chain.chain_id} is not this "
                f"version of Tradelane (it has no {', '.join(missing[:3])}); deploy this version "
                f"with `tradelane deploy --rpc {self.chain.url}`, a new and empty contract"
            )

    @property
    def from_block(self) -> int:
        return int(self.deployment.get("block", 0))

    def logs(self, event: str, **argument_filters) -> list:
        """Every `event` log of the contract since its deployment whose indexed arguments match
        `argument_filters`, in order (read in block ranges a public node will serve)."""
        return fetch_logs(
            self.chain.w3,
            getattr(self.contract.events, event)(),
            from_block=self.from_block,
            argument_filters=argument_filters or None,
        )

    # -- opening (offers: tradelane.agreeing) ----------------------------------------

    def find_opened(
        self,
        *,
        buyer: str,
        seller: str,
        token: str,
        amount: int,
        destination: str,
        min_nonce: int = 0,
    ) -> int | None:
        """The first shipment `buyer` opened with these terms in a transaction whose nonce is
        at least `min_nonce` (how an interrupted opening is found again), or None."""
        logs = self.logs(
            "ShipmentOpened", buyer=self.chain.address(buyer), seller=self.chain.address(seller)
        )
        for log in logs:
            args = log["args"]
            if (
                int(args["amount"]) == amount
                and Web3.to_checksum_address(args["token"]) == Web3.to_checksum_address(token)
                and args["destination"] == parse_locode(destination)
                and self.chain.w3.eth.get_transaction(log["transactionHash"])["nonce"] >= min_nonce
            ):
                return int(args["shipmentId"])
        return None

    def _ensure_allowance(self, owner: Who, token: str, amount: int) -> None:
        erc20 = self.chain.w3.eth.contract(address=Web3.to_checksum_address(token), abi=ERC20_ABI)
        owner_address = self.chain.account(owner).address
        if erc20.functions.allowance(owner_address, self.address).call() < amount:
            self.chain.send(erc20.functions.approve(self.address, amount), owner)

    def commit_items(self, sender: Who, shipment_id: int, items_root: bytes) -> dict:
        return self.chain.send(self.contract.functions.commitItems(shipment_id, items_root), sender)

    # -- milestones ------------------------------------------------------------------

    def milestone_for(
        self,
        shipment_id: int,
        code: Code,
        *,
        leg: int | None = None,
        location: str | None = None,
        event_time: int | None = None,
        classifier: Classifier = Classifier.ACT,
    ) -> tuple[Milestone, str]:
        """The milestone a carrier means, defaults taken from the shipment's progress.

        `leg` defaults to the current leg (the next one for an origin-side code once the
        current leg arrived); `location` to the leg's origin (GTIN LOAD DEPA, and INSP
        before departure) or destination; `event_time` to the chain's time. Returns
        (milestone, the leg's carrier address).
        """
        view = self.view(shipment_id)
        legs = view["legs"]
        if not legs:
            raise InputError(f"shipment {shipment_id} has no route committed yet")
        if leg is None:
            leg = view["currentLeg"]
            if view["legPhase"] == 2 and code in ORIGIN_SIDE and leg + 1 < len(legs):
                leg += 1
        if not 0 <= leg < len(legs):
            raise InputError(f"leg {leg}: shipment {shipment_id} has legs 0..{len(legs) - 1}")
        origin, destination, _mode, carrier = legs[leg][:4]
        if location is None:
            same_leg_departed = leg == view["currentLeg"] and view["legPhase"] > 0
            at_origin = code in ORIGIN_SIDE or (code == Code.INSP and not same_leg_departed)
            location = (origin if at_origin else destination).decode()
        milestone = Milestone(
            shipment_id,
            leg,
            code,
            classifier,
            parse_locode(location).decode(),
            self.chain.now() if event_time is None else event_time,
        )
        return milestone, carrier

    def record(self, carrier: Who, milestone: Milestone) -> dict:
        """The leg's carrier records a milestone directly."""
        return self.chain.send(
            self.contract.functions.recordMilestone(milestone.as_tuple()), carrier
        )

    def sign(
        self, carrier: Who, milestone: Milestone, *, nonce: int | None = None, valid_for: int = DAY
    ) -> dict:
        """An EIP-712 attestation of `milestone` by `carrier`, as a JSON-able dict."""
        if nonce is None:
            nonce = _leg_nonce(self.view(milestone.shipment_id), milestone.leg)
        deadline = self.chain.now() + valid_for
        return attest.sign_milestone(
            self.chain.account(carrier),
            self.chain.chain_id,
            self.address,
            milestone,
            nonce,
            deadline,
        )

    def relay(self, sender: Who, attestations: Iterable[dict]) -> dict:
        """Send signed attestations in one transaction, in order.

        Each attestation's nonce must be the place its milestone will take on its leg: the
        contract hashes that place in as the nonce, so a stale or out-of-order attestation would
        recover someone other than the carrier. All are checked first, and nothing is sent unless
        every one fits.
        """
        attestations = list(attestations)
        entries = [attest.to_entry(a, self.chain.chain_id, self.address) for a in attestations]
        if not entries:
            raise InputError("nothing to relay: give at least one attestation")
        self._check_nonces(attestations)
        if len(entries) == 1:
            call = self.contract.functions.relaySignedMilestone(*entries[0])
        else:
            call = self.contract.functions.recordBatch(entries)
        return self.chain.send(call, sender)

    def _check_nonces(self, attestations: list[dict]) -> None:
        progress: dict[int, list[int]] = {}  # shipment -> [current leg, milestones on it]
        for a in attestations:
            m = attest.milestone_of(a)
            sid = m.shipment_id
            if sid not in progress:
                v = self.view(sid)
                progress[sid] = [v["currentLeg"], v["legNonce"]]
            cur = progress[sid]
            expected = cur[1] if m.leg == cur[0] else 0
            nonce = int(a["nonce"])
            if nonce != expected:
                raise InputError(
                    f"the attestation of {m.describe()} on shipment {sid} was signed as "
                    f"milestone #{nonce} of leg {m.leg}, but it would be recorded as #{expected}: "
                    "relay attestations in the order they were signed, or have the carrier sign "
                    "it again (tradelane milestone --sign-only)"
                )
            if m.leg == cur[0]:
                cur[1] += 1
            elif m.classifier == Classifier.ACT:
                progress[sid] = [m.leg, 1]

    def record_batch(self, carrier: Who, milestones: Iterable[Milestone]) -> dict:
        """The carrier records several of its own milestones in one transaction."""
        batch = [m.as_tuple() for m in milestones]
        return self.chain.send(self.contract.functions.recordMilestones(batch), carrier)

    # -- settlement ------------------------------------------------------------------

    def confirm(self, buyer: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.confirmDelivery(shipment_id), buyer)

    def finalize(self, sender: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.finalize(shipment_id), sender)

    def refund(self, buyer: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.refund(shipment_id), buyer)

    def cancel(self, seller: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.cancel(shipment_id), seller)

    def dispute(self, party: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.openDispute(shipment_id), party)

    def resolve(self, arbiter: Who, shipment_id: int, to_buyer: int) -> dict:
        return self.chain.send(
            self.contract.functions.resolveDispute(shipment_id, to_buyer), arbiter
        )

    def settle(self, sender: Who, shipment_id: int) -> dict:
        return self.chain.send(self.contract.functions.settleDispute(shipment_id), sender)

    def set_receiver(self, seller: Who, shipment_id: int, receiver: str) -> dict:
        call = self.contract.functions.setReceiver(shipment_id, self.chain.address(receiver))
        return self.chain.send(call, seller)

    def withdraw(self, payee: Who, token: str = ETH, to: str | None = None) -> dict:
        address = self.chain.account(payee).address
        return self.chain.send(
            self.contract.functions.withdraw(Web3.to_checksum_address(token), to or address), payee
        )

    # -- reading ---------------------------------------------------------------------

    def count(self) -> int:
        return int(self.contract.functions.shipmentCount().call())

    def credit(self, payee: str, token: str = ETH) -> int:
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
        route = agreement.route_hash(legs)
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


def _leg_nonce(view: dict, leg: int) -> int:
    """The attestation nonce the next milestone of `leg` takes (milestones already on it)."""
    return view["legNonce"] if leg == view["currentLeg"] else 0


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
