"""closed_at index: the deals closed in a week, without reading every closed deal

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deals_status_closed", "deals", ["status", "closed_at"])


def downgrade() -> None:
    op.drop_index("ix_deals_status_closed", table_name="deals")
