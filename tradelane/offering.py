"""The offer steps of `tradelane.client.Tradelane`, each with one party's key.

The seller (or its operator) makes and revokes offers; the buyer inspects one against the chain
(`OfferReport`: every term checked, problems listed, gas per step) and accepts it, funding the
escrow in the one transaction that opens the shipment. The documents are `tradelane.agreement`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from web3 import Web3
from web3.logs import DISCARD

from . import agreement
from .documents import unique_bookings
from .errors import InputError
from .model import Tranche
from .steps import DAY, ERC20_ABI, ETH, Steps, Who
from .typeddata import from_hex

__all__ = ["OfferReport", "OfferSteps", "TYPICAL_GAS"]

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


class OfferSteps(Steps):
    """Make, inspect, accept and revoke offers; mixed into `tradelane.client.Tradelane`."""

    last_receipt: dict | None

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
            if self.logs("OfferRevoked", seller=seller, offer=from_hex(digest)):
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
        signer, role = self._offer_signer(offer, problems)
        status, sid = self.offer_status(offer)
        problems += self._party_problems(terms, legs, signer, buyer)
        if int(terms["grace_period"]) != int(self.contract.functions.GRACE_PERIOD().call()):
            problems.append(f"grace period {terms['grace_period']} s is not this deployment's")
        booked = _booked_legs(offer, legs, digest, problems)
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
            booked_legs=booked,
            problems=tuple(problems),
            gas=gas,
            gas_estimated=estimated,
        )

    def _offer_signer(self, offer: dict, problems: list[str]) -> tuple[str, str]:
        """Who signed `offer` and as what: the seller, its operator, or nobody it authorised
        (a problem, appended to `problems`)."""
        try:
            signer = agreement.recover(offer)
        except InputError:
            signer = agreement.ZERO_ADDRESS
        seller = Web3.to_checksum_address(offer["terms"]["seller"])
        if signer == seller:
            return signer, "seller"
        if self.contract.functions.isOperator(seller, signer).call():
            return signer, "operator"
        problems.append(f"signed by {signer}, who is not the seller {seller} or its operator")
        return signer, "nobody the seller authorised"

    def _party_problems(
        self, terms: dict, legs: list[tuple], signer: str, buyer: str | None
    ) -> list[str]:
        """An offer for another buyer; carriers that are also parties to the offer."""
        problems = []
        if (
            buyer
            and terms["buyer"]
            and Web3.to_checksum_address(terms["buyer"]) != (self.chain.address(buyer))
        ):
            problems.append(f"the offer is for buyer {terms['buyer']} only")
        seller = Web3.to_checksum_address(terms["seller"])
        others = {seller, Web3.to_checksum_address(terms["arbiter"]), signer}
        if buyer:
            others.add(self.chain.address(buyer))
        for i, leg in enumerate(legs):
            if leg[3] in others:
                problems.append(f"leg {i}'s carrier {leg[3]} is also a party to the offer")
        return problems

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
        all_bookings = unique_bookings(list(offer.get("bookings", [])) + list(bookings))
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

    def _ensure_allowance(self, owner: Who, token: str, amount: int) -> None:
        erc20 = self.chain.w3.eth.contract(address=Web3.to_checksum_address(token), abi=ERC20_ABI)
        owner_address = self.chain.account(owner).address
        if erc20.functions.allowance(owner_address, self.address).call() < amount:
            self.chain.send(erc20.functions.approve(self.address, amount), owner)

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


def _booked_legs(offer: dict, legs: list[tuple], digest: str, problems: list[str]) -> tuple:
    """The legs whose booking in `offer` its carrier signed for this digest; a problem for each
    booking that is not."""
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
    return tuple(sorted(set(booked)))
