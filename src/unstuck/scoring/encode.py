"""Turn a table into the two matrices the models read.

Trees get numbers as they are (missing stays NaN, LightGBM routes it) and categories as
integer codes. The linear model gets imputed, clipped and scaled numbers (plus, for the scorer, a
rank-based normal score of each and, on small tables, decile steps), a missing flag where
a column had gaps, and one-hot categories. Everything is learned from the training
rows only, so cross-validation never peeks at the rows it scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from unstuck.scoring.columns import MAX_CATEGORIES, ColumnPlan, min_category_count

MISSING = "(missing)"
OTHER = "(other)"
# Clip numbers to these training quantiles before scaling so one huge deal does not
# squash every other amount to the same standardised value.
CLIP_QUANTILES = (0.01, 0.99)


# The rank feature reads a number through 51 training quantiles (every 2%).
QUANTILE_POINTS = 51
# Step features sit at the training deciles: every fifth of those quantiles.
STEP_EVERY = 5


def _normal_score(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    from scipy.special import ndtri

    grid = np.linspace(0, 1, len(quantiles))
    # Ties in the quantiles (a column of mostly zeros) map to the middle of their run.
    low = np.interp(values, quantiles, grid, left=0.0, right=1.0)
    high = 1.0 - np.interp(-values, -quantiles[::-1], grid, left=0.0, right=1.0)
    u = np.clip((low + high) / 2, 0.01, 0.99)
    return np.asarray(ndtri(u))


def _step_thresholds(quantiles: np.ndarray, high: float) -> tuple[float, ...]:
    """The distinct training deciles a value can be above: a decile tied with the next
    (a column of mostly zeros) or at the clipped top would give a repeated or empty step."""
    deciles = np.unique(quantiles[STEP_EVERY:-1:STEP_EVERY])
    return tuple(float(q) for q in deciles if q < high)


@dataclass
class Encoded:
    tree: np.ndarray
    linear: np.ndarray


@dataclass
class _Numeric:
    name: str
    low: float
    high: float
    median: float
    mean: float
    scale: float
    flag_missing: bool
    quantiles: np.ndarray
    # Thresholds of the 0/1 "above this decile" features; () for models saved before
    # step features existed, which then read exactly the columns they were trained on.
    steps: tuple[float, ...] = ()


@dataclass
class _Categorical:
    name: str
    levels: list[str]

    @property
    def other_code(self) -> int:
        return len(self.levels)


def numeric_values(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame[name].cast(pl.Float64).to_numpy().astype(np.float64, copy=False)


def text_values(frame: pl.DataFrame, name: str) -> pl.Series:
    return frame[name].cast(pl.String).fill_null(MISSING)


class Encoder:
    def __init__(
        self, plan: ColumnPlan, *, rank_features: bool = False, steps: bool = False
    ) -> None:
        self.plan = plan
        # A second, rank-based copy of each number (its normal score among the training
        # values) lets the linear model use skewed amounts and day counts without one
        # outlier setting the slope (IBM, logistic alone at 1,000 deals: 0.852 -> 0.868).
        self.rank_features = rank_features
        # Step features, one 0/1 column per training decile ("above the 30% point"), let
        # the linear model bend a number's effect where the data bends it (a zero
        # amount, a threshold of days, a middle band), and its penalty keeps the bends
        # small when there are few rows. IBM, the scorer's logistic part, mean test AUC
        # over 20 draws: 0.825 -> 0.833 at 100 deals, 0.842 -> 0.850 at 200; over 10:
        # 0.853 -> 0.860 at 400, 0.865 -> 0.877 at 1,000.
        self.steps = steps
        self._numeric: list[_Numeric] = []
        self._categorical: list[_Categorical] = []
        # Mean of each linear column over the training rows (set by the scorer), so an
        # explanation measures a deal against the typical training deal.
        self.linear_means: np.ndarray | float = 0.0

    def fit(self, frame: pl.DataFrame) -> Encoder:
        self._numeric = [self._fit_numeric(frame, name, self.steps) for name in self.plan.numeric]
        cap = min_category_count(frame.height)
        self._categorical = []
        for name in self.plan.categorical:
            counts = text_values(frame, name).value_counts(sort=True)
            frequent = counts.filter(pl.col("count") >= cap).head(MAX_CATEGORIES)
            self._categorical.append(_Categorical(name, frequent[name].to_list()))
        return self

    @staticmethod
    def _fit_numeric(frame: pl.DataFrame, name: str, steps: bool) -> _Numeric:
        values = numeric_values(frame, name)
        present = values[~np.isnan(values)]
        if present.size == 0:
            present = np.zeros(1)
        low, high = np.quantile(present, CLIP_QUANTILES)
        if low == high:
            low, high = float(present.min()), float(present.max())
        clipped = np.clip(present, low, high)
        scale = float(clipped.std()) or 1.0
        quantiles = np.quantile(present, np.linspace(0, 1, QUANTILE_POINTS))
        return _Numeric(
            steps=_step_thresholds(quantiles, high) if steps else (),
            name=name,
            low=float(low),
            high=float(high),
            median=float(np.median(clipped)),
            mean=float(clipped.mean()),
            scale=scale,
            flag_missing=bool(np.isnan(values).any()),
            quantiles=quantiles,
        )

    @property
    def tree_categorical(self) -> list[int]:
        start = len(self._numeric)
        return list(range(start, start + len(self._categorical)))

    @property
    def tree_sources(self) -> list[str]:
        return [n.name for n in self._numeric] + [c.name for c in self._categorical]

    @property
    def linear_sources(self) -> list[str]:
        sources: list[str] = []
        for num in self._numeric:
            sources.append(num.name)
            if self.rank_features:
                sources.append(num.name)
            sources.extend([num.name] * len(num.steps))
            if num.flag_missing:
                sources.append(num.name)
        for cat in self._categorical:
            sources.extend([cat.name] * (len(cat.levels) + 1))
        return sources

    def codes(self, frame: pl.DataFrame, cat: _Categorical) -> np.ndarray:
        mapping = {level: i for i, level in enumerate(cat.levels)}
        series = text_values(frame, cat.name).replace_strict(
            mapping, default=cat.other_code, return_dtype=pl.Int32
        )
        return series.to_numpy().astype(np.int64, copy=False)

    def level_name(self, column: str, code: int) -> str:
        for cat in self._categorical:
            if cat.name == column:
                return cat.levels[code] if code < len(cat.levels) else OTHER
        raise KeyError(column)

    def transform(self, frame: pl.DataFrame) -> Encoded:
        n = frame.height
        tree_cols: list[np.ndarray] = []
        linear_cols: list[np.ndarray] = []
        for num in self._numeric:
            values = numeric_values(frame, num.name)
            tree_cols.append(values)
            missing = np.isnan(values)
            filled = np.where(missing, num.median, np.clip(values, num.low, num.high))
            linear_cols.append(((filled - num.mean) / num.scale)[:, None])
            if self.rank_features:
                linear_cols.append(_normal_score(filled, num.quantiles)[:, None])
            if num.steps:
                linear_cols.append((filled[:, None] > np.asarray(num.steps)).astype(np.float64))
            if num.flag_missing:
                linear_cols.append(missing.astype(np.float64)[:, None])
        for cat in self._categorical:
            codes = self.codes(frame, cat)
            tree_cols.append(codes.astype(np.float64))
            onehot = np.zeros((n, cat.other_code + 1))
            onehot[np.arange(n), codes] = 1.0
            linear_cols.append(onehot)
        tree = np.column_stack(tree_cols) if tree_cols else np.zeros((n, 0))
        linear = np.hstack(linear_cols) if linear_cols else np.zeros((n, 0))
        return Encoded(tree=tree, linear=linear)
