"""a payee's credit in one token through an index (the page reads it with no node call)

`Reader.credit(payee, token)` adds the payouts of one (payee, token) after its last
withdrawal: the index orders them by block and log and carries the kind and the amount, so
finding that withdrawal is a walk back from the newest entry and the sum reads the index
alone, never the table nor the payee's older history. It replaces `ix_payouts_payee`, a
prefix of it.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

COLUMNS = ["chain_id", "contract", "payee"]
CREDIT = ["token", "block_number", "log_index", "kind", "amount"]


def upgrade() -> None:
    op.drop_index("ix_payouts_payee", table_name="payouts")
    op.create_index("ix_payouts_credit", "payouts", [*COLUMNS, *CREDIT])


def downgrade() -> None:
    op.drop_index("ix_payouts_credit", table_name="payouts")
    op.create_index("ix_payouts_payee", "payouts", COLUMNS)
