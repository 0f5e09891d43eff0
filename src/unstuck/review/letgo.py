"""Let go: deals whose expected value no longer pays for the time they still take.

For an open deal with a value (``docs/review.md`` works an example):

* expected value ``EV = value x chance``;
* time still needed ``T = to_close(stage) x behind``, where ``to_close(stage)`` is the
  median days won deals took from entering this stage to closing (nothing is subtracted
  for the time the deal already spent there: a stuck deal has not shortened its road),
  and ``behind = max(1, days_in_stage / stage norm)`` scales it by how far behind the
  deal is; with fewer than ``thresholds.min_won_for_norms`` won deals through the stage,
  ``to_close`` is the sum of the stage norms from this stage to the last one;
* ``EV per week = EV / max(T / 7, 1)``.

A stalled deal is a let-go candidate when its EV per week is below ``review.let_go_ratio``
times the median EV per week of all open deals with a value: the time it takes would
pay more on a typical deal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from statistics import median

from unstuck.diagnosis import StageNorms
from unstuck.domain import Deal
from unstuck.review.closed import ClosedFigures
from unstuck.review.model import Economics, LetGo, LetGoCase
from unstuck.review.state import Assessment


def to_close_from(
    figures: ClosedFigures,
    stages: Sequence[str],
    stage_order: Sequence[str],
    norms: StageNorms,
    min_won: int,
) -> dict[str, tuple[float, str]]:
    """Per stage: (days won deals took from entering it to closing, where that comes
    from), from learned (or kept) figures: the median over the won deals
    when at least ``min_won`` passed through the stage, else the sum of the stage norms
    from there on."""
    result: dict[str, tuple[float, str]] = {}
    for stage in stages:
        days, count = figures.to_close.get(stage, (0.0, 0))
        if count and count >= min_won:
            result[stage] = (days, f"median of {count} won deals")
        else:
            rest = stage_order[stage_order.index(stage) :] if stage in stage_order else [stage]
            result[stage] = (sum(norms.days(s) for s in rest), "sum of stage norms")
    return result


def economics(
    deal: Deal, diagnosis: Assessment, chance: float, to_close: tuple[float, str]
) -> Economics | None:
    """The deal's EV against its remaining time; None without a value to weigh."""
    if deal.value is None:
        return None
    s = diagnosis.signals
    behind = max(1.0, s.days_in_stage / max(s.stage_norm_days, 1.0))
    days, source = to_close
    remaining = max(days, 1.0) * behind
    ev = deal.value * chance
    return Economics(
        value=deal.value,
        chance=chance,
        expected_value=ev,
        to_close_days=days,
        to_close_source=source,
        behind=behind,
        remaining_days=remaining,
        ev_per_week=ev / max(remaining / 7.0, 1.0),
    )


def build_let_go(
    rows: Sequence[tuple[Deal, Assessment, Economics | None, bool]],
    ratio: float,
    to_close: dict[str, tuple[float, str]],
    exclude: set[str],
    shown: int | None = None,
) -> LetGo:
    """``rows``: (deal, diagnosis, economics, the diagnosis would propose let_go).

    Every candidate comes with its numbers; the main reason only for the first
    ``shown`` (all when None): the review shows those, and a large pipeline does not
    diagnose its hundreds of other candidates in full. ``unstuck diagnose`` tells the rest.
    """
    rates = [e.ev_per_week for _, _, e, _ in rows if e is not None]
    typical = float(median(rates)) if rates else 0.0
    cases = []
    for deal, diagnosis, econ, let_go in rows:
        if econ is None or not diagnosis.stalled or deal.id in exclude or typical <= 0:
            continue
        share = econ.ev_per_week / typical
        if share >= ratio:
            continue
        cases.append(
            LetGoCase(
                deal=deal.id,
                name=deal.name,
                stage=deal.stage,
                owner=deal.owner,
                currency=deal.currency,
                economics=econ,
                ratio=share,
                severity=diagnosis.severity,
                main_reason=diagnosis.main_reason,
                diagnosis_says_let_go=let_go,
            )
        )
    cases.sort(key=lambda c: (c.ratio, -c.severity, c.deal))
    if shown is not None:
        cases[shown:] = [replace(c, main_reason=None) for c in cases[shown:]]
    return LetGo(tuple(cases), typical, ratio, to_close)


__all__ = ["build_let_go", "economics", "to_close_from"]
