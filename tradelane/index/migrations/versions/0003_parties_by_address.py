"""a party's shipments through a covering index (a page costs the same at 100 000 shipments)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMNS = ["chain_id", "contract", "address", "shipment_id"]


def upgrade() -> None:
    op.drop_index("ix_parties_address", table_name="parties")
    op.create_index("ix_parties_by_address", "parties", [*COLUMNS, "role"])


def downgrade() -> None:
    op.drop_index("ix_parties_by_address", table_name="parties")
    op.create_index("ix_parties_address", "parties", COLUMNS)
