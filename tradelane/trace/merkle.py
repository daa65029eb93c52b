"""The Merkle tree committing a shipment's item trace codes, checkable by OpenZeppelin in Solidity.

Leaves follow OpenZeppelin's ``StandardMerkleTree`` leaf encoding for one ``string`` value::

    leaf = keccak256(bytes.concat(keccak256(abi.encode(uri))))

where ``uri`` is the item's canonical GS1 Digital Link URI. Inner nodes hash the *sorted*
pair, ``keccak256(min(a, b) ‖ max(a, b))`` — OpenZeppelin ``MerkleProof``'s commutative
hash — so ``MerkleProof.verify(proof, root, leaf)`` accepts our proofs on chain.

Layout (our choice, documented so others can rebuild it): leaves sorted ascending by
value, paired left to right level by level; an odd node at the end of a level moves up
unchanged. One leaf is its own root; no items is the zero root (nothing committed).
The root can differ from OpenZeppelin JS's tree layout, but proofs verify the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from eth_abi import encode as abi_encode
from eth_utils import keccak

__all__ = ["ZERO_ROOT", "leaf", "root", "proof", "verify"]

ZERO_ROOT = bytes(32)


def leaf(uri: str) -> bytes:
    return keccak(keccak(abi_encode(["string"], [uri])))


def _pair(a: bytes, b: bytes) -> bytes:
    return keccak(a + b if a <= b else b + a)


def _levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    level = sorted(leaves)
    levels = [level]
    while len(level) > 1:
        level = [
            _pair(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
        levels.append(level)
    return levels


def root(uris: Sequence[str]) -> bytes:
    """The root over `uris` (ZERO_ROOT for none)."""
    if not uris:
        return ZERO_ROOT
    return _levels([leaf(u) for u in uris])[-1][0]


def proof(uris: Sequence[str], uri: str) -> list[bytes]:
    """The sibling hashes proving `uri` is one of `uris` (ValueError if it is not)."""
    levels = _levels([leaf(u) for u in uris])
    index = levels[0].index(leaf(uri))
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index //= 2
    return path


def verify(proof_: Sequence[bytes], root_: bytes, uri: str) -> bool:
    """OpenZeppelin ``MerkleProof.verify`` in Python."""
    node = leaf(uri)
    for sibling in proof_:
        node = _pair(node, sibling)
    return node == root_
