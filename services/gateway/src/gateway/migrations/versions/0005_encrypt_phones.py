"""encrypt phones at rest: accounts and SMS codes keep the phone encrypted beside its keyed
hash; login throttles keep only the login's keyed hash (docs/security.md)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 03:05:00
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


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("uq_accounts_phone", type_="unique")
        batch_op.alter_column("phone", type_=sa.Text(), existing_nullable=True)
    crypto.encrypt_existing(bind, EncryptedColumn("accounts", "phone"), "phone_hash")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_accounts_phone_hash"), ["phone_hash"])

    with op.batch_alter_table("sms_codes") as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch_op.drop_index("ix_sms_codes_phone_purpose_created")
        batch_op.drop_index("ix_sms_codes_phone_created")
        batch_op.alter_column("phone", type_=sa.Text(), existing_nullable=False)
    crypto.encrypt_existing(bind, EncryptedColumn("sms_codes", "phone"), "phone_hash")
    with op.batch_alter_table("sms_codes") as batch_op:
        batch_op.alter_column("phone_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(
            "ix_sms_codes_phone_hash_created", ["phone_hash", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_sms_codes_phone_hash_purpose_created",
            ["phone_hash", "purpose", "created_at"],
            unique=False,
        )

    with op.batch_alter_table("login_throttles") as batch_op:
        batch_op.alter_column(
            "login", type_=sa.String(length=64), existing_type=sa.String(length=50)
        )
    throttles = sa.table("login_throttles", sa.column("login"), sa.column("source"))
    ring = crypto.keyring()
    for login, source in bind.execute(sa.select(throttles.c.login, throttles.c.source)).all():
        bind.execute(
            sa.update(throttles)
            .where(throttles.c.login == login, throttles.c.source == source)
            .values(login=ring.blind_index(login))
        )


def downgrade() -> None:
    bind = op.get_bind()
    # A keyed hash does not come back: the throttles' counts are forgotten.
    op.execute("DELETE FROM login_throttles")
    with op.batch_alter_table("login_throttles") as batch_op:
        batch_op.alter_column(
            "login", type_=sa.String(length=50), existing_type=sa.String(length=64)
        )

    crypto.decrypt_existing(bind, EncryptedColumn("sms_codes", "phone"))
    with op.batch_alter_table("sms_codes") as batch_op:
        batch_op.drop_index("ix_sms_codes_phone_hash_purpose_created")
        batch_op.drop_index("ix_sms_codes_phone_hash_created")
        batch_op.alter_column("phone", type_=sa.String(length=20), existing_nullable=False)
        batch_op.drop_column("phone_hash")
        batch_op.create_index("ix_sms_codes_phone_created", ["phone", "created_at"], unique=False)
        batch_op.create_index(
            "ix_sms_codes_phone_purpose_created", ["phone", "purpose", "created_at"], unique=False
        )

    crypto.decrypt_existing(bind, EncryptedColumn("accounts", "phone"))
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint("uq_accounts_phone_hash", type_="unique")
        batch_op.alter_column("phone", type_=sa.String(length=20), existing_nullable=True)
        batch_op.drop_column("phone_hash")
        batch_op.create_unique_constraint("uq_accounts_phone", ["phone"])
