"""Turning domain objects into rows and rows back into domain objects."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, String, select, type_coerce

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


def inbound_touches(conn: Connection, deal_pks: Select[Any]) -> dict[int, list[Touch]]:
    return _touches(conn, deal_pks, inbound_only=True)


def _touches(
    conn: Connection, deal_pks: Select[Any], inbound_only: bool = False
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
    """Domain objects of one history table, grouped by deal, in their recorded order."""
    order = [table.c.at, table.c.pk] if "at" in table.c else [table.c.pk]
    query = (
        select(table.c.deal_pk, *[table.c[c] for c in columns])
        .where(table.c.deal_pk.in_(deal_pks))
        .order_by(table.c.deal_pk, *order)
    )
    grouped: dict[int, list[Any]] = defaultdict(list)
    for pk, *values in conn.execute(query).all():
        grouped[pk].append(build(*values))
    return grouped


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
    heads = list(
        conn.execute(
            select(t.deals, t.accounts.c.name.label("account_name"), t.accounts.c.account_type)
            .select_from(t.deals.outerjoin(t.accounts))
            .where(t.deals.c.pk.in_(pks))
            .order_by(t.deals.c.id)
        ).mappings()
    )
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


def _deal(
    h: Row,
    people: Mapping[int, list[Stakeholder]],
    touches: Mapping[int, list[Touch]],
    answers: Mapping[int, list[Answer]],
    stages: Mapping[int, list[StageChange]],
    closes: Mapping[int, list[CloseDateChange]],
    decided: Mapping[int, list[Decision]],
) -> Deal:
    pk = h["pk"]
    return Deal(
        id=h["id"],
        name=h["name"],
        stage=h["stage"],
        created=h["created"],
        status=_STATUSES[h["status"]],
        account=h["account_name"],
        account_type=_ACCOUNT_TYPES.get(h["account_type"]),
        owner=h["owner"],
        value=h["value"],
        currency=h["currency"],
        expected_close=h["expected_close"],
        why=h["why"],
        fields=dict(h["fields"] or {}),
        stage_history=tuple(stages.get(pk, ())),
        close_date_history=tuple(closes.get(pk, ())),
        stakeholders=tuple(people.get(pk, ())),
        answers=tuple(answers.get(pk, ())),
        touches=tuple(touches.get(pk, ())),
        lost_reason=h["lost_reason"],
        revisit_on=h["revisit_on"],
        closed_at=h["closed_at"],
        decisions=tuple(decided.get(pk, ())),
    )


__all__ = ["child_rows", "deal_values", "load_deals", "summary_values"]
