"""Win-chance scoring (the ``ml`` extra): a calibrated scorer, an honest evaluation, and
a model learned from the pipeline's own closed deals.

``import unstuck.scoring`` works without the extra. Snapshots, features and the service
(``chance_for``, ``choose_model``, ``train``) import without it (``chance_for`` then
falls back to stage win rates; ``train`` says what to install); the first use of any
other name imports numpy, scikit-learn, LightGBM and polars, and raises
:class:`~unstuck.scoring.errors.MissingExtraError` (a ``UsageError``) if any is missing.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from unstuck.scoring._deps import require_ml
from unstuck.scoring.errors import (
    ColumnMissingError,
    DataFileError,
    MissingExtraError,
    NotEnoughHistory,
    OneClassError,
    PositiveValueError,
    ScoringError,
    TooFewOutcomesError,
    TooFewRowsError,
)

if TYPE_CHECKING:
    from unstuck.scoring.columns import ColumnNote, ColumnPlan, plan_columns
    from unstuck.scoring.evaluate import evaluate_csv, evaluate_frame
    from unstuck.scoring.explain import Factor
    from unstuck.scoring.features import feature_context, feature_row
    from unstuck.scoring.model import Scorer
    from unstuck.scoring.report import CurvePoint, EvaluationReport, ModelScore, RangeSummary
    from unstuck.scoring.service import (
        ChanceSource,
        Fallback,
        ModelChoice,
        TrainOutcome,
        chance_for,
        choose_model,
        describe_chance,
        train,
    )
    from unstuck.scoring.snapshots import SnapshotRules, deal_as_of, snapshot_times
    from unstuck.scoring.trained import Explanation, Reason, TrainedModel

_LAZY = {
    "ColumnNote": "columns",
    "ColumnPlan": "columns",
    "plan_columns": "columns",
    "evaluate_csv": "evaluate",
    "evaluate_frame": "evaluate",
    "Factor": "explain",
    "CurvePoint": "report",
    "EvaluationReport": "report",
    "ModelScore": "report",
    "RangeSummary": "report",
    "Scorer": "model",
    "Explanation": "trained",
    "Reason": "trained",
    "TrainedModel": "trained",
}
# Names that work without the ml extra.
_PLAIN = {
    "feature_context": "features",
    "feature_row": "features",
    "Fallback": "service",
    "ModelChoice": "service",
    "TrainOutcome": "service",
    "ChanceSource": "service",
    "chance_for": "service",
    "describe_chance": "service",
    "choose_model": "service",
    "train": "service",
    "SnapshotRules": "snapshots",
    "deal_as_of": "snapshots",
    "snapshot_times": "snapshots",
}


def __getattr__(name: str) -> Any:
    if name in _PLAIN:
        return getattr(import_module(f"unstuck.scoring.{_PLAIN[name]}"), name)
    if name not in _LAZY:
        raise AttributeError(f"module 'unstuck.scoring' has no attribute {name!r}")
    require_ml()
    return getattr(import_module(f"unstuck.scoring.{_LAZY[name]}"), name)


__all__ = [
    "ChanceSource",
    "ColumnMissingError",
    "ColumnNote",
    "ColumnPlan",
    "CurvePoint",
    "DataFileError",
    "EvaluationReport",
    "Explanation",
    "Factor",
    "Fallback",
    "MissingExtraError",
    "ModelChoice",
    "ModelScore",
    "NotEnoughHistory",
    "OneClassError",
    "PositiveValueError",
    "RangeSummary",
    "Reason",
    "Scorer",
    "ScoringError",
    "SnapshotRules",
    "TooFewOutcomesError",
    "TooFewRowsError",
    "TrainOutcome",
    "TrainedModel",
    "chance_for",
    "choose_model",
    "deal_as_of",
    "describe_chance",
    "evaluate_csv",
    "evaluate_frame",
    "feature_context",
    "feature_row",
    "plan_columns",
    "snapshot_times",
    "train",
]
