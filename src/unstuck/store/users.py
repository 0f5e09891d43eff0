"""Users, browser sessions, API tokens and login attempts of the web app.

Each function runs inside the caller's transaction (``tx.conn``). Secrets arrive here
already hashed: password hashing (argon2) and token generation live in ``unstuck.web``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, RowMapping, case, delete, func, insert, select, update

from unstuck.domain import Status
from unstuck.errors import ConflictError, NotFound
from unstuck.store import schema as t
from unstuck.store.schema_web import web_login_attempts, web_sessions, web_tokens, web_users


class UserRole(StrEnum):
    REP = "rep"  # sees and edits the deals they own
    MANAGER = "manager"  # sees and edits every deal of the team
    ADMIN = "admin"  # a manager who also manages users


@dataclass(frozen=True)
class User:
    pk: int
    email: str
    name: str
    role: UserRole
    feed_key: str
    created_at: datetime
    password_hash: str = ""

    @property
    def sees_everything(self) -> bool:
        return self.role in (UserRole.MANAGER, UserRole.ADMIN)

    def to_dict(self) -> dict[str, object]:
        return {"email": self.email, "name": self.name, "role": self.role.value}


@dataclass(frozen=True)
class Token:
    pk: int
    name: str
    user_email: str
    created_at: datetime
    last_used_at: datetime | None


def _user(row: RowMapping) -> User:
    return User(
        pk=int(row["pk"]),
        email=row["email"],
        name=row["name"],
        role=UserRole(row["role"]),
        feed_key=row["feed_key"],
        created_at=row["created_at"],
        password_hash=row["password_hash"],
    )


def _one(conn: Connection, *where: object) -> User | None:
    row = conn.execute(select(web_users).where(*where)).mappings().first()  # type: ignore[arg-type]
    return _user(row) if row else None


def user(conn: Connection, email: str) -> User | None:
    return _one(conn, func.lower(web_users.c.email) == email.strip().lower())


def user_or_fail(conn: Connection, email: str) -> User:
    found = user(conn, email)
    if found is None:
        raise NotFound(f"no user {email!r}. `unstuck user list` shows the users.")
    return found


def user_by_pk(conn: Connection, pk: int) -> User | None:
    return _one(conn, web_users.c.pk == pk)


def user_by_feed_key(conn: Connection, feed_key: str) -> User | None:
    return _one(conn, web_users.c.feed_key == feed_key)


def users(conn: Connection) -> list[User]:
    rows = conn.execute(select(web_users).order_by(web_users.c.email)).mappings()
    return [_user(r) for r in rows]


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(web_users)).scalar_one())


def add_user(
    conn: Connection,
    email: str,
    name: str,
    role: UserRole,
    password_hash: str,
    feed_key: str,
    now: datetime,
) -> User:
    if user(conn, email) is not None:
        raise ConflictError(
            f"a user {email!r} exists; change their role with `unstuck user set-role`"
        )
    conn.execute(
        insert(web_users).values(
            email=email.strip(),
            name=name,
            role=role.value,
            password_hash=password_hash,
            feed_key=feed_key,
            created_at=now,
        )
    )
    return user_or_fail(conn, email)


def set_role(conn: Connection, email: str, role: UserRole) -> User:
    found = user_or_fail(conn, email)
    conn.execute(update(web_users).where(web_users.c.pk == found.pk).values(role=role.value))
    return user_or_fail(conn, email)


def set_password(conn: Connection, email: str, password_hash: str) -> None:
    found = user_or_fail(conn, email)
    conn.execute(
        update(web_users).where(web_users.c.pk == found.pk).values(password_hash=password_hash)
    )
    conn.execute(delete(web_sessions).where(web_sessions.c.user_pk == found.pk))


def remove_user(conn: Connection, email: str) -> None:
    found = user_or_fail(conn, email)
    # Explicit deletes: SQLite only cascades with foreign keys on, PostgreSQL always does.
    conn.execute(delete(web_sessions).where(web_sessions.c.user_pk == found.pk))
    conn.execute(delete(web_tokens).where(web_tokens.c.user_pk == found.pk))
    conn.execute(delete(web_users).where(web_users.c.pk == found.pk))


# -- sessions --------------------------------------------------------------------------


def create_session(
    conn: Connection, token_hash: str, user_pk: int, csrf: str, now: datetime, lifetime: timedelta
) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < now))
    conn.execute(
        insert(web_sessions).values(
            token_hash=token_hash,
            user_pk=user_pk,
            csrf=csrf,
            created_at=now,
            expires_at=now + lifetime,
        )
    )


def session_user(conn: Connection, token_hash: str, now: datetime) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None."""
    s, u = web_sessions, web_users
    row = (
        conn.execute(
            select(u, s.c.csrf)
            .select_from(s.join(u, u.c.pk == s.c.user_pk))
            .where(s.c.token_hash == token_hash, s.c.expires_at > now)
        )
        .mappings()
        .first()
    )
    return (_user(row), row["csrf"]) if row else None


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(web_sessions).where(web_sessions.c.token_hash == token_hash))


