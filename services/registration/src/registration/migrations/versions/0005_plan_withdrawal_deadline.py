"""plan withdrawal deadline

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 18:49:49.930117
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawal_closes_at", sa.DateTime(timezone=True)))
    # A plan published before the deadline existed meant the registration deadline
    # (ExamPlanPublished.withdrawal_deadline).
    op.execute("UPDATE exam_plans SET withdrawal_closes_at = registration_closes_at")
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.alter_column(
            "withdrawal_closes_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("exam_plans", schema=None) as batch_op:
        batch_op.drop_column("withdrawal_closes_at")
