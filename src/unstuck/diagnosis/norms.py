"""How long won deals spend in each stage: the yardstick for "stuck".

Norms are learned from the user's own won deals (the median days between entering a
stage and entering the next one, from ``stage_history``). Until at least
``thresholds.min_won_for_norms`` won deals have passed through a stage, the configured
``thresholds.stage_days`` (or ``thresholds.stage_days_default``) stands in. The median,
not the mean: one won deal that sat for a year must not make every stall look normal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median
from typing import Any

from unstuck.config import Config
from unstuck.domain import Deal, Status

_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class StageNorm:
    stage: str
    days: float
    learned_from: int = 0  # won deals behind a learned norm; 0 for a default

    @property
    def learned(self) -> bool:
        return self.learned_from > 0

    @property
    def source(self) -> str:
        if self.learned:
            return f"median of {self.learned_from} won deals"
        return "default"

    def to_dict(self) -> dict[str, Any]:
        return {"stage": self.stage, "days": round(self.days, 1), "source": self.source}


@dataclass(frozen=True)
class StageNorms:
    norms: Mapping[str, StageNorm] = field(default_factory=dict)
    default_days: float = 30.0
    # Won deals seen per stage, including stages with too few to learn from.
    won_counts: Mapping[str, int] = field(default_factory=dict)

    def norm(self, stage: str) -> StageNorm:
        return self.norms.get(stage) or StageNorm(stage, self.default_days)

    def days(self, stage: str) -> float:
        return self.norm(stage).days

    def to_dict(self) -> dict[str, Any]:
        return {stage: norm.to_dict() for stage, norm in self.norms.items()}


def stage_durations(deal: Deal) -> dict[str, float]:
    """Days spent in each stage the deal left (the stage it is in now has no end yet).

    A stage entered twice counts its total time.
    """
    changes = sorted(deal.stage_history, key=lambda c: c.at)
    spent: dict[str, float] = {}
    for current, following in pairwise(changes):
        if current.stage == following.stage:
            continue
        days = (following.at - current.at).total_seconds() / _SECONDS_PER_DAY
        spent[current.stage] = spent.get(current.stage, 0.0) + max(days, 0.0)
    return spent


def won_stages(history: Iterable[Deal]) -> dict[str, tuple[float, int]]:
    """Per stage: the median days the won deals in ``history`` spent in it, and how many
    won deals that median is over. All that norms need from the history, small enough to
    keep between runs (``Unstuck.diagnosis_context`` caches it in the database)."""
    samples: dict[str, list[float]] = {}
    for deal in history:
        if deal.status is not Status.WON:
            continue
        for stage, days in stage_durations(deal).items():
            samples.setdefault(stage, []).append(days)
    return {stage: (float(median(days)), len(days)) for stage, days in samples.items()}


def norms_from(config: Config, won: Mapping[str, tuple[float, int]]) -> StageNorms:
    """Norms from per-stage medians of won deals, with the configured defaults standing
    in for stages with fewer than ``thresholds.min_won_for_norms`` won deals."""
    minimum = max(config.int_("thresholds.min_won_for_norms"), 1)
    defaults = config.map_("thresholds.stage_days")
    norms: dict[str, StageNorm] = {
        stage: StageNorm(stage, days) for stage, days in defaults.items()
    }
    for stage, (days, count) in won.items():
        if count >= minimum:
            norms[stage] = StageNorm(stage, days, count)
    return StageNorms(
        norms=norms,
        default_days=config.float_("thresholds.stage_days_default"),
        won_counts={stage: count for stage, (_, count) in won.items()},
    )


def learn_norms(config: Config, history: Iterable[Deal]) -> StageNorms:
    return norms_from(config, won_stages(history))


__all__ = [
    "StageNorm",
    "StageNorms",
    "learn_norms",
    "norms_from",
    "stage_durations",
    "won_stages",
]
