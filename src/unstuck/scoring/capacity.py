"""How big a model the data can afford, decided by rules from the number of rows.

No per-dataset tuning: every setting below is a function of ``n_rows`` alone, and the
few things that genuinely depend on the data (the logistic penalty, the number of
trees, the blend weight, the calibration) are chosen on out-of-fold predictions.
The breakpoints were set on generated data and checked on the IBM and Maven tables
(see docs/scoring.md); they are deliberately smooth so no dataset sits on a cliff.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

# Above this many rows the logistic model has far more data than parameters and its
# penalty barely matters, so we skip the search and save the time for the trees.
LINEAR_SEARCH_MAX_ROWS = 20_000
HOLDOUT_MIN_ROWS = 20_000
HOLDOUT_SHARE = 0.1
SMALL_TABLE_ROWS = 2_000
LINEAR_C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class Capacity:
    folds: int
    c_grid: tuple[float, ...]
    num_leaves: int
    min_child_samples: int
    learning_rate: float
    lambda_l2: float
    max_cat_to_onehot: int
    max_rounds: int
    patience: int
    window: int
    # Share of rows held out once instead of K inner folds; 0 means K folds.
    holdout: float = 0.0
    max_bin: int = 255
    # Share of the columns each tree may split on.
    feature_fraction: float = 0.8
    # Also fit trees with random split points and blend them in (see capacity_for).
    random_trees: bool = False
    # Give the logistic model 0/1 steps at each number's deciles (see encode.py).
    decile_steps: bool = False

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def capacity_for(n_rows: int, n_minority: int) -> Capacity:
    n = max(n_rows, 1)
    # Five folds give each model 80% of the rows; above 20k rows three are enough to
    # estimate blend and calibration and keep the full IBM evaluation under 3 minutes.
    folds = 5 if n < LINEAR_SEARCH_MAX_ROWS else 3
    folds = max(2, min(folds, n_minority))
    train_rows = n * (folds - 1) / folds
    # Leaves grow with the square root of the rows: 4 at 100 deals, 14 at 1,000,
    # 64 (the cap) from about 16,000. Tried on IBM draws of 1,000 deals: sqrt/4 gave
    # AUC 0.884, sqrt/2 0.890, sqrt/1.5 0.890; stronger L2 (3, 10) did not help.
    num_leaves = int(min(64, max(4, round(math.sqrt(train_rows) / 2))))
    min_child = int(min(40, max(5, train_rows // 100)))
    # Small tables get a lower learning rate so early stopping has a smooth curve to
    # stop on; large ones get 0.05, which early stopping pairs with several hundred trees.
    small = n < SMALL_TABLE_ROWS
    learning_rate = 0.03 if small else 0.05
    lambda_l2 = 1.0
    # Categories with up to 16 values split one value against the rest below 5,000
    # rows: LightGBM's many-vs-many category split overfits small tables (IBM, 1,000
    # deals: AUC 0.887 -> 0.890). Large tables keep LightGBM's default of 4.
    max_cat_to_onehot = 16 if n < 5_000 else 4
    c_grid = LINEAR_C_GRID if n <= LINEAR_SEARCH_MAX_ROWS else (1.0,)
    # The Beta range around a prediction counts outcomes of this many neighbouring
    # out-of-fold deals; few rows means few neighbours and a wide range.
    window = int(min(400, max(30, 4 * math.sqrt(n))))
    # From HOLDOUT_MIN_ROWS rows one stratified 10% hold-out (2,000+ deals) is plenty to
    # stop the trees and fit the blend and calibration, and one model on 90% of the rows
    # is as good as three on 67% at a third of the cost. IBM, three outer folds:
    # AUC 0.9456/0.9443/0.9483 with 3 folds, 0.9464/0.9444/0.9484 with the hold-out.
    holdout = HOLDOUT_SHARE if n >= HOLDOUT_MIN_ROWS else 0.0
    # Finer histograms once every bin still holds about 20 rows: with 1,023 bins instead
    # of LightGBM's 255, IBM outer folds 1-3 gained 0.0005-0.0011 AUC at the same cost.
    max_bin = 1023 if n >= HOLDOUT_MIN_ROWS else 255
    # Small tables get three helps that cost fit time. Larger ones go without: there the
    # trees carry the blend and have rows enough, and the first two alone made a fit on
    # 20,000 IBM rows take 13.1 s of CPU instead of 7.7 s (the third doubles the trees).
    # Measured on IBM over 20 training draws (10 from 400 deals), mean test AUC:
    # - each tree sees half the columns, so trees built on a few dozen rows disagree and
    #   their sum is smoother; trees alone 0.825 -> 0.828 at 100 deals, 0.855 -> 0.857
    #   at 200, 0.865 -> 0.868 at 400, 0.891 -> 0.893 at 1,000 (full table: no change);
    # - decile steps for the logistic model (encode.py);
    # - a second set of trees with random split points (LightGBM's extra_trees), blended
    #   in as far as the out-of-fold log loss asks. Split points searched on a few dozen
    #   rows fit their noise and random ones average it out, but where the signal has
    #   sharp thresholds the searched ones win, so the data decides. Trees' test AUC,
    #   random vs searched: IBM 0.834 vs 0.828 at 100 deals, 0.884 vs 0.893 at 1,000;
    #   generated smooth data (tests/scoring/conftest.py) 0.778 vs 0.756 at 100.
    feature_fraction = 0.5 if small else 0.8
    return Capacity(
        random_trees=small,
        decile_steps=small,
        feature_fraction=feature_fraction,
        holdout=holdout,
        max_bin=max_bin,
        folds=folds,
        c_grid=c_grid,
        num_leaves=num_leaves,
        min_child_samples=min_child,
        learning_rate=learning_rate,
        lambda_l2=lambda_l2,
        max_cat_to_onehot=max_cat_to_onehot,
        max_rounds=3000,
        patience=100,
        window=window,
    )
