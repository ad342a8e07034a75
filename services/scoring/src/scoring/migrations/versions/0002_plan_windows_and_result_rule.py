"""plan windows and result rule (登记/公示 windows, 考证结果判定规则)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plans kept before the rule travelled were decided subject by subject.
EACH_SUBJECT = '{"kind": "each_subject", "weights": [], "pass_score": null}'
WINDOWS = ("scores_open_at", "scores_close_at", "publicity_opens_at", "publicity_closes_at")


def upgrade() -> None:
    for name in WINDOWS:
        op.add_column("plans", sa.Column(name, sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "plans",
        sa.Column(
            "result_rule", sa.JSON(), nullable=False, server_default=sa.text(f"'{EACH_SUBJECT}'")
        ),
    )


def downgrade() -> None:
    op.drop_column("plans", "result_rule")
    for name in reversed(WINDOWS):
        op.drop_column("plans", name)
