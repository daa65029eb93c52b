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
`offer_call_args`, `load`, `write`, `legs_to_json` / `legs_from_json`.

On-chain steps are `tradelane.client.Tradelane` methods (implemented in `tradelane.agreeing`),
each with one party's key (a dev name, an address this process holds, or a LocalAccount):

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
* buyer: ``inspect_offer(offer, buyer=None)`` → `tradelane.agreeing.OfferReport` (terms, legs,
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

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from .attest import compact_signature
from .errors import InputError, read_json
from .model import Code, Tranche, parse_locode

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
    "booking_tuples",
    "amendment_document",
    "amendment_digest",
    "sign_amendment",
    "legs_to_json",
    "legs_from_json",
    "route_hash",
    "recover",
    "load",
    "write",
]

OFFER_FORMAT = "tradelane-offer/1"
BOOKING_FORMAT = "tradelane-booking/1"
AMENDMENT_FORMAT = "tradelane-amendment/1"
ZERO_ADDRESS = "0x" + "00" * 20
LEGS_ABI_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"

TRANCHE_TYPE = [
    {"name": "code", "type": "uint8"},
    {"name": "leg", "type": "uint8"},
    {"name": "bps", "type": "uint16"},
]
OFFER_TYPES = {
    "Offer": [
        {"name": "seller", "type": "address"},
        {"name": "buyer", "type": "address"},
        {"name": "token", "type": "address"},
        {"name": "amount", "type": "uint256"},
        {"name": "destination", "type": "bytes5"},
        {"name": "deadline", "type": "uint40"},
        {"name": "gracePeriod", "type": "uint32"},
        {"name": "arbiter", "type": "address"},
        {"name": "itemsRoot", "type": "bytes32"},
        {"name": "routeHash", "type": "bytes32"},
        {"name": "networkHash", "type": "bytes32"},
        {"name": "tranches", "type": "Tranche[]"},
        {"name": "expiry", "type": "uint40"},
        {"name": "nonce", "type": "uint64"},
    ],
    "Tranche": TRANCHE_TYPE,
}
BOOKING_TYPES = {
    "Booking": [
        {"name": "agreement", "type": "bytes32"},
        {"name": "leg", "type": "uint8"},
    ]
}
AMENDMENT_TYPES = {
    "Amendment": [
        {"name": "shipmentId", "type": "uint256"},
        {"name": "agreement", "type": "bytes32"},
        {"name": "fromLeg", "type": "uint8"},
        {"name": "routeHash", "type": "bytes32"},
        {"name": "networkHash", "type": "bytes32"},
        {"name": "deadline", "type": "uint40"},
    ]
}
LEG_KEYS = (
    "origin",
    "destination",
    "mode",
    "carrier",
    "planned_departure",
    "planned_arrival",
    "passages",
)


def domain(chain_id: int, contract: str) -> dict:
    return {
        "name": "Tradelane",
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": to_checksum_address(contract),
    }


def _hex(b: bytes) -> str:
    return "0x" + bytes(b).hex()


def _bytes32(text: str, what: str) -> bytes:
    try:
        raw = bytes.fromhex(str(text).removeprefix("0x"))
    except ValueError as err:
        raise InputError(f"{what} {text!r} is not hex") from err
    if len(raw) != 32:
        raise InputError(f"{what} {text!r} is not 32 bytes of hex")
    return raw


# -- legs ---------------------------------------------------------------------------------


def legs_to_json(legs: Sequence[Sequence]) -> list[dict]:
    """Leg tuples (as `routing.encode` makes them) as JSON objects with plain values."""
    out = []
    for origin, destination, mode, carrier, dep, arr, passages in legs:
        out.append(
            {
                "origin": bytes(origin).decode("ascii"),
                "destination": bytes(destination).decode("ascii"),
                "mode": int(mode),
                "carrier": to_checksum_address(carrier),
                "planned_departure": int(dep),
                "planned_arrival": int(arr),
                "passages": int(passages),
            }
        )
    return out


