"""The agenda: what is due across all deals, built from plain records. Pure.

Three kinds of item: the next steps of running cadences (and the relationship touches
after a final call), the meetings of the joint plan, and the check-backs of parked deals
whose revisit date has come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from unstuck.cadence.model import (
    CadenceStatus,
    ItemKind,
    Phase,
    PlanItem,
    PlanStatus,
    Step,
    StepStatus,
)


@dataclass(frozen=True)
class DealHead:
    """What the agenda shows about a deal."""

    id: str
    name: str
    account: str | None = None
    owner: str | None = None
    status: str = "open"
    revisit_on: date | None = None


@dataclass(frozen=True)
class AgendaItem:
    id: str
    kind: ItemKind
    deal: DealHead
    due_on: date
    title: str
    channel: str
    draft: str
    owner: str | None
    subject: str | None = None
    people: tuple[str, ...] = ()
    starts_at: datetime | None = None

    def overdue_days(self, today: date) -> int:
        return max(0, (today - self.due_on).days)

    def to_dict(self, today: date) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": str(self.kind),
            "deal": self.deal.id,
            "deal_name": self.deal.name,
            "account": self.deal.account,
            "owner": self.owner,
            "due_on": self.due_on.isoformat(),
            "overdue_days": self.overdue_days(today),
            "title": self.title,
            "channel": self.channel,
            "subject": self.subject,
            "draft": self.draft,
            "with": list(self.people),
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
        }


def step_is_open(step: Step, cadence_status: CadenceStatus) -> bool:
    """Sequence steps of an active cadence; relationship touches after a final call."""
    if step.status is not StepStatus.PLANNED:
        return False
    if step.phase is Phase.NURTURE:
        return cadence_status is CadenceStatus.COMPLETED
    return cadence_status is CadenceStatus.ACTIVE


def from_step(step: Step, deal: DealHead, contact_name: str | None = None) -> AgendaItem:
    label = step.channel.label
    who = f" {contact_name}" if contact_name else ""
    return AgendaItem(
        id=step.id,
        kind=ItemKind.STEP,
        deal=deal,
        due_on=step.due_on,
        title=f"{label}{who}: {step.title}",
        channel=str(step.channel),
        draft=step.draft,
        owner=deal.owner,
        subject=step.subject,
        people=(contact_name,) if contact_name else (),
    )


def from_meeting(item: PlanItem, deal: DealHead) -> AgendaItem:
    people = ", ".join(item.people)
    draft = f"Purpose: {item.purpose}\n" + (f"With: {people}\n" if people else "")
    return AgendaItem(
        id=item.id,
        kind=ItemKind.MEETING,
        deal=deal,
        due_on=item.due_on,
        title=f"Meeting: {item.purpose}",
        channel="meeting",
        draft=draft,
        owner=item.owner or deal.owner,
        people=item.people,
        starts_at=item.starts_at if item.snoozed_to is None else None,
    )


def from_checkback(deal: DealHead, draft: str) -> AgendaItem:
    assert deal.revisit_on is not None
    return AgendaItem(
        id=f"{deal.id}/checkback",
        kind=ItemKind.CHECKBACK,
        deal=deal,
        due_on=deal.revisit_on,
        title=f"Check back on {deal.name}",
        channel="call",
        draft=draft,
        owner=deal.owner,
    )


def meeting_is_open(item: PlanItem) -> bool:
    return item.status is PlanStatus.PLANNED


_ORDER = {ItemKind.MEETING: 0, ItemKind.STEP: 1, ItemKind.CHECKBACK: 2}


def due(items: Iterable[AgendaItem], today: date, days: int = 1) -> list[AgendaItem]:
    """Items due from the past up to ``days`` days from today (1: today and overdue)."""
    last = today + timedelta(days=max(days, 1) - 1)
    return sort([i for i in items if i.due_on <= last])


def sort(items: Iterable[AgendaItem]) -> list[AgendaItem]:
    return sorted(
        items,
        key=lambda i: (i.due_on, i.starts_at or datetime.min, _ORDER[i.kind], i.deal.id, i.id),
    )


def for_owner(items: Iterable[AgendaItem], owner: str | None) -> list[AgendaItem]:
    if owner is None:
        return list(items)
    wanted = owner.lower()
    return [i for i in items if (i.owner or "").lower() == wanted]


__all__ = [
    "AgendaItem",
    "DealHead",
    "due",
    "for_owner",
    "from_checkback",
    "from_meeting",
    "from_step",
    "meeting_is_open",
    "sort",
    "step_is_open",
]
