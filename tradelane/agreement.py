"""Agreement between parties that never share a key: EIP-712 offers, bookings and amendments.

Every document is JSON that one party signs with its own key and passes on as a file (or on
stdin/stdout); the contract checks the same typed data (contracts/Agreements.sol), bound to this
chain and this deployment by the EIP-712 domain {name "Tradelane", version "1", chainId,
verifyingContract}.

API summary (what the CLI, the demo and the tests build on)
----------------------------------------------------------
Documents (dicts, written with `write` and read back with `load`, which checks their shape):

* offer ``tradelane-offer/1``: ``terms`` (seller, buyer or null = any buyer, token, amount,
  destination, deadline, grace_period, arbiter, items_root, network_hash, expiry, nonce,
  tranches, legs), ``route_hash``, ``digest``, ``signer`` and ``signature`` (the seller or an
  operator it authorised), and ``bookings`` the carriers signed for it (may be empty).
* booking ``tradelane-booking/1``: a carrier's confirmation of leg ``leg`` of the agreement
  ``agreement`` (the digest of an offer or of an amendment).
* amendment ``tradelane-amendment/1``: the legs from ``from_leg`` replaced by ``legs`` on
  shipment ``shipment_id`` (``agreement`` is the digest of the offer or amendment in force and
  ``old_legs`` its route), signatures by ``buyer`` and ``seller`` under ``signatures``, and
  ``bookings`` by the new legs' carriers.

Functions here are pure (no chain): `offer_terms`, `offer_digest`, `sign_offer`,
`booking_digest`, `sign_booking`, `amendment_document`, `amendment_digest`, `sign_amendment`,
`offer_call_args`, and from the modules below them `load`, `write`, `check`
(`tradelane.documents`), `legs_to_json` / `legs_from_json`, `route_hash` (`tradelane.legs`),
`domain` and the typed-data types (`tradelane.typeddata`, EIP-712 encoding and signing).

On-chain steps are `tradelane.client.Tradelane` methods (implemented in `tradelane.offering`,
`tradelane.amending` and `tradelane.agreeing`), each with one party's key (a dev name, an address
this process holds, or a LocalAccount):

* seller / operator: ``make_offer(seller, encoded, amount=…, deadline=…, arbiter=…, buyer=None,
  token=ETH, tranches=(), items_root=…, destination=None, valid_for=7 days, nonce=None,
  on_behalf_of=None)`` → signed offer document (`encoded`: `routing.encode.EncodedRoute` or
  anything with ``legs`` and ``network_hash``); ``revoke_offer(seller, offer)``;
  ``offers_accepted(seller)`` → accepted offers from the logs; ``offer_status(offer)`` →
  ("open" | "accepted" | "revoked" | "expired" | "superseded", shipment id or None).
  A seller pays less gas per acceptance with dense nonces (256 share a storage word): pass
  ``nonce=`` from a counter; the default is random.
* carrier: ``sign_booking(carrier, document, leg)`` → booking document (for an offer or an
  amendment; it rides in that transaction, or anyone relays it); ``confirm_booking(carrier,
  shipment_id, leg)`` (a direct call); ``relay_bookings(sender, shipment_id, bookings)``.
* buyer: ``inspect_offer(offer, buyer=None)`` → `tradelane.offering.OfferReport` (terms, legs,
  signer and its role, status, booked legs, problems, gas per step, ``acceptable``);
  ``accept_offer(buyer, offer, bookings=())`` → shipment id (opens, funds, commits the route and
  confirms the bookings in the offer document and given, in one transaction).
* buyer and seller: ``propose_amendment(party, shipment_id, from_leg, legs, network_hash=None,
  valid_for=1 day)`` → amendment document signed by `party` (legs: contract tuples from
  `from_leg` on, e.g. `routing.encode.encode_route(...).legs`); ``sign_amendment(party,
  document)`` → with `party`'s signature added; carriers of new legs add bookings with
  ``sign_booking``; ``send_amendment(sender, document, bookings=())``;
  ``set_receiver(seller, shipment_id, receiver)``.
* anyone: ``in_force(shipment_id)`` → (agreement digest, complete legs, network hash);
  ``view(shipment_id)`` also carries ``legs`` with planned times, ``routeHash``, ``agreement``,
  ``confirmedLegs`` (bitmask), ``legNonce``; ``settings()`` → grace period, arbiter timeout and
  their bounds (for `tradelane deploy`).
* DEV SHORTCUT that plays every role (ship, demo, tests, simulators):
  ``open_agreed_shipment(buyer, seller=…, encoded=…, amount=…, deadline=…, arbiter=…, token=ETH,
  tranches=(), items_root=…, destination=None)`` → shipment id, every booking confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from eth_account.signers.local import LocalAccount
from eth_utils import to_checksum_address

from .documents import AMENDMENT_FORMAT, BOOKING_FORMAT, OFFER_FORMAT, check, load, write
from .errors import InputError
from .legs import legs_from_json, legs_to_json, route_hash
from .model import Code, Tranche, parse_locode
from .typeddata import (
    AMENDMENT_TYPES,
    BOOKING_TYPES,
    OFFER_TYPES,
    ZERO_ADDRESS,
    as_hex,
    bytes32,
    compact,
    digest,
    domain,
    recover_typed,
    signature,
    typed,
)

__all__ = [
    "OFFER_FORMAT",
    "BOOKING_FORMAT",
    "AMENDMENT_FORMAT",
    "OFFER_TYPES",
    "BOOKING_TYPES",
    "AMENDMENT_TYPES",
    "ZERO_ADDRESS",
    "domain",
    "offer_terms",
    "offer_digest",
    "sign_offer",
    "offer_call_args",
    "booking_digest",
    "sign_booking",
    "booking_signer",
    "booking_tuples",
    "amendment_document",
    "amendment_digest",
    "sign_amendment",
    "amendment_signer",
    "legs_to_json",
    "legs_from_json",
    "route_hash",
    "recover",
    "check",
    "load",
    "write",
]


# -- offers -------------------------------------------------------------------------------


def offer_terms(
    *,
    seller: str,
    legs: Sequence[Sequence],
    amount: int,
    destination: str,
    deadline: int,
    grace_period: int,
    arbiter: str,
    expiry: int,
    nonce: int,
    network_hash: bytes = bytes(32),
    buyer: str | None = None,
    token: str = ZERO_ADDRESS,
    tranches: Iterable[Tranche] = (),
    items_root: bytes = bytes(32),
) -> dict:
    """The JSON `terms` of an offer (every value the seller signs)."""
    if amount <= 0:
        raise InputError(f"amount {amount} must be positive")
    return {
        "seller": to_checksum_address(seller),
        "buyer": to_checksum_address(buyer) if buyer else None,
        "token": to_checksum_address(token),
        "amount": str(int(amount)),
        "destination": parse_locode(destination).decode(),
        "deadline": int(deadline),
        "grace_period": int(grace_period),
        "arbiter": to_checksum_address(arbiter),
        "items_root": as_hex(items_root),
        "network_hash": as_hex(network_hash),
        "expiry": int(expiry),
        "nonce": int(nonce),
        "tranches": [{"code": t.code.name, "leg": t.leg, "bps": t.bps} for t in tranches],
        "legs": legs_to_json(legs),
    }


def _tranches(terms: dict) -> list[Tranche]:
    try:
        return [Tranche(Code[t["code"]], int(t["leg"]), int(t["bps"])) for t in terms["tranches"]]
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(f"the offer's tranches are malformed: {err}") from err


def _offer_message(terms: dict) -> dict:
    return {
        "seller": terms["seller"],
        "buyer": terms["buyer"] or ZERO_ADDRESS,
        "token": terms["token"],
        "amount": int(terms["amount"]),
        "destination": parse_locode(terms["destination"]),
        "deadline": int(terms["deadline"]),
        "gracePeriod": int(terms["grace_period"]),
        "arbiter": terms["arbiter"],
        "itemsRoot": bytes32(terms["items_root"], "items_root"),
        "routeHash": route_hash(legs_from_json(terms["legs"])),
        "networkHash": bytes32(terms["network_hash"], "network_hash"),
        "tranches": [{"code": int(t.code), "leg": t.leg, "bps": t.bps} for t in _tranches(terms)],
        "expiry": int(terms["expiry"]),
        "nonce": int(terms["nonce"]),
    }


def offer_digest(chain_id: int, contract: str, terms: dict) -> bytes:
    """The EIP-712 digest of an offer: what the seller signs and the contract marks used."""
    return digest(OFFER_TYPES, _offer_message(terms), chain_id, contract)


def sign_offer(signer: LocalAccount, chain_id: int, contract: str, terms: dict) -> dict:
    """The offer document, signed by the seller or its operator `signer`."""
    message = _offer_message(terms)
    return {
        "format": OFFER_FORMAT,
        "chain_id": chain_id,
        "contract": to_checksum_address(contract),
        "terms": terms,
        "route_hash": as_hex(message["routeHash"]),
        "digest": as_hex(digest(OFFER_TYPES, message, chain_id, contract)),
        "signer": signer.address,
        "signature": signature(signer, OFFER_TYPES, message, chain_id, contract),
        "bookings": [],
    }


def recover(document: dict) -> str:
    """Who signed an offer document (raises InputError if nobody can be recovered)."""
    encoded = typed(
        OFFER_TYPES, _offer_message(document["terms"]), document["chain_id"], document["contract"]
    )
    return recover_typed(encoded, document["signature"])


def offer_call_args(document: dict) -> tuple:
    """(offer tuple, (r, vs)) for `acceptOffer`, from an offer document."""
    t = document["terms"]
    offer = (
        t["seller"],
        t["buyer"] or ZERO_ADDRESS,
        t["token"],
        int(t["amount"]),
        parse_locode(t["destination"]),
        int(t["deadline"]),
        int(t["grace_period"]),
        t["arbiter"],
        bytes32(t["items_root"], "items_root"),
        bytes32(t["network_hash"], "network_hash"),
        int(t["expiry"]),
        int(t["nonce"]),
        [tr.as_tuple() for tr in _tranches(t)],
        legs_from_json(t["legs"]),
    )
    return offer, compact(document["signature"])


# -- bookings -----------------------------------------------------------------------------


def booking_digest(chain_id: int, contract: str, agreement: bytes, leg: int) -> bytes:
    return digest(BOOKING_TYPES, {"agreement": agreement, "leg": leg}, chain_id, contract)


def sign_booking(
    carrier: LocalAccount, chain_id: int, contract: str, agreement: bytes, leg: int
) -> dict:
    """A carrier's booking confirmation of leg `leg` of the offer or amendment `agreement`."""
    message = {"agreement": bytes(agreement), "leg": leg}
    return {
        "format": BOOKING_FORMAT,
        "chain_id": chain_id,
        "contract": to_checksum_address(contract),
        "agreement": as_hex(agreement),
        "leg": leg,
        "carrier": carrier.address,
        "signature": signature(carrier, BOOKING_TYPES, message, chain_id, contract),
    }


