"""``build_review``: open deals, closed history and ``now`` in; a :class:`Review` out.

Pure: no database, no clock, no printing. The shells (CLI, web) load the deals once,
build the diagnosis context once and pass them in. Every open deal is diagnosed without
plays (the costly part is rendering drafts); only the focus picks get their plays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from unstuck.diagnosis import DiagnosisContext, diagnose
from unstuck.diagnosis.plays import should_let_go
from unstuck.domain import Deal
from unstuck.review.chance import Chance, ChanceModel
from unstuck.review.closed import ClosedFigures
from unstuck.review.focus import assess_all, focus_item, rank_candidates, score_deal
from unstuck.review.glance import band_of, build_glance, closed_changes, open_changes
from unstuck.review.letgo import build_let_go, economics, to_close_from
from unstuck.review.model import (
    Economics,
    Focus,
    FocusItem,
    LedgerLine,
    QualificationGap,
    Review,
    ReviewSettings,
    WhatIsReal,
)
from unstuck.review.records import FocusPick, PickedBy, week_start
from unstuck.review.state import Assessment, ScanState


@dataclass(frozen=True)
class Assessed:
    """One open deal with everything the sections need, computed once."""

    deal: Deal
    diagnosis: Assessment
    chance: Chance
    band: str
    let_go: bool
    economics: Economics | None

    @property
    def expected_value(self) -> float:
        return (self.deal.value or 0.0) * self.chance.p


def assess(
    deals: Iterable[Deal],
    now: datetime,
    context: DiagnosisContext,
    chance_model: ChanceModel,
    settings: ReviewSettings,
    to_close: dict[str, tuple[float, str]],
    states: Mapping[str, ScanState] | None = None,
) -> list[Assessed]:
    """Each open deal with its assessment: the scan's ``states`` when given (deals may
    then come without their touches), else a full diagnosis."""
    out = []
    for deal in deals:
        if not deal.is_open:
            continue
        diagnosis: Assessment
        if states is not None and deal.id in states:
            diagnosis = states[deal.id]
        else:
            diagnosis = diagnose(deal, now, context, plays=False)
        out.append(_assessed(deal, diagnosis, now, context, chance_model, settings, to_close))
    return out


def _assessed(
    deal: Deal,
    diagnosis: Assessment,
    now: datetime,
    context: DiagnosisContext,
    chance_model: ChanceModel,
    settings: ReviewSettings,
    to_close: dict[str, tuple[float, str]],
) -> Assessed:
    chance = chance_model.chance(deal, now)
    let_go = diagnosis.stalled and should_let_go(
        diagnosis.severity, diagnosis.signals, context.exits
    )
    econ = economics(deal, diagnosis, chance.p, to_close[deal.stage])
    return Assessed(
        deal, diagnosis, chance, let_go=let_go, economics=econ, band=band_of(diagnosis, settings)
    )


def _detail(
    assessed: list[Assessed],
    ids: set[str],
    load_full: Callable[[Sequence[str]], Sequence[Deal]],
    now: datetime,
    context: DiagnosisContext,
) -> list[Assessed]:
    """The same list, with the deals in ``ids`` read whole and diagnosed in full.

    The scan's numbers equal the full diagnosis', so nothing moves; the detailed deals
    gain their touches and their main reason, which the sections show for them.
    """
    wanted = [
        a.deal.id for a in assessed if a.deal.id in ids and isinstance(a.diagnosis, ScanState)
    ]
    if not wanted:
        return assessed
    whole = {deal.id: deal for deal in load_full(wanted)}
    out = []
    for a in assessed:
        deal = whole.get(a.deal.id)
        if deal is None:
            out.append(a)
            continue
        full = diagnose(deal, now, context, plays=False)
        out.append(replace(a, deal=deal, diagnosis=full))
    return out


def _needing_detail(
    assessed: Sequence[Assessed], settings: ReviewSettings, picked: set[str]
) -> set[str]:
    """Deals the review shows in detail: this week's picks and the let-go candidates
    it lists. (Deals that replied this week come with their replies.)"""
    ids = set(picked)
    rows = [(a.deal, a.diagnosis, a.economics, a.let_go) for a in assessed]
    cases = build_let_go(rows, settings.let_go_ratio, {}, picked, settings.list_limit).cases
    ids.update(case.deal for case in cases[: settings.list_limit])
    return ids


def _focus(
    assessed: Sequence[Assessed],
    now: datetime,
    context: DiagnosisContext,
    settings: ReviewSettings,
    current_picks: Sequence[FocusPick],
) -> tuple[list[FocusItem], str, int]:
    """The recorded picks of this week when there are any, else the top-scoring deals."""
    by_id = {a.deal.id: a for a in assessed}
    ranking = _ranking(assessed)
    rank = {deal_id: n for n, deal_id in enumerate(ranking, start=1)}
    recorded = [p for p in current_picks if p.deal in by_id]
    if recorded:
        chosen = [(p.deal, str(p.picked_by)) for p in recorded]
        source = "recorded"
    else:
        chosen = [(deal_id, str(PickedBy.SYSTEM)) for deal_id in ranking[: settings.focus_count]]
        source = "proposed"
    items = []
    for deal_id, picked_by in chosen:
        a = by_id[deal_id]
        full = diagnose(a.deal, now, context, plays=True)
        play = full.plays[0] if full.plays else None
        items.append(
            focus_item(
                a.deal,
                full,
                a.chance,
                a.let_go,
                rank.get(deal_id, 0),
                len(ranking),
                picked_by,
                play,
            )
        )
    return items, source, len(ranking)


def _ranking(assessed: Sequence[Assessed]) -> list[str]:
    candidates = [a for a in assessed if a.diagnosis.stalled and a.deal.value]
    scored = [(a.deal, score_deal(a.deal, a.diagnosis, a.chance, a.let_go)[0]) for a in candidates]
    return rank_candidates(scored)


def _real(assessed: Sequence[Assessed], context: DiagnosisContext, exclude: set[str]) -> WhatIsReal:
    """For every other open deal, the framework's questions still open at its stage
    (``unstuck.diagnosis.open_questions``, already computed into the signals)."""
    gaps = []
    qualified = 0
    for a in assessed:
        if a.deal.id in exclude:
            continue
        s = a.diagnosis.signals
        if not s.open_questions:
            qualified += 1
            continue
        gaps.append(
            QualificationGap(
                a.deal.id,
                a.deal.name,
                a.deal.stage,
                a.deal.value,
                s.open_questions,
                s.required_questions,
            )
        )
    gaps.sort(key=lambda g: (-(g.value or 0.0), g.deal))
    framework = context.framework
    return WhatIsReal(framework.name, framework.title or framework.name, tuple(gaps), qualified)


def build_review(
    deals: Iterable[Deal],
    history: Sequence[Deal],
    now: datetime,
    context: DiagnosisContext,
    chance_model: ChanceModel,
    previous_picks: Sequence[FocusPick] = (),
    *,
    current_picks: Sequence[FocusPick] = (),
    settings: ReviewSettings | None = None,
    owner: str | None = None,
    notes: Sequence[str] = (),
    chance_description: dict[str, object] | None = None,
    states: Mapping[str, ScanState] | None = None,
    load_full: Callable[[Sequence[str]], Sequence[Deal]] | None = None,
    closed: ClosedFigures | None = None,
) -> Review:
    """The weekly review of the open ``deals`` as of ``now`` (naive UTC).

    ``history`` is the closed deals (won, lost, parked) that time-to-close and the
    "closed this week" changes come from; ``previous_picks`` last week's focus picks and
    ``current_picks`` this week's if already recorded (they are kept as the focus).

    With ``states`` (from the stall scan) and ``load_full`` (reads deals whole by id), the
    open ``deals`` may come without their touches, except their replies when one came in
    the last week: only the deals shown in detail are read whole and diagnosed in full.
    The review is the same either way.

    ``closed`` are the figures learned from every closed deal (``Unstuck.closed_figures``,
    kept in the database); with them ``history`` need only hold the deals closed in the
    last week and last week's picks. Without them they are learned from ``history``.
    """
    settings = settings or ReviewSettings()
    open_deals = [d for d in deals if d.is_open]
    order = list(context.stage_order)
    stages = order + sorted({d.stage for d in open_deals} - set(order))
    if closed is None:
        closed = ClosedFigures.learn(history, order, now)
    to_close = to_close_from(closed, stages, order, context.norms, settings.min_won_for_norms)
    assessed = assess(open_deals, now, context, chance_model, settings, to_close, states)
    if states is not None and load_full is not None:
        ranking = _ranking(assessed)
        open_ids = {a.deal.id for a in assessed}
        recorded = [p.deal for p in current_picks if p.deal in open_ids]
        focus_ids = set(recorded or ranking[: settings.focus_count])
        wanted = _needing_detail(assessed, settings, focus_ids)
        wanted |= {p.deal for p in previous_picks}
        assessed = _detail(assessed, wanted, load_full, now, context)
    items, source, candidates = _focus(assessed, now, context, settings, current_picks)
    picked = {item.deal for item in items}

    changes = open_changes(((a.deal, a.diagnosis) for a in assessed), now, settings, order)
    changes += closed_changes(history, now, settings, owner)
    rows = [(a.deal, a.diagnosis, a.band, a.expected_value) for a in assessed]
    glance = build_glance(rows, changes, now, settings, stages)

    this_week = week_start(now)
    known = {d.id: d for d in history} | {a.deal.id: a.deal for a in assessed}
    focus = Focus(
        items=tuple(items),
        source=source,
        candidates=candidates,
        week=this_week,
        previous=assess_all(previous_picks, known, this_week, now),
        previous_week=this_week - timedelta(days=7),
    )
    let_go = build_let_go(
        [(a.deal, a.diagnosis, a.economics, a.let_go) for a in assessed],
        settings.let_go_ratio,
        to_close,
        picked,
        settings.list_limit,
    )
    all_notes = list(notes)
    if glance.no_value:
        all_notes.append(
            f"{glance.no_value} open deals have no value: they count in the totals as zero "
            "and cannot be weighed for focus or letting go."
        )
    ledger = tuple(
        LedgerLine(
            a.deal.id,
            a.deal.stage,
            a.deal.value,
            a.band,
            a.diagnosis.severity,
            a.chance.p,
            a.chance.source,
            a.expected_value,
            None if a.economics is None else a.economics.ev_per_week,
        )
        for a in assessed
    )
    return Review(
        as_of=now,
        owner=owner,
        glance=glance,
        focus=focus,
        real=_real(assessed, context, picked),
        let_go=let_go,
        chance_model=dict(chance_description or {"model": type(chance_model).__name__}),
        notes=tuple(all_notes),
        ledger=ledger,
    )


__all__ = ["Assessed", "assess", "build_review"]
