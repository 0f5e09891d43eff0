"""The tables, as SQLAlchemy Core metadata.

Designed for a million deals and twenty million touches: each deal row carries summary
columns (last inbound/outbound touch, seller touches since the last reply, when the
current stage was entered, close-date pushes, ...) that every write keeps correct, so
"which deals are stalled" reads one indexed table and never scans the touches
(the healthchecks ``alert_after`` pattern).

Times are stored as naive UTC ``DateTime``; vocabularies as short strings holding the
contract's identifiers (the Enums live in :mod:`unstuck.domain.vocab`).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)

metadata = MetaData()

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
Key = BigInteger().with_variant(Integer(), "sqlite")

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", JSON, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("account_type", String(20)),
)

deals = Table(
    "deals",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("account_pk", Key, ForeignKey("accounts.pk")),
    Column("owner", String(200)),
    Column("stage", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("value", Float),
    Column("currency", String(10)),
    Column("created", DateTime, nullable=False),
    Column("expected_close", Date),
    Column("why", Text),
    Column("fields", JSON, nullable=False),
    Column("lost_reason", Text),
    Column("revisit_on", Date),
    Column("closed_at", DateTime),
    Column("updated_at", DateTime, nullable=False),
    # -- summaries, maintained on every write (see store/summaries.py) --
    Column("last_inbound_at", DateTime),
    Column("last_outbound_at", DateTime),
    Column("last_touch_at", DateTime),
    Column("outbound_since_inbound", Integer, nullable=False, default=0),
    Column("touch_count", Integer, nullable=False, default=0),
    Column("stage_entered_at", DateTime, nullable=False),
    Column("close_date_pushes", Integer, nullable=False, default=0),
    Column("stakeholder_count", Integer, nullable=False, default=0),
    # Since when the prospect has been silent: the last reply, or the deal's creation.
    # Independent of any threshold, indexed, so "quiet for N days" is a range read.
    Column("silent_since", DateTime, nullable=False),
    # -- the stall scan's cache (see unstuck/scan.py): severities of the findings that
    # only change when the deal changes, the rules' fingerprint and the moment they were
    # computed for. Every write to the deal clears static_key, so it is recomputed.
    Column("static_severities", Text),
    Column("static_key", String(40)),
    Column("static_at", DateTime),
    Column("static_until", DateTime),
    # The same cache as numbers the stall query (store/stall.py) can combine in SQL.
    Column("static_max", Float),
    Column("static_prod", Float),
    Column("why_since", DateTime),
)
Index("ix_deals_status_silent", deals.c.status, deals.c.silent_since)
Index("ix_deals_status_stage_entered", deals.c.status, deals.c.stage_entered_at)
Index("ix_deals_owner_status", deals.c.owner, deals.c.status)
Index("ix_deals_status_stage", deals.c.status, deals.c.stage)
# The closed history's version (count and latest change) without reading its rows.
Index("ix_deals_status_updated", deals.c.status, deals.c.updated_at)
# Owners are matched without regard to case (``--owner Ava@example.com``).
Index("ix_deals_owner_lower_status", func.lower(deals.c.owner), deals.c.status)
# The deals closed in a week (the review's "closed" changes) without reading the others.
Index("ix_deals_status_closed", deals.c.status, deals.c.closed_at)

# Figures derived from the data and kept between runs, each with the version of the data
# it was computed from: the won deals' stage medians behind the norms, for one.
derived = Table(
    "derived",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("version", String(200), nullable=False),
    Column("value", JSON, nullable=False),
)

stakeholders = Table(
    "stakeholders",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("id", String(200), nullable=False),
    Column("name", String(300), nullable=False),
    Column("email", String(300)),
    Column("title", String(300)),
    Column("roles", String(300), nullable=False, default=""),
    Column("stance", String(20), nullable=False),
    Column("authority", String(20), nullable=False),
    Column("faction", String(200)),
    UniqueConstraint("deal_pk", "id", name="uq_stakeholders_deal_id"),
)
Index("ix_stakeholders_email", stakeholders.c.email)

touches = Table(
    "touches",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("direction", String(10), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("kind", String(30)),
    Column("participants", String(1000), nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    # A short hash of the touch's content: re-importing the same touch is a no-op.
    Column("fingerprint", String(16), nullable=False),
    UniqueConstraint("deal_pk", "at", "fingerprint", name="uq_touches_deal_at_fp"),
)

answers = Table(
    "answers",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("question", String(200), nullable=False),
    Column("stakeholder", String(200)),
    Column("answer", Text, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("fingerprint", String(16), nullable=False),
    UniqueConstraint("deal_pk", "fingerprint", name="uq_answers_deal_fp"),
)

stage_changes = Table(
    "stage_changes",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("stage", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    UniqueConstraint("deal_pk", "at", "stage", name="uq_stage_changes"),
)

close_date_changes = Table(
    "close_date_changes",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("expected_close", Date, nullable=False),
    Column("at", DateTime, nullable=False),
    UniqueConstraint("deal_pk", "at", "expected_close", name="uq_close_date_changes"),
)

decisions = Table(
    "decisions",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("deal_pk", Key, ForeignKey("deals.pk", ondelete="CASCADE"), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("reason", Text, nullable=False, default=""),
    Column("decided_by", String(200)),
    Column("at", DateTime, nullable=False),
    UniqueConstraint("deal_pk", "at", "decision", name="uq_decisions"),
)

CHILD_TABLES = (stakeholders, touches, answers, stage_changes, close_date_changes, decisions)

__all__ = [
    "CHILD_TABLES",
    "accounts",
    "answers",
    "close_date_changes",
    "deals",
    "decisions",
    "metadata",
    "settings",
    "stage_changes",
    "stakeholders",
    "touches",
]