def booking_signer(booking: dict) -> str:
    encoded = typed(
        BOOKING_TYPES,
        {"agreement": bytes32(booking["agreement"], "agreement"), "leg": int(booking["leg"])},
        booking["chain_id"],
        booking["contract"],
    )
    return recover_typed(encoded, booking["signature"])


def booking_tuples(bookings: Iterable[dict], agreement: str) -> list[tuple]:
    """The contract's `BookingSignature` tuples (leg, r, vs) of the bookings for `agreement`."""
    out = []
    for b in bookings:
        if b["agreement"].lower() != agreement.lower():
            raise InputError(
                f"the booking of leg {b['leg']} by {b['carrier']} is for agreement "
                f"{b['agreement'][:12]}…, not {agreement[:12]}…"
            )
        out.append((int(b["leg"]), *compact(b["signature"])))
    return sorted(out)


# -- amendments ---------------------------------------------------------------------------


def amendment_document(
    *,
    chain_id: int,
    contract: str,
    shipment_id: int,
    agreement: bytes,
    old_legs: Sequence[Sequence],
    from_leg: int,
    legs: Sequence[Sequence],
    network_hash: bytes,
    deadline: int,
) -> dict:
    """An unsigned amendment: the legs from `from_leg` of the route in force replaced."""
    if not 0 <= from_leg <= len(old_legs):
        raise InputError(f"from leg {from_leg}: the route has legs 0..{len(old_legs) - 1}")
    new_route = [tuple(x) for x in old_legs[:from_leg]] + [tuple(x) for x in legs]
    doc = {
        "format": AMENDMENT_FORMAT,
        "chain_id": chain_id,
        "contract": to_checksum_address(contract),
        "shipment_id": shipment_id,
        "agreement": as_hex(agreement),
        "old_route_hash": as_hex(route_hash(old_legs)),
        "old_legs": legs_to_json(old_legs),
        "from_leg": from_leg,
        "legs": legs_to_json(legs),
        "route_hash": as_hex(route_hash(new_route)),
        "network_hash": as_hex(network_hash),
        "deadline": int(deadline),
        "signatures": {},
        "bookings": [],
    }
    doc["digest"] = as_hex(amendment_digest(doc))
    return doc


def _amendment_message(doc: dict) -> dict:
    return {
        "shipmentId": int(doc["shipment_id"]),
        "agreement": bytes32(doc["agreement"], "agreement"),
        "fromLeg": int(doc["from_leg"]),
        "routeHash": bytes32(doc["route_hash"], "route_hash"),
        "networkHash": bytes32(doc["network_hash"], "network_hash"),
        "deadline": int(doc["deadline"]),
    }


def amendment_digest(doc: dict) -> bytes:
    return digest(AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"])


def sign_amendment(party: LocalAccount, role: str, doc: dict) -> dict:
    """`doc` with `party`'s signature added as `role` ("buyer" or "seller")."""
    if role not in ("buyer", "seller"):
        raise InputError(f"role {role!r}: an amendment is signed by the buyer and the seller")
    signed = signature(
        party, AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"]
    )
    return {**doc, "signatures": {**doc["signatures"], role: signed}}


def amendment_signer(doc: dict, role: str) -> str:
    encoded = typed(AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"])
    return recover_typed(encoded, doc["signatures"][role])
