"""Tables of the weekly review (issue 6): the deals picked to push to a decision each week,
and what came of them.

One row per (week, owner, deal). ``owner`` is the lower-cased owner the review was run
for, or ``''`` for the whole pipeline (a manager's team review), so a rep's picks and the
team's picks never overwrite each other. The outcome lives on the pick's own row: a pick
has at most one outcome, recorded the week after (or whenever the user knows).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from unstuck.store.schema import Key, metadata

focus_picks = Table(
    "review_focus_picks",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("week", Date, nullable=False),  # the Monday of the ISO week
    Column("owner", String(200), nullable=False, default=""),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("picked_by", String(10), nullable=False),  # system or user
    Column("reason", Text, nullable=False, default=""),
    Column("picked_at", DateTime, nullable=False),
    Column("result", String(10)),  # yes, no, moved, nothing; null until recorded
    Column("result_note", Text),
    Column("result_at", DateTime),
    UniqueConstraint("week", "owner", "deal_pk", name="uq_review_focus_picks"),
)
Index("ix_review_focus_picks_owner_week", focus_picks.c.owner, focus_picks.c.week)
Index("ix_review_focus_picks_deal", focus_picks.c.deal_pk)

__all__ = ["focus_picks"]
