"""The variables every play template can use, built from one deal's own data.

Documented in ``docs/diagnosis.md`` ("Writing your own plays"); templates run with
StrictUndefined, so a misspelt name fails when the playbook is loaded, not in front of
a customer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from unstuck.diagnosis.evidence import account_of, describe, join
from unstuck.diagnosis.findings import Finding
from unstuck.diagnosis.signals import Signals
from unstuck.diagnosis.text import day, quoted
from unstuck.domain import BUYING_ROLES, Authority, Deal, FindingKind, Role, Stakeholder

# Stands in for a contact when the deal records nobody at the prospect yet.
_NOBODY: dict[str, Any] = {
    "id": "",
    "name": "your contact",
    "first_name": "there",
    "title": "",
    "roles": [],
    "describe": "your contact",
    "scenario": "",
}


def person(p: Stakeholder) -> dict[str, Any]:
    parts = p.name.split()
    return {
        "id": p.id,
        "name": p.name,
        "first_name": parts[0] if parts else p.name,
        "title": p.title or "",
        "roles": [str(r) for r in p.roles],
        "describe": describe(p),
        "scenario": "",
    }


def main_contact(deal: Deal, signals: Signals) -> dict[str, Any]:
    """The person most recently in conversation, else the first one recorded."""
    engaged = set(signals.engaged)
    for touch in sorted(deal.touches, key=lambda t: t.at, reverse=True):
        if touch.at <= signals.as_of:
            for pid in touch.with_:
                found = deal.stakeholder(pid)
                if found is not None and (pid in engaged or not engaged):
                    return person(found)
    return person(deal.stakeholders[0]) if deal.stakeholders else dict(_NOBODY)


def build_variables(
    deal: Deal, signals: Signals, findings: Sequence[Finding], revisit_days: int
) -> dict[str, Any]:
    by_id = {p.id: p for p in deal.stakeholders}
    engaged = [person(by_id[i]) for i in signals.engaged if i in by_id]
    return {
        "deal": {
            "id": deal.id,
            "name": deal.name,
            "stage": deal.stage,
            "value": deal.value,
            "currency": deal.currency or "",
            "account_type": str(deal.account_type) if deal.account_type else "",
            "expected_close": day(deal.expected_close) if deal.expected_close else "",
            "owner": deal.owner or "",
        },
        "account": account_of(deal),
        "why": quoted(deal.why or ""),
        "contact": main_contact(deal, signals),
        "people": [person(p) for p in deal.stakeholders],
        "engaged": engaged,
        "deciders": _deciders(deal, signals),
        "meetings": _meetings(deal, signals),
        "open_questions": [{"id": q.id, "ask": q.ask} for q in signals.open_questions],
        "conflicts": _conflicts(deal, signals),
        "resisters": _resisters(deal, signals),
        "silence": {
            "days": int(signals.days_silent),
            "since": day(signals.silent_since),
            "unanswered": signals.unanswered,
            "replied": signals.last_reply_at is not None,
        },
        "loop": [{"at": day(e.at), "what": e.what} for e in signals.loop],
        "stuck": {
            "stage": signals.stage,
            "days": int(signals.days_in_stage),
            "norm": round(signals.stage_norm_days),
        },
        "overdue": {"days": signals.days_past_close, "pushes": signals.close_pushes},
        "findings": [str(f.kind) for f in findings],
        "revisit_months": max(round(revisit_days / 30), 1),
    }


def finding_variables(
    deal: Deal, finding: Finding, kinds: Sequence[str], resisters: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """What a play knows about the finding it answers first.

    ``resisting`` is who a resistance play is about: the finding's people, or every
    resister when the play answers something else.
    """
    people = [person(p) for p in deal.stakeholders if p.id in finding.people]
    resisting = people if finding.kind is FindingKind.RESISTANCE else list(resisters)
    return {
        "resisting": resisting,
        "resisting_names": join([p["name"] for p in resisting]) or "the people who resist",
        "finding": {
            "kind": str(finding.kind),
            "scenario": str(finding.scenario) if finding.scenario else "",
            "summary": finding.summary,
            "people": people,
        },
        "for": list(kinds),
    }


def _deciders(deal: Deal, signals: Signals) -> list[dict[str, Any]]:
    """People who can say yes, those not yet in conversation first."""
    able = [
        p
        for p in deal.stakeholders
        if p.has_role(Role.DECISION_MAKER, Role.APPROVAL) or p.authority is Authority.HIGH
    ]
    able.sort(key=lambda p: p.id in signals.engaged)
    return [person(p) for p in able]


def _meetings(deal: Deal, signals: Signals) -> list[dict[str, Any]]:
    """One meeting per buying role no engaged person covers, with whoever holds it."""
    meetings: list[dict[str, Any]] = []
    for role in BUYING_ROLES:
        if role in signals.roles_engaged:
            continue
        holder = next((p for p in deal.stakeholders if role in p.roles), None)
        meetings.append({"role": str(role), "person": person(holder) if holder else None})
    return meetings


def _conflicts(deal: Deal, signals: Signals) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for conflict in signals.conflicts:
        answers = []
        for answer in conflict.answers:
            holder = deal.stakeholder(answer.stakeholder or "")
            name = holder.name if holder else (answer.stakeholder or "someone")
            answers.append({"name": name, "answer": answer.answer})
        out.append({"question": conflict.question, "answers": answers})
    return out


def _resisters(deal: Deal, signals: Signals) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for resister in signals.resisters:
        holder = deal.stakeholder(resister.stakeholder)
        if holder is not None:
            out.append({**person(holder), "scenario": str(resister.scenario)})
    return out


__all__ = ["build_variables", "finding_variables", "main_contact", "person"]
