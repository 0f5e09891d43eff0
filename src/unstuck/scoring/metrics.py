"""Accuracy measures, written out so the report does not depend on a metrics library.

AUC: the chance a random won deal scores above a random lost one (ties count half).
Brier: mean squared gap between the probability and the 0/1 outcome (lower is better;
always saying the base rate p scores p·(1-p)). Log loss: mean surprise, clipped so a
single 0% on a won deal does not make it infinite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 1e-15


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="mergesort")
    ordered = values[order]
    ranks = np.empty(len(values), dtype=np.float64)
    # Tied values share the mean of the ranks they span.
    boundaries = np.flatnonzero(np.diff(ordered)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [len(values)]))
    mean_rank = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, ends - starts)
    return ranks


def auc(y: np.ndarray, p: np.ndarray) -> float:
    y = np.asarray(y).astype(bool)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = _average_ranks(np.asarray(p, dtype=np.float64))
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean((np.asarray(p, dtype=np.float64) - np.asarray(y)) ** 2))


def log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float

    def to_dict(self) -> dict[str, float | int]:
        return {
            "low": self.low,
            "high": self.high,
            "count": self.count,
            "mean_predicted": round(self.mean_predicted, 4),
            "observed": round(self.observed, 4),
        }


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[ReliabilityBin]:
    """Equal-width bins of predicted probability; empty bins are left out."""
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    result = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            result.append(
                ReliabilityBin(
                    low=float(edges[b]),
                    high=float(edges[b + 1]),
                    count=int(mask.sum()),
                    mean_predicted=float(p[mask].mean()),
                    observed=float(y[mask].mean()),
                )
            )
    return result


def calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error: the count-weighted gap between predicted and observed."""
    table = reliability(y, p, bins)
    total = sum(b.count for b in table)
    return float(sum(b.count * abs(b.mean_predicted - b.observed) for b in table) / total)
