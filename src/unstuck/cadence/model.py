"""The cadence vocabulary and plain records: cadences, steps, joint-plan meetings.

Step ids are ``DEAL/N``: the deal's id and the step's number among all the steps ever
planned for that deal (1, 2, 3, ...). Numbers are never reused, so an id seen in the
agenda, a calendar or a sent message keeps pointing at the same step. Meetings of the
joint plan are ``DEAL/mN``; the check-back of a parked deal is ``DEAL/checkback``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from unstuck.domain import Channel
from unstuck.errors import UsageError


class CadenceStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    STOPPED = "stopped"
    COMPLETED = "completed"


RUNNING = (CadenceStatus.ACTIVE, CadenceStatus.PAUSED)


class StepStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"  # passed over when a later step (the final call) was done first
    CANCELLED = "cancelled"  # the cadence stopped before it was due


class Phase(StrEnum):
    SEQUENCE = "sequence"  # the follow-up messages, ending with the final call
    NURTURE = "nurture"  # light relationship touches after the final call


class StepChannel(StrEnum):
    """How a step reaches the prospect (wider than a touch's channel)."""

    CALL = "call"
    EMAIL = "email"
    VOICEMAIL = "voicemail"
    VISIT = "visit"
    LUNCH = "lunch"
    ASSISTANT_CALL = "assistant_call"  # a call through their assistant, to book time

    @property
    def touch_channel(self) -> Channel:
        """The contract's channel the touch is logged with when the step is done."""
        return {
            StepChannel.CALL: Channel.CALL,
            StepChannel.EMAIL: Channel.EMAIL,
            StepChannel.VOICEMAIL: Channel.VOICEMAIL,
            StepChannel.VISIT: Channel.VISIT,
            StepChannel.LUNCH: Channel.MEETING,
            StepChannel.ASSISTANT_CALL: Channel.CALL,
        }[self]

    @property
    def label(self) -> str:
        return {
            StepChannel.CALL: "Call",
            StepChannel.EMAIL: "Email",
            StepChannel.VOICEMAIL: "Voicemail",
            StepChannel.VISIT: "Visit",
            StepChannel.LUNCH: "Coffee or lunch",
            StepChannel.ASSISTANT_CALL: "Call through the assistant",
        }[self]


class PlanStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"


class ItemKind(StrEnum):
    STEP = "step"
    MEETING = "meeting"
    CHECKBACK = "checkback"


@dataclass(frozen=True)
class PlannedStep:
    """One step as planning produces it, before it has a number in the store."""

    phase: Phase
    position: int  # 1-based order in its phase
    channel: StepChannel
    angle: str
    title: str
    subject: str | None
    draft: str
    planned_on: date
    final: bool = False
    contact: str | None = None  # stakeholder id the step is addressed to


@dataclass(frozen=True)
class Step:
    deal: str
    seq: int
    cadence: int  # the cadence's key
    phase: Phase
    position: int
    channel: StepChannel
    angle: str
    title: str
    subject: str | None
    draft: str
    planned_on: date
    status: StepStatus
    final: bool = False
    contact: str | None = None
    snoozed_to: date | None = None
    done_at: datetime | None = None
    message_id: str | None = None
    note: str | None = None

    @property
    def id(self) -> str:
        return f"{self.deal}/{self.seq}"

    @property
    def due_on(self) -> date:
        return self.snoozed_to or self.planned_on

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "deal": self.deal,
            "number": self.seq,
            "phase": str(self.phase),
            "position": self.position,
            "channel": str(self.channel),
            "angle": self.angle,
            "title": self.title,
            "subject": self.subject,
            "draft": self.draft,
            "planned_on": self.planned_on.isoformat(),
            "snoozed_to": self.snoozed_to.isoformat() if self.snoozed_to else None,
            "due_on": self.due_on.isoformat(),
            "status": str(self.status),
            "final": self.final,
            "contact": self.contact,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "message_id": self.message_id,
            "note": self.note,
        }


@dataclass(frozen=True)
class Cadence:
    key: int
    deal: str
    template: str
    urgent: bool
    status: CadenceStatus
    started_at: datetime
    paused_at: datetime | None = None
    ended_at: datetime | None = None
    stop_reason: str | None = None
    steps: tuple[Step, ...] = ()

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    def to_dict(self) -> dict[str, object]:
        return {
            "deal": self.deal,
            "template": self.template,
            "urgent": self.urgent,
            "status": str(self.status),
            "started_at": self.started_at.isoformat(),
            "paused_at": self.paused_at.isoformat() if self.paused_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "stop_reason": self.stop_reason,
            "steps": [s.to_dict() for s in self.steps],
        }


@dataclass(frozen=True)
class PlanItem:
    """A meeting of the joint plan: purpose, owner, the people, and the date."""

    deal: str
    seq: int
    planned_on: date
    purpose: str
    people: tuple[str, ...] = ()
    owner: str | None = None
    starts_at: datetime | None = None  # naive UTC, when a time of day was given
    status: PlanStatus = PlanStatus.PLANNED
    snoozed_to: date | None = None
    done_at: datetime | None = None

    @property
    def id(self) -> str:
        return f"{self.deal}/m{self.seq}"

    @property
    def due_on(self) -> date:
        return self.snoozed_to or self.planned_on

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "deal": self.deal,
            "date": self.planned_on.isoformat(),
            "starts_at": self.starts_at.isoformat() if self.starts_at else None,
            "purpose": self.purpose,
            "with": list(self.people),
            "owner": self.owner,
            "status": str(self.status),
            "snoozed_to": self.snoozed_to.isoformat() if self.snoozed_to else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
        }


@dataclass(frozen=True)
class ItemRef:
    """A parsed agenda id: ``DEAL/N`` (step), ``DEAL/mN`` (meeting), ``DEAL/checkback``."""

    deal: str
    kind: ItemKind
    seq: int = 0

    def __str__(self) -> str:
        if self.kind is ItemKind.CHECKBACK:
            return f"{self.deal}/checkback"
        prefix = "m" if self.kind is ItemKind.MEETING else ""
        return f"{self.deal}/{prefix}{self.seq}"


def parse_ref(text: str) -> ItemRef:
    deal, sep, tail = text.strip().rpartition("/")
    hint = (
        f"not an agenda id: {text!r}. Use DEAL/N for a cadence step, DEAL/mN for a "
        "meeting of the joint plan or DEAL/checkback; `unstuck agenda` shows them."
    )
    if not sep or not deal:
        raise UsageError(hint)
    if tail == "checkback":
        return ItemRef(deal, ItemKind.CHECKBACK)
    kind = ItemKind.STEP
    if tail.startswith("m"):
        kind, tail = ItemKind.MEETING, tail[1:]
    if not tail.isdigit() or int(tail) < 1:
        raise UsageError(hint)
    return ItemRef(deal, kind, int(tail))


__all__ = [
    "RUNNING",
    "Cadence",
    "CadenceStatus",
    "ItemKind",
    "ItemRef",
    "Phase",
    "PlanItem",
    "PlanStatus",
    "PlannedStep",
    "Step",
    "StepChannel",
    "StepStatus",
    "parse_ref",
]
