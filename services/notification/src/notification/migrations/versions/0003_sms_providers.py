"""sms providers: template parameters, the provider's message id, the receipt's delivery

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-08 03:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sms_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("provider", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("provider_message_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("delivery", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("delivery_error", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_sms_deliveries_provider_message",
            ["provider", "provider_message_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("sms_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_deliveries_provider_message")
        for column in (
            "delivered_at",
            "delivery_error",
            "delivery",
            "provider_message_id",
            "provider",
            "params",
        ):
            batch_op.drop_column(column)
