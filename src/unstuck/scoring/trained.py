"""A trained win-chance model in use: chance, range and reasons for an open deal.

:class:`TrainedModel` implements the review's :class:`~unstuck.review.chance.ChanceModel`
protocol (``chance(deal, now) -> Chance``). An open deal is scored on exactly what a
training snapshot saw: the deal cut back to ``now`` (:func:`deal_as_of`) read through the
same feature rows. The range is the 80% range the review shows (10th to 90th percentile).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from unstuck.diagnosis import DiagnosisContext
from unstuck.domain import Deal
from unstuck.review.chance import Chance
from unstuck.scoring.explain import SLIGHT, STRONG
from unstuck.scoring.features import FIELD_PREFIX, FeatureValue, feature_row, label
from unstuck.scoring.model import Scorer
from unstuck.scoring.snapshots import SnapshotRules, deal_as_of

CHANCE_LEVEL = 0.80
CACHE_SIZE = 100_000
TOP = 3
_DAYS = {
    "age_days",
    "days_in_stage",
    "days_silent",
    "days_past_close",
    "days_to_close",
}
_SHARES = {"inbound_share"}
# Features better read through another column's value (a stage's position by its name).
_VALUE_OF = {"stage_position": "stage"}


def shown(name: str, value: FeatureValue) -> str:
    """A feature's value in plain words."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if name.startswith(FIELD_PREFIX):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if name.startswith("finding:") or name == "severity":
        return "not found" if not value else f"yes (severity {float(value):.2f})"
    if isinstance(value, bool) or name in {"has_replied", "authority_engaged", "why_missing",
                                           "why_stale", "final_call_sent"}:  # fmt: skip
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.replace("_", " ")
    number = float(value)
    if name == "days_to_close" and number < 0:
        return f"passed {-number:.0f} days ago"
    if name in _DAYS:
        return f"{number:.0f} days"
    if name in _SHARES:
        return f"{number:.0%}"
    if name == "stage_time_vs_norm":
        return f"{number:.1f}× the norm"
    if name == "value":
        return f"{number:,.0f}"
    return f"{number:g}" if number != int(number) else str(int(number))


@dataclass(frozen=True)
class Reason:
    """One feature that pushed a deal's chance up or down, in plain words."""

    feature: str
    value: str
    effect: float  # on the log-odds scale

    @property
    def text(self) -> str:
        size = abs(self.effect)
        adverb = "strongly " if size >= STRONG else "slightly " if size < SLIGHT else ""
        direction = "raises" if self.effect > 0 else "lowers"
        return f"{label(self.feature)}: {self.value} ({adverb}{direction} the chance)"

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "label": label(self.feature),
            "value": self.value,
            "effect": round(self.effect, 3),
            "text": self.text,
        }


@dataclass(frozen=True)
class Explanation:
    chance: Chance
    up: tuple[Reason, ...] = ()
    down: tuple[Reason, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.chance.to_dict(),
            "up": [r.to_dict() for r in self.up],
            "down": [r.to_dict() for r in self.down],
        }


@dataclass
class TrainedModel:
    """A fitted scorer with the snapshot rules it was trained with.

    ``context`` (the feature diagnosis context) and ``info`` (the stored record's facts)
    are attached after loading and never pickled.
    """

    scorer: Scorer
    rules: SnapshotRules
    context: DiagnosisContext | None = None
    info: dict[str, Any] = field(default_factory=dict)
    _cache: dict[tuple[str, datetime], tuple[Deal, Chance]] = field(
        default_factory=dict, repr=False
    )

    def __getstate__(self) -> dict[str, Any]:
        return {"scorer": self.scorer, "rules": self.rules}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.scorer = state["scorer"]
        self.rules = state["rules"]
        self.context = None
        self.info = {}
        self._cache = {}

    @property
    def version(self) -> int | None:
        version = self.info.get("version")
        return int(version) if version is not None else None

    @property
    def source(self) -> str:
        return f"model v{self.version}" if self.version is not None else "model"

    @property
    def note(self) -> str | None:
        """What a view must say about the chances, if anything (set when loading)."""
        note = self.info.get("note")
        return str(note) if note else None

    def _rows(self, deals: Sequence[Deal], now: datetime) -> list[dict[str, FeatureValue]]:
        if self.context is None:
            raise RuntimeError("TrainedModel needs its feature context before scoring")
        return [feature_row(deal_as_of(d, now), now, self.context) for d in deals]

    def _frame(self, rows: list[dict[str, FeatureValue]]) -> Any:
        from unstuck.scoring.training import to_frame

        return to_frame(rows, self.scorer.plan)

    def _inputs(self) -> dict[str, Any]:
        keep = ("version", "trained_at", "deals", "auc", "brier")
        return {k: self.info[k] for k in keep if k in self.info}

    def chances(self, deals: Sequence[Deal], now: datetime) -> list[Chance]:
        """Chance for many deals at once: one model call, about 1 ms a deal instead of
        tens. Remembered, so a later ``chance(deal, now)`` for the same deal is free."""
        if not deals:
            return []
        frame = self._frame(self._rows(deals, now))
        p, low, high = self.scorer.predict_range(frame, level=CHANCE_LEVEL)
        inputs = self._inputs()
        found = [
            Chance(float(p[i]), float(low[i]), float(high[i]), self.source, inputs)
            for i in range(len(deals))
        ]
        if len(self._cache) > CACHE_SIZE:
            self._cache.clear()
        for deal, chance in zip(deals, found, strict=True):
            self._cache[(deal.id, now)] = (deal, chance)
        return found

    def chance(self, deal: Deal, now: datetime) -> Chance:
        cached = self._cache.get((deal.id, now))
        if cached is not None and (cached[0] is deal or cached[0] == deal):
            return cached[1]
        return self.chances([deal], now)[0]

    def explain(self, deal: Deal, now: datetime, top: int = TOP) -> Explanation:
        """The chance with the ``top`` features pushing it up and down."""
        rows = self._rows([deal], now)
        frame = self._frame(rows)
        p, low, high = self.scorer.predict_range(frame, level=CHANCE_LEVEL)
        columns, effects = self.scorer.effects(frame)
        reasons = [
            Reason(name, shown(name, rows[0].get(_VALUE_OF.get(name, name))), float(effects[0, j]))
            for j, name in enumerate(columns)
            if abs(effects[0, j]) > 1e-9
        ]
        up = sorted((r for r in reasons if r.effect > 0), key=lambda r: -r.effect)[:top]
        down = sorted((r for r in reasons if r.effect < 0), key=lambda r: r.effect)[:top]
        inputs = {
            **self._inputs(),
            "up": [r.text for r in up],
            "down": [r.text for r in down],
        }
        chance = Chance(float(p[0]), float(low[0]), float(high[0]), self.source, inputs)
        return Explanation(chance, tuple(up), tuple(down))

    def to_dict(self) -> dict[str, Any]:
        return {"model": "trained", **self.info, "note": self.note}


__all__ = ["CHANCE_LEVEL", "Explanation", "Reason", "TrainedModel", "shown"]
