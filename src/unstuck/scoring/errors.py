"""Errors raised by scoring. They extend the tree in :mod:`unstuck.errors`:

    UsageError                       bad input from the user: exit code 2
    └── ScoringError                 scoring cannot run on this input
        ├── MissingExtraError        numpy / scikit-learn / lightgbm / polars not installed
        ├── DataFileError            the CSV file is missing or cannot be read
        ├── ColumnMissingError       --target, --id or --drop names a column that is not there
        ├── PositiveValueError       --positive is not one of the target's values
        ├── OneClassError            every row has the same outcome
        ├── TooFewRowsError          fewer than 20 closed deals to learn from
        ├── TooFewOutcomesError      too few won (or lost) deals to cross-validate
        └── NotEnoughHistory         too few closed deals in the pipeline to train on
                                     (``score train`` reports it and uses the fallback)

Every message says what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Sequence

from unstuck.errors import UsageError

MIN_ROWS = 20


class ScoringError(UsageError):
    pass


class MissingExtraError(ScoringError):
    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        names = ", ".join(self.missing)
        super().__init__(
            f"Scoring needs the ml extra ({names} not installed). "
            "Install it with: pip install 'unstuck[ml]'"
        )


class DataFileError(ScoringError):
    pass


class ColumnMissingError(ScoringError):
    def __init__(self, column: str, option: str, available: Sequence[str]) -> None:
        self.column = column
        shown = ", ".join(repr(c) for c in list(available)[:12])
        more = ", ..." if len(available) > 12 else ""
        super().__init__(
            f"No column {column!r} for {option}. Pick one of the file's columns: {shown}{more}"
        )


class PositiveValueError(ScoringError):
    def __init__(self, positive: str, target: str, values: Sequence[str]) -> None:
        shown = ", ".join(repr(v) for v in list(values)[:10])
        super().__init__(
            f"Column {target!r} never has the value {positive!r}. "
            f"Use --positive with one of: {shown} (matching is exact, case included)"
        )


class OneClassError(ScoringError):
    def __init__(self, target: str, value: str) -> None:
        super().__init__(
            f"Every row of {target!r} is {value!r}, so there is nothing to tell apart. "
            "Use a table of closed deals with both won and lost outcomes."
        )


class TooFewRowsError(ScoringError):
    def __init__(self, rows: int, minimum: int = MIN_ROWS) -> None:
        self.rows = rows
        super().__init__(
            f"Only {rows} closed deals with an outcome; scoring needs at least {minimum}. "
            "Export more history (won and lost deals) and try again."
        )


class TooFewOutcomesError(ScoringError):
    def __init__(self, value: str, count: int, needed: int) -> None:
        super().__init__(
            f"Only {count} deals are {value!r}; {needed}-fold cross-validation needs at "
            f"least {needed} of each outcome. Use --folds {max(2, count)} or add more deals."
        )


class NotEnoughHistory(ScoringError):
    """Too few closed deals (or of one outcome) to train a model worth trusting."""

    def __init__(self, deals: int, won: int, lost: int, minimum: int, per_outcome: int) -> None:
        self.deals, self.won, self.lost = deals, won, lost
        if won == 0 or lost == 0:
            only = "won" if lost == 0 else "lost"
            why = f"all {deals} closed deals were {only}, so there is nothing to tell apart"
        elif deals < minimum:
            why = f"only {deals} closed deals ({won} won, {lost} lost); a model needs {minimum}"
        else:
            rare = "won" if won < lost else "lost"
            why = (
                f"only {min(won, lost)} {rare} deals among {deals} closed; a model needs "
                f"{per_outcome} of each outcome"
            )
        super().__init__(
            f"No model trained: {why}. Until then chances come from stage win rates with a "
            "prior; close more deals as won or lost (unstuck close) and train again."
        )


__all__ = [
    "MIN_ROWS",
    "ColumnMissingError",
    "DataFileError",
    "MissingExtraError",
    "NotEnoughHistory",
    "OneClassError",
    "PositiveValueError",
    "ScoringError",
    "TooFewOutcomesError",
    "TooFewRowsError",
]
