"""A shipment's milestone history from the logs, and its proof against the on-chain head.

Each `MilestoneRecorded` log carries the packed record and the new head. Re-deriving
the chain from the genesis head and comparing with the head stored in the contract
proves the history read from the logs is complete, in order and untampered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from eth_abi import decode as abi_decode
from eth_utils import keccak

from .attest import expand_signature
from .model import MilestoneEvent, genesis_head, next_head, unpack_record

if TYPE_CHECKING:
    from .client import Tradelane

__all__ = [
    "read",
    "verify",
    "verify_chain",
    "milestone_entries",
    "attestations",
    "leg_nonces",
]


def read(tl: Tradelane, shipment_id: int, *, signatures: bool = False) -> list[MilestoneEvent]:
    events = []
    for log in tl.logs("MilestoneRecorded", shipmentId=shipment_id):
        args = log["args"]
        milestone, recorded_at, seq, relayed = unpack_record(shipment_id, args["record"])
        events.append(
            MilestoneEvent(
                milestone=milestone,
                carrier=args["carrier"],
                seq=seq,
                recorded_at=recorded_at,
                relayed=relayed,
                record="0x" + args["record"].hex(),
                head="0x" + args["head"].hex(),
                tx_hash="0x" + log["transactionHash"].hex().removeprefix("0x"),
                block_number=log["blockNumber"],
                log_index=log["logIndex"],
            )
        )
    if signatures:
        found = _signatures(tl, events)
        events = [replace(e, signature=found.get(e.seq)) for e in events]
    return events


def _signatures(tl: Tradelane, events: list[MilestoneEvent]) -> dict[int, str]:
    """Carrier signatures (65-byte hex) of the relayed milestones among `events`, by seq, read
    from their transactions' input (`recordMilestone` and `recordMilestones` carry none)."""

    def call_data(tx_hash: str) -> bytes:
        return tl.chain.w3.eth.get_transaction(tx_hash)["input"]

    return {
        seq: "0x" + signature.hex()
        for seq, (_deadline, signature) in attestations(events, call_data).items()
    }


def verify_chain(
    chain_id: int, contract: str, shipment_id: int, events: list[MilestoneEvent]
) -> str | None:
    """The first inconsistency in `events`' hash chain, or None when every link holds."""
    head = genesis_head(chain_id, contract, shipment_id)
    for i, e in enumerate(events):
        if e.seq != i:
            return f"milestone #{i} has sequence number {e.seq}: one is missing or out of order"
        head = next_head(head, bytes.fromhex(e.record[2:]), e.carrier)
        if "0x" + head.hex() != e.head:
            return f"milestone #{i} ({e.milestone.describe()}) does not link to the one before it"
    return None


def verify(
    tl: Tradelane, shipment_id: int, events: list[MilestoneEvent], view: dict
) -> tuple[bool, str | None]:
    """(True, None) when the logs re-derive the head stored on chain; else (False, why)."""
    problem = verify_chain(tl.chain.chain_id, tl.address, shipment_id, events)
    if problem:
        return False, problem
    if len(events) != view["milestones"]:
        return (
            False,
            f"logs hold {len(events)} milestones but the contract counts {view['milestones']}",
        )
    expected = (
        events[-1].head
        if events
        else "0x" + genesis_head(tl.chain.chain_id, tl.address, shipment_id).hex()
    )
    if expected != "0x" + view["head"].hex():
        return False, "the history read from the logs does not end at the on-chain head"
    return True, None


# -- milestone calldata ------------------------------------------------------------------

_M = "(uint64,uint8,uint8,uint8,bytes5,uint40)"
_CALLS = {
    "recordMilestone": [_M],
    "relaySignedMilestone": [_M, "uint40", "bytes32", "bytes32"],
    "recordMilestones": [f"{_M}[]"],
    "recordBatch": [f"({_M},uint40,bytes32,bytes32)[]"],
}
_SELECTORS = {keccak(text=f"{n}({','.join(t)})")[:4]: (n, t) for n, t in _CALLS.items()}


def _signature(r: bytes, vs: bytes) -> bytes:
    """The standard 65-byte signature of a call's EIP-2098 (r, vs); b"" for r = vs = 0 (direct)."""
    return expand_signature(r, vs) if any(r) or any(vs) else b""


def milestone_entries(data: bytes) -> list[tuple[tuple, int, bytes]]:
    """(milestone tuple, deadline, signature) for each milestone a call's input carries, in order.

    Signatures travel as EIP-2098 (r, vs) and are returned as the standard 65-byte r ‖ s ‖ v;
    direct entries have an empty signature and deadline 0. The attestation's nonce is not in
    the call: it is the milestone's seq. Raises ValueError for any other call.
    """
    data = bytes(data)
    selector, body = data[:4], data[4:]
    if selector not in _SELECTORS:
        raise ValueError("the transaction is not a milestone call")
    name, types = _SELECTORS[selector]
    try:
        decoded = abi_decode(types, body)
    except Exception as err:  # noqa: BLE001 - any decoding failure is "malformed"
        raise ValueError(f"the {name} call data is malformed ({err})") from err
    if name == "recordMilestone":
        return [(tuple(decoded[0]), 0, b"")]
    if name == "recordMilestones":
        return [(tuple(m), 0, b"") for m in decoded[0]]
    if name == "relaySignedMilestone":
        m, deadline, r, vs = decoded
        return [(tuple(m), deadline, _signature(r, vs))]
    return [(tuple(e[0]), e[1], _signature(e[2], e[3])) for e in decoded[0]]


def attestations(
    events: list[MilestoneEvent], call_data: Callable[[str], bytes | None]
) -> dict[int, tuple[int, bytes]]:
    """(deadline, 65-byte signature) of each relayed milestone among `events`, by seq.

    `call_data(tx_hash)` gives a transaction's input (None if unknown). The contract records a
    call's milestones in call order, so within one transaction the k-th relayed event of a
    milestone is the k-th signed entry of that milestone in the call data.
    """
    found: dict[int, tuple[int, bytes]] = {}
    signed: dict[str, dict[tuple, list[tuple[int, bytes]]]] = {}
    for e in sorted(events, key=lambda e: (e.block_number, e.log_index)):
        if not e.relayed:
            continue
        if e.tx_hash not in signed:
            signed[e.tx_hash] = {}
            data = call_data(e.tx_hash)
            try:
                entries = milestone_entries(data) if data is not None else []
            except ValueError:
                entries = []  # not a direct call to the contract: nothing to read
            for m, deadline, signature in entries:
                if signature:
                    signed[e.tx_hash].setdefault(m, []).append((deadline, signature))
        queue = signed[e.tx_hash].get(e.milestone.as_tuple())
        if queue:
            found[e.seq] = queue.pop(0)
    return found


def leg_nonces(events: list[MilestoneEvent]) -> dict[int, int]:
    """The attestation nonce of each milestone, by seq: its place among the milestones of its
    own leg (the contract signs that in, not the shipment-wide seq; SPECIFICATION.md A5)."""
    seen: dict[int, int] = {}
    nonces = {}
    for e in sorted(events, key=lambda e: e.seq):
        leg = e.milestone.leg
        nonces[e.seq] = seen.get(leg, 0)
        seen[leg] = nonces[e.seq] + 1
    return nonces
