"""chain ids as 64-bit integers (eth-tester's is 131277322940537)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "amendments",
    "blocks",
    "calls",
    "cursors",
    "disputes",
    "legs",
    "milestones",
    "parties",
    "payouts",
    "raw_logs",
    "shipments",
    "tokens",
)


def _retype(old, new) -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:  # SQLite: copy the table; PostgreSQL: ALTER
            batch.alter_column("chain_id", existing_type=old, type_=new, existing_nullable=False)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())
