"""EIP-712 signed milestone attestations and route amendments, and their JSON files.

A carrier signs off-line; anyone relays. The typed data matches Shipments.sol:
domain {name "Tradelane", version "1", chainId, verifyingContract}.
"""

from __future__ import annotations

import json
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from web3 import Web3

from .errors import InputError, read_json
from .model import Classifier, Code, Milestone, parse_locode

__all__ = [
    "ATTESTATION_TYPES",
    "sign_milestone",
    "recover_signer",
    "signer_of",
    "to_entry",
    "milestone_of",
    "compact_signature",
    "expand_signature",
    "load_attestation",
    "write_attestation",
]

FORMAT = "tradelane-attestation/1"
ATTESTATION_TYPES = {
    "Attestation": [
        {"name": "shipmentId", "type": "uint64"},
        {"name": "leg", "type": "uint8"},
        {"name": "code", "type": "uint8"},
        {"name": "classifier", "type": "uint8"},
        {"name": "location", "type": "bytes5"},
        {"name": "eventTime", "type": "uint40"},
        {"name": "nonce", "type": "uint32"},
        {"name": "deadline", "type": "uint40"},
    ]
}
AMENDMENT_TYPES = {
    "Amendment": [
        {"name": "shipmentId", "type": "uint256"},
        {"name": "oldRouteHash", "type": "bytes32"},
        {"name": "fromLeg", "type": "uint8"},
        {"name": "routeHash", "type": "bytes32"},
        {"name": "networkHash", "type": "bytes32"},
        {"name": "deadline", "type": "uint40"},
    ]
}


def _domain(chain_id: int, contract: str) -> dict:
    return {
        "name": "Tradelane",
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": Web3.to_checksum_address(contract),
    }


def _milestone_message(m: Milestone, nonce: int, deadline: int) -> dict:
    return {
        "shipmentId": m.shipment_id,
        "leg": m.leg,
        "code": int(m.code),
        "classifier": int(m.classifier),
        "location": parse_locode(m.location),
        "eventTime": m.event_time,
        "nonce": nonce,
        "deadline": deadline,
    }


def _typed(chain_id: int, contract: str, m: Milestone, nonce: int, deadline: int):
    return encode_typed_data(
        domain_data=_domain(chain_id, contract),
        message_types=ATTESTATION_TYPES,
        message_data=_milestone_message(m, nonce, deadline),
    )


def sign_milestone(
    carrier: LocalAccount, chain_id: int, contract: str, m: Milestone, nonce: int, deadline: int
) -> dict:
    """The attestation as the JSON dict `tradelane milestone --sign-only` writes."""
    signed = carrier.sign_message(_typed(chain_id, contract, m, nonce, deadline))
    return {
        "format": FORMAT,
        "chain_id": chain_id,
        "contract": Web3.to_checksum_address(contract),
        "milestone": {
            "shipment_id": m.shipment_id,
            "leg": m.leg,
            "code": m.code.name,
            "classifier": m.classifier.name,
            "location": m.location,
            "event_time": m.event_time,
        },
        "nonce": nonce,
        "deadline": deadline,
        "signer": carrier.address,
        "signature": "0x" + signed.signature.hex().removeprefix("0x"),
    }


def milestone_of(attestation: dict) -> Milestone:
    """The milestone an attestation (a loaded file's dict) attests."""
    try:
        data = attestation["milestone"]
        return Milestone(
            shipment_id=int(data["shipment_id"]),
            leg=int(data["leg"]),
            code=Code[data["code"]],
            classifier=Classifier[data["classifier"]],
            location=parse_locode(data["location"]).decode(),
            event_time=int(data["event_time"]),
        )
    except (KeyError, ValueError, TypeError) as err:
        raise InputError(f"attestation milestone is malformed: missing or bad {err}") from err


def signer_of(
    chain_id: int, contract: str, m: Milestone, nonce: int, deadline: int, signature: str
) -> str:
    """The address whose 65-byte `signature` (0x hex) attests `m` with `nonce` and `deadline`.

    Raises InputError when no address can be recovered.
    """
    typed = _typed(chain_id, contract, m, nonce, deadline)
    try:
        return Account.recover_message(typed, signature=bytes.fromhex(signature[2:]))
    except Exception as err:  # noqa: BLE001 - any failure means the signature is unusable
        raise InputError(f"attestation signature cannot be recovered: {err}") from err


