"""View models for the pages: plain data shaped for one template, built from domain objects."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from unstuck.diagnosis import Diagnosis, QualificationFramework, open_questions
from unstuck.diagnosis.people import conflicting_answers
from unstuck.domain import BUYING_ROLES, Deal, Role, Stakeholder
from unstuck.review.chance import Chance
from unstuck.store.users import PipelineRow
from unstuck.web.chances import ChanceView

# Card colours: how stuck a deal is, from its diagnosis.
TONES = ("fine", "watch", "stalled", "stuck")
TONE_WORDS = {
    "fine": "moving",
    "watch": "worth a look",
    "stalled": "stalled",
    "stuck": "badly stuck",
}


def days(later: datetime, earlier: datetime | None) -> int | None:
    if earlier is None:
        return None
    return max(0, (later - earlier).days)


def tone_of(diagnosis: Diagnosis | None, badly: float = 0.7) -> str:
    if diagnosis is None or not diagnosis.findings:
        return "fine"
    if not diagnosis.stalled:
        return "watch"
    return "stuck" if diagnosis.severity >= badly else "stalled"


@dataclass(frozen=True)
class Card:
    row: PipelineRow
    diagnosis: Diagnosis | None
    days_since_reply: int | None
    days_in_stage: int
    tone: str
    chance: Chance | None = None

    @property
    def percent(self) -> str:
        """The chance of winning as "38 %", or "" when unknown."""
        return "" if self.chance is None else f"{self.chance.p:.0%}".replace("%", " %")

    @property
    def main_kind(self) -> str | None:
        if self.diagnosis is None or not self.diagnosis.findings:
            return None
        return str(self.diagnosis.findings[0].kind)

    @property
    def main_text(self) -> str:
        if self.diagnosis is None:
            return ""
        return self.diagnosis.main_reason

    @property
    def severity(self) -> float:
        return self.diagnosis.severity if self.diagnosis else 0.0

    def to_dict(self) -> dict[str, object]:
        r = self.row
        return {
            "id": r.id,
            "name": r.name,
            "account": r.account,
            "owner": r.owner,
            "stage": r.stage,
            "status": r.status.value,
            "value": r.value,
            "currency": r.currency,
            "expected_close": r.expected_close.isoformat() if r.expected_close else None,
            "days_since_reply": self.days_since_reply,
            "unanswered": r.outbound_since_inbound,
            "days_in_stage": self.days_in_stage,
            "close_date_pushes": r.close_date_pushes,
            "people": r.stakeholder_count,
            "touches": r.touch_count,
            "has_why": r.has_why,
            "stalled": bool(self.diagnosis and self.diagnosis.stalled),
            "severity": round(self.severity, 2),
            "main_finding": self.main_kind,
            "main_reason": self.main_text,
            "chance": round(self.chance.p, 3) if self.chance is not None else None,
        }


@dataclass
class Column:
    stage: str
    count: int
    value: float
    cards: list[Card]
    offset: int = 0

    @property
    def more(self) -> int:
        return max(0, self.count - self.offset - len(self.cards))


@dataclass(frozen=True)
class MatrixRow:
    question: str
    ask: str
    required: bool
    open: bool
    conflict: bool
    cells: tuple[str | None, ...]  # one per stakeholder, then the deal-level answer


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # "inbound", "outbound", "stage", "close_date", "decision"
    title: str
    text: str


@dataclass
class DealView:
    deal: Deal
    diagnosis: Diagnosis
    now: datetime
    stages: list[str]
    groups: list[tuple[str, list[Stakeholder]]]
    missing_roles: list[str]
    people: list[Stakeholder]
    matrix: list[MatrixRow]
    conflicts: set[tuple[str, str]]
    timeline: list[Event]
    days_in_stage: int
    days_since_reply: int | None
    chance: ChanceView | None = None
    extras: dict[str, object] = field(default_factory=dict)


def people_groups(deal: Deal) -> tuple[list[tuple[str, list[Stakeholder]]], list[str]]:
    """People under their first buying role (buying roles first), and roles nobody covers."""
    order = list(BUYING_ROLES) + [r for r in Role if r not in BUYING_ROLES]
    grouped: dict[str, list[Stakeholder]] = {}
    for person in deal.stakeholders:
        roles = sorted(person.roles, key=order.index)
        label = roles[0].value if roles else "no role recorded"
        grouped.setdefault(label, []).append(person)
    labels: list[str] = [r.value for r in order if r.value in grouped]
    if "no role recorded" in grouped:
        labels.append("no role recorded")
    covered = {role for p in deal.stakeholders for role in p.roles}
    missing = [r.value for r in BUYING_ROLES if r not in covered]
    return [(label, grouped[label]) for label in labels], missing


def qualification_matrix(
    deal: Deal, framework: QualificationFramework, stages: Sequence[str], now: datetime
) -> tuple[list[MatrixRow], set[tuple[str, str]]]:
    conflicts = {
        (c.question, a.stakeholder or "") for c in conflicting_answers(deal, now) for a in c.answers
    }
    open_ids = {q.id for q in open_questions(deal, framework, stages)}
    required = {q.id for q in framework.required(deal.stage, stages)}
    latest: dict[tuple[str, str], str] = {}
    for answer in sorted(deal.answers, key=lambda a: a.at):
        latest[(answer.question, answer.stakeholder or "")] = answer.answer
    questions = [(q.id, q.ask) for q in framework.questions]
    known = {q for q, _ in questions}
    questions += [(a.question, "") for a in deal.answers if a.question not in known]
    rows = []
    for qid, ask in dict.fromkeys(questions):
        cells = [latest.get((qid, p.id)) for p in deal.stakeholders]
        cells.append(latest.get((qid, "")))
        rows.append(
            MatrixRow(
                qid,
                ask,
                qid in required,
                qid in open_ids,
                any(c[0] == qid for c in conflicts),
                tuple(cells),
            )
        )
    return rows, {c for c in conflicts}


def timeline(deal: Deal) -> list[Event]:
    names = {p.id: p.name for p in deal.stakeholders}
    events = [
        Event(
            x.at,
            x.direction.value,
            f"{x.channel.value}" + (f" · {x.kind.value.replace('_', ' ')}" if x.kind else ""),
            (", ".join(names.get(w, w) for w in x.with_) + ": " if x.with_ else "") + x.summary,
        )
        for x in deal.touches
    ]
    events += [Event(c.at, "stage", "stage", f"Moved to {c.stage}.") for c in deal.stage_history]
    events += [
        Event(c.at, "close_date", "expected close", f"Expected close set to {c.expected_close}.")
        for c in deal.close_date_history
    ]
    events += [
        Event(d.at, "decision", d.decision.value.replace("_", " "), d.reason)
        for d in deal.decisions
    ]
    return sorted(events, key=lambda e: e.at, reverse=True)


__all__ = [
    "TONES",
    "TONE_WORDS",
    "Card",
    "Column",
    "DealView",
    "Event",
    "MatrixRow",
    "days",
    "people_groups",
    "qualification_matrix",
    "timeline",
    "tone_of",
]
