"""plan withdrawal deadline

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 18:48:13.128713
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal_closes_at", sa.DateTime(timezone=True)))
    # Plans made before the deadline existed keep the rule they were published under: paid
    # fees went back until registration closed.
    op.execute("UPDATE exam_plans SET withdrawal_closes_at = registration_closes_at")
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.alter_column(
            "withdrawal_closes_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_closes_at")
