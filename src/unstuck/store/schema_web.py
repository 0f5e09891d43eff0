"""Tables of the web app: users, browser sessions, API tokens and login attempts.

Sessions and login attempts live in the database, not in a worker's memory, so several
web workers against one PostgreSQL database agree on who is logged in and on how many
attempts were made. Secrets (session and API tokens) are stored as SHA-256 hashes only.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, String, Table

from unstuck.store.schema import Key, metadata

web_users = Table(
    "web_users",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    # The login, and the value deals.owner holds for this person's deals.
    Column("email", String(200), nullable=False, unique=True),
    Column("name", String(300), nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(300), nullable=False),
    # The secret part of the user's calendar feed URL.
    Column("feed_key", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
)

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_pk", Key, ForeignKey("web_users.pk", ondelete="CASCADE"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
)
Index("ix_web_sessions_user", web_sessions.c.user_pk)

web_tokens = Table(
    "web_tokens",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_pk", Key, ForeignKey("web_users.pk", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
)
Index("ix_web_tokens_user", web_tokens.c.user_pk)

web_login_attempts = Table(
    "web_login_attempts",
    metadata,
    Column("pk", Key, primary_key=True, autoincrement=True),
    # Lower-cased login name, or "ip:" and the client address.
    Column("key", String(300), nullable=False),
    Column("at", DateTime, nullable=False),
)
Index("ix_web_login_attempts_key_at", web_login_attempts.c.key, web_login_attempts.c.at)

__all__ = ["web_login_attempts", "web_sessions", "web_tokens", "web_users"]
