"""The evaluation report: plain data, with ``to_dict`` for ``--json``."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from unstuck.scoring.columns import ColumnNote
from unstuck.scoring.metrics import ReliabilityBin


def _num(value: float, digits: int = 4) -> float | None:
    return None if math.isnan(value) else round(value, digits)


@dataclass
class ModelScore:
    """Cross-validated accuracy of one model over all rows."""

    model: str
    label: str
    auc: float
    brier: float
    log_loss: float
    calibration_error: float
    reliability: list[ReliabilityBin]
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "label": self.label,
            "auc": _num(self.auc),
            "brier": _num(self.brier),
            "log_loss": _num(self.log_loss),
            "calibration_error": _num(self.calibration_error),
            "reliability": [b.to_dict() for b in self.reliability],
            "seconds": round(self.seconds, 2),
        }


@dataclass
class CurvePoint:
    """One model at one training size: mean and spread over random training draws."""

    model: str
    train_size: int
    draws: int
    auc_mean: float
    auc_std: float
    brier_mean: float
    brier_std: float
    range_width: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "train_size": self.train_size,
            "draws": self.draws,
            "auc_mean": _num(self.auc_mean),
            "auc_std": _num(self.auc_std),
            "brier_mean": _num(self.brier_mean),
            "brier_std": _num(self.brier_std),
            "range_width": None if self.range_width is None else _num(self.range_width),
        }


@dataclass
class RangeSummary:
    """How wide the scorer's 90% ranges were on the rows it had not seen."""

    level: float
    mean_width: float
    median_width: float

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "mean_width": _num(self.mean_width),
            "median_width": _num(self.median_width),
        }


@dataclass
class EvaluationReport:
    source: str
    target: str
    positive: str
    rows: int
    positives: int
    features: list[str]
    notes: list[ColumnNote]
    folds: int
    seed: int
    cross_validation: list[ModelScore] = field(default_factory=list)
    test_rows: int = 0
    learning_curve: list[CurvePoint] = field(default_factory=list)
    skipped_sizes: list[int] = field(default_factory=list)
    ranges: RangeSummary | None = None
    fitted: list[dict[str, object]] = field(default_factory=list)
    seconds: float = 0.0
    plot: str | None = None

    def score(self, model: str) -> ModelScore:
        return next(s for s in self.cross_validation if s.model == model)

    def to_dict(self) -> dict[str, object]:
        return {
            "source": self.source,
            "target": self.target,
            "positive": self.positive,
            "rows": self.rows,
            "positives": self.positives,
            "features": self.features,
            "notes": [n.to_dict() for n in self.notes],
            "folds": self.folds,
            "seed": self.seed,
            "cross_validation": [s.to_dict() for s in self.cross_validation],
            "learning_curve": {
                "test_rows": self.test_rows,
                "skipped_sizes": self.skipped_sizes,
                "points": [p.to_dict() for p in self.learning_curve],
            },
            "ranges": self.ranges.to_dict() if self.ranges else None,
            "fitted": self.fitted,
            "seconds": round(self.seconds, 1),
            "plot": self.plot,
        }
