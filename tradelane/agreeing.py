"""The agreement steps of `tradelane.client.Tradelane`, each with one party's key.

A mixin of the client (it uses the client's chain, contract, `view` and `logs`): offers made,
inspected, accepted and revoked; bookings confirmed or signed for relaying; amendments proposed,
co-signed and sent; and the dev shortcut `open_agreed_shipment` that plays every role. The
documents themselves (typed data, signatures, files) are `tradelane.agreement`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.logs import DISCARD

from . import agreement
from .attest import compact_signature
from .errors import InputError
from .model import Tranche

__all__ = ["AgreementSteps", "OfferReport", "ETH", "DAY"]

ETH = "0x0000000000000000000000000000000000000000"
DAY = 86_400
Who = str | LocalAccount
# Gas of each step of a 3-leg agreed shipment on this contract (benchmarks/gas_bench.py), shown
# when the node cannot estimate a step (e.g. the buyer has not approved the token yet).
TYPICAL_GAS = {
    "accept_offer": 300_000,
    "confirm_booking": 35_000,
    "milestone": 32_600,
    "milestone_releasing_tranche": 80_000,
    "confirm_delivery": 60_000,
    "withdraw": 35_000,
}


@dataclass(frozen=True)
class OfferReport:
    """What a buyer (or a carrier) needs to decide on an offer, read against the chain."""

    document: dict
    terms: dict
    legs: list[tuple]
    digest: str
    signer: str
    signer_role: str  # "seller", "operator" or "nobody the seller authorised"
    status: str  # "open", "accepted", "revoked", "expired"
    shipment_id: int | None
    booked_legs: tuple[int, ...]
    problems: tuple[str, ...]
    gas: dict[str, int] = field(default_factory=dict)
    gas_estimated: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        return self.status == "open" and not self.problems

    def to_json(self) -> dict:
        return {
            "digest": self.digest,
            "signer": self.signer,
            "signer_role": self.signer_role,
            "status": self.status,
            "shipment_id": self.shipment_id,
            "terms": self.terms,
            "booked_legs": list(self.booked_legs),
            "problems": list(self.problems),
            "acceptable": self.acceptable,
            "gas": self.gas,
            "gas_estimated": list(self.gas_estimated),
        }


class AgreementSteps:
    """Offer / booking / amendment steps; mixed into `tradelane.client.Tradelane`."""

    chain: object
    contract: object
    address: str

    # -- deployment settings ------------------------------------------------------------

    def settings(self) -> dict:
        """The deployment's waits and the bounds every deployment's waits lie within (A7)."""
        f = self.contract.functions
        min_grace, max_grace, min_arb, max_arb = f.bounds().call()
        return {
            "grace_period": int(f.GRACE_PERIOD().call()),
            "arbiter_timeout": int(f.ARBITER_TIMEOUT().call()),
            "grace_period_bounds": (int(min_grace), int(max_grace)),
            "arbiter_timeout_bounds": (int(min_arb), int(max_arb)),
        }

    # -- offers ---------------------------------------------------------------------------

    def make_offer(
        self,
        seller: Who,
        encoded,
        *,
        amount: int,
        deadline: int,
        arbiter: str,
        buyer: str | None = None,
        token: str = ETH,
        tranches: Sequence[Tranche] = (),
        items_root: bytes = bytes(32),
        destination: str | None = None,
        valid_for: int = 7 * DAY,
        nonce: int | None = None,
        on_behalf_of: str | None = None,
    ) -> dict:
        """An offer document signed by `seller` (or, with `on_behalf_of`, by its operator).

        `encoded` is a `routing.encode.EncodedRoute` (legs, route hash, network hash); the
        destination defaults to the last leg's. Nothing is sent: the buyer accepts it.
        """
        signer = self.chain.account(seller)
        legs = [tuple(leg) for leg in encoded.legs]
        if not legs:
            raise InputError("the offer has no legs: propose a route first")
        terms = agreement.offer_terms(
            seller=self.chain.address(on_behalf_of) if on_behalf_of else signer.address,
            legs=legs,
            amount=amount,
            destination=destination or bytes(legs[-1][1]).decode(),
            deadline=deadline,
            grace_period=int(self.contract.functions.GRACE_PERIOD().call()),
            arbiter=self.chain.address(arbiter),
            expiry=self.chain.now() + valid_for,
            nonce=secrets.randbits(64) if nonce is None else nonce,
            network_hash=bytes(encoded.network_hash),
            buyer=self.chain.address(buyer) if buyer else None,
            token=token,
            tranches=tranches,
            items_root=items_root,
        )
        return agreement.sign_offer(signer, self.chain.chain_id, self.address, terms)

    def _check_here(self, document: dict) -> None:
        agreement.check(document)
        if int(document["chain_id"]) != self.chain.chain_id:
            raise InputError(
                f"the {document['format']} is for chain {document['chain_id']}, "
                f"but this chain is {self.chain.chain_id}"
            )
        if Web3.to_checksum_address(document["contract"]) != self.address:
            raise InputError(
                f"the {document['format']} is for contract {document['contract']}, "
                f"not {self.address}"
            )

    def offer_status(self, offer: dict) -> tuple[str, int | None]:
        """("open" | "accepted" | "revoked" | "expired" | "superseded", the accepting shipment
        id or None). "superseded": another offer of the seller with the same nonce was accepted
        or revoked."""
        self._check_here(offer)
        terms = offer["terms"]
        seller = Web3.to_checksum_address(terms["seller"])
        if self.contract.functions.offerNonceUsed(seller, int(terms["nonce"])).call():
            digest = offer["digest"].lower()
            for a in self.offers_accepted(seller):
                if a["digest"] == digest:
                    return "accepted", a["shipment_id"]
            if self.logs("OfferRevoked", seller=seller, offer=_b32(digest)):
                return "revoked", None
            return "superseded", None
        if self.chain.now() > int(terms["expiry"]):
            return "expired", None
        return "open", None

    def inspect_offer(self, offer: dict, buyer: str | None = None) -> OfferReport:
        """Every term of `offer` checked against the chain, with the gas of each step.

        Problems are listed, not raised: a wrong signature, another chain's offer, a digest the
        contract computes differently, carriers that are not distinct from the other parties, an
        offer for another buyer. Gas is estimated for `buyer` where the node can.
        """
        self._check_here(offer)
        terms = offer["terms"]
        legs = agreement.legs_from_json(terms["legs"])
        problems: list[str] = []
        args, _sig = agreement.offer_call_args(offer)
        digest = "0x" + bytes(self.contract.functions.offerDigest(args).call()).hex()
        if digest != offer["digest"].lower():
            problems.append(f"the contract computes digest {digest}, not {offer['digest']}")
        try:
            signer = agreement.recover(offer)
        except InputError:
            signer = agreement.ZERO_ADDRESS
        seller = Web3.to_checksum_address(terms["seller"])
        if signer == seller:
            role = "seller"
        elif self.contract.functions.isOperator(seller, signer).call():
            role = "operator"
        else:
            role = "nobody the seller authorised"
            problems.append(f"signed by {signer}, who is not the seller {seller} or its operator")
        status, sid = self.offer_status(offer)
        if (
            buyer
            and terms["buyer"]
            and Web3.to_checksum_address(terms["buyer"]) != (self.chain.address(buyer))
        ):
            problems.append(f"the offer is for buyer {terms['buyer']} only")
        others = {seller, Web3.to_checksum_address(terms["arbiter"]), signer}
        if buyer:
            others.add(self.chain.address(buyer))
        for i, leg in enumerate(legs):
            if leg[3] in others:
                problems.append(f"leg {i}'s carrier {leg[3]} is also a party to the offer")
        if int(terms["grace_period"]) != int(self.contract.functions.GRACE_PERIOD().call()):
            problems.append(f"grace period {terms['grace_period']} s is not this deployment's")
        booked = []
        for b in offer.get("bookings", []):
            try:
                ok = agreement.booking_signer(b) == legs[int(b["leg"])][3]
            except (InputError, IndexError):
                ok = False
            if ok and b["agreement"].lower() == digest:
                booked.append(int(b["leg"]))
            else:
                problems.append(f"the booking of leg {b['leg']} is not signed by its carrier")
        gas, estimated = self._offer_gas(offer, buyer, len(legs), status)
        return OfferReport(
            document=offer,
            terms=terms,
            legs=legs,
            digest=offer["digest"],
            signer=signer,
            signer_role=role,
            status=status,
            shipment_id=sid,
            booked_legs=tuple(sorted(set(booked))),
            problems=tuple(problems),
            gas=gas,
            gas_estimated=estimated,
        )

    def _offer_gas(self, offer: dict, buyer: str | None, n_legs: int, status: str):
        gas = dict(TYPICAL_GAS)
        gas["confirm_booking"] = TYPICAL_GAS["confirm_booking"] * n_legs
        estimated = []
        if buyer and status == "open":
            args, sig = agreement.offer_call_args(offer)
            bookings = agreement.booking_tuples(offer.get("bookings", []), offer["digest"])
            value = int(offer["terms"]["amount"]) if int(offer["terms"]["token"], 16) == 0 else 0
            call = self.contract.functions.acceptOffer(args, sig, bookings)
            try:
                params = {"from": self.chain.address(buyer), "value": value}
                gas["accept_offer"] = int(call.estimate_gas(params))
                estimated.append("accept_offer")
            except Exception:  # noqa: BLE001 - no estimate (allowance, balance): typical figure
                pass
        return gas, tuple(estimated)

    def accept_offer(self, buyer: Who, offer: dict, bookings: Iterable[dict] = ()) -> int:
        """The buyer funds `offer`: one transaction opens the shipment, commits its route and
        confirms every leg whose booking rides along. Returns the shipment id."""
        self._check_here(offer)
        args, sig = agreement.offer_call_args(offer)
        all_bookings = _unique(list(offer.get("bookings", [])) + list(bookings))
        booking_args = agreement.booking_tuples(all_bookings, offer["digest"])
        terms = offer["terms"]
        amount, token = int(terms["amount"]), terms["token"]
        value = amount if int(token, 16) == 0 else 0
        if not value:
            self._ensure_allowance(buyer, token, amount)
        call = self.contract.functions.acceptOffer(args, sig, booking_args)
        receipt = self.chain.send(call, buyer, value=value)
        self.last_receipt = receipt
        (event,) = self.contract.events.ShipmentOpened().process_receipt(receipt, errors=DISCARD)
        return int(event["args"]["shipmentId"])

    def revoke_offer(self, seller: Who, offer: dict) -> dict:
        """The seller (or its operator) withdraws an offer nobody accepted yet."""
        self._check_here(offer)
        args, _sig = agreement.offer_call_args(offer)
        return self.chain.send(self.contract.functions.revokeOffer(args), seller)

    def offers_accepted(self, seller: str) -> list[dict]:
        """The offers of `seller` that buyers accepted, from the logs, oldest first."""
        out = []
        for log in self.logs("ShipmentOpened", seller=self.chain.address(seller)):
            a = log["args"]
            out.append(
                {
                    "shipment_id": int(a["shipmentId"]),
                    "digest": "0x" + bytes(a["offer"]).hex(),
                    "buyer": a["buyer"],
                    "token": a["token"],
                    "amount": int(a["amount"]),
                    "destination": bytes(a["destination"]).decode("ascii", "replace"),
                    "deadline": int(a["deadline"]),
                    "arbiter": a["arbiter"],
                    "block": int(log["blockNumber"]),
                }
            )
        return out

    # -- bookings -------------------------------------------------------------------------

    def sign_booking(self, carrier: Who, document: dict, leg: int) -> dict:
        """`carrier`'s signed booking of leg `leg` of an offer or amendment document (it rides
        in the accept or amend transaction, or anyone relays it with `relay_bookings`)."""
        self._check_here(document)
        legs = _document_route(document)
        if not 0 <= leg < len(legs):
            raise InputError(f"leg {leg}: the route has legs 0..{len(legs) - 1}")
        account = self.chain.account(carrier)
        if legs[leg][3] != account.address:
            raise InputError(
                f"leg {leg} is carried by {legs[leg][3]}, not by {account.address}: "
                "only a leg's own carrier confirms it"
            )
        return agreement.sign_booking(
            account, self.chain.chain_id, self.address, _b32(document["digest"]), leg
        )

    def confirm_booking(self, carrier: Who, shipment_id: int, leg: int) -> dict:
        """The carrier of leg `leg` confirms its booking of the route in force (a direct call)."""
        terms = bytes(self.view(shipment_id)["terms"])
        call = self.contract.functions.confirmBooking(shipment_id, leg, terms)
        return self.chain.send(call, carrier)

    def relay_bookings(self, sender: Who, shipment_id: int, bookings: Sequence[dict]) -> dict:
        """Send carriers' booking signatures for the agreement that set the route in force."""
        bookings = _unique(bookings)
        if not bookings:
            raise InputError("nothing to relay: give at least one booking")
        for b in bookings:
            self._check_here(b)
        agreement_in_force, legs, _network = self.in_force(shipment_id)
        digest = "0x" + agreement_in_force.hex()
        call = self.contract.functions.confirmBookings(
            shipment_id,
            agreement_in_force,
            agreement.route_hash(legs),
            agreement.booking_tuples(bookings, digest),
        )
        return self.chain.send(call, sender)

    # -- amendments -----------------------------------------------------------------------

    def propose_amendment(
        self,
        party: Who,
        shipment_id: int,
        from_leg: int,
        legs: Sequence[Sequence],
        *,
        network_hash: bytes | None = None,
        valid_for: int = DAY,
    ) -> dict:
        """An amendment replacing the legs from `from_leg` with `legs`, signed by `party` (the
        buyer, or the seller or its operator). The other party adds its signature with
        `sign_amendment`; anyone sends it with `send_amendment`."""
        in_force, old_legs, old_network = self.in_force(shipment_id)
        doc = agreement.amendment_document(
            chain_id=self.chain.chain_id,
            contract=self.address,
            shipment_id=shipment_id,
            agreement=in_force,
            old_legs=old_legs,
            from_leg=from_leg,
            legs=[tuple(leg) for leg in legs],
            network_hash=old_network if network_hash is None else network_hash,
            deadline=self.chain.now() + valid_for,
        )
        return self.sign_amendment(party, doc)

    def sign_amendment(self, party: Who, document: dict) -> dict:
        """`document` with `party`'s signature, in its role on the shipment."""
        self._check_here(document)
        account = self.chain.account(party)
        v = self.view(int(document["shipment_id"]))
        if account.address == v["buyer"]:
            role = "buyer"
        elif (
            account.address == v["seller"]
            or self.contract.functions.isOperator(v["seller"], account.address).call()
        ):
            role = "seller"
        else:
            raise InputError(
                f"{account.address} is neither the buyer nor the seller (or its operator) of "
                f"shipment {document['shipment_id']}: it cannot sign its amendment"
            )
        return agreement.sign_amendment(account, role, document)

    def send_amendment(self, sender: Who, document: dict, bookings: Iterable[dict] = ()) -> dict:
        """Send an amendment both parties signed, with the new carriers' bookings given."""
        self._check_here(document)
        missing = [r for r in ("buyer", "seller") if r not in document["signatures"]]
        if missing:
            raise InputError(f"the amendment still needs the {' and '.join(missing)}'s signature")
        all_bookings = _unique(list(document.get("bookings", [])) + list(bookings))
        call = self.contract.functions.amendRoute(
            int(document["shipment_id"]),
            _b32(document["agreement"]),
            agreement.legs_from_json(document["old_legs"]),
            int(document["from_leg"]),
            agreement.legs_from_json(document["legs"]),
            _b32(document["network_hash"]),
            int(document["deadline"]),
            _compact(document["signatures"]["buyer"]),
            _compact(document["signatures"]["seller"]),
            agreement.booking_tuples(all_bookings, document["digest"]),
        )
        return self.chain.send(call, sender)

    def in_force(self, shipment_id: int) -> tuple[bytes, list[tuple], bytes]:
        """(agreement digest, complete legs, network hash) of the shipment's last RouteCommitted:
        the offer or amendment in force and its route."""
        logs = self.logs("RouteCommitted", shipmentId=shipment_id)
        if not logs:
            raise InputError(f"shipment {shipment_id} has no route on chain {self.chain.chain_id}")
        args = logs[-1]["args"]
        legs = [_leg_tuple(leg) for leg in args["legs"]]
        return bytes(args["agreement"]), legs, bytes(args["networkHash"])

    # -- the dev shortcut -----------------------------------------------------------------

    def open_agreed_shipment(
        self,
        buyer: Who,
        *,
        seller: Who,
        encoded,
        amount: int,
        deadline: int,
        arbiter: str,
        token: str = ETH,
        tranches: Sequence[Tranche] = (),
        items_root: bytes = bytes(32),
        destination: str | None = None,
    ) -> int:
        """DEV SHORTCUT: plays seller, every carrier and buyer with keys this process holds
        (dev accounts): the seller signs the offer, each carrier signs its booking, the buyer
        accepts. Between real parties each step runs on its own machine (see `make_offer`,
        `sign_booking`, `accept_offer`). Returns the shipment id."""
        offer = self.make_offer(
            seller,
            encoded,
            amount=amount,
            deadline=deadline,
            arbiter=arbiter,
            token=token,
            tranches=tranches,
            items_root=items_root,
            destination=destination,
        )
        legs = _document_route(offer)
        bookings = [self.sign_booking(leg[3], offer, i) for i, leg in enumerate(legs)]
        return self.accept_offer(buyer, offer, bookings)


