"""The stall scan as one SQL query, for pipelines too large to judge deal by deal in Python.

``unstuck.scan`` decides whether an open deal is stalled from its summary columns and the
cached severities of the findings that change only with the deal. This module states the
same arithmetic in SQL, so the database counts the stalled deals and returns the worst
ones without sending a million rows to Python. It judges only deals whose cache is valid
at ``now``; the same pass lists the others (when there are few: a deal written since the
cache was filled has none), for the caller to diagnose in full. It needs three numbers
the cache keeps beside its text: the largest cached severity (``static_max``), the product of
``1 - share * s`` over the cached severities (``static_prod``), and the moment the why was
last mentioned (``why_since``; null when the why is missing, whose fixed severity is
already among the cached ones).

The severity combines like ``diagnosis.findings.combine``: with ``m`` the largest of all
severities and ``P`` the product of ``1 - share * s`` over all of them,
``1 - (1 - m) * P / (1 - share * m)``, capped. Times are compared in whole epoch seconds
on both databases, the way Python subtracts datetimes, so thresholds fall on the same
side; a test checks the query against the Python scan deal by deal on both databases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Float, and_, case, cast, func, literal, or_, select

from unstuck.store import schema as t

_EPOCH = datetime(1970, 1, 1)
_DAY = 86400.0


@dataclass(frozen=True)
class StallParams:
    """The thresholds of the clock findings, as plain numbers (see ``scan.sql_params``)."""

    key: str  # the rules' fingerprint a valid cache carries
    quiet_days: float
    quiet_unanswered: int
    stage_limits: Mapping[str, float]  # days in a stage before it counts as stuck
    default_stage_limit: float
    close_pushes: int
    why_stale_days: float
    stalled_severity: float
    share: float = 0.5
    ceiling: float = 0.99


# Deals without a valid cache listed by the pass; with more, the caller refreshes the
# cache of all of them first (a store just filled by a CSV import, changed rules).
STALE_LISTED = 500


@dataclass(frozen=True)
class StallCount:
    """What the query found: open deals judged (a valid cache), how many are stalled, the
    worst few, and the deals left out for want of a valid cache: ``stale_total`` of them,
    listed in ``stale`` when there are at most ``STALE_LISTED``."""

    judged: int
    stalled: int
    worst: list[tuple[str, float | None, float]]  # (id, value, severity), worst first
    stale: list[str] = field(default_factory=list)
    stale_total: int = 0

    @property
    def complete(self) -> bool:
        """Every deal left out is listed in ``stale``."""
        return len(self.stale) == self.stale_total


def _seconds(moment: datetime | date) -> float:
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    return (moment - _EPOCH).total_seconds()


class _Sql:
    """Expression helpers that differ between SQLite and PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"

    def epoch(self, column: Any) -> Any:
        """Whole seconds since 1970 of a stored DateTime or Date (naive, UTC)."""
        if self.sqlite:
            return func.round((func.julianday(column) - 2440587.5) * _DAY)
        return cast(func.extract("epoch", column), Float)

    def greatest(self, *values: Any) -> Any:
        return func.max(*values) if self.sqlite else func.greatest(*values)

    def least(self, *values: Any) -> Any:
        return func.min(*values) if self.sqlite else func.least(*values)


def _grow(excess: Any, scale: Any, floor: float, ceiling: float) -> Any:
    """``diagnosis.findings.grow`` for a positive excess."""
    return floor + (ceiling - floor) * (1.0 - func.exp(-excess / scale))


def _fenced(query: Any) -> Any:
    """A subquery the planner evaluates once per row instead of pasting its expressions
    into the outer query (``OFFSET 0`` stops SQLite flattening it and PostgreSQL pulling it
    up), so each day count and severity is computed once."""
    return query.offset(0).subquery()


