"""Column hygiene: decide which columns a scorer may learn from, and say why others go.

A CRM export carries columns that look like features but are not: record ids (every
value different, so a model can only memorise them), and raw dates (the model would learn
"deals from March" rather than anything that carries over to next quarter). We drop both
with a note, cap text columns with many values, and leave missing values to the encoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

# A column is id-like when nearly every value is different: 95% unique leaves room for
# the few duplicated ids a real export has (IBM's table repeats 196 of 78,025 numbers).
ID_UNIQUE_RATIO = 0.95
# Integers that are nearly unique are ids only when the name says so or they count up
# one by one; otherwise an all-different amount column in a small table would be lost.
_ID_NAME = re.compile(r"(^|[^a-z])(id|ids|no|num|number|key|code|ref|uuid|guid)([^a-z]|$)")
_DATE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\S.*)?\s*$"
)
DATE_MATCH_RATIO = 0.9
# Text columns keep at most this many values, each seen at least MIN_CATEGORY_COUNT
# times; rarer values share one "(other)" level so a model cannot memorise them.
MAX_CATEGORIES = 30
MIN_CATEGORY_COUNT = 5


class NoteKind(StrEnum):
    ID = "id"
    DATE = "date"
    CONSTANT = "constant"
    CAPPED = "capped"
    DROPPED = "dropped"


@dataclass(frozen=True)
class ColumnNote:
    column: str
    kind: NoteKind
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"column": self.column, "kind": self.kind.value, "text": self.text}


@dataclass
class ColumnPlan:
    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    notes: list[ColumnNote] = field(default_factory=list)

    @property
    def features(self) -> list[str]:
        return [*self.numeric, *self.categorical]

    @property
    def dropped(self) -> list[str]:
        return [n.column for n in self.notes if n.kind is not NoteKind.CAPPED]


def min_category_count(n_rows: int) -> int:
    # Half a percent of the rows, but never fewer than five deals.
    return max(MIN_CATEGORY_COUNT, n_rows // 200)


def _is_date_text(values: pl.Series) -> bool:
    sample = values.drop_nulls().head(2000)
    if sample.len() == 0:
        return False
    hits = sample.str.contains(_DATE.pattern).sum()
    return bool(hits >= DATE_MATCH_RATIO * sample.len())


def _is_id_like(name: str, values: pl.Series) -> bool:
    present = values.drop_nulls()
    if present.len() < 20:
        return False
    ratio = present.n_unique() / present.len()
    if ratio < ID_UNIQUE_RATIO:
        return False
    if values.dtype == pl.String:
        return True
    if not values.dtype.is_integer():
        return False
    if _ID_NAME.search(name.lower().replace("_", " ")):
        return True
    span = int(present.max()) - int(present.min()) + 1  # type: ignore[arg-type]
    return ratio == 1.0 and span <= 2 * present.len()


def plan_columns(frame: pl.DataFrame) -> ColumnPlan:
    """Sort the feature columns of ``frame`` into numeric and categorical, with notes."""
    plan = ColumnPlan()
    n_rows = frame.height
    for name in frame.columns:
        values = frame[name]
        dtype = values.dtype
        if values.null_count() == n_rows or values.drop_nulls().n_unique() <= 1:
            plan.notes.append(
                ColumnNote(name, NoteKind.CONSTANT, f"{name}: dropped, it has a single value")
            )
        elif dtype.is_temporal() or (dtype == pl.String and _is_date_text(values)):
            plan.notes.append(
                ColumnNote(
                    name,
                    NoteKind.DATE,
                    f"{name}: dropped, it holds dates; a model would learn the calendar, "
                    "not the deal (derive durations such as days in stage instead)",
                )
            )
        elif _is_id_like(name, values):
            plan.notes.append(
                ColumnNote(
                    name,
                    NoteKind.ID,
                    f"{name}: dropped, it looks like a record id (almost every value differs)",
                )
            )
        elif dtype.is_numeric() or dtype == pl.Boolean:
            plan.numeric.append(name)
        else:
            plan.categorical.append(name)
            _note_capping(plan, name, values.cast(pl.String), n_rows)
    return plan


def _note_capping(plan: ColumnPlan, name: str, values: pl.Series, n_rows: int) -> None:
    counts = values.drop_nulls().value_counts(sort=True)
    total = counts.height
    kept = min(MAX_CATEGORIES, int((counts["count"] >= min_category_count(n_rows)).sum()))
    if kept < total:
        plan.notes.append(
            ColumnNote(
                name,
                NoteKind.CAPPED,
                f"{name}: kept the {kept} most frequent of {total} values, "
                "the rest grouped as (other)",
            )
        )


def note_user_drops(columns: list[str], reason: str) -> list[ColumnNote]:
    return [ColumnNote(c, NoteKind.DROPPED, f"{c}: dropped, {reason}") for c in columns]
