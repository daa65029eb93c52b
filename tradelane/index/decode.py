"""Raw logs → event arguments, from the compiled ABI (so a new event is one more handler).

A log whose topic0 no event of the ABI has stays a raw log only; after an upgrade
`Follower.redecode()` rebuilds every decoded table from the raw logs kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from eth_abi import decode as abi_decode
from eth_utils import event_abi_to_log_topic, function_abi_to_4byte_selector, to_checksum_address

from ..model import Code

__all__ = [
    "Log",
    "EventDecoder",
    "as_hex",
    "as_int",
    "opening_tranches",
    "shipments_abi",
    "shipments_decoder",
]


def as_hex(value) -> str:
    """A hash from the node (bytes from the embedded chain, else 0x-hex) as 0x-hex."""
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value


def as_int(value) -> int:
    """A JSON-RPC quantity (0x-hex, or an int from the embedded chain) as an int."""
    return value if isinstance(value, int) else int(value, 16)


@dataclass(frozen=True)
class Log:
    """One log as the index keeps it: hex strings, as `raw_logs` stores them."""

    block_number: int
    block_hash: str
    tx_hash: str
    log_index: int
    address: str
    topics: tuple[str, ...]
    data: str
    block_time: int

    @property
    def topic0(self) -> str | None:
        return self.topics[0] if self.topics else None

    @classmethod
    def from_rpc(cls, raw: dict, block_time: int) -> Log:
        return cls(
            block_number=as_int(raw["blockNumber"]),
            block_hash=raw["blockHash"],
            tx_hash=raw["transactionHash"],
            log_index=as_int(raw["logIndex"]),
            address=to_checksum_address(raw["address"]),
            topics=tuple(raw["topics"]),
            data=raw["data"] or "0x",
            block_time=block_time,
        )

    @classmethod
    def from_row(cls, row) -> Log:
        return cls(
            block_number=row.block_number,
            block_hash=row.block_hash,
            tx_hash=row.tx_hash,
            log_index=row.log_index,
            address=row.address,
            topics=tuple(row.topics.split(",")) if row.topics else (),
            data=row.data,
            block_time=row.block_time,
        )

    def as_row(self, chain_id: int, final: bool, event: str | None, shipment_id: int | None):
        return {
            "chain_id": chain_id,
            "block_hash": self.block_hash,
            "tx_hash": self.tx_hash,
            "log_index": self.log_index,
            "block_number": self.block_number,
            "address": self.address,
            "topic0": self.topic0,
            "topics": ",".join(self.topics),
            "data": self.data,
            "final": final,
            "event": event,
            "shipment_id": shipment_id,
            "block_time": self.block_time,
        }


@dataclass(frozen=True)
class _Event:
    name: str
    indexed: tuple[tuple[str, str], ...]  # (name, abi type)
    body_names: tuple[str, ...]
    body_types: tuple[str, ...]
    scoped: bool  # the first indexed argument is the shipment id


def _abi_type(arg: dict) -> str:
    """The canonical type string of an ABI argument (tuples spelled out)."""
    t = arg["type"]
    if t.startswith("tuple"):
        inner = ",".join(_abi_type(c) for c in arg["components"])
        return f"({inner}){t[5:]}"
    return t


def _plain(value, abi_type: str):
    """eth_abi values as the index stores them: checksummed addresses, bytes kept."""
    if abi_type == "address":
        return to_checksum_address(value)
    if isinstance(value, tuple | list):
        return tuple(value)
    return value


class EventDecoder:
    """Decodes the logs of one contract ABI: `decode(log)` → (event name, args) or None."""

    def __init__(self, abi: list[dict]):
        self.events: dict[str, _Event] = {}
        for item in abi:
            if item.get("type") != "event" or item.get("anonymous"):
                continue
            indexed = tuple((a["name"], _abi_type(a)) for a in item["inputs"] if a["indexed"])
            body = [a for a in item["inputs"] if not a["indexed"]]
            topic = "0x" + event_abi_to_log_topic(item).hex()
            self.events[topic] = _Event(
                name=item["name"],
                indexed=indexed,
                body_names=tuple(a["name"] for a in body),
                body_types=tuple(_abi_type(a) for a in body),
                scoped=bool(indexed) and indexed[0][0] == "shipmentId",
            )

    def describe(self, log: Log) -> tuple[str | None, int | None]:
        """(event name, shipment id) without decoding the body; (None, None) if unknown."""
        event = self.events.get(log.topic0 or "")
        if event is None:
            return None, None
        if event.scoped and len(log.topics) > 1:
            return event.name, int(log.topics[1], 16)
        return event.name, None

    def decode(self, log: Log) -> tuple[str, dict] | None:
        event = self.events.get(log.topic0 or "")
        if event is None or len(log.topics) != len(event.indexed) + 1:
            return None
        args: dict = {}
        for (name, abi_type), topic in zip(event.indexed, log.topics[1:], strict=True):
            if abi_type in ("string", "bytes") or abi_type.endswith("]") or "(" in abi_type:
                args[name] = bytes.fromhex(topic[2:])  # a dynamic value is logged as its hash
            else:
                (value,) = abi_decode([abi_type], bytes.fromhex(topic[2:]))
                args[name] = _plain(value, abi_type)
        values = abi_decode(list(event.body_types), bytes.fromhex(log.data[2:]))
        for name, abi_type, value in zip(event.body_names, event.body_types, values, strict=True):
            args[name] = _plain(value, abi_type)
        return event.name, args


@cache
def shipments_abi() -> tuple[dict, ...]:
    """The compiled ABI of this version's deployment: the `IShipments` surface (everything a
    module behind the contract's fallback emits too) and the `Shipments` contract itself."""
    from ..contracts import artifact

    return (*artifact("IShipments").abi, *artifact("Shipments").abi)


@cache
def shipments_decoder() -> EventDecoder:
    """The decoder of this version's Shipments deployment (compiled ABI, cached)."""
    return EventDecoder(list(shipments_abi()))


def opening_tranches(abi: list[dict]) -> Callable[[str], str]:
    """A decoder of an opening call's input (0x-hex) → its tranches as "CODE:LEG:BPS,…".

    The tranche schedule is not in `ShipmentOpened`; it is in the order the buyer sent.
    """
    calls = {}
    for f in abi:
        if f.get("type") != "function":
            continue
        for i, arg in enumerate(f["inputs"]):
            names = [c["name"] for c in arg.get("components", [])]
            if "tranches" in names:
                calls[function_abi_to_4byte_selector(f)] = (
                    [_abi_type(a) for a in f["inputs"]],
                    i,
                    names.index("tranches"),
                )

    def decode(data: str) -> str:
        raw = bytes.fromhex(data[2:])
        if raw[:4] not in calls:
            return ""
        types, arg, field = calls[raw[:4]]
        try:
            order = abi_decode(types, raw[4:])[arg]
        except Exception:  # noqa: BLE001 - not a call we can read (e.g. through a wallet)
            return ""
        return ",".join(f"{Code(c).name}:{leg}:{bps}" for c, leg, bps in order[field])

    return decode