# -- API tokens ------------------------------------------------------------------------


def create_token(conn: Connection, token_hash: str, email: str, name: str, now: datetime) -> Token:
    owner = user_or_fail(conn, email)
    taken = select(web_tokens.c.pk).where(
        web_tokens.c.user_pk == owner.pk, web_tokens.c.name == name
    )
    if conn.execute(taken).first() is not None:
        raise ConflictError(f"{email} already has a token named {name!r}; pick another --name")
    conn.execute(
        insert(web_tokens).values(
            token_hash=token_hash, user_pk=owner.pk, name=name, created_at=now
        )
    )
    return Token(0, name, owner.email, now, None)


def tokens(conn: Connection, email: str | None = None) -> list[Token]:
    t, u = web_tokens, web_users
    query = select(t, u.c.email).select_from(t.join(u, u.c.pk == t.c.user_pk)).order_by(t.c.pk)
    if email is not None:
        query = query.where(func.lower(u.c.email) == email.lower())
    return [
        Token(int(r["pk"]), r["name"], r["email"], r["created_at"], r["last_used_at"])
        for r in conn.execute(query).mappings()
    ]


def revoke_token(conn: Connection, email: str, name: str) -> None:
    owner = user_or_fail(conn, email)
    done = conn.execute(
        delete(web_tokens).where(web_tokens.c.user_pk == owner.pk, web_tokens.c.name == name)
    )
    if not done.rowcount:
        raise NotFound(f"{email} has no token named {name!r}; `unstuck token list` shows them")


# A token's last use is written at most this often, so reads stay reads.
_TOUCH_EVERY = timedelta(hours=1)