def legs_from_json(data) -> list[tuple]:
    """JSON legs back to the contract's tuples; one clear error for a malformed leg."""
    if not isinstance(data, list) or not data:
        raise InputError("the legs must be a non-empty list")
    legs = []
    for i, leg in enumerate(data):
        try:
            legs.append(
                (
                    parse_locode(leg["origin"]),
                    parse_locode(leg["destination"]),
                    int(leg["mode"]),
                    to_checksum_address(leg["carrier"]),
                    int(leg["planned_departure"]),
                    int(leg["planned_arrival"]),
                    int(leg["passages"]),
                )
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"leg {i} is malformed: missing or bad {err}") from err
    return legs


def route_hash(legs: Sequence[Sequence]) -> bytes:
    """keccak256(abi.encode(Leg[])): the contract's route commitment."""
    return keccak(abi_encode([LEGS_ABI_TYPE], [[tuple(leg) for leg in legs]]))


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
        "items_root": _hex(items_root),
        "network_hash": _hex(network_hash),
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
        "itemsRoot": _bytes32(terms["items_root"], "items_root"),
        "routeHash": route_hash(legs_from_json(terms["legs"])),
        "networkHash": _bytes32(terms["network_hash"], "network_hash"),
        "tranches": [{"code": int(t.code), "leg": t.leg, "bps": t.bps} for t in _tranches(terms)],
        "expiry": int(terms["expiry"]),
        "nonce": int(terms["nonce"]),
    }


def _typed(types: dict, message: dict, chain_id: int, contract: str):
    return encode_typed_data(
        domain_data=domain(chain_id, contract), message_types=types, message_data=message
    )


def _digest(types: dict, message: dict, chain_id: int, contract: str) -> bytes:
    typed = _typed(types, message, chain_id, contract)
    return keccak(b"\x19" + typed.version + typed.header + typed.body)


def offer_digest(chain_id: int, contract: str, terms: dict) -> bytes:
    """The EIP-712 digest of an offer: what the seller signs and the contract marks used."""
    return _digest(OFFER_TYPES, _offer_message(terms), chain_id, contract)


def _signature(account: LocalAccount, types: dict, message: dict, chain_id: int, contract: str):
    signed = account.sign_message(_typed(types, message, chain_id, contract))
    return "0x" + signed.signature.hex().removeprefix("0x")


def sign_offer(signer: LocalAccount, chain_id: int, contract: str, terms: dict) -> dict:
    """The offer document, signed by the seller or its operator `signer`."""
    message = _offer_message(terms)
    return {
        "format": OFFER_FORMAT,
        "chain_id": chain_id,
        "contract": to_checksum_address(contract),
        "terms": terms,
        "route_hash": _hex(message["routeHash"]),
        "digest": _hex(_digest(OFFER_TYPES, message, chain_id, contract)),
        "signer": signer.address,
        "signature": _signature(signer, OFFER_TYPES, message, chain_id, contract),
        "bookings": [],
    }


def recover(document: dict) -> str:
    """Who signed an offer document (raises InputError if nobody can be recovered)."""
    typed = _typed(
        OFFER_TYPES, _offer_message(document["terms"]), document["chain_id"], document["contract"]
    )
    return _recover(typed, document["signature"])


def _recover(typed, signature: str) -> str:
    try:
        return Account.recover_message(typed, signature=bytes.fromhex(signature[2:]))
    except Exception as err:  # noqa: BLE001 - any failure means the signature is unusable
        raise InputError(f"the signature cannot be recovered: {err}") from err


def _compact(signature: str) -> tuple[bytes, bytes]:
    return compact_signature(bytes.fromhex(signature.removeprefix("0x")))


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
        _bytes32(t["items_root"], "items_root"),
        _bytes32(t["network_hash"], "network_hash"),
        int(t["expiry"]),
        int(t["nonce"]),
        [tr.as_tuple() for tr in _tranches(t)],
        legs_from_json(t["legs"]),
    )
    return offer, _compact(document["signature"])


# -- bookings -----------------------------------------------------------------------------


def booking_digest(chain_id: int, contract: str, agreement: bytes, leg: int) -> bytes:
    return _digest(BOOKING_TYPES, {"agreement": agreement, "leg": leg}, chain_id, contract)


