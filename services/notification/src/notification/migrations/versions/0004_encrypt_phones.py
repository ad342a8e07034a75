"""encrypt phones at rest: contacts and SMS deliveries (found by the keyed hash) (docs/security.md)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08 03:22:38
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skillcert import crypto
from skillcert.crypto import EncryptedColumn

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, old length, nullable, primary key, keyed hash column or None)
COLUMNS = [
    ("contacts", "phone", 20, True, "account_id", None),
    ("sms_deliveries", "phone", 20, False, "id", "phone_hash"),
]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("sms_deliveries") as batch_op:
        batch_op.drop_index("ix_sms_deliveries_phone")
    for table, column, length, nullable, pk, hash_column in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            if hash_column:
                batch_op.add_column(sa.Column(hash_column, sa.String(length=64), nullable=True))
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=length),
                type_=sa.Text(),
                existing_nullable=nullable,
            )
        crypto.encrypt_existing(bind, EncryptedColumn(table, column, pk), hash_column)
    with op.batch_alter_table("sms_deliveries") as batch_op:
        batch_op.alter_column("phone_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index("ix_sms_deliveries_phone_hash", ["phone_hash"], unique=False)


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("sms_deliveries") as batch_op:
        batch_op.drop_index("ix_sms_deliveries_phone_hash")
    for table, column, length, nullable, pk, hash_column in reversed(COLUMNS):
        crypto.decrypt_existing(bind, EncryptedColumn(table, column, pk))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.String(length=length),
                existing_nullable=nullable,
            )
            if hash_column:
                batch_op.drop_column(hash_column)
    with op.batch_alter_table("sms_deliveries") as batch_op:
        batch_op.create_index("ix_sms_deliveries_phone", ["phone"], unique=False)