def token_user(conn: Connection, token_hash: str, now: datetime) -> tuple[User, int, bool] | None:
    """The token's user, the token's key, and whether its use is worth recording now."""
    t, u = web_tokens, web_users
    row = (
        conn.execute(
            select(u, t.c.pk.label("token_pk"), t.c.last_used_at)
            .select_from(t.join(u, u.c.pk == t.c.user_pk))
            .where(t.c.token_hash == token_hash)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    last = row["last_used_at"]
    return _user(row), int(row["token_pk"]), last is None or now - last > _TOUCH_EVERY


def touch_token(conn: Connection, token_pk: int, now: datetime) -> None:
    """Record a token's use; reads stay reads, so this is written at most once an hour."""
    t = web_tokens
    conn.execute(
        update(t)
        .where(t.c.pk == token_pk)
        .where((t.c.last_used_at.is_(None)) | (t.c.last_used_at < now - _TOUCH_EVERY))
        .values(last_used_at=now)
    )


# -- login attempts --------------------------------------------------------------------


def record_failed_login(conn: Connection, key: str, now: datetime, keep: timedelta) -> None:
    conn.execute(delete(web_login_attempts).where(web_login_attempts.c.at < now - keep))
    conn.execute(insert(web_login_attempts).values(key=key, at=now))


def failed_logins(conn: Connection, key: str, since: datetime) -> int:
    a = web_login_attempts
    query = select(func.count()).select_from(a).where(a.c.key == key, a.c.at >= since)
    return int(conn.execute(query).scalar_one())


def clear_failed_logins(conn: Connection, key: str) -> None:
    conn.execute(delete(web_login_attempts).where(web_login_attempts.c.key == key))


# -- pipeline reads for the web views ----------------------------------------------------
# The board and the table read a page of summary columns at a time, sorted and counted in
# SQL, so a 10,000-deal pipeline renders without loading every deal's history.


@dataclass(frozen=True)
class PipelineRow:
    id: str
    name: str
    account: str | None
    owner: str | None
    stage: str
    status: Status
    value: float | None
    currency: str | None
    expected_close: date | None
    last_inbound_at: datetime | None
    silent_since: datetime
    outbound_since_inbound: int
    stage_entered_at: datetime
    touch_count: int
    stakeholder_count: int
    close_date_pushes: int
    has_why: bool
    # Changes whenever anything a diagnosis reads changes (see unstuck.web.cache).
    version: tuple[object, ...]


ORDERS = ("id", "name", "value", "silence", "stage-age", "stage", "owner", "close")


def _filters(
    statuses: tuple[Status, ...] | None, owner: str | None, stage: str | None
) -> list[Any]:
    d = t.deals
    where: list[Any] = []
    if statuses is not None:
        where.append(d.c.status.in_([s.value for s in statuses]))
    if owner is not None:
        where.append(func.lower(d.c.owner) == owner.strip().lower())
    if stage is not None:
        where.append(d.c.stage == stage)
    return where


def _order(order: str, descending: bool, stages: list[str]) -> list[Any]:
    d = t.deals
    column: Any = {
        "id": d.c.id,
        "name": d.c.name,
        "value": func.coalesce(d.c.value, 0),
        "silence": d.c.silent_since,
        "stage-age": d.c.stage_entered_at,
        "owner": func.coalesce(d.c.owner, ""),
        "close": func.coalesce(d.c.expected_close, date(9999, 12, 31)),
    }.get(order)
    if order == "stage":
        column = case({name: index for index, name in enumerate(stages)}, value=d.c.stage, else_=99)
    if column is None:
        raise ValueError(order)
    return [column.desc() if descending else column.asc(), d.c.id]


def pipeline_rows(
    conn: Connection,
    *,
    statuses: tuple[Status, ...] | None = (Status.OPEN,),
    owner: str | None = None,
    stage: str | None = None,
    order: str = "silence",
    descending: bool = False,
    stages: list[str] | None = None,
    offset: int = 0,
    limit: int | None = None,
    ids: list[str] | None = None,
) -> list[PipelineRow]:
    d, a = t.deals, t.accounts
    query = (
        select(
            d.c.id,
            d.c.name,
            a.c.name.label("account"),
            d.c.owner,
            d.c.stage,
            d.c.status,
            d.c.value,
            d.c.currency,
            d.c.expected_close,
            d.c.last_inbound_at,
            d.c.silent_since,
            d.c.outbound_since_inbound,
            d.c.stage_entered_at,
            d.c.touch_count,
            d.c.stakeholder_count,
            d.c.close_date_pushes,
            (d.c.why.is_not(None)).label("has_why"),
            d.c.updated_at,
            d.c.last_touch_at,
        )
        .select_from(d.outerjoin(a, a.c.pk == d.c.account_pk))
        .where(*_filters(statuses, owner, stage))
        .order_by(*_order(order, descending, stages or []))
        .offset(offset)
    )
    if ids is not None:
        query = query.where(d.c.id.in_(ids))
    if limit is not None:
        query = query.limit(limit)
    out = []
    for r in conn.execute(query):
        version = (
            r.updated_at,
            r.last_touch_at,
            r.touch_count,
            r.stakeholder_count,
            r.stage,
            r.stage_entered_at,
            r.expected_close,
            r.close_date_pushes,
            r.status,
        )
        out.append(
            PipelineRow(
                r.id,
                r.name,
                r.account,
                r.owner,
                r.stage,
                Status(r.status),
                r.value,
                r.currency,
                r.expected_close,
                r.last_inbound_at,
                r.silent_since,
                r.outbound_since_inbound,
                r.stage_entered_at,
                r.touch_count,
                r.stakeholder_count,
                r.close_date_pushes,
                bool(r.has_why),
                version,
            )
        )
    return out


def pipeline_totals(
    conn: Connection,
    *,
    statuses: tuple[Status, ...] | None = (Status.OPEN,),
    owner: str | None = None,
    stage: str | None = None,
) -> dict[str, tuple[int, float]]:
    """Deals and their summed value per stage."""
    d = t.deals
    query = (
        select(d.c.stage, func.count(), func.coalesce(func.sum(d.c.value), 0))
        .where(*_filters(statuses, owner, stage))
        .group_by(d.c.stage)
    )
    return {name: (int(count), float(value)) for name, count, value in conn.execute(query)}


def pipeline_count(
    conn: Connection,
    *,
    statuses: tuple[Status, ...] | None = (Status.OPEN,),
    owner: str | None = None,
    stage: str | None = None,
) -> int:
    """How many deals pass the filters (an index-only count when no owner is given)."""
    query = select(func.count()).select_from(t.deals).where(*_filters(statuses, owner, stage))
    return int(conn.execute(query).scalar_one())


def deal_owner(conn: Connection, deal_id: str) -> tuple[bool, str | None]:
    """Whether the deal exists, and its owner."""
    row = conn.execute(select(t.deals.c.owner).where(t.deals.c.id == deal_id)).first()
    return (False, None) if row is None else (True, row[0])


def owners_of(conn: Connection, deal_ids: list[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for start in range(0, len(deal_ids), 500):
        chunk = deal_ids[start : start + 500]
        query = select(t.deals.c.id, t.deals.c.owner).where(t.deals.c.id.in_(chunk))
        found.update({deal_id: owner for deal_id, owner in conn.execute(query)})
    return found


def closed_version(conn: Connection) -> tuple[int, datetime | None]:
    """Changes when the closed history (what norms are learned from) changes."""
    d = t.deals
    query = select(func.count(), func.max(d.c.updated_at)).where(
        d.c.status.in_([Status.WON.value, Status.LOST.value])
    )
    count, latest = conn.execute(query).one()
    return int(count), latest


__all__ = [
    "ORDERS",
    "PipelineRow",
    "Token",
    "User",
    "UserRole",
    "add_user",
    "clear_failed_logins",
    "closed_version",
    "count_users",
    "create_session",
    "create_token",
    "deal_owner",
    "delete_session",
    "failed_logins",
    "owners_of",
    "pipeline_count",
    "pipeline_rows",
    "pipeline_totals",
    "record_failed_login",
    "remove_user",
    "revoke_token",
    "session_user",
    "set_password",
    "set_role",
    "token_user",
    "tokens",
    "touch_token",
    "user",
    "user_by_feed_key",
    "user_by_pk",
    "user_or_fail",
    "users",
]
