"""Errors raised by scoring. They extend the tree in :mod:`unstuck.errors`:

    UsageError                       bad input from the user: exit code 2
    └── ScoringError                 scoring cannot run on this input
        ├── MissingExtraError        numpy / scikit-learn / lightgbm / polars not installed
        ├── DataFileError            the CSV file is missing or cannot be read
        ├── ColumnMissingError       --target, --id or --drop names a column that is not there
        ├── PositiveValueError       --positive is not one of the target's values
        ├── OneClassError            every row has the same outcome
        ├── TooFewRowsError          fewer than 20 closed deals to learn from
        └── TooFewOutcomesError      too few won (or lost) deals to cross-validate

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


__all__ = [
    "MIN_ROWS",
    "ColumnMissingError",
    "DataFileError",
    "MissingExtraError",
    "OneClassError",
    "PositiveValueError",
    "ScoringError",
    "TooFewOutcomesError",
    "TooFewRowsError",
]
