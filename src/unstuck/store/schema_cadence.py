"""Tables of the follow-up feature: cadences, their steps, the joint plan, read mail.

Loaded by :mod:`unstuck.store.schema`. Importing this module also registers the
listener that stops a deal's running cadence when a reply is recorded (see
:mod:`unstuck.store.cadences`), so it is active wherever the store is used.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from unstuck.store.schema import Key, metadata

RUNNING_SQL = "status IN ('active', 'paused')"

cadences = Table(
    "cadences",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("template", String(100), nullable=False),
    Column("urgent", Boolean, nullable=False, default=False),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime, nullable=False),
    Column("paused_at", DateTime),
    Column("ended_at", DateTime),
    Column("stop_reason", Text),
    Column("updated_at", DateTime, nullable=False),
)
# At most one running (active or paused) cadence per deal, enforced by the database too.
Index(
    "uq_cadences_running_deal",
    cadences.c.deal_pk,
    unique=True,
    sqlite_where=cadences.c.status.in_(["active", "paused"]),
    postgresql_where=cadences.c.status.in_(["active", "paused"]),
)

cadence_steps = Table(
    "cadence_steps",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("cadence_pk", Key, ForeignKey("cadences.pk", ondelete="CASCADE"), nullable=False),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    # The step's number among all steps ever planned for the deal: ids are DEAL/seq.
    Column("seq", Integer, nullable=False),
    Column("phase", String(20), nullable=False),
    Column("position", Integer, nullable=False),
    Column("channel", String(20), nullable=False),
    Column("angle", String(100), nullable=False),
    Column("title", String(300), nullable=False),
    Column("subject", String(500)),
    Column("draft", Text, nullable=False),
    Column("planned_on", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("final", Boolean, nullable=False, default=False),
    Column("contact", String(200)),
    Column("snoozed_to", Date),
    Column("done_at", DateTime),
    Column("message_id", String(500)),
    Column("note", Text),
    UniqueConstraint("deal_pk", "seq", name="uq_cadence_steps_deal_seq"),
)
Index("ix_cadence_steps_status_planned", cadence_steps.c.status, cadence_steps.c.planned_on)
Index("ix_cadence_steps_message_id", cadence_steps.c.message_id)

plan_items = Table(
    "plan_items",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("planned_on", Date, nullable=False),
    Column("starts_at", DateTime),
    Column("purpose", Text, nullable=False),
    Column("people", JSON, nullable=False),
    Column("owner", String(200)),
    Column("status", String(20), nullable=False),
    Column("snoozed_to", Date),
    Column("done_at", DateTime),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("deal_pk", "seq", name="uq_plan_items_deal_seq"),
)
Index("ix_plan_items_status_planned", plan_items.c.status, plan_items.c.planned_on)

mail_messages = Table(
    "mail_messages",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    # The Message-ID, or a hash of the raw message when it has none.
    Column("message_key", String(500), nullable=False, unique=True),
    Column("outcome", String(20), nullable=False),  # logged, unmatched, malformed
    Column("deal_id", String(200)),
    Column("detail", Text),
    Column("processed_at", DateTime, nullable=False),
)

__all__ = ["RUNNING_SQL", "cadence_steps", "cadences", "mail_messages", "plan_items"]

# Registers the reply listener (kept last: that module reads the tables above).
from unstuck.store import cadences as _cadences  # noqa: E402

_cadences.register()
