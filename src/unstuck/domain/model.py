"""The pipeline as plain, immutable data.

No I/O here: the store builds these objects from rows and the document module from
JSON. Every datetime is naive UTC (converted at the edges), every calendar day is a
``date``; domain rules compare them with a ``now`` they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, TypeVar

from unstuck.domain.vocab import (
    AccountType,
    Authority,
    Channel,
    DecisionKind,
    Direction,
    Role,
    Stance,
    Status,
    TouchKind,
)

FieldValue = str | int | float | bool | None
H = TypeVar("H", bound=Hashable)


@dataclass(frozen=True)
class Account:
    name: str
    account_type: AccountType | None = None


@dataclass(frozen=True)
class Stakeholder:
    id: str
    name: str
    email: str | None = None
    title: str | None = None
    roles: tuple[Role, ...] = ()
    stance: Stance = Stance.UNKNOWN
    authority: Authority = Authority.UNKNOWN
    faction: str | None = None

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class Touch:
    at: datetime
    direction: Direction
    channel: Channel
    with_: tuple[str, ...] = ()
    kind: TouchKind | None = None
    summary: str = ""

    @property
    def inbound(self) -> bool:
        return self.direction is Direction.INBOUND


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    at: datetime
    stakeholder: str | None = None


@dataclass(frozen=True)
class StageChange:
    stage: str
    at: datetime


@dataclass(frozen=True)
class CloseDateChange:
    expected_close: date
    at: datetime


@dataclass(frozen=True)
class Decision:
    decision: DecisionKind
    reason: str
    at: datetime
    decided_by: str | None = None


@dataclass(frozen=True)
class Deal:
    id: str
    name: str
    stage: str
    created: datetime
    status: Status = Status.OPEN
    account: str | None = None
    account_type: AccountType | None = None
    owner: str | None = None
    value: float | None = None
    currency: str | None = None
    expected_close: date | None = None
    why: str | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    stage_history: tuple[StageChange, ...] = ()
    close_date_history: tuple[CloseDateChange, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    answers: tuple[Answer, ...] = ()
    touches: tuple[Touch, ...] = ()
    lost_reason: str | None = None
    revisit_on: date | None = None
    decisions: tuple[Decision, ...] = ()
    closed_at: datetime | None = None  # when it was won, lost or parked

    @property
    def is_open(self) -> bool:
        return self.status is Status.OPEN

    def stakeholder(self, stakeholder_id: str) -> Stakeholder | None:
        for person in self.stakeholders:
            if person.id == stakeholder_id:
                return person
        return None

    def canonical(self) -> Deal:
        """The same deal with every history in one fixed order and without repeats.

        Used for comparing, storing and exporting: a touch (or answer, stage change, ...)
        recorded twice is one event. Two decisions of the same kind at the same moment
        are one decision; the last one given wins.
        """
        histories = (
            self.stage_history,
            self.close_date_history,
            self.answers,
            self.touches,
            self.decisions,
        )
        if all(len(history) < 2 for history in histories):
            return self  # nothing to order or merge (most deals of a CRM export)
        decisions = {(d.at, d.decision): d for d in self.decisions}
        ordered = {
            "stage_history": _sorted_unique(self.stage_history, lambda c: (c.at, c.stage)),
            "close_date_history": _sorted_unique(
                self.close_date_history, lambda c: (c.at, c.expected_close)
            ),
            "answers": _sorted_unique(
                self.answers, lambda a: (a.at, a.question, a.stakeholder or "")
            ),
            "touches": _sorted_unique(
                self.touches, lambda t: (t.at, t.direction.value, t.channel.value, t.summary)
            ),
            "decisions": tuple(sorted(decisions.values(), key=lambda d: (d.at, d.decision.value))),
        }
        # Most deals are canonical already (a million-deal import builds them so): then
        # the deal itself is the answer, without building a copy field by field.
        if all(_same(getattr(self, name), value) for name, value in ordered.items()):
            return self
        return replace(self, **ordered)  # type: ignore[arg-type]

    def stage_entered_at(self) -> datetime:
        """When the deal entered its current stage (its creation if history is silent)."""
        for change in sorted(self.stage_history, key=lambda c: c.at, reverse=True):
            if change.stage == self.stage:
                return change.at
        return self.created


def _sorted_unique(items: tuple[H, ...], key: Callable[[H], Any]) -> tuple[H, ...]:
    if len(items) < 2:  # most deals of a CRM export: nothing to order (the tuple itself)
        return items
    return tuple(sorted(dict.fromkeys(items), key=key))


def _same(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    """The same items in the same order (by identity: canonical() keeps the objects)."""
    return len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True))


@dataclass(frozen=True)
class Qualification:
    """The qualification framework a document was written with."""

    framework: str
    questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """A whole pipeline document: what ``import`` reads and ``export`` writes."""

    deals: tuple[Deal, ...]
    as_of: datetime | None = None
    qualification: Qualification | None = None


__all__ = [
    "Account",
    "Answer",
    "CloseDateChange",
    "Deal",
    "Decision",
    "FieldValue",
    "Pipeline",
    "Qualification",
    "StageChange",
    "Stakeholder",
    "Touch",
]
