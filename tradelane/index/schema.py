"""The index's tables (SQLAlchemy Core), one schema for SQLite and PostgreSQL.

The table and column names of INDEX_SCHEMA.md are a contract other rooms read (analytics,
the web page): add, never rename. Every decoded table starts with (chain_id, contract) and
carries the `block_number` of the log that produced (or last changed) the row. Addresses are
checksummed 0x strings, times unix seconds, token amounts Numeric(78, 0), enums lower-case
text. The Alembic migrations in `migrations/versions` create exactly this; a test compares
them.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    false,
)

__all__ = ["Amount", "metadata", "TABLES", "DECODED"]

metadata = MetaData()
ZERO32 = "0x" + "00" * 32


class Amount(TypeDecorator):
    """A token amount in base units: NUMERIC(78, 0) on PostgreSQL; exact decimal text on SQLite,
    whose NUMERIC is a 64-bit float above 2**53 (18-decimal tokens pass that at 0.009 units).
    Reads back as a Python int on both."""

    impl = Numeric(78, 0)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(79))
        return dialect.type_descriptor(Numeric(78, 0))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return str(int(value)) if dialect.name == "sqlite" else int(value)

    def process_result_value(self, value, dialect):
        return None if value is None else int(value)


def _key() -> list[Column]:
    return [
        Column("chain_id", BigInteger, primary_key=True),
        Column("contract", String(42), primary_key=True),
    ]


def _origin() -> list[Column]:
    """Where a row came from: the log's block, transaction and place in the block."""
    return [
        Column("block_number", BigInteger, nullable=False),
        Column("tx_hash", String(66), nullable=False),
        Column("log_index", Integer, nullable=False),
    ]


# -- the follower's own state ------------------------------------------------------------

