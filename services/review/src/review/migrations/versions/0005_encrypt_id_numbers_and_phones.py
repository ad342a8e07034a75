"""encrypt ID numbers and phones at rest: review cases (docs/security.md)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 03:22:19
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skillcert import crypto
from skillcert.crypto import EncryptedColumn

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, old length, nullable, primary key, keyed hash column or None)
COLUMNS = [
    ("review_cases", "id_number", 40, False, "id", None),
    ("review_cases", "phone", 20, True, "id", None),
]


def upgrade() -> None:
    bind = op.get_bind()
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


def downgrade() -> None:
    bind = op.get_bind()
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
