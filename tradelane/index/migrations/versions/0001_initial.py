"""the index schema: blocks, raw logs, cursors and the decoded tables

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tradelane.index.schema import Amount

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendments",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("route_version", sa.Integer(), nullable=False),
        sa.Column("from_leg", sa.Integer(), nullable=False),
        sa.Column("route_hash", sa.String(length=66), nullable=False),
        sa.Column("network_hash", sa.String(length=66), nullable=False),
        sa.Column("legs", sa.Integer(), nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id", "route_version"),
    )
    op.create_table(
        "blocks",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("parent_hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "number"),
    )
    op.create_table(
        "calls",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "tx_hash"),
    )
    op.create_table(
        "cursors",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("deploy_block", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=66), nullable=False),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("head", sa.BigInteger(), nullable=False),
        sa.Column("finalized", sa.BigInteger(), nullable=False),
        sa.Column("finality", sa.String(length=40), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.Column("reorgs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract"),
    )
    op.create_table(
        "disputes",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("opened_by", sa.String(length=42), nullable=False),
        sa.Column("opened_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.Column("to_buyer", Amount(), nullable=True),
        sa.Column("to_seller", Amount(), nullable=True),
        sa.Column("by_timeout", sa.Boolean(), nullable=True),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("resolved_block", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id"),
    )
    op.create_table(
        "legs",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("route_version", sa.Integer(), nullable=False),
        sa.Column("leg", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=5), nullable=False),
        sa.Column("destination", sa.String(length=5), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("carrier", sa.String(length=42), nullable=False),
        sa.Column("planned_departure", sa.BigInteger(), nullable=False),
        sa.Column("planned_arrival", sa.BigInteger(), nullable=False),
        sa.Column("passages", sa.Integer(), nullable=False),
        sa.Column("route_hash", sa.String(length=66), nullable=False),
        sa.Column("in_force", sa.Boolean(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id", "route_version", "leg"),
    )
    with op.batch_alter_table("legs", schema=None) as batch_op:
        batch_op.create_index("ix_legs_carrier", ["chain_id", "contract", "carrier"], unique=False)

    op.create_table(
        "milestones",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("leg", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("classifier", sa.String(length=3), nullable=False),
        sa.Column("location", sa.String(length=5), nullable=False),
        sa.Column("event_time", sa.BigInteger(), nullable=False),
        sa.Column("carrier", sa.String(length=42), nullable=False),
        sa.Column("block_time", sa.BigInteger(), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.Column("relayed", sa.Boolean(), nullable=False),
        sa.Column("record", sa.String(length=66), nullable=False),
        sa.Column("head", sa.String(length=50), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id", "seq"),
    )
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.create_index(
            "ix_milestones_carrier", ["chain_id", "contract", "carrier"], unique=False
        )

    op.create_table(
        "parties",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id", "address", "role"),
    )
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.create_index(
            "ix_parties_address", ["chain_id", "contract", "address", "shipment_id"], unique=False
        )

    op.create_table(
        "payouts",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=True),
        sa.Column("payee", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("amount", Amount(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "block_number", "log_index", "part"),
    )
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.create_index("ix_payouts_payee", ["chain_id", "contract", "payee"], unique=False)
        batch_op.create_index(
            "ix_payouts_shipment", ["chain_id", "contract", "shipment_id"], unique=False
        )

    op.create_table(
        "raw_logs",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("block_hash", sa.String(length=66), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("topic0", sa.String(length=66), nullable=True),
        sa.Column("topics", sa.Text(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("event", sa.String(length=64), nullable=True),
        sa.Column("shipment_id", sa.BigInteger(), nullable=True),
        sa.Column("block_time", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "block_hash", "tx_hash", "log_index"),
    )
    with op.batch_alter_table("raw_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_raw_logs_order", ["chain_id", "address", "block_number", "log_index"], unique=False
        )
        batch_op.create_index(
            "ix_raw_logs_shipment", ["chain_id", "address", "shipment_id"], unique=False
        )

    op.create_table(
        "shipments",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("contract", sa.String(length=42), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=False),
        sa.Column("buyer", sa.String(length=42), nullable=False),
        sa.Column("seller", sa.String(length=42), nullable=False),
        sa.Column("token", sa.String(length=42), nullable=False),
        sa.Column("amount", Amount(), nullable=False),
        sa.Column("destination", sa.String(length=5), nullable=False),
        sa.Column("deadline", sa.BigInteger(), nullable=False),
        sa.Column("arbiter", sa.String(length=42), nullable=False),
        sa.Column("opened_at", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("delivered_at", sa.BigInteger(), nullable=False),
        sa.Column("disputed_at", sa.BigInteger(), nullable=False),
        sa.Column("released", Amount(), nullable=False),
        sa.Column("refunded", Amount(), nullable=False),
        sa.Column("block_number", sa.BigInteger(), nullable=False),
        sa.Column("receiver", sa.String(length=42), nullable=False),
        sa.Column("items_root", sa.String(length=66), nullable=False),
        sa.Column("route_hash", sa.String(length=66), nullable=False),
        sa.Column("network_hash", sa.String(length=66), nullable=False),
        sa.Column("route_version", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=50), nullable=False),
        sa.Column("milestone_count", sa.Integer(), nullable=False),
        sa.Column("current_leg", sa.Integer(), nullable=False),
        sa.Column("leg_phase", sa.Integer(), nullable=False),
        sa.Column("last_event_time", sa.BigInteger(), nullable=False),
        sa.Column("tranches", sa.Text(), nullable=False),
        sa.Column("tx_hash", sa.String(length=66), nullable=False),
        sa.Column("updated_block", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "contract", "shipment_id"),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_shipments_buyer", ["chain_id", "contract", "buyer", "shipment_id"], unique=False
        )
        batch_op.create_index(
            "ix_shipments_seller", ["chain_id", "contract", "seller", "shipment_id"], unique=False
        )
        batch_op.create_index("ix_shipments_state", ["chain_id", "contract", "state"], unique=False)

    op.create_table(
        "tokens",
        sa.Column("chain_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=42), nullable=False),
        sa.Column("symbol", sa.String(length=32), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("chain_id", "address"),
    )


def downgrade() -> None:
    op.drop_table("tokens")
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index("ix_shipments_state")
        batch_op.drop_index("ix_shipments_seller")
        batch_op.drop_index("ix_shipments_buyer")

    op.drop_table("shipments")
    with op.batch_alter_table("raw_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_raw_logs_shipment")
        batch_op.drop_index("ix_raw_logs_order")

    op.drop_table("raw_logs")
    with op.batch_alter_table("payouts", schema=None) as batch_op:
        batch_op.drop_index("ix_payouts_shipment")
        batch_op.drop_index("ix_payouts_payee")

    op.drop_table("payouts")
    with op.batch_alter_table("parties", schema=None) as batch_op:
        batch_op.drop_index("ix_parties_address")

    op.drop_table("parties")
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_index("ix_milestones_carrier")

    op.drop_table("milestones")
    with op.batch_alter_table("legs", schema=None) as batch_op:
        batch_op.drop_index("ix_legs_carrier")

    op.drop_table("legs")
    op.drop_table("disputes")
    op.drop_table("cursors")
    op.drop_table("calls")
    op.drop_table("blocks")
    op.drop_table("amendments")