LEG_FIELDS = (
    "origin",
    "destination",
    "mode",
    "carrier",
    "plannedDeparture",
    "plannedArrival",
    "passages",
)


def _leg_tuple(leg) -> tuple:
    """A leg from a log (a mapping by field name) or a call (a tuple) as the contract's tuple."""
    o, d, m, c, t0, t1, p = (leg[k] for k in LEG_FIELDS) if hasattr(leg, "keys") else leg
    return (bytes(o), bytes(d), int(m), Web3.to_checksum_address(c), int(t0), int(t1), int(p))


def _document_route(document: dict) -> list[tuple]:
    """The complete route an offer or amendment document agrees."""
    if document["format"] == agreement.OFFER_FORMAT:
        return agreement.legs_from_json(document["terms"]["legs"])
    from_leg = int(document["from_leg"])
    old = agreement.legs_from_json(document["old_legs"])
    return old[:from_leg] + agreement.legs_from_json(document["legs"])


def _unique(bookings: Iterable[dict]) -> list[dict]:
    seen, out = set(), []
    for b in bookings:
        key = (b["agreement"].lower(), int(b["leg"]))
        if key not in seen:
            seen.add(key)
            out.append(b)
    return out


def _b32(text: str) -> bytes:
    return bytes.fromhex(str(text).removeprefix("0x"))


def _compact(signature: str) -> tuple[bytes, bytes]:
    return compact_signature(_b32(signature))
