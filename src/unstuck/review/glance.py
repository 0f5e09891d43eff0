"""At a glance: open value by stage and stuckness, and what changed in the last week.

Changes come from each deal's own history (stage changes, close-date changes, touches,
``closed_at``), so the review needs no snapshot of last week to say what moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from itertools import pairwise

from unstuck.domain import Deal, Status
from unstuck.review.model import BANDS, Change, Glance, ReviewSettings, StageBar
from unstuck.review.state import Assessment

_DAY = 86400.0


def band_of(diagnosis: Assessment, settings: ReviewSettings) -> str:
    """moving (not stalled), stuck, or badly_stuck (at thresholds.let_go_severity)."""
    if not diagnosis.stalled:
        return "moving"
    return "badly_stuck" if diagnosis.severity >= settings.badly_stuck else "stuck"


def stage_bars(
    rows: Iterable[tuple[Deal, str]], stage_order: Sequence[str]
) -> tuple[StageBar, ...]:
    """One bar per stage in pipeline order (stages outside it after, by name); a configured
    stage with no deals still gets its (empty) bar, so the chart keeps its shape."""
    deals: dict[str, dict[str, int]] = {}
    value: dict[str, dict[str, float]] = {}
    for deal, band in rows:
        deals.setdefault(deal.stage, dict.fromkeys(BANDS, 0))[band] += 1
        value.setdefault(deal.stage, dict.fromkeys(BANDS, 0.0))[band] += deal.value or 0.0
    order = list(stage_order) + sorted(s for s in deals if s not in stage_order)
    return tuple(
        StageBar(
            stage,
            deals.get(stage, dict.fromkeys(BANDS, 0)),
            value.get(stage, dict.fromkeys(BANDS, 0.0)),
        )
        for stage in order
    )


def _money(value: float | None) -> str:
    return "no value" if value is None else f"{value:,.0f}"


def _stage_moves(deal: Deal, since: datetime, now: datetime, order: Sequence[str]) -> list[Change]:
    changes = sorted(deal.stage_history, key=lambda c: c.at)
    out = []
    for before, after in pairwise(changes):
        if not since < after.at <= now or after.stage == before.stage:
            continue
        known = before.stage in order and after.stage in order
        if known and order.index(after.stage) <= order.index(before.stage):
            continue  # a step back is not news for the review
        detail = f"Moved from {before.stage} to {after.stage}."
        out.append(Change("moved_forward", deal.id, deal.name, after.at, detail, deal.value))
    return out


def _slips(deal: Deal, since: datetime, now: datetime) -> list[Change]:
    out = []
    history = sorted(deal.close_date_history, key=lambda c: c.at)
    for before, after in pairwise(history):
        if since < after.at <= now and after.expected_close > before.expected_close:
            detail = (
                f"Expected close pushed from {before.expected_close} to {after.expected_close}."
            )
            out.append(Change("slipped", deal.id, deal.name, after.at, detail, deal.value))
    close = deal.expected_close
    if close is not None and since.date() <= close < now.date():
        moment = datetime.combine(close, datetime.min.time())
        detail = f"The expected close date {close} passed without a decision."
        out.append(Change("slipped", deal.id, deal.name, moment, detail, deal.value))
    return out


def _silence(
    deal: Deal, diagnosis: Assessment, since: datetime, now: datetime, settings: ReviewSettings
) -> list[Change]:
    """Went quiet this week (the silence crossed thresholds.quiet_days), or replied this
    week after a silence that long."""
    s = diagnosis.signals
    out = []
    crossed = s.silent_since + timedelta(days=settings.quiet_days)
    if since < crossed <= now and s.unanswered >= settings.quiet_unanswered:
        detail = (
            f"No reply since {s.silent_since:%Y-%m-%d} ({int(s.days_silent)} days); "
            f"{s.unanswered} messages unanswered."
        )
        out.append(Change("went_quiet", deal.id, deal.name, crossed, detail, deal.value))
    if s.last_reply_at is None or s.last_reply_at <= since:
        return out  # no reply this week: nothing came back (and no need to scan touches)
    replies = sorted(t.at for t in deal.touches if t.inbound and t.at <= now)
    previous = deal.created
    for at in replies:
        gap = (at - previous).total_seconds() / _DAY
        if since < at and gap >= settings.quiet_days:
            detail = f"Replied after {int(gap)} days of silence."
            out.append(Change("replied", deal.id, deal.name, at, detail, deal.value))
            break
        previous = at
    return out


def open_changes(
    pairs: Iterable[tuple[Deal, Assessment]],
    now: datetime,
    settings: ReviewSettings,
    order: Sequence[str],
) -> list[Change]:
    since = now - timedelta(days=settings.change_days)
    out: list[Change] = []
    for deal, diagnosis in pairs:
        if since < deal.created <= now:
            detail = f"New deal in {deal.stage}, {_money(deal.value)}."
            out.append(Change("new", deal.id, deal.name, deal.created, detail, deal.value))
        out += _stage_moves(deal, since, now, order)
        out += _slips(deal, since, now)
        out += _silence(deal, diagnosis, since, now, settings)
    return out


def closed_changes(
    history: Iterable[Deal], now: datetime, settings: ReviewSettings, owner: str | None
) -> list[Change]:
    since = now - timedelta(days=settings.change_days)
    out = []
    for deal in history:
        if deal.closed_at is None or not since < deal.closed_at <= now:
            continue
        if owner is not None and (deal.owner or "").lower() != owner.lower():
            continue
        words = {
            Status.WON: "Won",
            Status.LOST: "Lost",
            Status.NURTURE: "Parked for later",
        }
        detail = f"{words.get(deal.status, str(deal.status))}"
        if deal.status is not Status.WON and deal.lost_reason:
            detail += f": {deal.lost_reason.rstrip('.')}"
        if deal.status is Status.NURTURE and deal.revisit_on:
            detail += f" (check back on {deal.revisit_on})"
        out.append(Change("closed", deal.id, deal.name, deal.closed_at, detail + ".", deal.value))
    return out


KIND_ORDER = ("closed", "moved_forward", "replied", "new", "slipped", "went_quiet")


def build_glance(
    rows: Sequence[tuple[Deal, Assessment, str, float]],
    changes: Sequence[Change],
    now: datetime,
    settings: ReviewSettings,
    stage_order: Sequence[str],
) -> Glance:
    """``rows`` are (deal, diagnosis, band, expected value) for every open deal."""
    currencies = {deal.currency for deal, *_ in rows if deal.currency}
    ordered = sorted(
        changes, key=lambda c: (KIND_ORDER.index(c.kind), -(c.value or 0.0), c.deal, c.at)
    )
    return Glance(
        stages=stage_bars(((deal, band) for deal, _, band, _ in rows), stage_order),
        open_deals=len(rows),
        open_value=sum(deal.value or 0.0 for deal, *_ in rows),
        stuck=sum(1 for _, _, band, _ in rows if band != "moving"),
        stuck_value=sum(deal.value or 0.0 for deal, _, band, _ in rows if band != "moving"),
        badly_stuck=sum(1 for _, _, band, _ in rows if band == "badly_stuck"),
        expected_value=sum(ev for *_, ev in rows),
        changes=tuple(ordered),
        since=now - timedelta(days=settings.change_days),
        currency=next(iter(currencies)) if len(currencies) == 1 else None,
        no_value=sum(1 for deal, *_ in rows if deal.value is None),
    )


__all__ = ["KIND_ORDER", "band_of", "build_glance", "closed_changes", "open_changes", "stage_bars"]
