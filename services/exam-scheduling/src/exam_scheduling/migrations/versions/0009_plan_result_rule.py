"""plan result rule (考证结果判定规则)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 22:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plans made before the rule existed keep the rule they were decided by.
EACH_SUBJECT = '{"kind": "each_subject", "weights": [], "pass_score": null}'


def upgrade() -> None:
    op.add_column(
        'exam_plans',
        sa.Column('result_rule', sa.JSON(), nullable=False, server_default=sa.text(f"'{EACH_SUBJECT}'")),
    )


def downgrade() -> None:
    op.drop_column('exam_plans', 'result_rule')
