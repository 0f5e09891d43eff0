"""Read a CSV of closed deals and check it can be scored, before any model runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from unstuck.scoring.columns import ColumnNote, note_user_drops
from unstuck.scoring.errors import (
    MIN_ROWS,
    ColumnMissingError,
    DataFileError,
    OneClassError,
    PositiveValueError,
    TooFewRowsError,
)


@dataclass
class DealTable:
    features: pl.DataFrame
    y: np.ndarray
    notes: list[ColumnNote]
    rows_without_outcome: int


def read_csv(path: str | Path) -> pl.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"No file at {path}. Check the path, or export the deals to CSV.")
    try:
        # Scan every row for types: a column that is numeric for 10,000 rows and then
        # says "n/a" must be read as text, not fail halfway through.
        return pl.read_csv(path, infer_schema_length=None)
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataFileError(
            f"Cannot read {path} as CSV ({first}). Save it as UTF-8 CSV with a header row."
        ) from exc


def deal_table(
    frame: pl.DataFrame,
    target: str,
    positive: str,
    *,
    id_col: str | None = None,
    drop: Sequence[str] = (),
) -> DealTable:
    """Split ``frame`` into features and 0/1 outcomes, or say what is wrong with it."""
    columns = frame.columns
    if target not in columns:
        raise ColumnMissingError(target, "--target", columns)
    for column, option in [(id_col, "--id"), *((d, "--drop") for d in drop)]:
        if column is not None and column not in columns:
            raise ColumnMissingError(column, option, columns)

    outcome = frame[target].cast(pl.String).str.strip_chars()
    known = outcome.is_not_null() & (outcome != "")
    frame, outcome = frame.filter(known), outcome.filter(known)
    values = outcome.unique(maintain_order=True).to_list()
    if positive not in values and frame.height > 0:
        raise PositiveValueError(positive, target, values)
    if frame.height < MIN_ROWS:
        raise TooFewRowsError(frame.height)
    if len(values) == 1:
        raise OneClassError(target, values[0])

    notes: list[ColumnNote] = []
    if id_col is not None:
        notes += note_user_drops([id_col], "it is the record id (--id)")
    user_drops = [d for d in drop if d not in (id_col, target)]
    notes += note_user_drops(user_drops, "as asked (--drop)")
    excluded = {target, *(c.column for c in notes)}
    features = frame.select([c for c in columns if c not in excluded])
    y = (outcome == positive).to_numpy().astype(np.int64)
    return DealTable(features, y, notes, int((~known).sum()))
