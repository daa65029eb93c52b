"""The proof bundle: one JSON file proving a shipment's history, checkable with no server.

Format ``tradelane-proof-bundle/2`` (all hashes 0x hex, times unix seconds plus ISO text;
every field typed exactly, see `tradelane.trace.shape`):

* ``chain_id``, ``contract``, ``shipment_id``, ``genesis`` (hash-chain start), ``opened``;
* ``routes``: every ``RouteCommitted`` (complete legs, ``route_hash``, ``network_hash``,
  tx hash / block / log index), and the current ``route_hash`` / ``network_hash``;
* ``items``: the item list (each item's URI and the fields it spells — what the Merkle
  leaf commits to), its Merkle ``root`` and where it was committed;
* ``milestones``: each with its fields, packed ``record``, ``prev_head`` → ``head`` link,
  ``carrier``, the carrier's EIP-712 ``signature`` / ``nonce`` / ``deadline`` when relayed,
  tx hash / block / log index, and the signed raw ``transaction`` that carried it;
* ``head``, ``milestone_count``;
* ``state_proof``: the block header and ``eth_getProof`` nodes of the shipment's head slot
  at the latest block (`tradelane.trace.stateproof`), or null and ``state_proof_missing``
  saying why (eth-tester has no ``eth_getProof``);
* a ``digest`` (sha256 of the rest, canonical JSON).

`tradelane.trace.verify` checks a bundle and says exactly what it proved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import InputError, read_json
from ..history import attestations
from ..model import (
    genesis_head,
    iso,
)
from . import items as trace_items
from . import onchain, stateproof

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["FORMAT", "attestation_nonce", "build_bundle", "load_bundle", "digest"]

FORMAT = "tradelane-proof-bundle/2"
LEGS_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"


def digest(bundle: dict) -> str:
    body = {k: v for k, v in bundle.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


# -- building ----------------------------------------------------------------------------


def build_bundle(tl: Tradelane, shipment_id: int) -> dict:
    """The proof bundle of `shipment_id` as a JSON-able dict.

    The state proof is taken after the history is read; should a milestone land in between,
    the history is read again (three tries), so the proof's head is the bundle's head."""
    for _ in range(3):
        bundle = _assemble(tl, shipment_id)
        proof, missing = stateproof.build(tl, shipment_id)
        try:
            if (
                proof is None
                or stateproof.check(proof, tl.address, shipment_id).hex() == (bundle["head"][2:])
            ):
                break
        except stateproof.ProofError as err:
            proof, missing = None, f"the node's state proof does not verify ({err})"
            break
    else:
        proof, missing = None, "the chain moved on while the bundle was built; export again"
    bundle.update(state_proof=proof, state_proof_missing=missing)
    bundle["digest"] = digest(bundle)
    return bundle


def _assemble(tl: Tradelane, shipment_id: int) -> dict:
    view = tl.view(shipment_id)
    events = tl.history(shipment_id)
    routes = onchain.routes(tl, shipment_id)
    known = trace_items.registered(tl, shipment_id) or []
    if trace_items.items_root(known) != view["itemsRoot"]:
        raise InputError(
            f"shipment {shipment_id} commits to items root 0x{view['itemsRoot'].hex()}, but the "
            "item list on this machine does not hash to it: a bundle cannot prove its items "
            "without the list (give it with `tradelane ship --items` on this machine)"
        )
    milestones, prev = [], genesis_head(tl.chain.chain_id, tl.address, shipment_id)
    raw = {tx: onchain.raw_transaction(tl, tx) for tx in {e.tx_hash for e in events}}

    def call_data(tx: str) -> bytes | None:
        return onchain.decode_raw(raw[tx])["data"] if raw[tx] else None

    signed = attestations(events, call_data)
    for e in events:
        milestones.append(_milestone(e, "0x" + prev.hex(), raw[e.tx_hash], signed.get(e.seq)))
        prev = bytes.fromhex(e.head[2:])
    for i, entry in enumerate(milestones):
        if entry["signature"]:
            entry["nonce"] = attestation_nonce(milestones, i)
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "created_at": iso(tl.chain.now()),
        "chain_id": tl.chain.chain_id,
        "contract": tl.address,
        "shipment_id": shipment_id,
        "genesis": "0x" + genesis_head(tl.chain.chain_id, tl.address, shipment_id).hex(),
        "opened": onchain.opened(tl, shipment_id),
        "route_hash": routes[-1].route_hash if routes else "0x" + "00" * 32,
        "network_hash": routes[-1].network_hash if routes else "0x" + "00" * 32,
        "routes": [r.to_json() for r in routes],
        "items": {
            "root": "0x" + view["itemsRoot"].hex(),
            "list": [i.identity_json() for i in known],
            "committed": onchain.items_commit(tl, shipment_id),
        },
        "milestones": milestones,
        "milestone_count": len(milestones),
        "head": "0x" + prev.hex(),
    }
    return bundle


def attestation_nonce(milestones: Sequence[dict], index: int) -> int:
    """The nonce the contract binds into the `index`-th milestone's EIP-712 attestation: the
    number of milestones recorded before it on the same leg (`IShipments.attestationDigest`,
    SPECIFICATION.md A5). The builder and the verifier both derive it from the listed history,
    never from the file alone."""
    leg = milestones[index]["leg"]
    return sum(1 for m in milestones[:index] if m["leg"] == leg)


def _milestone(e, prev_head: str, raw: str | None, signed: tuple[int, bytes] | None) -> dict:
    m = e.milestone
    entry = {
        "seq": e.seq,
        "leg": m.leg,
        "code": m.code.name,
        "classifier": m.classifier.name,
        "location": m.location,
        "event_time": m.event_time,
        "event_time_utc": iso(m.event_time),
        "recorded_at": e.recorded_at,
        "recorded_at_utc": iso(e.recorded_at),
        "carrier": e.carrier,
        "relayed": e.relayed,
        "signature": None,
        "nonce": None,
        "deadline": None,
        "record": e.record,
        "prev_head": prev_head,
        "head": e.head,
        "tx_hash": e.tx_hash,
        "block_number": e.block_number,
        "log_index": e.log_index,
        "transaction": raw,
    }
    if signed:
        deadline, signature = signed
        entry.update(signature="0x" + signature.hex(), deadline=deadline)
    return entry


def load_bundle(path) -> dict:
    """Read a bundle file; one clear error if it is not JSON or not a bundle."""
    data = read_json(path, "bundle")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InputError(
            f"bundle file {path} is not a Tradelane proof bundle: format is {got!r}, "
            f"expected {FORMAT}"
        )
    return data
