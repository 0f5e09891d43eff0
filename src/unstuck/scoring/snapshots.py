"""Snapshots: a closed deal as it was at an earlier moment, so training never sees the end.

A model that learns from closed deals in their final state learns the ending ("lost
deals have a lost reason", "won deals reached the last stage"), and then has nothing to
say about an open deal, which has no ending yet. So every training row is a *snapshot*:
the deal cut back to what was known at a moment ``t`` before it closed, exactly the
shape an open deal has today.

:func:`deal_as_of` does the cutting. What it keeps and drops:

- **Dated events** (touches, answers, stage changes, close-date changes, decisions) are
  kept when dated at or before ``t`` and dropped otherwise.
- **Stage** is the last stage entered by ``t``; **expected close** the last date set by
  ``t``. A deal with no dated stage (or close-date) history keeps its recorded value:
  there is nothing dated to cut back to (this is counted and reported by ``train``).
- **Status** is open; ``closed_at``, ``lost_reason`` and ``revisit_on`` are cleared.
- **Stakeholders** first heard from (in a touch or answer) after ``t`` were not known
  yet and are left out; people never mentioned in a dated event are kept as recorded.
- **Stance** (supportive, resistant, ...) is an opinion with no date that sellers update
  as the deal goes, often at the very end, so it is set to unknown in every snapshot.
  Open deals are scored the same way, so the model never depends on it (the diagnosis
  still reads it).
- **Value, why, account and custom fields** carry no dates and are kept as recorded.

:func:`snapshot_times` picks the moments: every ``every_days`` from creation, never in
the last ``gap_days`` before closing, at most ``max_per_deal`` (evenly spread, the
latest always kept). An open deal is scored on ``deal_as_of(deal, now)``, the same cut.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from unstuck.domain import Deal, Stance, Status

SNAPSHOT_DAYS = 14
MAX_SNAPSHOTS = 6
GAP_DAYS = 1.0


@dataclass(frozen=True)
class SnapshotRules:
    every_days: float = SNAPSHOT_DAYS
    max_per_deal: int = MAX_SNAPSHOTS
    gap_days: float = GAP_DAYS


def closed_moment(deal: Deal) -> datetime | None:
    """When the deal closed: ``closed_at``, else its last dated event after creation."""
    if deal.closed_at is not None:
        return deal.closed_at
    moments = [
        *(t.at for t in deal.touches),
        *(a.at for a in deal.answers),
        *(c.at for c in deal.stage_history),
        *(c.at for c in deal.close_date_history),
        *(d.at for d in deal.decisions),
    ]
    last = max(moments, default=None)
    return last if last is not None and last > deal.created else None


def snapshot_times(deal: Deal, rules: SnapshotRules = SnapshotRules()) -> list[datetime]:
    """The moments a closed deal is looked at; empty when it closed within ``gap_days``."""
    end = closed_moment(deal)
    if end is None:
        return []
    last = end - timedelta(days=rules.gap_days)
    if last <= deal.created:
        return []
    step = timedelta(days=rules.every_days)
    times: list[datetime] = []
    moment = deal.created + step
    while moment <= last:
        times.append(moment)
        moment += step
    if not times:
        # A deal shorter than one step still shows what it looked like near the end.
        times = [last]
    keep = max(1, rules.max_per_deal)
    if len(times) > keep:
        # Evenly spread, first and latest included.
        picks = sorted({round(i * (len(times) - 1) / (keep - 1)) for i in range(keep)})
        times = [times[i] for i in picks] if keep > 1 else [times[-1]]
    return times


def _known_people(deal: Deal, t: datetime) -> set[str]:
    """Stakeholders not first heard from after ``t``."""
    first_seen: dict[str, datetime] = {}
    for moment, people in [
        *((touch.at, touch.with_) for touch in deal.touches),
        *((a.at, (a.stakeholder,) if a.stakeholder else ()) for a in deal.answers),
    ]:
        for person in people:
            if person not in first_seen or moment < first_seen[person]:
                first_seen[person] = moment
    return {s.id for s in deal.stakeholders if first_seen.get(s.id, t) <= t}


def deal_as_of(deal: Deal, t: datetime) -> Deal:
    """``deal`` as it was known at ``t``: nothing dated later, no outcome (module docstring)."""
    stages = tuple(sorted((c for c in deal.stage_history if c.at <= t), key=lambda c: c.at))
    if stages:
        stage = stages[-1].stage
    elif deal.stage_history:
        stage = min(deal.stage_history, key=lambda c: c.at).stage
    else:
        stage = deal.stage
    closes = tuple(sorted((c for c in deal.close_date_history if c.at <= t), key=lambda c: c.at))
    if closes:
        expected = closes[-1].expected_close
    elif deal.close_date_history:
        expected = None
    else:
        expected = deal.expected_close
    known = _known_people(deal, t)
    people = tuple(replace(s, stance=Stance.UNKNOWN) for s in deal.stakeholders if s.id in known)
    return replace(
        deal,
        stage=stage,
        status=Status.OPEN,
        expected_close=expected,
        stage_history=stages,
        close_date_history=closes,
        stakeholders=people,
        answers=tuple(a for a in deal.answers if a.at <= t),
        touches=tuple(x for x in deal.touches if x.at <= t),
        decisions=tuple(d for d in deal.decisions if d.at <= t),
        lost_reason=None,
        revisit_on=None,
        closed_at=None,
    )


__all__ = [
    "GAP_DAYS",
    "MAX_SNAPSHOTS",
    "SNAPSHOT_DAYS",
    "SnapshotRules",
    "closed_moment",
    "deal_as_of",
    "snapshot_times",
]
