"""scale: the stall scan's per-deal cache of severities that change only with the deal

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deals", sa.Column("static_severities", sa.Text(), nullable=True))
    op.add_column("deals", sa.Column("static_key", sa.String(40), nullable=True))
    op.add_column("deals", sa.Column("static_at", sa.DateTime(), nullable=True))
    op.add_column("deals", sa.Column("static_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("static_until")
        batch.drop_column("static_at")
        batch.drop_column("static_key")
        batch.drop_column("static_severities")
