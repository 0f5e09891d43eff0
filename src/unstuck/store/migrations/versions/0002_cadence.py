"""follow-up cadences, steps and the agenda (issue 5)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
RUNNING = sa.text("status IN ('active', 'paused')")


def _pk() -> sa.Column[int]:
    return sa.Column("pk", KEY, autoincrement=True, nullable=False)


def _deal() -> sa.Column[int]:
    return sa.Column("deal_pk", KEY, nullable=False)


def _deal_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["deal_pk"], ["deals.pk"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "cadences",
        _pk(),
        _deal(),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("stop_reason", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        _deal_fk(),
        sa.PrimaryKeyConstraint("pk"),
    )
    op.create_index(
        "uq_cadences_running_deal",
        "cadences",
        ["deal_pk"],
        unique=True,
        sqlite_where=RUNNING,
        postgresql_where=RUNNING,
    )
    op.create_table(
        "cadence_steps",
        _pk(),
        sa.Column("cadence_pk", KEY, nullable=False),
        _deal(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("angle", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=True),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("snoozed_to", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("message_id", sa.String(length=500), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["cadence_pk"], ["cadences.pk"], ondelete="CASCADE"),
        _deal_fk(),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("deal_pk", "seq", name="uq_cadence_steps_deal_seq"),
    )
    op.create_index("ix_cadence_steps_status_planned", "cadence_steps", ["status", "planned_on"])
    op.create_index("ix_cadence_steps_message_id", "cadence_steps", ["message_id"])
    op.create_table(
        "plan_items",
        _pk(),
        _deal(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("people", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("snoozed_to", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _deal_fk(),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("deal_pk", "seq", name="uq_plan_items_deal_seq"),
    )
    op.create_index("ix_plan_items_status_planned", "plan_items", ["status", "planned_on"])
    op.create_table(
        "mail_messages",
        _pk(),
        sa.Column("message_key", sa.String(length=500), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("deal_id", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pk"),
        sa.UniqueConstraint("message_key"),
    )


def downgrade() -> None:
    op.drop_table("mail_messages")
    op.drop_index("ix_plan_items_status_planned", table_name="plan_items")
    op.drop_table("plan_items")
    op.drop_index("ix_cadence_steps_message_id", table_name="cadence_steps")
    op.drop_index("ix_cadence_steps_status_planned", table_name="cadence_steps")
    op.drop_table("cadence_steps")
    op.drop_index("uq_cadences_running_deal", table_name="cadences")
    op.drop_table("cadences")
