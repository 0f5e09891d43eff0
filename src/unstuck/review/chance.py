"""The chance of winning a deal, behind one small interface.

:class:`ChanceModel` is the seam: anything with ``chance(deal, now) -> Chance`` can feed
the review (the scoring work in :mod:`unstuck.scoring` will plug a learned model in
here). Until then :class:`StageWinRates` stands in: per stage, the share of the user's
closed deals that reached the stage and were won, smoothed with a Beta prior.

The prior, and why (``docs/review.md`` has the worked formulas):

* With no closed history at all the chance is the prior mean ``review.prior_win_rate``
  (default 0.25: a typical win rate of qualified B2B opportunities, deliberately modest
  so an empty history never makes the pipeline look rosy), held with the weight of
  ``review.prior_weight`` deals (default 4: a handful of the user's own outcomes is
  enough to outweigh it).
* The overall rate is the Beta posterior mean ``(won + a) / (closed + a + b)`` with
  ``a = rate * weight`` and ``b = (1 - rate) * weight``.
* A stage with at least ``review.min_closed_per_stage`` closed deals that reached it gets
  its own rate, shrunk towards the overall rate with the same weight:
  ``(won_s + w * overall) / (reached_s + w)``. Fewer than that and the stage uses the
  overall rate: five deals say too little about one stage.

``low`` and ``high`` are the 10th and 90th percentiles of the Beta posterior, so the
review can say how sure the number is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from statistics import NormalDist
from typing import Any, Protocol, runtime_checkable

from unstuck.domain import Deal
from unstuck.review.closed import ClosedFigures, reached_stages

NO_HISTORY = "no closed history: using the prior"


@dataclass(frozen=True)
class Chance:
    """A win chance with its 80 % range, where it came from, and what went in."""

    p: float
    low: float
    high: float
    source: str
    inputs: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "p": round(self.p, 3),
            "low": round(self.low, 3),
            "high": round(self.high, 3),
            "source": self.source,
            "inputs": dict(self.inputs),
        }


@runtime_checkable
class ChanceModel(Protocol):
    """Anything that can say how likely an open deal is to be won, as of ``now``."""

    def chance(self, deal: Deal, now: datetime) -> Chance: ...


@dataclass(frozen=True)
class Rate:
    """Won and closed counts behind one rate, and the Beta posterior they give."""

    won: int
    closed: int
    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @cached_property
    def _interval(self) -> tuple[float, float]:
        return beta_ppf(0.1, self.alpha, self.beta), beta_ppf(0.9, self.alpha, self.beta)

    def interval(self) -> tuple[float, float]:
        """The 10th and 90th percentiles, computed once per rate (not once per deal)."""
        return self._interval

    def to_dict(self) -> dict[str, Any]:
        return {"won": self.won, "closed": self.closed, "rate": round(self.mean, 3)}


@dataclass(frozen=True)
class StageWinRates:
    """The fallback :class:`ChanceModel`: stage win rates from closed deals, with a prior."""

    overall: Rate
    stages: Mapping[str, Rate]
    prior_rate: float = 0.25
    prior_weight: float = 4.0
    min_closed: int = 5

    @property
    def has_history(self) -> bool:
        return self.overall.closed > 0

    @property
    def note(self) -> str | None:
        """What the review must say about where its chances come from, if anything."""
        return None if self.has_history else NO_HISTORY

    def rate_for(self, stage: str) -> tuple[Rate, str]:
        if not self.has_history:
            return self.overall, "prior"
        if stage in self.stages:
            return self.stages[stage], "stage win rate"
        return self.overall, "overall win rate"

    def chance(self, deal: Deal, now: datetime) -> Chance:
        rate, source = self.rate_for(deal.stage)
        low, high = rate.interval()
        inputs: dict[str, Any] = {
            "stage": deal.stage,
            "won": rate.won,
            "closed": rate.closed,
            "prior_rate": self.prior_rate,
            "prior_weight": self.prior_weight,
        }
        if source == "stage win rate":
            inputs["overall_rate"] = round(self.overall.mean, 3)
        elif source == "overall win rate":
            inputs["why"] = (
                f"fewer than {self.min_closed} closed deals reached {deal.stage}; "
                "using the overall rate"
            )
        else:
            inputs["why"] = NO_HISTORY
        return Chance(rate.mean, low, high, source, inputs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": "stage_win_rates",
            "note": self.note,
            "prior": {"rate": self.prior_rate, "weight": self.prior_weight},
            "min_closed_per_stage": self.min_closed,
            "overall": self.overall.to_dict(),
            "stages": {stage: rate.to_dict() for stage, rate in self.stages.items()},
        }


def learn_win_rates(
    history: Iterable[Deal],
    stage_order: Sequence[str],
    now: datetime,
    *,
    prior_rate: float = 0.25,
    prior_weight: float = 4.0,
    min_closed: int = 5,
) -> StageWinRates:
    """Win rates from won and lost deals closed by ``now`` (parked deals may come back,
    so they count neither way)."""
    figures = ClosedFigures.learn(history, stage_order, now)
    return win_rates(
        figures, prior_rate=prior_rate, prior_weight=prior_weight, min_closed=min_closed
    )


def win_rates(
    figures: ClosedFigures,
    *,
    prior_rate: float = 0.25,
    prior_weight: float = 4.0,
    min_closed: int = 5,
) -> StageWinRates:
    """The stage win rates of ``figures`` (learned, or kept in the database)."""
    won, closed = figures.won, figures.closed
    a, b = prior_rate * prior_weight, (1 - prior_rate) * prior_weight
    overall = Rate(won, closed, won + a, closed - won + b)
    stages = {}
    for stage, (stage_won, stage_closed) in figures.reached.items():
        if stage_closed >= min_closed:
            # The stage's own outcomes, shrunk towards the overall rate.
            alpha = stage_won + prior_weight * overall.mean
            beta = stage_closed - stage_won + prior_weight * (1 - overall.mean)
            stages[stage] = Rate(stage_won, stage_closed, alpha, beta)
    return StageWinRates(overall, stages, prior_rate, prior_weight, min_closed)


# -- the Beta distribution without SciPy (the core must not need the ml extra) ----------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete Beta function (modified Lentz)."""
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)),
                   -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):  # fmt: skip
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 1e-12:
            break
    return h


def beta_cdf(x: float, a: float, b: float) -> float:
    """The regularised incomplete Beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def beta_ppf(q: float, a: float, b: float) -> float:
    """The ``q`` quantile of Beta(a, b), by bisection (60 halvings: far below display).

    With more than 500 deals behind it the Beta is as good as normal, and the continued
    fraction would need hundreds of terms: the normal quantile is used instead.
    """
    if a + b > 500:
        mean = a / (a + b)
        sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        return min(max(mean + NormalDist().inv_cdf(q) * sd, 0.0), 1.0)
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if beta_cdf(mid, a, b) < q:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


__all__ = [
    "NO_HISTORY",
    "Chance",
    "ChanceModel",
    "Rate",
    "StageWinRates",
    "beta_cdf",
    "beta_ppf",
    "learn_win_rates",
    "reached_stages",
    "win_rates",
]
