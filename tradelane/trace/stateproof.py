"""Completeness without a node: a Merkle-Patricia proof of the shipment's hash-chain head.

An offline verifier can re-derive a history but cannot know whether milestones came after
it. The contract keeps each shipment's hash-chain head in one storage word (the
``progress`` slot, `ShipmentStore.sol`: shipment ``id`` at ``SHIPMENTS_LOCATION + id*64``,
the head in its top 24 bytes). A bundle may carry, for one block:

* ``header``: the block header, RLP-encoded — its keccak is the block hash, and it holds
  the state root;
* ``account_proof`` / ``storage_proof``: the nodes ``eth_getProof`` returns for the
  contract account and that slot.

`check` verifies the header against its hash, the account against the state root, the slot
against the account's storage root (py-trie's ``HexaryTrie.get_from_proof``; no
hand-written trie), and returns the head stored at that block. If it equals the bundle's
head, the bundle holds every milestone up to that block — provided the block hash is one
the user trusts (``--trusted-block``, e.g. read from an explorer or a node of their own):
a made-up chain can prove anything about itself. eth-tester has no ``eth_getProof``;
bundles from such a chain carry no proof and say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import rlp
from eth_utils import keccak, to_canonical_address
from trie import HexaryTrie

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["SHIPMENTS_LOCATION", "ProofError", "build", "check", "progress_slot"]

#: ERC-7201 location of namespace "tradelane.shipments" (see ShipmentStore.sol).
SHIPMENTS_LOCATION = (
    int.from_bytes(
        keccak((int.from_bytes(keccak(b"tradelane.shipments"), "big") - 1).to_bytes(32, "big")),
        "big",
    )
    & ~0xFF
)
STRIDE_SHIFT = 6
#: Header fields in RLP order (London and later forks; the optional tail as present).
HEADER_FIELDS = (
    "parentHash",
    "sha3Uncles",
    "miner",
    "stateRoot",
    "transactionsRoot",
    "receiptsRoot",
    "logsBloom",
    "difficulty",
    "number",
    "gasLimit",
    "gasUsed",
    "timestamp",
    "extraData",
    "mixHash",
    "nonce",
    "baseFeePerGas",
    "withdrawalsRoot",
    "blobGasUsed",
    "excessBlobGas",
    "parentBeaconBlockRoot",
    "requestsHash",
)
_INTS = {"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas"}
_INTS |= {"blobGasUsed", "excessBlobGas"}


class ProofError(ValueError):
    """A state proof that does not verify (the message says which part)."""


def progress_slot(shipment_id: int) -> int:
    return SHIPMENTS_LOCATION + (shipment_id << STRIDE_SHIFT)


def _hex(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def _header_rlp(block) -> bytes:
    fields = []
    for name in HEADER_FIELDS:
        if name not in block or block[name] is None:
            break
        value = block[name]
        if name in _INTS:
            fields.append(int(value))
        elif name == "miner":
            fields.append(to_canonical_address(value))
        else:
            fields.append(bytes(value))
    return rlp.encode(fields)


def build(tl: Tradelane, shipment_id: int) -> tuple[dict | None, str | None]:
    """(proof, None) for the latest block, or (None, why there is none)."""
    w3 = tl.chain.w3
    try:
        block = w3.eth.get_block("latest")
        slot = progress_slot(shipment_id)
        proof = w3.eth.get_proof(tl.address, [slot], block["number"])
    except Exception as err:  # noqa: BLE001 - a node without eth_getProof: no proof, say why
        return None, f"the node gives no state proof ({type(err).__name__})"
    header = _header_rlp(block)
    if keccak(header) != bytes(block["hash"]):
        return None, "the node's block header does not re-encode to its hash"
    (storage,) = proof["storageProof"]
    return {
        "block_number": int(block["number"]),
        "block_hash": _hex(block["hash"]),
        "header": _hex(header),
        "slot": _hex(slot.to_bytes(32, "big")),
        "account_proof": [_hex(node) for node in proof["accountProof"]],
        "storage_proof": [_hex(node) for node in storage["proof"]],
    }, None


def _nodes(hexes: list[str], what: str) -> list:
    try:
        return [rlp.decode(bytes.fromhex(h[2:])) for h in hexes]
    except (rlp.DecodingError, ValueError) as err:
        raise ProofError(f"{what} has a node that is not RLP") from err


def check(proof: dict, contract: str, shipment_id: int) -> bytes:
    """The 24-byte head stored for the shipment at the proof's block (ProofError if the proof
    does not verify against its own header and hash)."""
    header = bytes.fromhex(proof["header"][2:])
    if _hex(keccak(header)) != proof["block_hash"]:
        raise ProofError(f"header does not hash to block hash {proof['block_hash']}")
    try:
        fields = rlp.decode(header)
    except rlp.DecodingError as err:
        raise ProofError("header is not an RLP block header") from err
    if not isinstance(fields, list) or len(fields) < 15 or len(fields[3]) != 32:
        raise ProofError("header is not an RLP block header")
    state_root, number = fields[3], int.from_bytes(fields[8], "big")
    if number != proof["block_number"]:
        raise ProofError(f"header is block {number}, not {proof['block_number']}")
    expected_slot = _hex(progress_slot(shipment_id).to_bytes(32, "big"))
    if proof["slot"] != expected_slot:
        raise ProofError(f"slot {proof['slot']} is not shipment {shipment_id}'s progress slot")
    account_key = keccak(to_canonical_address(contract))
    try:  # any failure to walk the proof means it does not verify
        account = HexaryTrie.get_from_proof(
            state_root, account_key, _nodes(proof["account_proof"], "account proof")
        )
    except Exception as err:  # noqa: BLE001 - BadTrieProof, malformed nodes alike
        raise ProofError(f"account proof does not verify against the state root ({err})") from err
    if not account:
        raise ProofError(f"no contract account {contract} in the state at that block")
    try:
        storage_root = rlp.decode(account)[2]
    except (rlp.DecodingError, IndexError, TypeError) as err:
        raise ProofError("the proven account is not an RLP account") from err
    slot_key = keccak(bytes.fromhex(proof["slot"][2:]))
    try:
        raw = HexaryTrie.get_from_proof(
            storage_root, slot_key, _nodes(proof["storage_proof"], "storage proof")
        )
    except Exception as err:  # noqa: BLE001 - BadTrieProof, malformed nodes alike
        raise ProofError(f"storage proof does not verify against the storage root ({err})") from err
    try:
        word = int.from_bytes(rlp.decode(raw), "big") if raw else 0
    except (rlp.DecodingError, TypeError) as err:
        raise ProofError("the proven slot value is not RLP") from err
    return (word >> 64).to_bytes(24, "big")
