"""Turning domain objects into rows and rows back into domain objects."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Date,
    DateTime,
    RowMapping,
    Select,
    String,
    func,
    or_,
    select,
    type_coerce,
)

from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    CloseDateChange,
    Deal,
    DealSummary,
    Decision,
    DecisionKind,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    Touch,
    TouchKind,
)
from unstuck.store import schema as t

Row = RowMapping


def fingerprint(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def touch_fingerprint(touch: Touch) -> str:
    kind = touch.kind.value if touch.kind else ""
    return fingerprint(
        touch.direction.value, touch.channel.value, kind, ",".join(touch.with_), touch.summary
    )


def answer_fingerprint(answer: Answer) -> str:
    return fingerprint(answer.question, answer.stakeholder, answer.answer, answer.at.isoformat())


def summary_values(summary: DealSummary) -> dict[str, Any]:
    return {
        "last_inbound_at": summary.last_inbound_at,
        "last_outbound_at": summary.last_outbound_at,
        "last_touch_at": summary.last_touch_at,
        "outbound_since_inbound": summary.outbound_since_inbound,
        "touch_count": summary.touch_count,
        "stage_entered_at": summary.stage_entered_at,
        "close_date_pushes": summary.close_date_pushes,
        "stakeholder_count": summary.stakeholder_count,
        "silent_since": summary.silent_since,
    }


def deal_values(deal: Deal, account_pk: int | None, now: datetime) -> dict[str, Any]:
    return {
        "id": deal.id,
        "name": deal.name,
        "account_pk": account_pk,
        "owner": deal.owner,
        "stage": deal.stage,
        "status": deal.status.value,
        "value": deal.value,
        "currency": deal.currency,
        "created": deal.created,
        "expected_close": deal.expected_close,
        "why": deal.why,
        "fields": dict(deal.fields),
        "lost_reason": deal.lost_reason,
        "revisit_on": deal.revisit_on,
        "closed_at": deal.closed_at,
        "updated_at": now,
        # A changed deal's cached scan severities are stale (unstuck/scan.py).
        "static_severities": None,
        "static_key": None,
        "static_at": None,
        "static_until": None,
        "static_max": None,
        "static_prod": None,
        "why_since": None,
    }


def child_rows(deal: Deal, deal_pk: int) -> dict[str, list[dict[str, Any]]]:
    """Every child row of a deal, keyed by table name."""
    return {
        "stakeholders": [
            {
                "deal_pk": deal_pk,
                "id": s.id,
                "name": s.name,
                "email": s.email,
                "title": s.title,
                "roles": ",".join(r.value for r in s.roles),
                "stance": s.stance.value,
                "authority": s.authority.value,
                "faction": s.faction,
            }
            for s in deal.stakeholders
        ],
        "touches": [
            {
                "deal_pk": deal_pk,
                "at": x.at,
                "direction": x.direction.value,
                "channel": x.channel.value,
                "kind": x.kind.value if x.kind else None,
                "participants": ",".join(x.with_),
                "summary": x.summary,
                "fingerprint": touch_fingerprint(x),
            }
            for x in deal.touches
        ],
        "answers": [
            {
                "deal_pk": deal_pk,
                "question": a.question,
                "stakeholder": a.stakeholder,
                "answer": a.answer,
                "at": a.at,
                "fingerprint": answer_fingerprint(a),
            }
            for a in deal.answers
        ],
        "stage_changes": [
            {"deal_pk": deal_pk, "stage": c.stage, "at": c.at} for c in deal.stage_history
        ],
        "close_date_changes": [
            {"deal_pk": deal_pk, "expected_close": c.expected_close, "at": c.at}
            for c in deal.close_date_history
        ],
        "decisions": [
            {
                "deal_pk": deal_pk,
                "decision": d.decision.value,
                "reason": d.reason,
                "decided_by": d.decided_by,
                "at": d.at,
            }
            for d in deal.decisions
        ],
    }


# -- reading ----------------------------------------------------------------------------


def _stakeholder(
    ident: str,
    name: str,
    email: str | None,
    title: str | None,
    roles: str,
    stance: str,
    authority: str,
    faction: str | None,
) -> Stakeholder:
    held = tuple(_ROLES[r] for r in roles.split(",") if r)
    return Stakeholder(
        ident, name, email, title, held, _STANCES[stance], _AUTHORITIES[authority], faction
    )


def _decision(kind: str, reason: str, at: datetime, by: str | None) -> Decision:
    return Decision(DecisionKind(kind), reason, at, by)


def _answer(question: str, answer: str, at: datetime, who: str | None) -> Answer:
    return Answer(question, answer, at, who)


# Enum lookups by value: a dict read is several times cheaper than calling the Enum, and
# loading deals is the hot path of every scan.
_ROLES = {member.value: member for member in Role}
_STANCES = {member.value: member for member in Stance}
_AUTHORITIES = {member.value: member for member in Authority}
_STATUSES = {member.value: member for member in Status}
_ACCOUNT_TYPES: dict[str | None, AccountType] = {member.value: member for member in AccountType}
_DIRECTIONS = {member.value: member for member in Direction}
_CHANNELS = {member.value: member for member in Channel}
_KINDS: dict[str | None, TouchKind | None] = {member.value: member for member in TouchKind}
_KINDS[None] = None
_KINDS[""] = None


def inbound_touches(
    conn: Connection, deal_pks: Select[Any], since: datetime | None = None
) -> dict[int, list[Touch]]:
    """The deals' inbound touches; with ``since``, only those after it and the last one
    at or before it (what a reply's gap of silence is measured from)."""
    return _touches(conn, deal_pks, inbound_only=True, since=since)


def _touches(
    conn: Connection,
    deal_pks: Select[Any],
    inbound_only: bool = False,
    since: datetime | None = None,
) -> dict[int, list[Touch]]:
    x = t.touches
    # The time is read as the driver gives it (text on SQLite, a datetime from psycopg)
    # and parsed with the C-fast fromisoformat: SQLAlchemy's per-row type processing
    # costs more than the whole fetch on a scan of 200,000 touches.
    raw_at = type_coerce(x.c.at, String)
    query = (
        select(
            x.c.deal_pk, raw_at, x.c.direction, x.c.channel, x.c.participants, x.c.kind, x.c.summary
        )
        .where(x.c.deal_pk.in_(deal_pks))
        .order_by(x.c.deal_pk, x.c.at, x.c.pk)
    )
    if inbound_only:
        query = query.where(x.c.direction == "inbound")
    if since is not None:
        y = t.touches.alias("before")
        previous = (
            select(func.max(y.c.at))
            .where(y.c.deal_pk == x.c.deal_pk, y.c.direction == x.c.direction, y.c.at <= since)
            .scalar_subquery()
        )
        query = query.where(or_(x.c.at > since, x.c.at >= previous))
    grouped: dict[int, list[Touch]] = defaultdict(list)
    parse = datetime.fromisoformat
    # fetchall, not row-by-row iteration: one call into the driver instead of 200,000.
    for pk, at, direction, channel, people, kind, summary in conn.execute(query).all():
        grouped[pk].append(
            Touch(
                at if isinstance(at, datetime) else parse(at),
                _DIRECTIONS[direction],
                _CHANNELS[channel],
                tuple(people.split(",")) if people else (),
                _KINDS[kind],
                summary,
            )
        )
    return grouped


def _children(
    conn: Connection,
    table: Any,
    columns: Sequence[str],
    build: Callable[..., Any],
    deal_pks: Select[Any],
) -> dict[int, list[Any]]:
    """Domain objects of one history table, grouped by deal, in their recorded order.

    Dates and times are read as the driver gives them and parsed here (as in
    ``_touches``): SQLAlchemy's per-value processing of SQLite's text dates costs more
    than the rest of the read."""
    order = [table.c.at, table.c.pk] if "at" in table.c else [table.c.pk]
    parsers = [_PARSERS.get(type(table.c[c].type)) for c in columns]
    selected = [
        type_coerce(table.c[c], String) if parse else table.c[c]
        for c, parse in zip(columns, parsers, strict=True)
    ]
    query = (
        select(table.c.deal_pk, *selected)
        .where(table.c.deal_pk.in_(deal_pks))
        .order_by(table.c.deal_pk, *order)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    timed = [i for i, parse in enumerate(parsers) if parse is not None]
    for pk, *values in conn.execute(query).all():
        for i in timed:
            value = values[i]
            if isinstance(value, str):
                values[i] = parsers[i](value)  # type: ignore[misc]
        grouped[pk].append(build(*values))
    return grouped


# Column types read as text and parsed with the C-fast ``fromisoformat``; values the
# driver already converted (psycopg) pass through.
_PARSERS: dict[type, Callable[[str], Any]] = {
    DateTime: datetime.fromisoformat,
    Date: date.fromisoformat,
}


# How each history table becomes domain objects: its columns, in the builder's order.
_PARTS: dict[str, tuple[Any, Sequence[str], Callable[..., Any]]] = {
    "stakeholders": (
        t.stakeholders,
        ("id", "name", "email", "title", "roles", "stance", "authority", "faction"),
        _stakeholder,
    ),
    "answers": (t.answers, ("question", "answer", "at", "stakeholder"), _answer),
    "stage_changes": (t.stage_changes, ("stage", "at"), StageChange),
    "close_date_changes": (t.close_date_changes, ("expected_close", "at"), CloseDateChange),
    "decisions": (t.decisions, ("decision", "reason", "at", "decided_by"), _decision),
}


ALL_PARTS = frozenset(
    {"stakeholders", "touches", "answers", "stage_changes", "close_date_changes", "decisions"}
)

LIGHT_PARTS = frozenset({"stage_changes", "close_date_changes"})


def load_deals(
    conn: Connection, deal_query: Select[Any], parts: frozenset[str] = ALL_PARTS
) -> list[Deal]:
    """Deals for every row ``deal_query`` selects (it must select ``deals.pk``), with
    the histories named in ``parts`` (all of them by default; a view that needs fewer
    reads much less: touches are nineteen rows in twenty).

    One query per table, whatever the number of deals, instead of one per deal.
    """
    base = deal_query.subquery()
    pks = select(base.c.pk)
    d = t.deals
    columns = [_raw(d.c[name]) if name in _HEAD_PARSED else d.c[name] for name in _HEAD_COLUMNS]
    heads = conn.execute(
        select(*columns, t.accounts.c.name, t.accounts.c.account_type)
        .select_from(d.outerjoin(t.accounts))
        .where(d.c.pk.in_(pks))
        .order_by(d.c.id)
    ).all()
    if not heads:
        return []
    none: dict[int, list[Any]] = {}

    def part(name: str) -> dict[int, list[Any]]:
        if name not in parts:
            return none
        table, columns, build = _PARTS[name]
        return _children(conn, table, columns, build, pks)

    said = _touches(conn, pks) if "touches" in parts else none
    people, answers = part("stakeholders"), part("answers")
    stages, closes, decided = part("stage_changes"), part("close_date_changes"), part("decisions")
    return [_deal(h, people, said, answers, stages, closes, decided) for h in heads]


# The deal columns a Deal is built from, in ``_deal``'s order; the dates among them and
# the custom fields are read raw and parsed in ``_deal`` (see ``_children``).
_HEAD_COLUMNS = (
    "pk", "id", "name", "stage", "created", "status", "owner", "value", "currency",
    "expected_close", "why", "fields", "lost_reason", "revisit_on", "closed_at",
)  # fmt: skip
_HEAD_PARSED = frozenset({"created", "expected_close", "fields", "revisit_on", "closed_at"})


def _raw(column: Any) -> Any:
    return type_coerce(column, String).label(column.name)


def _when(value: Any, parse: Callable[[str], Any]) -> Any:
    return parse(value) if isinstance(value, str) else value


def _fields(value: Any) -> dict[str, Any]:
    if not value:
        return {}
    if isinstance(value, str):
        return {} if value == "{}" else dict(json.loads(value))
    return dict(value)


def _deal(
    h: Sequence[Any],
    people: Mapping[int, list[Stakeholder]],
    touches: Mapping[int, list[Touch]],
    answers: Mapping[int, list[Answer]],
    stages: Mapping[int, list[StageChange]],
    closes: Mapping[int, list[CloseDateChange]],
    decided: Mapping[int, list[Decision]],
) -> Deal:
    (pk, ident, name, stage, created, status, owner, value, currency, expected_close, why,
     fields, lost_reason, revisit_on, closed_at, account, account_type) = h  # fmt: skip
    return Deal(
        id=ident,
        name=name,
        stage=stage,
        created=_when(created, datetime.fromisoformat),
        status=_STATUSES[status],
        account=account,
        account_type=_ACCOUNT_TYPES.get(account_type),
        owner=owner,
        value=value,
        currency=currency,
        expected_close=_when(expected_close, date.fromisoformat),
        why=why,
        fields=_fields(fields),
        stage_history=tuple(stages.get(pk, ())),
        close_date_history=tuple(closes.get(pk, ())),
        stakeholders=tuple(people.get(pk, ())),
        answers=tuple(answers.get(pk, ())),
        touches=tuple(touches.get(pk, ())),
        lost_reason=lost_reason,
        revisit_on=_when(revisit_on, date.fromisoformat),
        closed_at=_when(closed_at, datetime.fromisoformat),
        decisions=tuple(decided.get(pk, ())),
    )


__all__ = ["child_rows", "deal_values", "load_deals", "summary_values"]
