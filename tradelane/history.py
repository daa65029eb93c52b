"""A shipment's milestone history from the logs, and its proof against the on-chain head.

Each `MilestoneRecorded` log carries the packed record and the new head. Re-deriving
the chain from the genesis head and comparing with the head stored in the contract
proves the history read from the logs is complete, in order and untampered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .attest import expand_signature
from .model import MilestoneEvent, genesis_head, next_head, unpack_record

if TYPE_CHECKING:
    from .client import Tradelane

__all__ = ["read", "verify", "verify_chain"]


def read(tl: Tradelane, shipment_id: int, *, signatures: bool = False) -> list[MilestoneEvent]:
    logs = tl.contract.events.MilestoneRecorded().get_logs(
        from_block=tl.from_block, argument_filters={"shipmentId": shipment_id}
    )
    logs = sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))
    sigs = _signatures(tl, logs) if signatures else {}
    events = []
    for log in logs:
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
                signature=sigs.get((shipment_id, seq)),
            )
        )
    return events


def _signatures(tl: Tradelane, logs) -> dict[tuple[int, int], str]:
    """Carrier signatures of relayed milestones (65-byte hex), recovered from the transactions'
    input: `relayMilestone` and the signed entries of `recordBatch` (`recordMilestones` and
    `recordMilestone` carry none)."""
    found: dict[tuple[int, int], str] = {}
    for tx_hash in {log["transactionHash"] for log in logs}:
        tx = tl.chain.w3.eth.get_transaction(tx_hash)
        try:
            fn, params = tl.contract.decode_function_input(tx["input"])
        except ValueError:
            continue
        if fn.fn_name == "relayMilestone":
            entries = [params]
        elif fn.fn_name == "recordBatch":
            entries = params["entries"]
        else:
            continue
        for entry in entries:  # web3 decodes structs as dicts keyed by field name
            r, vs = bytes(entry["r"]), bytes(entry["vs"])
            if any(r) or any(vs):  # r = vs = 0 marks a direct batch entry
                key = (int(entry["milestone"]["shipmentId"]), int(entry["nonce"]))
                # The call carries the EIP-2098 (r, vs) form; exports keep the standard r ‖ s ‖ v.
                found[key] = "0x" + expand_signature(r, vs).hex()
    return found


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
