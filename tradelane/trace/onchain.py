"""Facts about one shipment read from the chain: its opening, routes, items root, transactions.

`tradelane.history` reads the milestones; this module reads what the exports and bundles
need besides: every `RouteCommitted` (each carries the complete route), `ItemsCommitted`,
`ShipmentOpened`, and the signed raw transaction behind each milestone, which lets a
bundle prove offline who sent or signed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eth_account import Account
from eth_account.typed_transactions import TypedTransaction
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes

from ..model import Mode

if TYPE_CHECKING:
    from ..client import Tradelane

__all__ = ["RouteCommit", "opened", "routes", "items_commit", "raw_transaction", "decode_raw"]


@dataclass(frozen=True)
class RouteCommit:
    """One `RouteCommitted` log: the complete route in force from there on."""

    from_leg: int
    route_hash: str
    network_hash: str
    legs: tuple[dict, ...]
    tx_hash: str
    block_number: int
    log_index: int

    def to_json(self) -> dict:
        return {
            "from_leg": self.from_leg,
            "route_hash": self.route_hash,
            "network_hash": self.network_hash,
            "legs": list(self.legs),
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            "log_index": self.log_index,
        }


def _hex(value) -> str:
    return "0x" + bytes(value).hex()


def _position(log) -> dict:
    return {
        "tx_hash": "0x" + log["transactionHash"].hex().removeprefix("0x"),
        "block_number": log["blockNumber"],
        "log_index": log["logIndex"],
    }


_LEG_KEYS = ("origin", "destination", "mode", "carrier", "plannedDeparture", "plannedArrival")


def leg_json(raw) -> dict:
    """A leg (ABI tuple or web3's named struct) as JSON."""
    if hasattr(raw, "keys"):
        raw = [raw[k] for k in (*_LEG_KEYS, "passages")]
    origin, destination, mode, carrier, dep, arr, passages = raw
    return {
        "origin": bytes(origin).decode("ascii", "replace"),
        "destination": bytes(destination).decode("ascii", "replace"),
        "mode": Mode(mode).name.lower(),
        "carrier": to_checksum_address(carrier),
        "planned_departure": int(dep),
        "planned_arrival": int(arr),
        "passages": int(passages),
    }


def _logs(tl: Tradelane, event: str, shipment_id: int) -> list:
    return tl.logs(event, shipmentId=shipment_id)


def opened(tl: Tradelane, shipment_id: int) -> dict | None:
    """The `ShipmentOpened` log as JSON (None if not found from the deployment block)."""
    logs = _logs(tl, "ShipmentOpened", shipment_id)
    if not logs:
        return None
    args = logs[0]["args"]
    return {
        "buyer": args["buyer"],
        "seller": args["seller"],
        "token": args["token"],
        "amount": str(args["amount"]),
        "destination": bytes(args["destination"]).decode("ascii", "replace"),
        "deadline": int(args["deadline"]),
        "arbiter": args["arbiter"],
        **_position(logs[0]),
    }


def routes(tl: Tradelane, shipment_id: int) -> list[RouteCommit]:
    """Every committed route of the shipment, oldest first."""
    return [
        RouteCommit(
            from_leg=int(log["args"]["fromLeg"]),
            route_hash=_hex(log["args"]["routeHash"]),
            network_hash=_hex(log["args"]["networkHash"]),
            legs=tuple(leg_json(leg) for leg in log["args"]["legs"]),
            **_position(log),
        )
        for log in _logs(tl, "RouteCommitted", shipment_id)
    ]


def route_in_force(routes: list[RouteCommit], position: tuple[int, int]) -> RouteCommit | None:
    """The route committed last before log `position` (block number, log index), if any."""
    current = None
    for r in routes:
        if (r.block_number, r.log_index) < position:
            current = r
    return current


def items_commit(tl: Tradelane, shipment_id: int) -> dict | None:
    """Where the items root was committed by `commitItems` (None: at opening, or never)."""
    logs = _logs(tl, "ItemsCommitted", shipment_id)
    if not logs:
        return None
    return {"root": _hex(logs[0]["args"]["itemsRoot"]), **_position(logs[0])}


# -- transactions ----------------------------------------------------------------------

_TX_FIELDS = ("chainId", "nonce", "gas", "to", "value", "accessList")


def raw_transaction(tl: Tradelane, tx_hash: str) -> str | None:
    """The signed transaction `tx_hash` as 0x hex (rebuilt from its fields where the node
    has no ``eth_getRawTransactionByHash``); None if it cannot be reproduced exactly."""
    w3 = tl.chain.w3
    try:
        raw = bytes(w3.eth.get_raw_transaction(tx_hash))
    except Exception:  # noqa: BLE001 - eth-tester lacks the method: rebuild it
        raw = _rebuild(w3.eth.get_transaction(tx_hash))
    if raw is None or "0x" + keccak(raw).hex() != tx_hash.lower():
        return None
    return "0x" + raw.hex()


def _rebuild(tx) -> bytes | None:
    kind = int(tx.get("type", 0))
    if kind != 2:
        return None
    fields = {k: tx[k] for k in _TX_FIELDS if k in tx}
    fields.update(
        type=2,
        data=bytes(tx["input"]),
        maxFeePerGas=tx["maxFeePerGas"],
        maxPriorityFeePerGas=tx["maxPriorityFeePerGas"],
        accessList=list(tx.get("accessList") or []),
        v=int(tx.get("yParity", tx.get("v"))),
        r=int.from_bytes(bytes(tx["r"]), "big"),
        s=int.from_bytes(bytes(tx["s"]), "big"),
    )
    try:
        return TypedTransaction.from_dict(fields).encode()
    except Exception:  # noqa: BLE001 - an unexpected shape: no offline transaction proof
        return None


def decode_raw(raw_hex: str) -> dict:
    """{sender, chain_id, to, data} of a signed transaction (raises ValueError if malformed)."""
    raw = bytes.fromhex(raw_hex.removeprefix("0x"))
    try:
        sender = Account.recover_transaction(raw)
        if raw[0] >= 0x7F:
            import rlp

            nonce, price, gas, to, value, data, v, r, s = rlp.decode(raw)
            chain_id = (int.from_bytes(v, "big") - 35) // 2
            return {"sender": sender, "chain_id": chain_id, "to": _addr(to), "data": data}
        fields = TypedTransaction.from_bytes(HexBytes(raw)).as_dict()
    except Exception as err:  # noqa: BLE001 - any decoding failure is "malformed"
        raise ValueError(f"not a signed transaction ({err})") from err
    return {
        "sender": sender,
        "chain_id": int(fields["chainId"]),
        "to": _addr(fields.get("to")),
        "data": bytes(fields.get("data", b"")),
    }


def _addr(value) -> str | None:
    if not value:
        return None
    return to_checksum_address(value if isinstance(value, str) else bytes(value))
