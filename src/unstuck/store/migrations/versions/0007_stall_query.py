"""stall query: the scan cache as numbers, so the stall scan can run as one SQL query

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deals", sa.Column("static_max", sa.Float(), nullable=True))
    op.add_column("deals", sa.Column("static_prod", sa.Float(), nullable=True))
    op.add_column("deals", sa.Column("why_since", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("why_since")
        batch.drop_column("static_prod")
        batch.drop_column("static_max")
