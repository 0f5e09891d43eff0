"""Win-chance scoring (the ``ml`` extra): a calibrated scorer and an honest evaluation.

``import unstuck.scoring`` works without the extra; the first use of a name below
imports numpy, scikit-learn, LightGBM and polars, and raises
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
    from unstuck.scoring.model import Scorer
    from unstuck.scoring.report import CurvePoint, EvaluationReport, ModelScore, RangeSummary

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
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'unstuck.scoring' has no attribute {name!r}")
    require_ml()
    return getattr(import_module(f"unstuck.scoring.{_LAZY[name]}"), name)


__all__ = [
    "ColumnMissingError",
    "ColumnNote",
    "ColumnPlan",
    "CurvePoint",
    "DataFileError",
    "EvaluationReport",
    "Factor",
    "MissingExtraError",
    "ModelScore",
    "OneClassError",
    "PositiveValueError",
    "RangeSummary",
    "Scorer",
    "ScoringError",
    "TooFewOutcomesError",
    "TooFewRowsError",
    "evaluate_csv",
    "evaluate_frame",
    "plan_columns",
]