cursors = Table(
    "cursors",
    metadata,
    *_key(),
    Column("deploy_block", BigInteger, nullable=False),
    Column("number", BigInteger, nullable=False),  # last block fully indexed
    Column("hash", String(66), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("head", BigInteger, nullable=False),  # the node's head when last synced
    Column("finalized", BigInteger, nullable=False),  # highest block known final
    Column("finality", String(40), nullable=False),  # "finalized tag" or "depth N"
    Column("synced_at", BigInteger, nullable=False),  # wall clock, unix seconds
    Column("reorgs", Integer, nullable=False, default=0),
)

blocks = Table(
    "blocks",
    metadata,
    Column("chain_id", BigInteger, primary_key=True),
    Column("contract", String(42), primary_key=True),
    Column("number", BigInteger, primary_key=True),
    Column("hash", String(66), nullable=False),
    Column("parent_hash", String(66), nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("final", Boolean, nullable=False),
)

raw_logs = Table(
    "raw_logs",
    metadata,
    Column("chain_id", BigInteger, primary_key=True),
    Column("block_hash", String(66), primary_key=True),
    Column("tx_hash", String(66), primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("address", String(42), nullable=False),
    Column("topic0", String(66)),
    Column("topics", Text, nullable=False),  # the topics, 0x-hex, comma-separated
    Column("data", Text, nullable=False),  # 0x-hex
    Column("final", Boolean, nullable=False),
    Column("event", String(64)),  # the ABI event name when known at decode time
    Column("shipment_id", BigInteger),  # the indexed shipmentId, if the event has one
    Column("block_time", BigInteger, nullable=False),
    Index("ix_raw_logs_order", "chain_id", "address", "block_number", "log_index"),
    Index("ix_raw_logs_shipment", "chain_id", "address", "shipment_id"),
)

calls = Table(
    "calls",
    metadata,
    Column("chain_id", BigInteger, primary_key=True),
    Column("tx_hash", String(66), primary_key=True),
    Column("block_number", BigInteger, nullable=False),
    Column("input", Text, nullable=False),  # 0x-hex: the opening order (tranches are not logged)
)

tokens = Table(
    "tokens",
    metadata,
    Column("chain_id", BigInteger, primary_key=True),
    Column("address", String(42), primary_key=True),
    Column("symbol", String(32), nullable=False),
    Column("decimals", Integer, nullable=False),
)

# -- decoded ---------------------------------------------------------------------------

shipments = Table(
    "shipments",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("buyer", String(42), nullable=False),
    Column("seller", String(42), nullable=False),
    Column("token", String(42), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("destination", String(5), nullable=False),
    Column("deadline", BigInteger, nullable=False),
    Column("arbiter", String(42), nullable=False),
    Column("opened_at", BigInteger, nullable=False),
    Column("state", String(16), nullable=False),
    Column("delivered_at", BigInteger, nullable=False),
    Column("disputed_at", BigInteger, nullable=False),
    Column("released", Amount(), nullable=False),
    Column("refunded", Amount(), nullable=False),
    Column("block_number", BigInteger, nullable=False),  # the opening log's block
    # beyond the contract: what status needs without a chain call
    Column("receiver", String(42), nullable=False),
    Column("items_root", String(66), nullable=False),
    Column("route_hash", String(66), nullable=False),
    Column("network_hash", String(66), nullable=False),
    Column("route_version", Integer, nullable=False),  # route commitments so far
    Column("head", String(50), nullable=False),  # milestone hash-chain head (bytes24)
    Column("milestone_count", Integer, nullable=False),
    Column("current_leg", Integer, nullable=False),
    Column("leg_phase", Integer, nullable=False),
    Column("last_event_time", BigInteger, nullable=False),
    Column("tranches", Text, nullable=False),  # "CODE:LEG:BPS,…" from the opening call
    Column("tx_hash", String(66), nullable=False),  # the opening transaction
    Column("updated_block", BigInteger, nullable=False),
    # agreement (offers, bookings): 0 until a contract version that logs them
    Column("agreement", String(66), nullable=False, server_default=ZERO32),  # offer/amendment
    Column("confirmed_legs", Integer, nullable=False, server_default="0"),  # bit i: leg i booked
    Index("ix_shipments_buyer", "chain_id", "contract", "buyer", "shipment_id"),
    Index("ix_shipments_seller", "chain_id", "contract", "seller", "shipment_id"),
    Index("ix_shipments_state", "chain_id", "contract", "state"),
)

legs = Table(
    "legs",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("route_version", Integer, primary_key=True),
    Column("leg", Integer, primary_key=True),
    Column("origin", String(5), nullable=False),
    Column("destination", String(5), nullable=False),
    Column("mode", String(8), nullable=False),
    Column("carrier", String(42), nullable=False),
    Column("planned_departure", BigInteger, nullable=False),
    Column("planned_arrival", BigInteger, nullable=False),
    Column("passages", Integer, nullable=False),
    Column("route_hash", String(66), nullable=False),
    Column("in_force", Boolean, nullable=False),
    Column("confirmed", Boolean, nullable=False, server_default=false()),  # carrier booked it
    *_origin(),
    Index("ix_legs_carrier", "chain_id", "contract", "carrier"),
)

milestones = Table(
    "milestones",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("leg", Integer, nullable=False),
    Column("code", String(4), nullable=False),
    Column("classifier", String(3), nullable=False),
    Column("location", String(5), nullable=False),
    Column("event_time", BigInteger, nullable=False),
    Column("carrier", String(42), nullable=False),
    Column("block_time", BigInteger, nullable=False),
    Column("recorded_at", BigInteger, nullable=False),
    Column("relayed", Boolean, nullable=False),
    Column("record", String(66), nullable=False),
    Column("head", String(50), nullable=False),
    *_origin(),
    Index("ix_milestones_carrier", "chain_id", "contract", "carrier"),
)

payouts = Table(
    "payouts",
    metadata,
    *_key(),
    Column("block_number", BigInteger, primary_key=True),
    Column("log_index", Integer, primary_key=True),
    Column("part", Integer, primary_key=True),  # 0, or 1 for the seller side of a resolution
    Column("shipment_id", BigInteger),  # NULL for a withdrawal (not tied to one shipment)
    Column("payee", String(42), nullable=False),
    Column("token", String(42), nullable=False),
    Column("amount", Amount(), nullable=False),
    Column("kind", String(12), nullable=False),  # tranche/completed/refunded/resolved/withdrawn
    Column("tx_hash", String(66), nullable=False),
    Index("ix_payouts_shipment", "chain_id", "contract", "shipment_id"),
    # a payee's credit: its rows in one token from the last withdrawal on, read from this
    # index alone (Reader.credit)
    Index(
        "ix_payouts_credit",
        *("chain_id", "contract", "payee", "token", "block_number", "log_index", "kind", "amount"),
    ),
)

disputes = Table(
    "disputes",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("opened_by", String(42), nullable=False),
    Column("opened_at", BigInteger, nullable=False),
    Column("resolved_at", BigInteger),
    Column("to_buyer", Amount()),
    Column("to_seller", Amount()),
    Column("by_timeout", Boolean),
    Column("block_number", BigInteger, nullable=False),
    Column("resolved_block", BigInteger),
)

amendments = Table(
    "amendments",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("route_version", Integer, primary_key=True),  # 1, 2, … (0 is the first commitment)
    Column("from_leg", Integer, nullable=False),
    Column("route_hash", String(66), nullable=False),
    Column("network_hash", String(66), nullable=False),
    Column("legs", Integer, nullable=False),  # legs in the new route
    Column("block_time", BigInteger, nullable=False),
    *_origin(),
)

parties = Table(
    "parties",
    metadata,
    *_key(),
    Column("shipment_id", BigInteger, primary_key=True),
    Column("address", String(42), primary_key=True),
    Column("role", String(12), primary_key=True),  # buyer/seller/arbiter/receiver/carrier
    Column("block_number", BigInteger, nullable=False),
    # covering (role too): else SQLite walks the whole primary key for "newest first"
    Index("ix_parties_by_address", "chain_id", "contract", "address", "shipment_id", "role"),
)

TABLES = {t.name: t for t in metadata.sorted_tables}
# the rows decoded from logs: rebuilt from raw_logs on a reorg or a re-decode
DECODED = (shipments, legs, milestones, payouts, disputes, amendments, parties)