def _verdicts(sql: _Sql, p: StallParams, now: datetime, filters: list[Any]) -> Any:
    """Per deal: id, value, whether its cache is valid (1 or 0), the largest severity
    ``m`` and the product ``p`` of ``1 - share * s`` over all severities, cached and clock
    (``scan.verdict``; meaningless without a valid cache)."""
    d = t.deals
    now_s = _seconds(now)

    def days_since(column: Any) -> Any:
        return (now_s - sql.epoch(column)) / _DAY

    limit: Any = literal(p.default_stage_limit)
    if p.stage_limits:
        limit = case(
            *[(d.c.stage == stage, days) for stage, days in p.stage_limits.items()],
            else_=p.default_stage_limit,
        )
    past = case(
        (d.c.expected_close.is_(None), 0.0),
        else_=sql.greatest((_seconds(now.date()) - sql.epoch(d.c.expected_close)) / _DAY, 0.0),
    )
    base = _fenced(
        select(
            d.c.id,
            d.c.value,
            d.c.static_max,
            d.c.static_prod,
            sql.greatest(days_since(d.c.silent_since), 0.0).label("silent"),
            d.c.outbound_since_inbound.label("unanswered"),
            sql.greatest(days_since(d.c.stage_entered_at), 0.0).label("in_stage"),
            limit.label("limit"),
            past.label("past"),
            (d.c.close_date_pushes - p.close_pushes).label("pushed_over"),
            days_since(d.c.why_since).label("why_days"),
            days_since(d.c.created).label("age"),
            case((valid_cache(p.key, now), 1), else_=0).label("valid"),
        ).where(*filters)
    )
    b = base.c
    quiet = case(
        (
            and_(b.silent >= p.quiet_days, b.unanswered >= p.quiet_unanswered),
            _grow(b.silent - p.quiet_days, max(3 * p.quiet_days, 1e-9), 0.5, p.ceiling),
        ),
        else_=None,
    )
    stage = case(
        (b.in_stage > b.limit, _grow(b.in_stage - b.limit, b.limit, 0.5, p.ceiling)),
        else_=None,
    )
    overdue = case(
        (
            or_(b.past > 0, b.pushed_over > 0),
            _grow(b.past / 30.0 + sql.greatest(b.pushed_over, 0), 1.5, 0.4, p.ceiling),
        ),
        else_=None,
    )
    why = case(
        (
            and_(
                b.why_days.is_not(None),
                b.age >= p.why_stale_days,
                b.why_days > p.why_stale_days,
            ),
            _grow(b.why_days - p.why_stale_days, max(p.why_stale_days, 1e-9), 0.25, 0.45),
        ),
        else_=None,
    )
    clock = _fenced(
        select(
            b.id,
            b.value,
            b.static_max,
            b.static_prod,
            b.valid,
            quiet.label("q"),
            stage.label("s"),
            overdue.label("o"),
            why.label("w"),
        )
    )
    c = clock.c
    severities = [c.q, c.s, c.o, c.w]
    product: Any = c.static_prod
    for severity in severities:
        product = product * func.coalesce(1.0 - p.share * severity, 1.0)
    worst = sql.greatest(
        func.coalesce(c.static_max, 0.0), *[func.coalesce(x, 0.0) for x in severities]
    )
    return _fenced(select(c.id, c.value, c.valid, worst.label("m"), product.label("p")))


def valid_cache(key: str, now: datetime) -> Any:
    """Open deals whose cached severities describe ``now`` (``scan.needs_diagnosis``
    is false for them: every write clears the key, so no event is dated after now)."""
    d = t.deals
    return and_(
        d.c.static_key == key,
        d.c.static_severities.is_not(None),
        d.c.static_prod.is_not(None),
        d.c.static_at <= now,
        d.c.static_until > now,
    )


def merge(parts: Sequence[StallCount], limit: int) -> StallCount:
    """One answer from the answers over disjoint sets of deals."""
    worst = sorted(
        (row for part in parts for row in part.worst), key=lambda r: (-r[2], -(r[1] or 0.0), r[0])
    )
    return StallCount(
        sum(part.judged for part in parts),
        sum(part.stalled for part in parts),
        worst[:limit],
        [ident for part in parts for ident in part.stale],
        sum(part.stale_total for part in parts),
    )


def count_stalled(
    conn: Connection,
    p: StallParams,
    now: datetime,
    filters: list[Any],
    limit: int,
    stale_listed: int | None = None,
) -> StallCount:
    """Count the stalled deals among those matching ``filters`` with a valid cache, return
    the ``limit`` worst (severity, then value, then id, as ``scan.worst_first``) and list
    the deals without a valid cache (up to ``stale_listed``; see ``StallCount``).

    One pass: every deal is read once, the counts ride along as window aggregates over
    all of them, and the deals without a valid cache sort first, then the stalled ones, so
    the rows kept are those to list and the worst (separate queries for counting, ranking
    and finding stale caches took half as long again, and a fifth more).
    """
    listed = STALE_LISTED if stale_listed is None else stale_listed
    sql = _Sql(conn.dialect.name)
    inner = _verdicts(sql, p, now, filters)
    valid = inner.c.valid
    combined = 1.0 - (1.0 - inner.c.m) * inner.c.p / (1.0 - p.share * inner.c.m)
    severity = sql.least(combined, p.ceiling)
    stalled = case((and_(valid == 1, inner.c.m >= p.stalled_severity), 1), else_=0)
    rows = conn.execute(
        select(
            inner.c.id,
            inner.c.value,
            severity,
            stalled,
            valid,
            func.count().over(),
            func.sum(valid).over(),
            func.sum(stalled).over(),
        )
        .order_by(
            valid,
            stalled.desc(),
            severity.desc(),
            func.coalesce(inner.c.value, 0.0).desc(),
            inner.c.id,
        )
        .limit(max(limit, 1) + listed)
    ).all()
    if not rows:
        return StallCount(0, 0, [])
    total, judged, stalled_count = (int(x) for x in rows[0][5:])
    worst = [(ident, value, float(sev)) for ident, value, sev, hit, *_ in rows if hit]
    # More than ``listed`` would leave fewer than ``limit`` rows for the worst.
    stale = [row[0] for row in rows if not row[4]][:listed]
    return StallCount(judged, stalled_count, worst[:limit], stale, total - judged)


__all__ = ["STALE_LISTED", "StallCount", "StallParams", "count_stalled", "merge", "valid_cache"]
