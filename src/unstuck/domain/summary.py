"""Per-deal summaries: the few numbers the stall scan reads instead of the history.

The store keeps the same numbers in columns of the ``deals`` table and can rebuild them
with SQL from the raw rows; a test checks that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from unstuck.domain.model import CloseDateChange, Deal
from unstuck.domain.vocab import Direction


@dataclass(frozen=True)
class DealSummary:
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None
    last_touch_at: datetime | None
    outbound_since_inbound: int
    touch_count: int
    stage_entered_at: datetime
    close_date_pushes: int
    stakeholder_count: int
    silent_since: datetime


def close_date_pushes(history: tuple[CloseDateChange, ...], current: date | None) -> int:
    """How many times the expected close date moved later.

    The history holds the dates as they were set over time; the deal's current date is
    the last word, so a current date later than the last recorded one is a push too.
    """
    ordered = sorted(history, key=lambda c: (c.at, c.expected_close))
    days = [c.expected_close for c in ordered]
    if current is not None:
        days.append(current)
    return sum(1 for before, after in pairwise(days) if after > before)


def summarize(deal: Deal) -> DealSummary:
    inbound = [t.at for t in deal.touches if t.direction is Direction.INBOUND]
    outbound = [t.at for t in deal.touches if t.direction is Direction.OUTBOUND]
    last_in = max(inbound, default=None)
    silent_since = last_in or deal.created
    since = sum(1 for at in outbound if at > silent_since)
    return DealSummary(
        last_inbound_at=last_in,
        last_outbound_at=max(outbound, default=None),
        last_touch_at=max((t.at for t in deal.touches), default=None),
        outbound_since_inbound=since,
        touch_count=len(deal.touches),
        stage_entered_at=deal.stage_entered_at(),
        close_date_pushes=close_date_pushes(deal.close_date_history, deal.expected_close),
        stakeholder_count=len(deal.stakeholders),
        silent_since=silent_since,
    )


__all__ = ["DealSummary", "close_date_pushes", "summarize"]
