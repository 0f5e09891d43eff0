"""Writing the native pipeline document: the contract's JSON shape, deals in id order."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from unstuck.document.dates import FORMAT, format_datetime
from unstuck.domain import (
    Deal,
    Qualification,
)


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def deal_to_dict(deal: Deal, tz: ZoneInfo) -> dict[str, Any]:
    def when(moment: datetime) -> str:
        return format_datetime(moment, tz)

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    out: dict[str, Any] = {
        "id": deal.id,
        "name": deal.name,
        "account": deal.account,
        "account_type": deal.account_type.value if deal.account_type else None,
        "owner": deal.owner,
        "stage": deal.stage,
        "status": deal.status.value,
        "value": _number(deal.value),
        "currency": deal.currency,
        "created": when(deal.created),
        "expected_close": day(deal.expected_close),
        "why": deal.why,
        "fields": dict(sorted(deal.fields.items())),
        "stage_history": [{"stage": c.stage, "at": when(c.at)} for c in deal.stage_history],
        "close_date_history": [
            {"expected_close": c.expected_close.isoformat(), "at": when(c.at)}
            for c in deal.close_date_history
        ],
        "stakeholders": [
            {
                "id": s.id,
                "name": s.name,
                "email": s.email,
                "title": s.title,
                "roles": [r.value for r in s.roles],
                "stance": s.stance.value,
                "authority": s.authority.value,
                "faction": s.faction,
            }
            for s in deal.stakeholders
        ],
        "answers": [
            {
                "question": a.question,
                "stakeholder": a.stakeholder,
                "answer": a.answer,
                "at": when(a.at),
            }
            for a in deal.answers
        ],
        "touches": [
            {
                "at": when(t.at),
                "direction": t.direction.value,
                "channel": t.channel.value,
                "with": list(t.with_),
                "kind": t.kind.value if t.kind else None,
                "summary": t.summary,
            }
            for t in deal.touches
        ],
        "lost_reason": deal.lost_reason,
        "revisit_on": day(deal.revisit_on),
    }
    if deal.closed_at is not None:
        out["closed_at"] = when(deal.closed_at)
    if deal.decisions:
        out["decisions"] = [
            {
                "decision": d.decision.value,
                "reason": d.reason,
                "at": when(d.at),
                "decided_by": d.decided_by,
            }
            for d in deal.decisions
        ]
    return out


def to_document(
    deals: Iterable[Deal],
    tz: ZoneInfo,
    as_of: datetime | None = None,
    qualification: Qualification | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": FORMAT, "timezone": str(tz.key)}
    if as_of is not None:
        doc["as_of"] = format_datetime(as_of, tz)
    if qualification is not None:
        doc["qualification"] = {
            "framework": qualification.framework,
            "questions": list(qualification.questions),
        }
    ordered = sorted(deals, key=lambda d: d.id)
    doc["deals"] = [deal_to_dict(deal.canonical(), tz) for deal in ordered]
    return doc


__all__ = ["deal_to_dict", "to_document"]
