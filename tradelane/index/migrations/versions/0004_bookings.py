"""carrier bookings and the agreement in force (the offer/accept contract's events)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ZERO32 = "0x" + "00" * 32


def upgrade() -> None:
    with op.batch_alter_table("shipments") as batch:
        batch.add_column(
            sa.Column("agreement", sa.String(66), nullable=False, server_default=ZERO32)
        )
        batch.add_column(
            sa.Column("confirmed_legs", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("legs") as batch:
        batch.add_column(
            sa.Column("confirmed", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("legs") as batch:
        batch.drop_column("confirmed")
    with op.batch_alter_table("shipments") as batch:
        batch.drop_column("confirmed_legs")
        batch.drop_column("agreement")
