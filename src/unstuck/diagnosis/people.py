"""Signals about the people at the prospect: who is engaged, which buying roles are
covered, where their answers conflict, and who resists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from unstuck.diagnosis.activity import LIVE_CHANNELS, NoteQuote
from unstuck.diagnosis.notes import NoteSignal
from unstuck.diagnosis.qualification import is_answered
from unstuck.diagnosis.text import answers_agree, day, name_pattern, normalise_answer
from unstuck.domain import BUYING_ROLES, Answer, Authority, Deal, Role, Scenario, Stance, Touch

# Who resists decides the scenario; with several roles, the most powerful one wins.
SCENARIO_BY_ROLE: tuple[tuple[Role, Scenario], ...] = (
    (Role.DECISION_MAKER, Scenario.DECISION_MAKER),
    (Role.APPROVAL, Scenario.DECISION_MAKER),
    (Role.PURCHASING, Scenario.PURCHASER),
    (Role.PROBLEM_OWNER, Scenario.PROBLEM_OWNER),
    (Role.END_USER, Scenario.END_USER),
    (Role.OUTSIDER, Scenario.OUTSIDER),
    (Role.INSIDER, Scenario.INSIDER),
)
RESISTANCE_SIGNALS = frozenset({NoteSignal.RESISTANCE, NoteSignal.FEAR_OF_LOOKING_BAD})
_SENTENCE = re.compile(r"[^.;!?\n]+")


@dataclass(frozen=True)
class AnswerConflict:
    question: str
    answers: tuple[Answer, ...]  # the latest answer of each person, oldest first

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answers": [
                {"stakeholder": a.stakeholder, "answer": a.answer, "at": day(a.at)}
                for a in self.answers
            ],
        }


@dataclass(frozen=True)
class Resister:
    stakeholder: str
    scenario: Scenario
    marked: bool  # stance is resistant in the record
    faction: str | None
    quotes: tuple[NoteQuote, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "stakeholder": self.stakeholder,
            "scenario": str(self.scenario),
            "marked": self.marked,
            "faction": self.faction,
            "quotes": [q.to_dict() for q in self.quotes],
        }


def scenario_for(roles: Sequence[Role]) -> Scenario:
    """The resistance scenario for someone with these roles.

    Someone whose roles say nothing more (evaluation, champion, none) is treated as an
    insider: a colleague whose word carries weight whatever their formal part.
    """
    for role, scenario in SCENARIO_BY_ROLE:
        if role in roles:
            return scenario
    return Scenario.INSIDER


def engaged_people(
    deal: Deal, touches: Sequence[Touch], now: datetime, days: float
) -> tuple[str, ...]:
    """Stakeholders who spoke with the seller or answered a question in the last ``days``.

    Being copied on an outbound email is not engagement; a reply, a call, a meeting, a
    visit or a qualification answer is.
    """
    since = now - timedelta(days=days)
    latest = last_engaged(deal, touches, now)
    return tuple(p.id for p in deal.stakeholders if p.id in latest and latest[p.id] >= since)


def last_engaged(deal: Deal, touches: Sequence[Touch], now: datetime) -> dict[str, datetime]:
    """When each person last engaged, by ``now``: spoke with the seller (a reply, a call, a
    meeting, a visit) or answered a question. The stall scan's cache ends when the latest
    of these leaves the engaged window (``scan.valid_until``)."""
    latest: dict[str, datetime] = {}
    for touch in touches:
        if touch.at <= now and (touch.inbound or touch.channel in LIVE_CHANNELS):
            for person in touch.with_:
                latest[person] = max(latest.get(person, touch.at), touch.at)
    for answer in deal.answers:
        if answer.stakeholder and answer.at <= now:
            latest[answer.stakeholder] = max(latest.get(answer.stakeholder, answer.at), answer.at)
    return latest


def role_coverage(
    deal: Deal, engaged: Sequence[str]
) -> tuple[tuple[Role, ...], tuple[Role, ...], tuple[Role, ...], bool]:
    """Buying roles covered by anyone, by engaged people, missing among the engaged; and
    whether an engaged person can say yes (decision maker, approval or high authority)."""
    people = deal.stakeholders
    engaged_ids = set(engaged)
    active = [p for p in people if p.id in engaged_ids]
    held = {role for p in people for role in p.roles}
    held_by_active = {role for p in active for role in p.roles}
    covered = tuple(r for r in BUYING_ROLES if r in held)
    in_touch = tuple(r for r in BUYING_ROLES if r in held_by_active)
    missing = tuple(r for r in BUYING_ROLES if r not in held_by_active)
    authority = any(
        p.has_role(Role.DECISION_MAKER, Role.APPROVAL) or p.authority is Authority.HIGH
        for p in active
    )
    return covered, in_touch, missing, authority


def conflicting_answers(deal: Deal, now: datetime) -> tuple[AnswerConflict, ...]:
    """Questions where two people's latest answers do not agree."""
    latest: dict[str, dict[str, Answer]] = {}
    for answer in sorted(deal.answers, key=lambda a: a.at):
        if answer.stakeholder and answer.at <= now and is_answered(answer.answer):
            latest.setdefault(answer.question, {})[answer.stakeholder] = answer
    conflicts: list[AnswerConflict] = []
    for question, by_person in latest.items():
        answers = sorted(by_person.values(), key=lambda a: a.at)
        meanings = [normalise_answer(a.answer) for a in answers]
        if any(
            not answers_agree(first, second)
            for i, first in enumerate(meanings)
            for second in meanings[i + 1 :]
        ):
            conflicts.append(AnswerConflict(question, tuple(answers)))
    return tuple(conflicts)


