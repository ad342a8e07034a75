"""encrypt ID numbers and phones at rest: applications (ID number, mobile), exam entries (ID
number), roster students (ID number, phone); ID numbers found and kept unique by their keyed
hash (docs/security.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 03:11:18.260699
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from skillcert import crypto
from skillcert.crypto import EncryptedColumn

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, its hash column or None, old length, nullable)
COLUMNS = [
    ("applications", "id_number", "id_number_hash", 30, True),
    ("applications", "mobile", None, 20, True),
    ("exam_entries", "id_number", "id_number_hash", 30, False),
    ("roster_students", "id_number", "id_number_hash", 30, False),
    ("roster_students", "phone", None, 20, False),
]


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("exam_entries") as batch_op:
        batch_op.drop_constraint("uq_exam_entries_plan_id_id_number", type_="unique")
    with op.batch_alter_table("roster_students") as batch_op:
        batch_op.drop_constraint("uq_roster_students_institution_id_id_number", type_="unique")
        batch_op.drop_index("ix_roster_students_id_number_imported")
    for table, column, hash_column, length, nullable in COLUMNS:
        with op.batch_alter_table(table) as batch_op:
            if hash_column:
                batch_op.add_column(sa.Column(hash_column, sa.String(length=64), nullable=True))
            batch_op.alter_column(
                column,
                existing_type=sa.String(length=length),
                type_=sa.Text(),
                existing_nullable=nullable,
            )
        crypto.encrypt_existing(bind, EncryptedColumn(table, column), hash_column)
        if hash_column and not nullable:
            with op.batch_alter_table(table) as batch_op:
                batch_op.alter_column(
                    hash_column, existing_type=sa.String(length=64), nullable=False
                )
    with op.batch_alter_table("exam_entries") as batch_op:
        batch_op.create_unique_constraint(
            "uq_exam_entries_plan_id_id_number_hash", ["plan_id", "id_number_hash"]
        )
    with op.batch_alter_table("roster_students") as batch_op:
        batch_op.create_index(
            "ix_roster_students_id_number_imported",
            ["id_number_hash", "imported_at", "id"],
            unique=False,
        )
        batch_op.create_unique_constraint(
            "uq_roster_students_institution_id_id_number_hash",
            ["institution_id", "id_number_hash"],
        )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("roster_students") as batch_op:
        batch_op.drop_constraint(
            "uq_roster_students_institution_id_id_number_hash", type_="unique"
        )
        batch_op.drop_index("ix_roster_students_id_number_imported")
    with op.batch_alter_table("exam_entries") as batch_op:
        batch_op.drop_constraint("uq_exam_entries_plan_id_id_number_hash", type_="unique")
    for table, column, hash_column, length, nullable in reversed(COLUMNS):
        crypto.decrypt_existing(bind, EncryptedColumn(table, column))
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                column,
                existing_type=sa.Text(),
                type_=sa.String(length=length),
                existing_nullable=nullable,
            )
            if hash_column:
                batch_op.drop_column(hash_column)
    with op.batch_alter_table("roster_students") as batch_op:
        batch_op.create_index(
            "ix_roster_students_id_number_imported", ["id_number", "imported_at", "id"]
        )
        batch_op.create_unique_constraint(
            "uq_roster_students_institution_id_id_number", ["institution_id", "id_number"]
        )
    with op.batch_alter_table("exam_entries") as batch_op:
        batch_op.create_unique_constraint(
            "uq_exam_entries_plan_id_id_number", ["plan_id", "id_number"]
        )
