"""A proof bundle checked against a live chain: every log is really there, the state matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from web3 import Web3

from ..errors import TradelaneError
from . import onchain

if TYPE_CHECKING:
    from ..chain import Chain
    from ..client import Tradelane

__all__ = ["check_against_chain"]


def check_against_chain(bundle: dict, chain: Chain | Tradelane) -> list[str]:
    from ..client import Tradelane

    tl = chain if isinstance(chain, Tradelane) else None
    chain = tl.chain if tl else chain
    if chain.chain_id != bundle["chain_id"]:
        return [
            f"bundle is from chain {bundle['chain_id']}, but the node is chain {chain.chain_id}"
        ]
    address = Web3.to_checksum_address(bundle["contract"])
    if not chain.w3.eth.get_code(address):
        return [f"no contract at {address} on chain {chain.chain_id}"]
    if tl is None or tl.address != address:
        tl = Tradelane(chain, address)
    sid = bundle["shipment_id"]
    try:
        view = tl.view(sid)
    except TradelaneError as err:
        return [str(err)]
    problems = _state(bundle, tl, view)
    for i, m in enumerate(bundle["milestones"]):
        args = _log(tl, m, "MilestoneRecorded", problems, f"milestone #{i}")
        if args is not None and (
            args["shipmentId"] != sid
            or args["carrier"] != Web3.to_checksum_address(m["carrier"])
            or "0x" + args["record"].hex() != m["record"]
            or "0x" + args["head"].hex() != m["head"]
        ):
            problems.append(f"milestone #{i}: the log on chain holds other data than the bundle")
    for i, r in enumerate(bundle["routes"]):
        args = _log(tl, r, "RouteCommitted", problems, f"route #{i}")
        if args is not None and (
            args["shipmentId"] != sid
            or "0x" + args["routeHash"].hex() != r["route_hash"]
            or "0x" + args["networkHash"].hex() != r["network_hash"]
            or args["fromLeg"] != r["from_leg"]
        ):
            problems.append(f"route #{i}: the log on chain holds another route than the bundle")
    if bundle.get("opened") != onchain.opened(tl, sid):  # read as the bundle builder reads it
        problems.append("opening: the log on chain holds other terms than the bundle")
    committed = bundle["items"].get("committed")
    if committed:
        args = _log(tl, committed, "ItemsCommitted", problems, "items commitment")
        if args is not None and "0x" + args["itemsRoot"].hex() != committed["root"]:
            problems.append("items commitment: the log on chain holds another root")
    return problems


def _state(bundle: dict, tl: Tradelane, view: dict) -> list[str]:
    """The shipment now: head and items root from the contract's view, the milestone count
    and the route in force from its logs (the same readers the builder uses)."""
    routes = onchain.routes(tl, bundle["shipment_id"])
    zero = "0x" + "00" * 32
    pairs = (
        ("head", "0x" + bytes(view["head"]).hex(), bundle["head"]),
        ("milestone count", len(tl.history(bundle["shipment_id"])), bundle["milestone_count"]),
        ("route hash", routes[-1].route_hash if routes else zero, bundle["route_hash"]),
        ("network hash", routes[-1].network_hash if routes else zero, bundle["network_hash"]),
        ("items root", "0x" + bytes(view["itemsRoot"]).hex(), bundle["items"]["root"]),
    )
    return [
        f"on-chain {label} is {actual}, the bundle says {expected}"
        for label, actual, expected in pairs
        if actual != expected
    ]


def _log(tl: Tradelane, where: dict, event: str, problems: list[str], name: str):
    try:
        receipt = tl.chain.w3.eth.get_transaction_receipt(where["tx_hash"])
    except Exception:  # noqa: BLE001 - unknown hash or node error: the log is not provable
        problems.append(f"{name}: transaction {where['tx_hash']} is not on chain")
        return None
    if receipt["blockNumber"] != where["block_number"]:
        problems.append(
            f"{name}: transaction is in block {receipt['blockNumber']}, not {where['block_number']}"
        )
        return None
    for log in getattr(tl.contract.events, event)().process_receipt(receipt, errors=_discard()):
        if log["logIndex"] == where["log_index"] and log["address"] == tl.address:
            return log["args"]
    problems.append(f"{name}: no {event} log at index {where['log_index']} of its transaction")
    return None


def _discard():
    from web3.logs import DISCARD

    return DISCARD
