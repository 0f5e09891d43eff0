"""Rebuilding the per-deal summary columns from the raw history, in SQL.

Every write path keeps the summaries of the deals it touches correct; this module
recomputes them from scratch (``unstuck db rebuild-summaries``) and is also what the
single-deal write paths call, restricted to that deal, so both use one definition. The
pure twin is :func:`unstuck.domain.summarize`; a test checks they agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, case, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from unstuck.store import schema as t


def _scalar(query: Any, outer: Any = None) -> ColumnElement[Any]:
    # Correlate explicitly: a subquery nested in another would otherwise pull in its own
    # copy of the outer table instead of referring to the row being updated.
    subquery: ColumnElement[Any] = query.correlate(
        t.deals if outer is None else outer
    ).scalar_subquery()
    return subquery


def _expressions() -> dict[str, ColumnElement[Any]]:
    d, x = t.deals, t.touches.alias("x")
    mine = x.c.deal_pk == d.c.pk
    last_in = _scalar(select(func.max(x.c.at)).where(mine, x.c.direction == "inbound"))
    y = t.touches.alias("y")
    since = _scalar(
        select(func.count())
        .select_from(y)
        .where(
            y.c.deal_pk == d.c.pk,
            y.c.direction == "outbound",
            y.c.at > func.coalesce(last_in, d.c.created),
        )
    )
    s = t.stage_changes
    entered = _scalar(select(func.max(s.c.at)).where(s.c.deal_pk == d.c.pk, s.c.stage == d.c.stage))
    return {
        "last_inbound_at": last_in,
        "last_outbound_at": _scalar(
            select(func.max(x.c.at)).where(mine, x.c.direction == "outbound")
        ),
        "last_touch_at": _scalar(select(func.max(x.c.at)).where(mine)),
        "outbound_since_inbound": since,
        "touch_count": _scalar(select(func.count()).select_from(x).where(mine)),
        "stage_entered_at": func.coalesce(entered, d.c.created),
        "close_date_pushes": _pushes(),
        "stakeholder_count": _scalar(
            select(func.count())
            .select_from(t.stakeholders)
            .where(t.stakeholders.c.deal_pk == d.c.pk)
        ),
        "silent_since": func.coalesce(last_in, d.c.created),
    }


def _pushes() -> ColumnElement[Any]:
    """Moves of the expected close date to a later day, as domain.close_date_pushes."""
    d = t.deals
    c, p = t.close_date_changes.alias("c"), t.close_date_changes.alias("p")
    earlier = or_(p.c.at < c.c.at, and_(p.c.at == c.c.at, p.c.expected_close < c.c.expected_close))
    previous = _scalar(
        select(p.c.expected_close)
        .where(p.c.deal_pk == c.c.deal_pk, earlier)
        .order_by(p.c.at.desc(), p.c.expected_close.desc())
        .limit(1),
        outer=c,
    )
    in_history = _scalar(
        select(func.count())
        .select_from(c)
        .where(c.c.deal_pk == d.c.pk, c.c.expected_close > previous)
    )
    last = t.close_date_changes.alias("l")
    latest = _scalar(
        select(last.c.expected_close)
        .where(last.c.deal_pk == d.c.pk)
        .order_by(last.c.at.desc(), last.c.expected_close.desc())
        .limit(1)
    )
    current = case((d.c.expected_close > latest, 1), else_=0)
    return in_history + current


def refresh(conn: Connection, deal_pks: Sequence[int] | None = None) -> int:
    """Recompute the summaries of the given deals (all deals when None); returns the count."""
    statement = update(t.deals).values(**_expressions())
    if deal_pks is not None:
        if not deal_pks:
            return 0
        statement = statement.where(t.deals.c.pk.in_(list(deal_pks)))
    result = conn.execute(statement)
    return int(result.rowcount or 0)


# The deals a bulk load gave new touches (see refresh_new_touches).
_CHOSEN = "unstuck_refresh_deals"


def refresh_new_touches(conn: Connection, before: int) -> int:
    """Refresh the deals that got touches with a key above ``before``; returns how many.

    The bulk path's twin of :func:`refresh` for what touches and stakeholders change
    (the touch columns, ``silent_since`` and ``stakeholder_count``), computed with one
    aggregate over the touches of those deals instead of one subquery per deal and
    column: the per-deal form reads every touch row six times, which for a million
    deals with twenty touches each took minutes. One UPDATE sets every column, the
    stakeholder count included: each updated row is written again with all of the deals
    table's indexes (a second UPDATE for the count doubled that, 7 s more per 100,000
    deals on PostgreSQL). A test holds the two to the same answers. Also clears the
    deals' stall-scan cache.
    """
    temp = "" if conn.dialect.name == "postgresql" else "temp."
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_CHOSEN} (pk bigint PRIMARY KEY) ON COMMIT DROP")
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{_CHOSEN}")
        conn.exec_driver_sql(f"CREATE TEMP TABLE {_CHOSEN} (pk INTEGER PRIMARY KEY)")
    count = conn.exec_driver_sql(
        f"INSERT INTO {temp}{_CHOSEN} (pk) "
        f"SELECT DISTINCT deal_pk FROM touches WHERE pk > {int(before)}"
    ).rowcount
    chosen = f"SELECT pk FROM {temp}{_CHOSEN}"
    conn.exec_driver_sql(
        "UPDATE deals SET last_inbound_at = a.last_in, last_outbound_at = a.last_out, "
        "last_touch_at = a.last_touch, touch_count = a.n, outbound_since_inbound = a.since, "
        "silent_since = coalesce(a.last_in, deals.created), stakeholder_count = a.people, "
        "static_key = NULL FROM ("
        "SELECT x.deal_pk, max(i.last_in) AS last_in, count(*) AS n, max(x.at) AS last_touch, "
        "(SELECT count(*) FROM stakeholders s WHERE s.deal_pk = x.deal_pk) AS people, "
        "max(CASE WHEN x.direction = 'outbound' THEN x.at END) AS last_out, "
        "sum(CASE WHEN x.direction = 'outbound' AND x.at > coalesce(i.last_in, d.created) "
        "THEN 1 ELSE 0 END) AS since "
        "FROM touches x JOIN deals d ON d.pk = x.deal_pk LEFT JOIN ("
        "SELECT deal_pk, max(at) AS last_in FROM touches "
        f"WHERE direction = 'inbound' AND deal_pk IN ({chosen}) GROUP BY deal_pk"
        f") i ON i.deal_pk = x.deal_pk WHERE x.deal_pk IN ({chosen}) "
        # Grouped by the deal alone (its last reply is one value per deal): the rows come
        # in the index's deal order, so SQLite groups them as they come, with no sort.
        "GROUP BY x.deal_pk) a WHERE deals.pk = a.deal_pk"
    )
    conn.exec_driver_sql(f"DROP TABLE {temp}{_CHOSEN}")
    return max(0, int(count or 0))


__all__ = ["refresh", "refresh_new_touches"]
