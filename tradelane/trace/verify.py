"""Checking a proof bundle, and saying exactly what the check proved.

`verify(bundle, chain=None, trusted_block=None)` returns a `Verdict`: the problems found
(empty = nothing wrong) and `statements`, what was proven and what was not:

* offline, always: the bundle's shape (`tradelane.trace.shape`: every field typed, none
  unknown); records re-pack, links re-hash from the genesis, seq is contiguous, each
  milestone's transaction hashes to its tx hash and is signed by the leg's carrier (direct)
  or carries the carrier's attestation (relayed), routes re-hash, the items' URIs and
  fields re-hash to the root — "history consistent up to milestone #n at block B";
* completeness: offline only with the bundle's state proof (`tradelane.trace.stateproof`)
  *and* a block hash the user trusts (``trusted_block``): then "complete at block B";
  without one the verdict says "completeness not proven offline";
* with a chain: every log is where the bundle says with the same data, and the contract's
  head, count, route hash and items root now match — complete as of now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from .. import attest
from ..errors import InputError
from ..history import milestone_entries
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
from . import merkle, onchain, shape, stateproof
from .bundle import FORMAT, attestation_nonce, digest
from .codes import parse

if TYPE_CHECKING:
    from ..chain import Chain
    from ..client import Tradelane

__all__ = ["Verdict", "verify", "verify_bundle"]

LEGS_TYPE = "(bytes5,bytes5,uint8,address,uint40,uint40,uint16)[]"


@dataclass
class Verdict:
    """What a check found: `problems` (empty = valid) and `statements` of what it proved."""

    problems: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    complete: bool = False  # completeness proven (trusted state proof, or the live chain)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_bundle(bundle: dict, chain: Chain | Tradelane | None = None) -> list[str]:
    """Every problem found in `bundle` (empty = valid). Offline unless `chain` is given."""
    return verify(bundle, chain).problems


def verify(bundle, chain=None, trusted_block: str | None = None) -> Verdict:
    """Check `bundle` (offline unless `chain`), completeness against `trusted_block` (0x hash)."""
    verdict = Verdict()
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        got = bundle.get("format") if isinstance(bundle, dict) else type(bundle).__name__
        return Verdict([f"format is {got!r}, expected {FORMAT}"])
    verdict.problems = shape.problems(bundle)
    if verdict.problems:
        return verdict
    if chain is not None:
        chain_id = getattr(chain, "chain", chain).chain_id
        if bundle["chain_id"] != chain_id:
            return Verdict(
                [f"bundle is from chain {bundle['chain_id']}, but the node is chain {chain_id}"]
            )
    _offline(bundle, verdict.problems)
    head_at = _state_proof(bundle, trusted_block, verdict.problems)
    if chain is not None and not verdict.problems:
        from .chaincheck import check_against_chain

        verdict.problems.extend(check_against_chain(bundle, chain))
    if bundle["digest"] != digest(bundle):
        verdict.problems.append("bundle digest does not match its content: the file was altered")
    verdict.complete = chain is not None or (head_at is not None and trusted_block is not None)
    verdict.statements = _statements(bundle, chain, trusted_block, head_at)
    return verdict


def _state_proof(b: dict, trusted: str | None, problems: list[str]) -> int | None:
    """The block at which the state proof shows the bundle's head (None: no valid proof)."""
    proof = b["state_proof"]
    if trusted is not None:
        trusted = trusted.lower()
        if proof is None:
            problems.append(
                f"no state proof in the bundle to check against trusted block {trusted}"
            )
            return None
        if proof["block_hash"] != trusted:
            problems.append(
                f"the state proof is for block {proof['block_hash']}, "
                f"not the trusted block {trusted}"
            )
            return None
    if proof is None:
        return None
    try:
        head = "0x" + stateproof.check(proof, b["contract"], b["shipment_id"]).hex()
    except stateproof.ProofError as err:
        problems.append(f"state proof: {err}")
        return None
    if head != b["head"]:
        problems.append(
            f"state proof: the contract's head for shipment {b['shipment_id']} at block "
            f"{proof['block_number']} is {head}, not the bundle's head {b['head']}: the bundle "
            "lacks milestones recorded by then"
        )
        return None
    last = b["milestones"][-1]["block_number"] if b["milestones"] else 0
    if proof["block_number"] < last:
        problems.append(
            f"state proof: block {proof['block_number']} is before the last milestone's "
            f"block {last}"
        )
        return None
    return proof["block_number"]


def _statements(b: dict, chain, trusted: str | None, head_at: int | None) -> list[str]:
    ms = b["milestones"]
    if ms:
        last = ms[-1]
        out = [
            f"history consistent up to milestone #{last['seq']} ({last['code']} "
            f"{last['classifier']} at {last['location']}) at block {last['block_number']}"
        ]
    else:
        out = ["no milestones recorded"]
    proof = b["state_proof"]
    if chain is not None:
        chain_id = getattr(chain, "chain", chain).chain_id
        out.append(f"complete: the contract on chain {chain_id} holds this head now")
    elif head_at is not None and trusted is not None:
        out.append(
            f"complete at block {head_at} ({proof['block_hash']}, trusted): "
            "no later milestone by then"
        )
    elif head_at is not None:
        out.append(
            f"completeness not proven offline: the state proof matches block {head_at} "
            f"({proof['block_hash']}); pass --trusted-block with that hash once you have "
            "checked it on a node or explorer you trust"
        )
    else:
        why = b.get("state_proof_missing") or "no state proof in the bundle"
        out.append(f"completeness not proven offline ({why})")
    n = len(b["items"]["list"])
    out.append(
        f"{n} items hash to the committed root {b['items']['root']}" if n else "no items committed"
    )
    if chain is None:
        out.append("block numbers, log positions and the opening terms not proven offline")
    return out


def _same(mt: tuple, m: Milestone) -> bool:
    return tuple(mt) == (
        m.shipment_id,
        m.leg,
        int(m.code),
        int(m.classifier),
        m.location.encode(),
        m.event_time,
    )


def _offline(b: dict, problems: list[str]) -> None:
    chain_id, contract, sid = b["chain_id"], b["contract"], b["shipment_id"]
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
    parsed = []
    for n, row in enumerate(items["list"]):
        name = f"items.list[{n}]"
        try:
            item = parse(row["uri"])
        except InputError as err:
            problems.append(f"{name}: {err}")
            continue
        if row["uri"] != item.uri:
            problems.append(f"{name}: {row['uri']} is not in canonical GS1 Digital Link form")
        for key, value in item.identity_json().items():
            if row.get(key) != value:
                problems.append(
                    f"{name}: {key} {row.get(key)!r} is not the {key} its URI spells ({value!r})"
                )
        parsed.append(item.uri)
    if len(set(parsed)) != len(parsed):
        problems.append("items.list names an item twice")
    root = "0x" + merkle.root(parsed).hex()
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
        nonce = attestation_nonce(b["milestones"], i)
        _check_transaction(name, m, x, nonce, chain_id, contract, problems)
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


def _check_transaction(name, m, x, nonce, chain_id, contract, problems) -> None:
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
    if not signed or x["nonce"] != nonce or signed[0][1] != x["deadline"]:
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
