"""The week's focus picks and their outcomes, as plain data (stored by
:mod:`unstuck.store.reviews`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any


class PickedBy(StrEnum):
    SYSTEM = "system"  # proposed by the review (and kept or accepted by the user)
    USER = "user"  # chosen by the user instead


class FocusResult(StrEnum):
    """What came of a week's focus on a deal."""

    YES = "yes"  # they decided to buy
    NO = "no"  # they said no, or not now: a decision all the same
    MOVED = "moved"  # no decision yet, but the deal moved forward
    NOTHING = "nothing"  # no decision and no movement


RESULT_WORDS: dict[FocusResult, str] = {
    FocusResult.YES: "they said yes",
    FocusResult.NO: "they said no or not now",
    FocusResult.MOVED: "it moved, no decision yet",
    FocusResult.NOTHING: "nothing happened",
}


def week_start(moment: datetime | date) -> date:
    """The Monday of the ISO week ``moment`` falls in: the key of a week's picks."""
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def owner_key(owner: str | None) -> str:
    """How an owner is stored with a pick: lower case, ``''`` for the whole pipeline."""
    return (owner or "").strip().lower()


@dataclass(frozen=True)
class FocusPick:
    week: date
    owner: str  # owner_key(): '' for the whole pipeline
    deal: str
    picked_by: PickedBy
    reason: str
    picked_at: datetime
    result: FocusResult | None = None
    result_note: str | None = None
    result_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week.isoformat(),
            "owner": self.owner or None,
            "deal": self.deal,
            "picked_by": str(self.picked_by),
            "reason": self.reason,
            "picked_at": self.picked_at.isoformat(timespec="seconds"),
            "result": None if self.result is None else str(self.result),
            "result_note": self.result_note,
            "result_at": None
            if self.result_at is None
            else self.result_at.isoformat("T", "seconds"),
        }


__all__ = [
    "RESULT_WORDS",
    "FocusPick",
    "FocusResult",
    "PickedBy",
    "owner_key",
    "week_start",
]
