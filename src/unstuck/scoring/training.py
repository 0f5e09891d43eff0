"""Learning from the user's own closed deals: snapshots in, a fitted scorer out. Pure.

:func:`fit_history` takes closed deals, the configuration and ``now`` and returns a
:class:`~unstuck.scoring.trained.TrainedModel` with its cross-validated accuracy; it
never touches the store (:mod:`unstuck.scoring.service` does that).

Rows: every snapshot of every closed deal (:mod:`.snapshots`), labelled won (1) or lost
(0), grouped by deal so the scorer's folds never split a deal. Columns: the features of
:mod:`.features`; custom fields that look like record ids or dates are detected on one
row per deal (snapshots repeat a deal's fields, which would hide an id) and dropped with
a note, and a field filled in on closed deals but on none of the open ones is dropped as
probably recorded at closing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from typing import Any

import numpy as np
import polars as pl

from unstuck.config import Config
from unstuck.diagnosis import DiagnosisContext
from unstuck.domain import Deal, Status
from unstuck.scoring.columns import ColumnNote, ColumnPlan, NoteKind, plan_columns
from unstuck.scoring.errors import MIN_ROWS, NotEnoughHistory
from unstuck.scoring.features import FIELD_PREFIX, FeatureValue, feature_context, feature_row
from unstuck.scoring.metrics import auc, brier, calibration_error, log_loss
from unstuck.scoring.model import Scorer
from unstuck.scoring.snapshots import SnapshotRules, closed_moment, deal_as_of, snapshot_times
from unstuck.scoring.trained import TrainedModel

MIN_PER_OUTCOME = 5
# Snapshots are capped so retraining stays quick on a long history: about this many rows
# in all (each deal keeps at least one snapshot).
MAX_ROWS = 20_000
# A field is "filled in at closing" when set on this share of closed deals and on none
# of at least LEAK_MIN_OPEN open deals.
LEAK_FILLED_SHARE = 0.5
LEAK_MIN_OPEN = 10
LIBRARIES = ("numpy", "scikit-learn", "lightgbm", "polars", "scipy")


@dataclass
class TrainingSet:
    frame: pl.DataFrame
    y: np.ndarray
    groups: np.ndarray
    deals: int
    won: int
    skipped: int  # closed within a day of creation, or with no dated event at all
    undated_stage: int  # closed deals with no stage history (their last stage was used)


@dataclass
class FitResult:
    model: TrainedModel
    deals: int
    won: int
    snapshots: int
    metrics: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    versions: dict[str, str] = field(default_factory=dict)


def per_deal_cap(deals: int, rules: SnapshotRules) -> SnapshotRules:
    keep = max(1, min(rules.max_per_deal, MAX_ROWS // max(deals, 1)))
    return SnapshotRules(rules.every_days, keep, rules.gap_days)


def training_set(
    history: Iterable[Deal], context: DiagnosisContext, rules: SnapshotRules, now: datetime
) -> TrainingSet:
    closed = [
        d
        for d in history
        if d.status in (Status.WON, Status.LOST)
        and (moment := closed_moment(d)) is not None
        and moment <= now
    ]
    rules = per_deal_cap(len(closed), rules)
    rows: list[dict[str, FeatureValue]] = []
    y: list[int] = []
    groups: list[str] = []
    used = won = skipped = undated = 0
    for deal in closed:
        times = snapshot_times(deal, rules)
        if not times:
            skipped += 1
            continue
        used += 1
        won += deal.status is Status.WON
        undated += not deal.stage_history
        for t in times:
            rows.append(feature_row(deal_as_of(deal, t), t, context))
            y.append(int(deal.status is Status.WON))
            groups.append(deal.id)
    return TrainingSet(to_frame(rows), np.array(y), np.array(groups), used, won, skipped, undated)


def _is_number(value: object) -> bool:
    if isinstance(value, bool | int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False


def _as_float(value: object) -> float | None:
    if value is None:
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def to_frame(
    rows: Sequence[Mapping[str, FeatureValue]], plan: ColumnPlan | None = None
) -> pl.DataFrame:
    """Rows of features as a table: numbers as floats, everything else as text.

    With ``plan`` (at prediction time) the columns and their kinds are the plan's, so an
    open deal is read exactly as the training rows were.
    """
    if plan is not None:
        numeric, text = plan.numeric, plan.categorical
    else:
        names = list(dict.fromkeys(name for row in rows for name in row))
        numeric, text = [], []
        for name in names:
            present = [row.get(name) for row in rows if row.get(name) is not None]
            (numeric if present and all(map(_is_number, present)) else text).append(name)
    data: dict[str, pl.Series] = {}
    for name in numeric:
        data[name] = pl.Series(name, [_as_float(r.get(name)) for r in rows], pl.Float64)
    for name in text:
        values = [r.get(name) for r in rows]
        data[name] = pl.Series(name, [None if v is None else str(v) for v in values], pl.String)
    return (
        pl.DataFrame(data, schema={n: s.dtype for n, s in data.items()})
        if data
        else (pl.DataFrame({"_": [None] * len(rows)}))
    )


def plan_features(data: TrainingSet, open_deals: Sequence[Deal]) -> tuple[ColumnPlan, list[str]]:
    """Which columns the model may use, and plain notes about the custom fields left out."""
    plan = plan_columns(data.frame)
    fields = [c for c in data.frame.columns if c.startswith(FIELD_PREFIX)]
    notes: list[ColumnNote] = []
    if fields:
        # One row per deal: ids and dates hide behind repeated snapshots otherwise.
        first = np.unique(data.groups, return_index=True)[1]
        per_deal = data.frame[np.sort(first)].select(fields)
        for note in plan_columns(per_deal).notes:
            if note.kind in (NoteKind.ID, NoteKind.DATE):
                notes.append(note)
        notes += _closing_fields(per_deal, fields, open_deals)
    dropped = {n.column for n in notes}
    plan.numeric = [c for c in plan.numeric if c not in dropped]
    plan.categorical = [c for c in plan.categorical if c not in dropped]
    field_notes = [n for n in plan.notes if n.column.startswith(FIELD_PREFIX)]
    keep_notes = [*notes, *(n for n in field_notes if n.column not in dropped)]
    plan.notes = keep_notes
    return plan, [n.text.removeprefix(FIELD_PREFIX) for n in keep_notes]


def _closing_fields(
    per_deal: pl.DataFrame, fields: list[str], open_deals: Sequence[Deal]
) -> list[ColumnNote]:
    if len(open_deals) < LEAK_MIN_OPEN:
        return []
    notes = []
    for name in fields:
        key = name[len(FIELD_PREFIX) :]
        filled = 1 - per_deal[name].null_count() / max(per_deal.height, 1)
        on_open = sum(1 for d in open_deals if d.fields.get(key) is not None)
        if filled >= LEAK_FILLED_SHARE and on_open == 0:
            notes.append(
                ColumnNote(
                    name,
                    NoteKind.DROPPED,
                    f"{name}: dropped, it is filled in on {filled:.0%} of closed deals but on "
                    f"none of {len(open_deals)} open ones, so it is probably recorded at "
                    "closing and would give the outcome away",
                )
            )
    return notes


def library_versions() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def check_history(
    deals: int, won: int, minimum: int = MIN_ROWS, per_outcome: int = MIN_PER_OUTCOME
) -> None:
    lost = deals - won
    if deals < minimum or min(won, lost) < per_outcome:
        raise NotEnoughHistory(deals, won, lost, minimum, per_outcome)


def fit_history(
    history: Iterable[Deal],
    config: Config,
    now: datetime,
    *,
    open_deals: Sequence[Deal] = (),
    rules: SnapshotRules = SnapshotRules(),
    per_outcome: int = MIN_PER_OUTCOME,
    seed: int = 0,
) -> FitResult:
    """Fit a model on the snapshots of ``history``'s closed deals (see module docstring).

    Raises :class:`NotEnoughHistory` below 20 usable closed deals or ``per_outcome`` of
    either outcome.
    """
    context = feature_context(config)
    data = training_set(history, context, rules, now)
    check_history(data.deals, data.won, per_outcome=per_outcome)
    plan, notes = plan_features(data, open_deals)
    scorer = Scorer(seed=seed, plan=plan).fit(data.frame, data.y, groups=data.groups)
    if data.skipped:
        notes.append(
            f"{data.skipped} closed deals were left out: they closed within "
            f"{rules.gap_days:g} day of being created, or have no dates to look back at"
        )
    if data.undated_stage:
        notes.append(
            f"{data.undated_stage} closed deals have no stage history, so their last stage "
            "stands for every snapshot (import stage history to avoid this)"
        )
    model = TrainedModel(scorer, rules, context=context)
    return FitResult(
        model=model,
        deals=data.deals,
        won=data.won,
        snapshots=len(data.y),
        metrics=_metrics(scorer, data),
        notes=notes,
        versions=library_versions(),
    )


def _metrics(scorer: Scorer, data: TrainingSet) -> dict[str, Any]:
    y, p = scorer.oof_y_, scorer.oof_
    base = float(y.mean())
    assert scorer.fitted is not None
    return {
        "auc": round(auc(y, p), 4),
        "brier": round(brier(y, p), 4),
        "brier_base_rate": round(base * (1 - base), 4),
        "log_loss": round(log_loss(y, p), 4),
        "calibration_error": round(calibration_error(y, p), 4),
        "folds": scorer.fitted.capacity.folds,
        "grouped_by": "deal",
        "features_used": len(scorer.plan.features) if scorer.plan else 0,
    }


__all__ = [
    "MIN_PER_OUTCOME",
    "FitResult",
    "NotEnoughHistory",
    "TrainingSet",
    "check_history",
    "fit_history",
    "library_versions",
    "plan_features",
    "to_frame",
    "training_set",
]