def recover_signer(attestation: dict) -> str:
    """The address that signed `attestation` (raises InputError if it cannot be recovered)."""
    return signer_of(
        attestation["chain_id"],
        attestation["contract"],
        milestone_of(attestation),
        attestation["nonce"],
        attestation["deadline"],
        attestation["signature"],
    )


SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_TOP_BIT = 1 << 255


def compact_signature(signature: bytes) -> tuple[bytes, bytes]:
    """(r, vs): the EIP-2098 compact form of a 65-byte r ‖ s ‖ v signature, as the contract wants.

    `vs` is s with v's parity (v − 27) in its top bit. An s at or above 2**255 cannot be written
    compactly; it is a high-s (malleable) signature the contract would refuse anyway.
    """
    if len(signature) != 65:
        raise InputError(f"the signature has {len(signature)} bytes, expected 65")
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    if v not in (27, 28):
        raise InputError(f"the signature's v is {v}, expected 27 or 28")
    if s & _TOP_BIT:
        raise InputError("the signature is malleable (high s) and was refused")
    return r, (s | (v - 27) << 255).to_bytes(32, "big")


def expand_signature(r: bytes, vs: bytes) -> bytes:
    """The standard 65-byte r ‖ s ‖ v signature of an EIP-2098 (r, vs) pair."""
    word = int.from_bytes(vs, "big")
    return bytes(r) + (word & (_TOP_BIT - 1)).to_bytes(32, "big") + bytes([27 + (word >> 255)])


def to_entry(attestation: dict, chain_id: int, contract: str) -> tuple:
    """The contract's `Entry` tuple (milestone, deadline, r, vs) for a signed attestation, after
    checking it is for here. The file's 65-byte signature is passed in EIP-2098 form; the nonce
    is not sent: the contract takes the milestone's place on its leg (see `Tradelane.relay`)."""
    if attestation.get("format") != FORMAT:
        raise InputError(f"not a Tradelane attestation (format {attestation.get('format')!r})")
    if attestation["chain_id"] != chain_id:
        raise InputError(
            f"attestation is for chain {attestation['chain_id']}, but this chain is {chain_id}"
        )
    if Web3.to_checksum_address(attestation["contract"]) != Web3.to_checksum_address(contract):
        raise InputError(f"attestation is for contract {attestation['contract']}, not {contract}")
    m = milestone_of(attestation)
    r, vs = compact_signature(bytes.fromhex(attestation["signature"][2:]))
    return (m.as_tuple(), int(attestation["deadline"]), r, vs)


def write_attestation(attestation: dict, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(attestation, indent=2) + "\n")
    return path


def load_attestation(path: str | Path) -> dict:
    """Read and shape-check an attestation file; one clear error if it is not one."""
    path = Path(path)
    data = read_json(path, "attestation")
    required = {"format", "chain_id", "contract", "milestone", "nonce", "deadline", "signature"}
    if not isinstance(data, dict) or not required <= data.keys():
        missing = sorted(required - (data.keys() if isinstance(data, dict) else set()))
        raise InputError(f"attestation file {path} is malformed: missing {', '.join(missing)}")
    if data["format"] != FORMAT:
        raise InputError(
            f"attestation file {path} has format {data['format']!r}, expected {FORMAT}"
        )
    sig = data["signature"]
    if not (isinstance(sig, str) and sig.startswith("0x") and len(sig) == 132):
        raise InputError(f"attestation file {path} has a malformed signature (need 65 bytes hex)")
    try:
        compact_signature(bytes.fromhex(sig[2:]))  # what the contract will be sent
    except InputError as err:
        raise InputError(f"attestation file {path}: {err}") from err
    except ValueError as err:  # not hex
        raise InputError(f"attestation file {path} has a malformed signature ({err})") from err
    milestone_of(data)
    return data


def sign_amendment(
    party: LocalAccount,
    chain_id: int,
    contract: str,
    shipment_id: int,
    old_route_hash: bytes,
    from_leg: int,
    route_hash: bytes,
    network_hash: bytes,
    deadline: int,
) -> str:
    """One party's signature (0x hex) over a route amendment."""
    typed = encode_typed_data(
        domain_data=_domain(chain_id, contract),
        message_types=AMENDMENT_TYPES,
        message_data={
            "shipmentId": shipment_id,
            "oldRouteHash": old_route_hash,
            "fromLeg": from_leg,
            "routeHash": route_hash,
            "networkHash": network_hash,
            "deadline": deadline,
        },
    )
    return "0x" + party.sign_message(typed).signature.hex().removeprefix("0x")
