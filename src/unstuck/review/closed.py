"""What the review learns from the closed deals, in a form small enough to keep.

The stage win rates (``chance.py``) and the time to close (``letgo.py``) need, from every
closed deal, only a few counts and medians per stage. :class:`ClosedFigures` holds them, so
``Unstuck.closed_figures`` can keep them in the database with the closed history's version
and a review reads the closed deals again only when that history has changed, instead of
reading a million rows every Monday.

Figures learned ``as_of`` a moment count the deals closed by then. Kept figures are learned
from everything, and so hold for any moment at or after the latest close among them
(``latest``); a replay before that learns from the history again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Any

from unstuck.domain import Deal, Status

_DAY = 86400.0


def reached_stages(deal: Deal, stage_order: Sequence[str]) -> set[str]:
    """Stages the deal got to: those in its history, and every configured stage before the
    furthest one (a skipped stage was passed all the same)."""
    seen = {change.stage for change in deal.stage_history} | {deal.stage}
    furthest = max((stage_order.index(s) for s in seen if s in stage_order), default=-1)
    return seen | set(stage_order[: furthest + 1])


@dataclass(frozen=True)
class ClosedFigures:
    """Counts and medians from won and lost deals, per stage."""

    stage_order: tuple[str, ...]
    won: int  # won deals closed by the moment learned at
    closed: int  # won and lost deals closed by then (parked deals count neither way)
    reached: Mapping[str, tuple[int, int]]  # per stage: (won, closed) of deals that got there
    to_close: Mapping[str, tuple[float, int]]  # per stage: median days from entering it to a
    # win, and how many won deals that median is over
    latest: datetime | None = None  # the latest close counted

    @classmethod
    def learn(
        cls, history: Iterable[Deal], stage_order: Sequence[str], as_of: datetime | None = None
    ) -> ClosedFigures:
        """From the won and lost deals in ``history`` closed by ``as_of`` (all of them
        when None); a deal without a close date counts for the win rates only."""
        order = tuple(stage_order)
        won = closed = 0
        reached: dict[str, list[int]] = {}
        samples: dict[str, list[float]] = {}
        latest: datetime | None = None
        for deal in history:
            if deal.status not in (Status.WON, Status.LOST):
                continue
            if as_of is not None and deal.closed_at is not None and deal.closed_at > as_of:
                continue
            is_won = deal.status is Status.WON
            closed += 1
            won += is_won
            for stage in reached_stages(deal, order):
                counts = reached.setdefault(stage, [0, 0])
                counts[0] += is_won
                counts[1] += 1
            if deal.closed_at is None:
                continue
            latest = deal.closed_at if latest is None else max(latest, deal.closed_at)
            if is_won:
                for stage, days in _days_to_win(deal).items():
                    samples.setdefault(stage, []).append(days)
        return cls(
            order,
            won,
            closed,
            {stage: (w, c) for stage, (w, c) in reached.items()},
            {stage: (float(median(days)), len(days)) for stage, days in samples.items()},
            latest,
        )

    def holds_at(self, now: datetime) -> bool:
        """Whether figures learned from everything are the ones ``now`` would learn."""
        return self.latest is None or self.latest <= now

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage_order": list(self.stage_order),
            "won": self.won,
            "closed": self.closed,
            "reached": {stage: list(pair) for stage, pair in self.reached.items()},
            "to_close": {stage: list(pair) for stage, pair in self.to_close.items()},
            "latest": self.latest.isoformat() if self.latest is not None else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClosedFigures:
        latest = data.get("latest")
        return cls(
            tuple(data["stage_order"]),
            int(data["won"]),
            int(data["closed"]),
            {stage: (int(w), int(c)) for stage, (w, c) in data["reached"].items()},
            {stage: (float(d), int(n)) for stage, (d, n) in data["to_close"].items()},
            datetime.fromisoformat(latest) if latest else None,
        )


def _days_to_win(deal: Deal) -> dict[str, float]:
    """Days from first entering each stage to the win."""
    assert deal.closed_at is not None
    entered: dict[str, datetime] = {}
    for change in sorted(deal.stage_history, key=lambda c: c.at):
        entered.setdefault(change.stage, change.at)
    return {
        stage: max((deal.closed_at - at).total_seconds() / _DAY, 0.0)
        for stage, at in entered.items()
    }


__all__ = ["ClosedFigures", "reached_stages"]
