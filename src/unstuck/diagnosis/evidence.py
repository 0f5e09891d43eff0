"""Evidence sentences: plain lines a person can check against the deal's record."""

from __future__ import annotations

from collections.abc import Iterable

from unstuck.diagnosis.activity import NoteQuote
from unstuck.diagnosis.text import day, quoted, short
from unstuck.domain import Deal, Stakeholder


def describe(person: Stakeholder) -> str:
    """``Joe Park (IT Manager)``, or the roles when no title is recorded."""
    detail = person.title or ", ".join(str(r) for r in person.roles)
    return f"{person.name} ({detail})" if detail else person.name


def who(deal: Deal, stakeholder_id: str | None) -> str:
    person = deal.stakeholder(stakeholder_id) if stakeholder_id else None
    if person is not None:
        return describe(person)
    return stakeholder_id or "someone"


def first_name(deal: Deal, stakeholder_id: str | None) -> str:
    person = deal.stakeholder(stakeholder_id) if stakeholder_id else None
    return person.name.split()[0] if person is not None and person.name.split() else "them"


def names(deal: Deal, ids: Iterable[str]) -> str:
    return join([who(deal, i) for i in ids])


def join(items: Iterable[str], last: str = "and") -> str:
    parts = list(items)
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def account_of(deal: Deal) -> str:
    return deal.account or deal.name


def quote_line(deal: Deal, note: NoteQuote) -> str:
    """``Joe Park (IT Manager) said on 2026-09-20: "still thinking about it".``"""
    words = quoted(short(note.quote))
    if note.spoken and note.speaker:
        return f'{who(deal, note.speaker)} said on {day(note.at)}: "{words}".'
    return f'A note from {day(note.at)} says: "{words}".'


__all__ = ["account_of", "describe", "first_name", "join", "names", "quote_line", "who"]
