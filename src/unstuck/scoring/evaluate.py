"""``evaluate_csv``: how well the scorer and three baselines predict closed deals.

Two measurements, same models:

- **Cross-validation** on all rows: stratified K folds; every row is scored once by
  models that never saw it; AUC, Brier score, log loss and calibration are computed on
  those out-of-fold predictions.
- **Learning curve**: a fixed random test set (20,000 rows, or 25% of a smaller table)
  is held out; for each training size, ``DRAWS`` random training sets are drawn from the
  remaining rows and scored on that same test set. This answers "how good would it be
  on a team with only 200 closed deals?".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from unstuck.scoring._deps import one_blas_thread, require_ml
from unstuck.scoring.baselines import MODEL_LABELS, MODELS
from unstuck.scoring.columns import ColumnPlan, plan_columns
from unstuck.scoring.errors import TooFewOutcomesError
from unstuck.scoring.metrics import auc, brier, calibration_error, log_loss, reliability
from unstuck.scoring.model import RANGE_LEVEL, Scorer
from unstuck.scoring.report import CurvePoint, EvaluationReport, ModelScore, RangeSummary
from unstuck.scoring.table import deal_table, read_csv

DRAWS = 5
TEST_ROWS = 20_000
TEST_SHARE = 0.25
N_JOBS = 1  # see Scorer: one OpenMP thread beats two on a shared machine

# progress(what is running, steps done, steps in total)
Progress = Callable[[str, int, int], None]


def _no_progress(label: str, done: int, total: int) -> None:
    return None


def evaluate_csv(
    path: str | Path,
    target: str,
    positive: str,
    id_col: str | None = None,
    drop: Sequence[str] = (),
    folds: int = 5,
    train_sizes: Sequence[int] = (100, 200, 400, 1000),
    seed: int = 0,
    plot: str | Path | None = None,
    *,
    progress: Progress | None = None,
    models: Sequence[str] = tuple(MODELS),
    timer: Callable[[], float] = time.perf_counter,
) -> EvaluationReport:
    """Read a CSV of closed deals and evaluate every model on it (see module docstring)."""
    require_ml()
    frame = read_csv(path)
    return evaluate_frame(
        frame,
        target,
        positive,
        id_col=id_col,
        drop=drop,
        folds=folds,
        train_sizes=train_sizes,
        seed=seed,
        plot=plot,
        source=str(path),
        progress=progress,
        models=models,
        timer=timer,
    )


def evaluate_frame(
    frame: pl.DataFrame,
    target: str,
    positive: str,
    *,
    id_col: str | None = None,
    drop: Sequence[str] = (),
    folds: int = 5,
    train_sizes: Sequence[int] = (100, 200, 400, 1000),
    seed: int = 0,
    plot: str | Path | None = None,
    source: str = "<table>",
    progress: Progress | None = None,
    models: Sequence[str] = tuple(MODELS),
    timer: Callable[[], float] = time.perf_counter,
) -> EvaluationReport:
    require_ml()
    with one_blas_thread():
        return _evaluate(
            frame, target, positive, id_col=id_col, drop=drop, folds=folds,
            train_sizes=train_sizes, seed=seed, plot=plot, source=source,
            progress=progress, models=models, timer=timer,
        )  # fmt: skip


def _evaluate(
    frame: pl.DataFrame,
    target: str,
    positive: str,
    *,
    id_col: str | None,
    drop: Sequence[str],
    folds: int,
    train_sizes: Sequence[int],
    seed: int,
    plot: str | Path | None,
    source: str,
    progress: Progress | None,
    models: Sequence[str],
    timer: Callable[[], float],
) -> EvaluationReport:
    started = timer()
    table = deal_table(frame, target, positive, id_col=id_col, drop=drop)
    y = table.y
    for value, count in ((positive, int(y.sum())), ("the other values", int(len(y) - y.sum()))):
        if count < max(folds, 2):
            raise TooFewOutcomesError(value, count, max(folds, 2))
    plan = plan_columns(table.features)
    plan.notes[:0] = table.notes
    report = EvaluationReport(
        source=source,
        target=target,
        positive=positive,
        rows=len(y),
        positives=int(y.sum()),
        features=plan.features,
        notes=plan.notes,
        folds=folds,
        seed=seed,
    )
    curve_plan = _curve_plan(len(y), train_sizes)
    report.skipped_sizes = [s for s in train_sizes if s not in curve_plan.sizes]
    total = folds * len(models) + len(curve_plan.sizes) * DRAWS * len(models)
    step = _Stepper(progress or _no_progress, total)

    _cross_validate(report, table.features, y, plan, models, step, timer)
    _learning_curve(report, table.features, y, plan, curve_plan, models, step)
    report.seconds = timer() - started
    if plot is not None:
        from unstuck.scoring.svg import calibration_svg

        Path(plot).write_text(calibration_svg(report), encoding="utf-8")
        report.plot = str(plot)
    return report


class _Stepper:
    def __init__(self, progress: Progress, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, label: str) -> None:
        self.done += 1
        self.progress(label, self.done, self.total)


def _make(name: str, plan: ColumnPlan, seed: int) -> Any:
    return MODELS[name](plan=plan, seed=seed, n_jobs=N_JOBS)


def _cross_validate(
    report: EvaluationReport,
    features: pl.DataFrame,
    y: np.ndarray,
    plan: ColumnPlan,
    models: Sequence[str],
    step: _Stepper,
    timer: Callable[[], float],
) -> None:
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(report.folds, shuffle=True, random_state=report.seed)
    splits = list(splitter.split(np.zeros(len(y)), y))
    widths = np.zeros(len(y))
    for name in models:
        oof = np.zeros(len(y))
        started = timer()
        for k, (train, test) in enumerate(splits, start=1):
            model = _make(name, plan, report.seed).fit(features[train], y[train])
            if isinstance(model, Scorer):
                oof[test], low, high = model.predict_range(features[test])
                widths[test] = high - low
                assert model.fitted is not None
                report.fitted.append(model.fitted.to_dict())
            else:
                oof[test] = model.predict_proba(features[test])
            step(f"cross-validation: {MODEL_LABELS[name]}, fold {k}/{report.folds}")
        report.cross_validation.append(
            ModelScore(
                model=name,
                label=MODEL_LABELS[name],
                auc=auc(y, oof),
                brier=brier(y, oof),
                log_loss=log_loss(y, oof),
                calibration_error=calibration_error(y, oof),
                reliability=reliability(y, oof),
                seconds=timer() - started,
            )
        )
        if name == "unstuck":
            report.ranges = RangeSummary(
                RANGE_LEVEL, float(widths.mean()), float(np.median(widths))
            )


class _CurvePlan:
    def __init__(self, test_rows: int, sizes: list[int]) -> None:
        self.test_rows, self.sizes = test_rows, sizes


def _curve_plan(n_rows: int, train_sizes: Sequence[int]) -> _CurvePlan:
    test_rows = min(TEST_ROWS, round(n_rows * TEST_SHARE))
    pool = n_rows - test_rows
    return _CurvePlan(test_rows, [s for s in train_sizes if 20 <= s <= pool])


def _draw(rng: np.random.Generator, pool: np.ndarray, y: np.ndarray, size: int) -> np.ndarray:
    # A draw needs a handful of each outcome for the scorer's inner folds; with very
    # rare wins, redraw rather than report a model that never saw one.
    for _ in range(50):
        pick = rng.choice(pool, size=size, replace=False)
        if min(y[pick].sum(), size - y[pick].sum()) >= 2:
            return np.asarray(pick)
    return np.asarray(pick)


def _learning_curve(
    report: EvaluationReport,
    features: pl.DataFrame,
    y: np.ndarray,
    plan: ColumnPlan,
    curve: _CurvePlan,
    models: Sequence[str],
    step: _Stepper,
) -> None:
    from sklearn.model_selection import train_test_split

    report.test_rows = curve.test_rows
    if not curve.sizes:
        return
    everything = np.arange(len(y))
    pool, test = train_test_split(
        everything, test_size=curve.test_rows, stratify=y, random_state=report.seed
    )
    rng = np.random.default_rng(report.seed)
    test_x, test_y = features[test], y[test]
    for size in curve.sizes:
        draws = [_draw(rng, pool, y, size) for _ in range(DRAWS)]
        for name in models:
            aucs, briers, widths = [], [], []
            for d, train in enumerate(draws):
                model = _make(name, plan, report.seed + d).fit(features[train], y[train])
                if isinstance(model, Scorer):
                    p, low, high = model.predict_range(test_x)
                    widths.append(float(np.mean(high - low)))
                else:
                    p = model.predict_proba(test_x)
                aucs.append(auc(test_y, p))
                briers.append(brier(test_y, p))
                step(f"learning curve: {MODEL_LABELS[name]}, {size} deals, draw {d + 1}")
            report.learning_curve.append(
                CurvePoint(
                    model=name,
                    train_size=size,
                    draws=DRAWS,
                    auc_mean=float(np.mean(aucs)),
                    auc_std=float(np.std(aucs)),
                    brier_mean=float(np.mean(briers)),
                    brier_std=float(np.std(briers)),
                    range_width=float(np.mean(widths)) if widths else None,
                )
            )
