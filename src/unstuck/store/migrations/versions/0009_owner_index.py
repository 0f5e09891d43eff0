"""owner index: deals found by owner without regard to case, through an index

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_deals_owner_lower_status", "deals", [sa.text("lower(owner)"), "status"])


def downgrade() -> None:
    op.drop_index("ix_deals_owner_lower_status", table_name="deals")
