"""The shipment vocabulary shared by the client, the CLI, the exports and the web page.

Numbering mirrors contracts/interfaces/IShipments.sol; the packed milestone record and
the hash chain follow docs/SPECIFICATION.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from enum import IntEnum

from eth_utils import keccak, to_checksum_address

from .errors import InputError

__all__ = [
    "State",
    "Mode",
    "Code",
    "Classifier",
    "ORIGIN_SIDE",
    "DESTINATION_SIDE",
    "Milestone",
    "MilestoneEvent",
    "Tranche",
    "LegView",
    "ShipmentStatus",
    "parse_locode",
    "pack_record",
    "unpack_record",
    "next_head",
    "genesis_head",
    "iso",
]


class State(IntEnum):
    NONE = 0
    OPEN = 1
    ROUTED = 2
    DELIVERED = 3
    DISPUTED = 4
    COMPLETED = 5
    REFUNDED = 6
    RESOLVED = 7

    @property
    def final(self) -> bool:
        return self in (State.COMPLETED, State.REFUNDED, State.RESOLVED)

    @property
    def label(self) -> str:
        return self.name.lower()


class Mode(IntEnum):
    SEA = 0
    AIR = 1
    RAIL = 2
    ROAD = 3
    BARGE = 4  # inland waterway


class Code(IntEnum):
    """DCSA Track & Trace event codes recorded on a leg."""

    GTIN = 0  # gate in (equipment)
    LOAD = 1  # loaded (equipment)
    DEPA = 2  # departed (transport)
    ARRI = 3  # arrived (transport)
    DISC = 4  # discharged (equipment)
    GTOT = 5  # gate out (equipment)
    INSP = 6  # inspected, e.g. by customs (equipment)
    RELS = 7  # released by customs (shipment)
    DROP = 8  # dropped off at the consignee: delivered (equipment)


class Classifier(IntEnum):
    ACT = 0
    EST = 1
    PLN = 2


ORIGIN_SIDE = frozenset({Code.GTIN, Code.LOAD, Code.DEPA})
DESTINATION_SIDE = frozenset({Code.ARRI, Code.DISC, Code.GTOT, Code.RELS, Code.DROP})
CODE_WORDS = {
    Code.GTIN: "gated in",
    Code.LOAD: "loaded",
    Code.DEPA: "departed",
    Code.ARRI: "arrived",
    Code.DISC: "discharged",
    Code.GTOT: "gated out",
    Code.INSP: "inspected",
    Code.RELS: "released by customs",
    Code.DROP: "delivered",
}


def iso(ts: int | None) -> str | None:
    """Unix seconds as an ISO 8601 UTC timestamp with offset (None stays None)."""
    if not ts:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def parse_locode(value: str | bytes) -> bytes:
    """A UN/LOCODE ("NLRTM") as the 5 bytes the contract stores."""
    raw = (
        value if isinstance(value, bytes) else str(value).strip().upper().encode("ascii", "replace")
    )
    text = raw.decode("ascii", "replace")
    if len(raw) != 5 or not text[:2].isalpha() or not text[2:].isalnum():
        raise InputError(
            f"'{text}' is not a UN/LOCODE (2-letter country + 3 characters, e.g. NLRTM)"
        )
    return raw


@dataclass(frozen=True)
class Milestone:
    """One milestone as a carrier reports it (the contract's `Milestone` struct)."""

    shipment_id: int
    leg: int
    code: Code
    classifier: Classifier
    location: str
    event_time: int

    def as_tuple(self) -> tuple:
        return (
            self.shipment_id,
            self.leg,
            int(self.code),
            int(self.classifier),
            parse_locode(self.location),
            self.event_time,
        )

    def describe(self) -> str:
        return f"{self.code.name} {self.classifier.name} at {self.location} (leg {self.leg})"


RELAYED_FLAG = 1 << 72


def pack_record(m: Milestone, recorded_at: int, seq: int, relayed: bool) -> bytes:
    """The packed `record` word the contract logs and chains (see SPECIFICATION.md)."""
    word = (
        (m.leg << 248)
        | (int(m.code) << 240)
        | (int(m.classifier) << 232)
        | (int.from_bytes(parse_locode(m.location), "big") << 192)
        | (m.event_time << 152)
        | (recorded_at << 112)
        | (seq << 80)
        | (RELAYED_FLAG if relayed else 0)
    )
    return word.to_bytes(32, "big")


def unpack_record(shipment_id: int, record: bytes) -> tuple[Milestone, int, int, bool]:
    """(milestone, recorded_at, seq, relayed) from a packed record."""
    word = int.from_bytes(record, "big")
    milestone = Milestone(
        shipment_id=shipment_id,
        leg=(word >> 248) & 0xFF,
        code=Code((word >> 240) & 0xFF),
        classifier=Classifier((word >> 232) & 0xFF),
        location=((word >> 192) & (2**40 - 1)).to_bytes(5, "big").decode("ascii", "replace"),
        event_time=(word >> 152) & (2**40 - 1),
    )
    recorded_at = (word >> 112) & (2**40 - 1)
    seq = (word >> 80) & (2**32 - 1)
    return milestone, recorded_at, seq, bool(word & RELAYED_FLAG)


def genesis_head(chain_id: int, contract: str, shipment_id: int) -> bytes:
    """bytes24(keccak256(abi.encode(chainid, contract, shipmentId)))."""
    data = (
        chain_id.to_bytes(32, "big")
        + bytes(12)
        + bytes.fromhex(contract[2:])
        + shipment_id.to_bytes(32, "big")
    )
    return keccak(data)[:24]


def next_head(head: bytes, record: bytes, carrier: str) -> bytes:
    """bytes24(keccak256(abi.encodePacked(head, record, carrier)))."""
    return keccak(head + record + bytes.fromhex(to_checksum_address(carrier)[2:]))[:24]


@dataclass(frozen=True)
class MilestoneEvent:
    """A recorded milestone as read back from the chain's logs."""

    milestone: Milestone
    carrier: str
    seq: int
    recorded_at: int
    relayed: bool
    record: str  # 0x hex of the packed word
    head: str  # 0x hex of the hash-chain head after it
    tx_hash: str
    block_number: int
    log_index: int
    signature: str | None = None  # the carrier's EIP-712 signature, when relayed

    def to_json(self) -> dict:
        m = self.milestone
        return {
            "seq": self.seq,
            "leg": m.leg,
            "code": m.code.name,
            "classifier": m.classifier.name,
            "location": m.location,
            "event_time": iso(m.event_time),
            "recorded_at": iso(self.recorded_at),
            "carrier": self.carrier,
            "relayed": self.relayed,
            "signature": self.signature,
            "record": self.record,
            "head": self.head,
            "tx_hash": self.tx_hash,
            "block_number": self.block_number,
            "log_index": self.log_index,
        }


@dataclass(frozen=True)
class Tranche:
    code: Code
    leg: int  # 255 = last leg
    bps: int

    def as_tuple(self) -> tuple:
        return (int(self.code), self.leg, self.bps)

    @classmethod
    def parse(cls, text: str) -> Tranche:
        """'DEPA:0:2000' or 'ARRI:last:3000' -> Tranche."""
        try:
            code, leg, bps = text.split(":")
            leg_n = 255 if leg.lower() == "last" else int(leg)
            tranche = cls(Code[code.upper()], leg_n, int(bps))
        except (ValueError, KeyError) as err:
            raise InputError(
                f"tranche '{text}' is not CODE:LEG:BPS (e.g. DEPA:0:2000 or ARRI:last:3000)"
            ) from err
        if tranche.code not in (Code.DEPA, Code.ARRI) or not 0 < tranche.bps <= 10_000:
            raise InputError(f"tranche '{text}': code must be DEPA or ARRI and bps 1..10000")
        return tranche


@dataclass(frozen=True)
class LegView:
    index: int
    origin: str
    destination: str
    mode: str
    carrier: str
    planned_departure: int
    planned_arrival: int
    passages: int
    actual_departure: int | None = None
    actual_arrival: int | None = None
    estimated_departure: int | None = None
    estimated_arrival: int | None = None


@dataclass(frozen=True)
class ShipmentStatus:
    """The buyer's view of one shipment."""

    shipment_id: int
    state: State
    buyer: str
    seller: str
    receiver: str
    token: str
    token_symbol: str
    token_decimals: int
    arbiter: str
    destination: str
    deadline: int
    opened_at: int
    delivered_at: int
    disputed_at: int
    deposited: int
    released: int
    refunded: int
    held: int
    refundable: int
    route_hash: str
    network_hash: str
    items_root: str
    head: str
    milestone_count: int
    current_leg: int
    leg_phase: int
    last_event_time: int
    legs: tuple[LegView, ...]
    tranches: tuple[Tranche, ...]
    next_expected: str | None
    next_expected_due: int | None
    overdue: bool
    history_verified: bool
    history_problem: str | None
    now: int
    milestones: tuple[MilestoneEvent, ...] = field(default=())

    def to_json(self) -> dict:
        data = asdict(self)
        data["state"] = self.state.label
        data["legs"] = [asdict(leg) for leg in self.legs]
        data["tranches"] = [
            {"code": t.code.name, "leg": "last" if t.leg == 255 else t.leg, "bps": t.bps}
            for t in self.tranches
        ]
        data["milestones"] = [m.to_json() for m in self.milestones]
        for key in (
            "deadline",
            "opened_at",
            "delivered_at",
            "disputed_at",
            "last_event_time",
            "now",
        ):
            data[key] = iso(data[key])
        data["next_expected_due"] = iso(self.next_expected_due)
        for key in ("deposited", "released", "refunded", "held", "refundable"):
            data[key] = str(data[key])  # exact integers in base units, safe for JSON readers
        return data