def sign_booking(
    carrier: LocalAccount, chain_id: int, contract: str, agreement: bytes, leg: int
) -> dict:
    """A carrier's booking confirmation of leg `leg` of the offer or amendment `agreement`."""
    message = {"agreement": bytes(agreement), "leg": leg}
    return {
        "format": BOOKING_FORMAT,
        "chain_id": chain_id,
        "contract": to_checksum_address(contract),
        "agreement": _hex(agreement),
        "leg": leg,
        "carrier": carrier.address,
        "signature": _signature(carrier, BOOKING_TYPES, message, chain_id, contract),
    }


def booking_signer(booking: dict) -> str:
    typed = _typed(
        BOOKING_TYPES,
        {"agreement": _bytes32(booking["agreement"], "agreement"), "leg": int(booking["leg"])},
        booking["chain_id"],
        booking["contract"],
    )
    return _recover(typed, booking["signature"])


def booking_tuples(bookings: Iterable[dict], agreement: str) -> list[tuple]:
    """The contract's `BookingSignature` tuples (leg, r, vs) of the bookings for `agreement`."""
    out = []
    for b in bookings:
        if b["agreement"].lower() != agreement.lower():
            raise InputError(
                f"the booking of leg {b['leg']} by {b['carrier']} is for agreement "
                f"{b['agreement'][:12]}…, not {agreement[:12]}…"
            )
        out.append((int(b["leg"]), *_compact(b["signature"])))
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
        "agreement": _hex(agreement),
        "old_route_hash": _hex(route_hash(old_legs)),
        "old_legs": legs_to_json(old_legs),
        "from_leg": from_leg,
        "legs": legs_to_json(legs),
        "route_hash": _hex(route_hash(new_route)),
        "network_hash": _hex(network_hash),
        "deadline": int(deadline),
        "signatures": {},
        "bookings": [],
    }
    doc["digest"] = _hex(amendment_digest(doc))
    return doc


def _amendment_message(doc: dict) -> dict:
    return {
        "shipmentId": int(doc["shipment_id"]),
        "agreement": _bytes32(doc["agreement"], "agreement"),
        "fromLeg": int(doc["from_leg"]),
        "routeHash": _bytes32(doc["route_hash"], "route_hash"),
        "networkHash": _bytes32(doc["network_hash"], "network_hash"),
        "deadline": int(doc["deadline"]),
    }


def amendment_digest(doc: dict) -> bytes:
    return _digest(AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"])


def sign_amendment(party: LocalAccount, role: str, doc: dict) -> dict:
    """`doc` with `party`'s signature added as `role` ("buyer" or "seller")."""
    if role not in ("buyer", "seller"):
        raise InputError(f"role {role!r}: an amendment is signed by the buyer and the seller")
    signature = _signature(
        party, AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"]
    )
    return {**doc, "signatures": {**doc["signatures"], role: signature}}


def amendment_signer(doc: dict, role: str) -> str:
    typed = _typed(AMENDMENT_TYPES, _amendment_message(doc), doc["chain_id"], doc["contract"])
    return _recover(typed, doc["signatures"][role])


# -- files --------------------------------------------------------------------------------

_REQUIRED = {
    OFFER_FORMAT: {"chain_id", "contract", "terms", "digest", "signer", "signature"},
    BOOKING_FORMAT: {"chain_id", "contract", "agreement", "leg", "carrier", "signature"},
    AMENDMENT_FORMAT: {
        "chain_id",
        "contract",
        "shipment_id",
        "agreement",
        "old_legs",
        "from_leg",
        "legs",
        "network_hash",
        "deadline",
        "signatures",
    },
}


def write(document: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def check(document, where: str = "document") -> dict:
    """Shape-check an offer, booking or amendment document; one clear error if malformed."""
    if not isinstance(document, dict) or document.get("format") not in _REQUIRED:
        fmt = document.get("format") if isinstance(document, dict) else None
        raise InputError(f"{where} is not a Tradelane offer, booking or amendment (format {fmt!r})")
    missing = sorted(_REQUIRED[document["format"]] - document.keys())
    if missing:
        raise InputError(f"{where} is malformed: missing {', '.join(missing)}")
    return document


def load(path: str | Path, expected: str | None = None) -> dict:
    """Read an offer, booking or amendment file; `expected` names the format wanted."""
    document = check(read_json(path, "agreement"), f"file {path}")
    if expected and document["format"] != expected:
        raise InputError(f"file {path} is a {document['format']}, expected {expected}")
    return document
