"""score objections (成绩异议)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "objections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("ticket_number", sa.String(length=40), nullable=False),
        sa.Column("candidate_name", sa.String(length=100), nullable=False),
        sa.Column("subject_code", sa.String(length=50), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attachment_key", sa.String(length=300), nullable=True),
        sa.Column("attachment_name", sa.String(length=200), nullable=True),
        sa.Column("attachment_type", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("change_id", sa.Uuid(), nullable=True),
        sa.Column("answered_by", sa.Uuid(), nullable=True),
        sa.Column("answered_by_name", sa.String(length=100), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_objections_plan_status", "objections", ["plan_id", "status"])
    op.create_index("ix_objections_application_id", "objections", ["application_id"])
    op.create_index("ix_objections_candidate_id", "objections", ["candidate_id"])


def downgrade() -> None:
    op.drop_index("ix_objections_candidate_id", table_name="objections")
    op.drop_index("ix_objections_application_id", table_name="objections")
    op.drop_index("ix_objections_plan_status", table_name="objections")
    op.drop_table("objections")
