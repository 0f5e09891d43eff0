"""derived: figures computed from the data and kept with its version (stage medians)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "derived",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_index("ix_deals_status_updated", "deals", ["status", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_deals_status_updated", table_name="deals")
    op.drop_table("derived")
