"""weekly review: focus picks, outcomes and snapshots (issue 6)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "review_focus_picks",
        sa.Column("pk", _KEY, autoincrement=True, nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("deal_pk", _KEY, nullable=False),
        sa.Column("picked_by", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("picked_at", sa.DateTime(), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("result_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["deal_pk"], ["deals.pk"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("week", "owner", "deal_pk", name="uq_review_focus_picks"),
    )
    op.create_index(
        "ix_review_focus_picks_owner_week", "review_focus_picks", ["owner", "week"], unique=False
    )
    op.create_index("ix_review_focus_picks_deal", "review_focus_picks", ["deal_pk"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_review_focus_picks_deal", table_name="review_focus_picks")
    op.drop_index("ix_review_focus_picks_owner_week", table_name="review_focus_picks")
    op.drop_table("review_focus_picks")
