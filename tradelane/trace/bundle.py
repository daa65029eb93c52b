"""The proof bundle: one JSON file proving a shipment's history, checkable with no server.

Format ``tradelane-proof-bundle/1`` (all hashes 0x hex, times unix seconds plus ISO text):

* ``chain_id``, ``contract``, ``shipment_id``, ``genesis`` (hash-chain start), ``opened``;
* ``routes``: every ``RouteCommitted`` (complete legs, ``route_hash``, ``network_hash``,
  tx hash / block / log index), and the current ``route_hash`` / ``network_hash``;
* ``items``: the item list, its Merkle ``root`` and where it was committed;
* ``milestones``: each with its fields, packed ``record``, ``prev_head`` → ``head`` link,
  ``carrier``, the carrier's EIP-712 ``signature`` / ``nonce`` / ``deadline`` when relayed,
  tx hash / block / log index, and the signed raw ``transaction`` that carried it;
* ``head``, ``milestone_count`` and a ``digest`` (sha256 of the rest, canonical JSON).

`verify_bundle` re-derives everything offline: records re-pack, links re-hash from the
genesis, seq is contiguous, each milestone's transaction hashes to its tx hash, is signed
by the leg's carrier (direct) or carries the carrier's attestation (relayed), routes
re-hash, items re-hash to the root. Block numbers and log indexes can only be proven
against a chain: given one, every log must be where the bundle says with the same data,
and the contract's head, count, route hash and items root must match.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from .. import attest
from ..errors import InputError, read_json
from ..history import attestations, milestone_entries
from ..model import (
    DESTINATION_SIDE,
    ORIGIN_SIDE,
    Classifier,
    Code,
    Milestone,
    Mode,
    genesis_head,
    iso,
    next_head,
    pack_record,
)
from . import items as trace_items
from . import merkle, onchain

if TYPE_CHECKING:
    from ..chain import Chain
    from ..client import Tradelane

__all__ = ["FORMAT", "build_bundle", "verify_bundle", "load_bundle", "digest"]

FORMAT = "tradelane-proof-bundle/1"
LEGS_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"


def digest(bundle: dict) -> str:
    body = {k: v for k, v in bundle.items() if k != "digest"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


# -- building ----------------------------------------------------------------------------


def build_bundle(tl: Tradelane, shipment_id: int) -> dict:
    """The proof bundle of `shipment_id` as a JSON-able dict."""
    view = tl.view(shipment_id)
    events = tl.history(shipment_id)
    routes = onchain.routes(tl, shipment_id)
    known = trace_items.registered(tl, shipment_id)
    if known is not None and trace_items.items_root(known) != view["itemsRoot"]:
        known = None  # a stale list on this machine (e.g. another deployment): not evidence
    milestones, prev = [], genesis_head(tl.chain.chain_id, tl.address, shipment_id)
    raw = {tx: onchain.raw_transaction(tl, tx) for tx in {e.tx_hash for e in events}}

    def call_data(tx: str) -> bytes | None:
        return onchain.decode_raw(raw[tx])["data"] if raw[tx] else None

    signed = attestations(events, call_data)
    for e in events:
        milestones.append(_milestone(e, "0x" + prev.hex(), raw[e.tx_hash], signed.get(e.seq)))
        prev = bytes.fromhex(e.head[2:])
    bundle: dict[str, Any] = {
        "format": FORMAT,
        "created_at": iso(tl.chain.now()),
        "chain_id": tl.chain.chain_id,
        "contract": tl.address,
        "shipment_id": shipment_id,
        "genesis": "0x" + genesis_head(tl.chain.chain_id, tl.address, shipment_id).hex(),
        "opened": onchain.opened(tl, shipment_id),
        "route_hash": "0x" + view["routeHash"].hex(),
        "network_hash": "0x" + view["networkHash"].hex(),
        "routes": [r.to_json() for r in routes],
        "items": {
            "root": "0x" + view["itemsRoot"].hex(),
            "list": [i.to_json() for i in known] if known is not None else None,
            "committed": onchain.items_commit(tl, shipment_id),
        },
        "milestones": milestones,
        "milestone_count": len(milestones),
        "head": "0x" + prev.hex(),
    }
    bundle["digest"] = digest(bundle)
    return bundle


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
        # The attestation's nonce is the milestone's seq: the contract signs nothing else in.
        entry.update(signature="0x" + signature.hex(), nonce=e.seq, deadline=deadline)
    return entry


def _same(mt: tuple, m: Milestone) -> bool:
    return tuple(mt) == (
        m.shipment_id,
        m.leg,
        int(m.code),
        int(m.classifier),
        m.location.encode(),
        m.event_time,
    )


def load_bundle(path) -> dict:
    """Read a bundle file; one clear error if it is not JSON or not a bundle."""
    data = read_json(path, "bundle")
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InputError(f"bundle file {path} is not a Tradelane proof bundle (format {got!r})")
    return data


# -- verifying ---------------------------------------------------------------------------


def verify_bundle(bundle: dict, chain: Chain | Tradelane | None = None) -> list[str]:
    """Every problem found in `bundle` (empty = valid). Offline unless `chain` is given."""
    problems: list[str] = []
    if chain is not None:
        chain_id = getattr(chain, "chain", chain).chain_id
        if bundle.get("chain_id") != chain_id:
            return [
                f"bundle is from chain {bundle.get('chain_id')}, but the node is chain {chain_id}"
            ]
    try:
        _offline(bundle, problems)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        problems.append(f"bundle is malformed: {type(err).__name__} {err}")
        return problems
    if chain is not None and not problems:
        from .chaincheck import check_against_chain

        problems.extend(check_against_chain(bundle, chain))
    if bundle.get("digest") != digest(bundle):
        problems.append("bundle digest does not match its content: the file was altered")
    return problems


def _offline(b: dict, problems: list[str]) -> None:
    if b.get("format") != FORMAT:
        problems.append(f"format is {b.get('format')!r}, expected {FORMAT}")
        return
    chain_id, contract, sid = (
        int(b["chain_id"]),
        to_checksum_address(b["contract"]),
        b["shipment_id"],
    )
    if b["contract"] != contract:
        problems.append(f"contract {b['contract']} is not a checksummed address")
    genesis = "0x" + genesis_head(chain_id, contract, sid).hex()
    if b["genesis"] != genesis:
        problems.append(f"genesis {b['genesis']} is not the hash-chain start of shipment {sid}")
    routes = _check_routes(b, problems)
    _check_items(b["items"], problems)
    _check_milestones(b, chain_id, contract, sid, genesis, routes, problems)


def _leg_tuple(leg: dict) -> tuple:
    return (
        leg["origin"].encode("ascii"),
        leg["destination"].encode("ascii"),
        int(Mode[leg["mode"].upper()]),
        to_checksum_address(leg["carrier"]),
        int(leg["planned_departure"]),
        int(leg["planned_arrival"]),
        int(leg["passages"]),
    )


def _check_routes(b: dict, problems: list[str]) -> list[dict]:
    routes = b["routes"]
    for i, r in enumerate(routes):
        computed = (
            "0x" + keccak(abi_encode([LEGS_TYPE], [[_leg_tuple(x) for x in r["legs"]]])).hex()
        )
        if computed != r["route_hash"]:
            problems.append(
                f"route #{i} legs hash to {computed}, not to its route hash {r['route_hash']}"
            )
    last = (
        routes[-1] if routes else {"route_hash": "0x" + "00" * 32, "network_hash": "0x" + "00" * 32}
    )
    for key in ("route_hash", "network_hash"):
        if b[key] != last[key]:
            problems.append(f"{key} {b[key]} is not the last committed route's {last[key]}")
    return routes


def _check_items(items: dict, problems: list[str]) -> None:
    if items["list"] is None:
        return
    try:
        parsed = trace_items.from_json(items["list"])
    except InputError as err:
        problems.append(f"item list: {err}")
        return
    for row, item in zip(items["list"], parsed, strict=True):
        if row["uri"] != item.uri:
            problems.append(f"item {row['uri']} is not in canonical GS1 Digital Link form")
    root = "0x" + merkle.root([i.uri for i in parsed]).hex()
    if root != items["root"]:
        problems.append(f"the {len(parsed)} items hash to root {root}, not to {items['root']}")


def _route_at(routes: list[dict], position: tuple[int, int]) -> dict | None:
    current = None
    for r in routes:
        if (r["block_number"], r["log_index"]) < position:
            current = r
    return current


def _check_milestones(b, chain_id, contract, sid, genesis, routes, problems) -> None:
    prev = genesis
    last_position = (-1, -1)
    for i, x in enumerate(b["milestones"]):
        m = Milestone(
            sid,
            x["leg"],
            Code[x["code"]],
            Classifier[x["classifier"]],
            x["location"],
            x["event_time"],
        )
        name = f"milestone #{i} ({m.describe()})"
        if x["seq"] != i:
            problems.append(f"{name} has seq {x['seq']}: a milestone is missing or out of order")
        record = "0x" + pack_record(m, x["recorded_at"], x["seq"], x["relayed"]).hex()
        if record != x["record"]:
            problems.append(f"{name}: its record {x['record']} does not re-pack from its fields")
        for key in ("event_time", "recorded_at"):
            if x[f"{key}_utc"] != iso(x[key]):
                problems.append(f"{name}: {key}_utc {x[f'{key}_utc']} is not {iso(x[key])}")
        if x["prev_head"] != prev:
            problems.append(
                f"{name} does not link to the one before it (prev_head {x['prev_head']})"
            )
        head = (
            "0x"
            + next_head(
                bytes.fromhex(x["prev_head"][2:]), bytes.fromhex(x["record"][2:]), x["carrier"]
            ).hex()
        )
        if head != x["head"]:
            problems.append(
                f"{name}: head {x['head']} does not re-hash from its record and carrier"
            )
        prev = x["head"]
        position = (x["block_number"], x["log_index"])
        if position <= last_position:
            problems.append(
                f"{name} is at block {position[0]} log {position[1]}, before the one before it"
            )
        last_position = position
        _check_leg(name, m, x, _route_at(routes, position), problems)
        _check_transaction(name, m, x, chain_id, contract, problems)
    if b["head"] != prev:
        problems.append(f"head {b['head']} is not the last milestone's head {prev}")
    if b["milestone_count"] != len(b["milestones"]):
        problems.append(
            f"milestone_count {b['milestone_count']} but {len(b['milestones'])} milestones listed"
        )


def _check_leg(name: str, m: Milestone, x: dict, route: dict | None, problems: list[str]) -> None:
    if route is None:
        problems.append(f"{name} comes before any committed route")
        return
    if m.leg >= len(route["legs"]):
        problems.append(f"{name}: the route in force has no leg {m.leg}")
        return
    leg = route["legs"][m.leg]
    if to_checksum_address(x["carrier"]) != to_checksum_address(leg["carrier"]):
        problems.append(
            f"{name}: carrier {x['carrier']} is not leg {m.leg}'s carrier {leg['carrier']}"
        )
    allowed = {leg["origin"]} if m.code in ORIGIN_SIDE else {leg["destination"]}
    if m.code not in ORIGIN_SIDE and m.code not in DESTINATION_SIDE:
        allowed = {leg["origin"], leg["destination"]}
    if m.location not in allowed:
        problems.append(
            f"{name}: location {m.location} is not leg {m.leg}'s port for {m.code.name}"
        )


def _check_transaction(name, m, x, chain_id, contract, problems) -> None:
    raw = x.get("transaction")
    if not raw:
        problems.append(f"{name}: no signed transaction in the bundle; sender not provable offline")
        return
    if "0x" + keccak(bytes.fromhex(raw[2:])).hex() != x["tx_hash"]:
        problems.append(f"{name}: tx_hash {x['tx_hash']} is not the hash of its transaction")
        return
    try:
        tx = onchain.decode_raw(raw)
        entries = milestone_entries(tx["data"])
    except ValueError as err:
        problems.append(f"{name}: {err}")
        return
    if tx["chain_id"] != chain_id or tx["to"] != contract:
        problems.append(
            f"{name}: its transaction is for chain {tx['chain_id']} contract {tx['to']}"
        )
    matching = [e for e in entries if _same(e[0], m)]
    if not matching:
        problems.append(f"{name}: its transaction does not carry this milestone")
        return
    direct = [e for e in matching if not e[2]]
    if not x["relayed"]:
        if not direct or tx["sender"] != to_checksum_address(x["carrier"]):
            problems.append(f"{name}: sent by {tx['sender']}, not by the carrier {x['carrier']}")
        return
    signed = [e for e in matching if e[2] and "0x" + e[2].hex() == x["signature"]]
    if not signed or x["nonce"] != x["seq"] or signed[0][1] != x["deadline"]:
        problems.append(f"{name}: signature, nonce or deadline differ from its transaction")
        return
    signer = _signer(m, x, chain_id, contract)
    if signer != to_checksum_address(x["carrier"]):
        problems.append(
            f"{name}: signature recovers to {signer}, not to the carrier {x['carrier']}"
        )


def _signer(m: Milestone, x: dict, chain_id: int, contract: str) -> str | None:
    try:
        return attest.signer_of(chain_id, contract, m, x["nonce"], x["deadline"], x["signature"])
    except InputError:
        return None
