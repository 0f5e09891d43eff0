"""A small named world for diagnosis tests: Acme Corp and its people, a fixed ``NOW``.

``healthy()`` is a deal that is moving well and has no findings; each test changes the
one thing it is about (``healthy(touches=...)``, ``add_touches(...)``) and asserts
what the diagnosis says.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from unstuck.config import default_config
from unstuck.diagnosis import DiagnosisContext, build_context
from unstuck.diagnosis.notes import default_detector
from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    Touch,
    TouchKind,
)

NOW = datetime(2026, 11, 20, 9, 0)
WHY = "Drivers lose two hours a day to paper logs; the COO wants it fixed before the audit."

JOE = Stakeholder(
    "joe", "Joe Park", "joe@acme.example", "IT Manager",
    (Role.EVALUATION,), Stance.SUPPORTIVE, Authority.LOW,
)  # fmt: skip
MIA = Stakeholder(
    "mia", "Mia Lee", "mia@acme.example", "COO",
    (Role.APPROVAL, Role.DECISION_MAKER), Stance.SUPPORTIVE, Authority.HIGH,
)  # fmt: skip
SAM = Stakeholder(
    "sam", "Sam Ortiz", "sam@acme.example", "Procurement Lead",
    (Role.PURCHASING,), Stance.NEUTRAL, Authority.MEDIUM,
)  # fmt: skip
LEE = Stakeholder(
    "lee", "Lee Wu", "lee@acme.example", "Fleet Manager",
    (Role.SELECTION, Role.PROBLEM_OWNER), Stance.SUPPORTIVE, Authority.MEDIUM,
)  # fmt: skip
DANA = Stakeholder(
    "dana", "Dana Cho", "dana@acme.example", "Dispatcher",
    (Role.END_USER,), Stance.NEUTRAL, Authority.LOW,
)  # fmt: skip
PEOPLE = (JOE, MIA, SAM, LEE, DANA)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def inbound(days: float, *people: str, summary: str = "", kind: TouchKind | None = None,
            channel: Channel = Channel.EMAIL) -> Touch:  # fmt: skip
    return Touch(ago(days), Direction.INBOUND, channel, people, kind, summary)


def outbound(days: float, *people: str, summary: str = "", kind: TouchKind | None = None,
             channel: Channel = Channel.EMAIL) -> Touch:  # fmt: skip
    return Touch(ago(days), Direction.OUTBOUND, channel, people, kind, summary)


def answer(question: str, person: str, text: str, days: float = 40) -> Answer:
    return Answer(question, text, ago(days), person)


def healthy(**changes: Any) -> Deal:
    """Acme's fleet deal, moving well: recent replies, everyone engaged, all answered."""
    deal = Deal(
        id="acme-fleet",
        name="Acme – fleet tracking",
        stage="proposal",
        created=ago(70),
        account="Acme Corp",
        account_type=AccountType.LONG_TERM,
        owner="sam@example.com",
        value=48000.0,
        currency="USD",
        expected_close=(NOW + timedelta(days=30)).date(),
        why=WHY,
        stage_history=(
            StageChange("qualified", ago(70)),
            StageChange("discovery", ago(40)),
            StageChange("proposal", ago(10)),
        ),
        close_date_history=(CloseDateChange((NOW + timedelta(days=30)).date(), ago(70)),),
        stakeholders=PEOPLE,
        answers=(
            answer("need", "joe", "paper logs cost drivers two hours a day"),
            answer("budget", "mia", "approved for Q4"),
            answer("authority", "mia", "Mia signs off"),
            answer("timeline", "lee", "before the March audit"),
        ),
        touches=(
            outbound(9, "joe", summary="Sent proposal v2.", kind=TouchKind.PROPOSAL_SENT),
            inbound(8, "lee", channel=Channel.MEETING, summary="Lee on the paper logs."),
            inbound(6, "mia", channel=Channel.CALL, summary="Mia: the audit date."),
            inbound(5, "sam", channel=Channel.CALL, summary="Sam explained the purchasing steps."),
            inbound(3, "joe", "dana", summary="Joe and Dana sent questions about driver logs."),
        ),
    )  # fmt: skip
    return replace(deal, **changes)


def add_touches(deal: Deal, *touches: Touch) -> Deal:
    return replace(deal, touches=deal.touches + touches)


def with_person(deal: Deal, person_id: str, **changes: Any) -> Deal:
    people = tuple(replace(p, **changes) if p.id == person_id else p for p in deal.stakeholders)
    return replace(deal, stakeholders=people)


def quiet(days: float = 61, sent: int = 3, **changes: Any) -> Deal:
    """Acme stopped answering ``days`` ago; ``sent`` seller messages since."""
    touches = (
        inbound(days, "joe", channel=Channel.CALL, summary="Joe: still thinking about it."),
        *(outbound(days - 1 - i * 7, "joe", summary="Checked in.") for i in range(sent)),
    )
    return healthy(touches=touches, **changes)


def won(stage_days: dict[str, float], start: datetime | None = None, ident: str = "w") -> Deal:
    """A won deal that spent ``stage_days`` in each stage, in order."""
    moment = start or ago(400)
    history = []
    for stage, days in stage_days.items():
        history.append(StageChange(stage, moment))
        moment += timedelta(days=days)
    history.append(StageChange("won", moment))
    return Deal(
        id=ident, name=ident, stage="won", created=history[0].at, status=Status.WON,
        stage_history=tuple(history),
    )  # fmt: skip


def context(history: tuple[Deal, ...] = (), **settings: Any) -> DiagnosisContext:
    config = default_config().with_values(**settings) if settings else default_config()
    return build_context(config, history, default_detector())


CONTEXT = context()

__all__ = [
    "CONTEXT",
    "DANA",
    "JOE",
    "LEE",
    "MIA",
    "NOW",
    "PEOPLE",
    "SAM",
    "WHY",
    "add_touches",
    "ago",
    "answer",
    "context",
    "date",
    "healthy",
    "inbound",
    "outbound",
    "quiet",
    "with_person",
    "won",
]  # fmt: skip