def resisters(deal: Deal, notes: Sequence[NoteQuote]) -> tuple[Resister, ...]:
    """People marked resistant, and people a note names while describing resistance."""
    quotes: dict[str, list[NoteQuote]] = {}
    resistance = [n for n in notes if n.signal in RESISTANCE_SIGNALS]
    if resistance:
        patterns = {p.id: (_first(p.name), name_pattern(p.name)) for p in deal.stakeholders}
        for note in resistance:
            for person_id in _named_in(note, patterns):
                quotes.setdefault(person_id, []).append(note)
    found: list[Resister] = []
    for person in deal.stakeholders:
        marked = person.stance is Stance.RESISTANT
        if marked or person.id in quotes:
            found.append(
                Resister(
                    person.id,
                    scenario_for(person.roles),
                    marked,
                    person.faction,
                    tuple(quotes.get(person.id, ())),
                )
            )
    return tuple(found)


def _first(name: str) -> str:
    parts = name.lower().split()
    return parts[0] if parts else ""


def _named_in(
    note: NoteQuote, patterns: dict[str, tuple[str, re.Pattern[str] | None]]
) -> list[str]:
    """Who the note's resistance is about: names in the quote, else in its sentence.

    A name written as a speaker label ("Joe: ...") is who told us, not who resists.
    """
    quote = note.quote.lower()
    sentences = [s for s in _SENTENCE.findall(note.note) if quote in s.lower()]
    for text in [note.quote, *sentences]:
        lowered = text.lower()
        named = [
            person_id
            for person_id, (first, pattern) in patterns.items()
            if pattern is not None
            and first
            and first in lowered  # cheap test before the regular expression
            and any(not text[m.end() :].lstrip().startswith(":") for m in pattern.finditer(text))
        ]
        if named:
            return named
    return []


__all__ = [
    "RESISTANCE_SIGNALS",
    "SCENARIO_BY_ROLE",
    "AnswerConflict",
    "Resister",
    "conflicting_answers",
    "engaged_people",
    "last_engaged",
    "resisters",
    "role_coverage",
    "scenario_for",
]
