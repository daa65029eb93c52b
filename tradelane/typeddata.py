"""EIP-712 encoding and signing of the agreement documents (`tradelane.agreement`).

The domain {name "Tradelane", version "1", chainId, verifyingContract}, the Offer, Booking and
Amendment types exactly as contracts/Agreements.sol hashes them, and the primitives over any of
them: the digest, a signature, the signer recovered, and a signature as the contract's (r, vs).
"""

from __future__ import annotations

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.signers.local import LocalAccount
from eth_utils import keccak, to_checksum_address

from .attest import compact_signature
from .errors import InputError

__all__ = [
    "AMENDMENT_TYPES",
    "BOOKING_TYPES",
    "OFFER_TYPES",
    "ZERO_ADDRESS",
    "bytes32",
    "compact",
    "digest",
    "domain",
    "as_hex",
    "recover_typed",
    "signature",
    "typed",
]

ZERO_ADDRESS = "0x" + "00" * 20

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


def domain(chain_id: int, contract: str) -> dict:
    return {
        "name": "Tradelane",
        "version": "1",
        "chainId": chain_id,
        "verifyingContract": to_checksum_address(contract),
    }


def as_hex(b: bytes) -> str:
    """Bytes as the documents write them: 0x and lowercase hex."""
    return "0x" + bytes(b).hex()


def bytes32(text: str, what: str) -> bytes:
    """A document's 0x hex field back to 32 bytes; `what` names it in the error."""
    try:
        raw = bytes.fromhex(str(text).removeprefix("0x"))
    except ValueError as err:
        raise InputError(f"{what} {text!r} is not hex") from err
    if len(raw) != 32:
        raise InputError(f"{what} {text!r} is not 32 bytes of hex")
    return raw


def from_hex(text: str) -> bytes:
    """A document's 0x hex field as bytes (no length check: the contract call checks it)."""
    return bytes.fromhex(str(text).removeprefix("0x"))


def typed(types: dict, message: dict, chain_id: int, contract: str):
    return encode_typed_data(
        domain_data=domain(chain_id, contract), message_types=types, message_data=message
    )


def digest(types: dict, message: dict, chain_id: int, contract: str) -> bytes:
    """The EIP-712 digest of `message`: what is signed, and what the contract computes."""
    encoded = typed(types, message, chain_id, contract)
    return keccak(b"\x19" + encoded.version + encoded.header + encoded.body)


def signature(account: LocalAccount, types: dict, message: dict, chain_id: int, contract: str):
    """`account`'s signature of `message`, as 0x hex."""
    signed = account.sign_message(typed(types, message, chain_id, contract))
    return "0x" + signed.signature.hex().removeprefix("0x")


def recover_typed(encoded, signature: str) -> str:
    """Who signed `encoded` (raises InputError if nobody can be recovered)."""
    try:
        return Account.recover_message(encoded, signature=bytes.fromhex(signature[2:]))
    except Exception as err:  # noqa: BLE001 - any failure means the signature is unusable
        raise InputError(f"the signature cannot be recovered: {err}") from err


def compact(signature: str) -> tuple[bytes, bytes]:
    """A 0x hex signature as the contract takes it: (r, vs) (EIP-2098)."""
    return compact_signature(from_hex(signature))
