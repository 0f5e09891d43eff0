"""The Unstuck win-chance scorer: a calibrated blend of a logistic model and LightGBM.

Fit, in one pass of ``capacity.folds`` stratified folds:

1. each fold trains a penalised logistic regression (one penalty per value of the grid)
   and a LightGBM sized by :func:`capacity_for`, and predicts its held-out rows; on small
   tables a second LightGBM with randomised split points trains beside it;
2. the penalty and the number of trees are the ones with the lowest out-of-fold log
   loss, averaged over folds (one choice for all folds, so no fold stops on its own noise);
3. the two kinds of trees, then trees and logistic model, are blended on the logit scale
   with the weight that minimises out-of-fold log loss, shrunk toward an even blend
   while the table is small;
4. Platt scaling on the blended out-of-fold logits makes the numbers probabilities.

The fold models are kept and averaged at prediction time, so the final scorer is exactly
the one whose out-of-fold accuracy was measured. The range around each prediction is the
wider of (a) the spread across fold models and (b) a 90% Beta interval for the win rate
of the deals whose out-of-fold scores sit nearest to it: with little signal or few rows
that interval is wide, so the scorer never claims confidence it does not have.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from unstuck.scoring._deps import one_blas_thread, require_ml
from unstuck.scoring.capacity import Capacity, capacity_for
from unstuck.scoring.columns import ColumnNote, ColumnPlan, plan_columns
from unstuck.scoring.encode import Encoded, Encoder
from unstuck.scoring.errors import OneClassError, TooFewRowsError
from unstuck.scoring.explain import Factor, top_factors

RANGE_LEVEL = 0.90
_Fold = tuple[np.ndarray, np.ndarray]
BLEND_PRIOR_ROWS = 300
_LOGIT_CLIP = 1e-6


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, _LOGIT_CLIP, 1 - _LOGIT_CLIP)
    return np.asarray(np.log(p / (1 - p)))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def as_frame(table: Any) -> pl.DataFrame:
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, Mapping):
        return pl.DataFrame(dict(table))
    return pl.DataFrame(table)


def _mean_log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@dataclass
class Fitted:
    """What the fit chose; shown in reports so nothing about the model is hidden."""

    capacity: Capacity
    c: float = 1.0
    rounds: int = 0
    tree_weight: float = 0.0
    # The randomised trees (small tables only) and their share of the tree part.
    random_rounds: int = 0
    random_share: float = 0.0
    platt: tuple[float, float] = (1.0, 0.0)
    oof_log_loss: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "capacity": self.capacity.to_dict(),
            "c": self.c,
            "rounds": self.rounds,
            "tree_weight": round(self.tree_weight, 3),
            "random_rounds": self.random_rounds,
            "random_share": round(self.random_share, 3),
            "platt": [round(v, 4) for v in self.platt],
            "oof_log_loss": {k: round(v, 5) for k, v in self.oof_log_loss.items()},
        }


class Scorer:
    """Calibrated win chance for closed-deal tables of 100 to 100,000+ rows.

    ``fit(X, y)`` takes a polars DataFrame (or a mapping of column -> values) and 0/1
    outcomes; ``predict_proba`` returns the chance of the positive outcome per row,
    ``predict_range`` a 90% range, and ``explain`` the top factors in plain words.
    """

    # A class attribute, so models saved before randomised trees existed load without it.
    _random_trees: Sequence[Any] = ()

    # One LightGBM thread by default: OpenMP threads spin while waiting, and on a shared
    # two-core machine two threads ran 7 to 12 times slower than one (150 trees on 40,000
    # IBM rows: 10-19 s against 1.5 s). On an idle machine two threads gain under 2x.
    def __init__(self, *, seed: int = 0, n_jobs: int = 1, plan: ColumnPlan | None = None):
        require_ml()
        self.seed = seed
        self.n_jobs = n_jobs
        self.plan = plan
        self.fitted: Fitted | None = None
        self._encoder: Encoder | None = None
        self._linear: list[Any] = []
        self._trees: list[Any] = []
        self._oof_sorted: np.ndarray = np.zeros(0)
        self._oof_wins: np.ndarray = np.zeros(0)
        self.oof_: np.ndarray = np.zeros(0)
        self.oof_y_: np.ndarray = np.zeros(0)
        self.oof_index_: np.ndarray = np.zeros(0, dtype=np.int64)

    @property
    def notes(self) -> list[ColumnNote]:
        return self.plan.notes if self.plan else []

    # -- fitting ---------------------------------------------------------------------

    def fit(
        self,
        X: Any,
        y: Sequence[int] | np.ndarray,
        groups: Sequence[Any] | np.ndarray | None = None,
    ) -> Scorer:
        """Fit on ``X`` and 0/1 outcomes ``y``.

        ``groups`` (one label per row) keeps rows of the same group in the same fold:
        snapshots of one deal are never used to predict another snapshot of that deal.
        """
        require_ml()
        with one_blas_thread():
            return self._fit(as_frame(X), y, groups)

    def _fit(
        self,
        frame: pl.DataFrame,
        y: Sequence[int] | np.ndarray,
        groups: Sequence[Any] | np.ndarray | None,
    ) -> Scorer:
        target = np.asarray(y).astype(np.float64)
        if frame.height < 20:
            raise TooFewRowsError(frame.height)
        minority = _minority(target, groups)
        if minority < 2:
            raise OneClassError("y", "1" if target.mean() > 0.5 else "0")
        if self.plan is None:
            self.plan = plan_columns(frame)
        cap = capacity_for(frame.height, minority)
        self._encoder = Encoder(self.plan, rank_features=True, steps=cap.decile_steps)
        self._encoder.fit(frame)
        data = self._encoder.transform(frame)
        self._encoder.linear_means = data.linear.mean(axis=0)
        fitted = Fitted(capacity=cap)

        folds = _splits(target, groups, cap, self.seed)
        covered = np.concatenate([test for _, test in folds])
        oof_lr, fitted.c, self._linear = self._fit_linear(data, target, folds, cap)
        oof_gb, fitted.rounds, self._trees = self._fit_trees(data, target, folds, cap)

        seen = target[covered]
        z_lr, z_gb = logit(oof_lr[covered]), logit(oof_gb[covered])
        self._random_trees = []
        if cap.random_trees:
            oof_rt, fitted.random_rounds, self._random_trees = self._fit_trees(
                data, target, folds, cap, random_splits=True
            )
            z_rt = logit(oof_rt[covered])
            fitted.random_share = _blend_weight(seen, z_gb, z_rt)
            z_gb = fitted.random_share * z_rt + (1 - fitted.random_share) * z_gb
        fitted.tree_weight = _blend_weight(seen, z_lr, z_gb)
        z = fitted.tree_weight * z_gb + (1 - fitted.tree_weight) * z_lr
        fitted.platt = _platt(z, seen)
        self.oof_ = sigmoid(fitted.platt[0] * z + fitted.platt[1])
        self.oof_y_ = seen
        self.oof_index_ = covered
        fitted.oof_log_loss = {
            "linear": _mean_log_loss(seen, oof_lr[covered]),
            "trees": _mean_log_loss(seen, sigmoid(z_gb)),
            "blend": _mean_log_loss(seen, self.oof_),
        }
        order = np.argsort(self.oof_, kind="mergesort")
        self._oof_sorted = self.oof_[order]
        self._oof_wins = np.concatenate(([0.0], np.cumsum(seen[order])))
        self.fitted = fitted
        return self

    def _fit_linear(
        self,
        data: Encoded,
        y: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
        cap: Capacity,
    ) -> tuple[np.ndarray, float, list[Any]]:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        oof = np.zeros((len(cap.c_grid), len(y)))
        models: list[list[Any]] = [[] for _ in cap.c_grid]
        with warnings.catch_warnings():
            # Separable folds of tiny tables stop at max_iter; the penalty keeps the
            # coefficients finite, so the slightly unconverged fit is still usable.
            warnings.simplefilter("ignore", ConvergenceWarning)
            for train, test in folds:
                for i, c in enumerate(cap.c_grid):
                    model = LogisticRegression(C=c, max_iter=500)
                    model.fit(data.linear[train], y[train])
                    oof[i, test] = model.predict_proba(data.linear[test])[:, 1]
                    models[i].append(model)
        covered = np.concatenate([test for _, test in folds])
        losses = [_mean_log_loss(y[covered], row[covered]) for row in oof]
        best = int(np.argmin(losses))
        return oof[best], float(cap.c_grid[best]), models[best]

    def _fit_trees(
        self,
        data: Encoded,
        y: np.ndarray,
        folds: list[tuple[np.ndarray, np.ndarray]],
        cap: Capacity,
        *,
        random_splits: bool = False,
    ) -> tuple[np.ndarray, int, list[Any]]:
        import lightgbm as lgb

        assert self._encoder is not None
        categorical = self._encoder.tree_categorical
        # The validation set must carry the training set's parameters exactly, or
        # LightGBM warns that it overrides them.
        params = {
            **tree_params(cap, seed=self.seed, n_jobs=self.n_jobs),
            **_DATASET,
            "max_bin": cap.max_bin,
            "extra_trees": random_splits,
        }
        boosters: list[Any] = []
        curves: list[list[float]] = []
        for train, test in folds:
            train_set = lgb.Dataset(
                data.tree[train], y[train], categorical_feature=categorical, params=params
            )
            valid_set = lgb.Dataset(data.tree[test], y[test], reference=train_set, params=params)
            record: dict[str, Any] = {}
            booster = lgb.train(
                params,
                train_set,
                num_boost_round=cap.max_rounds,
                valid_sets=[valid_set],
                valid_names=["valid"],
                callbacks=[
                    lgb.early_stopping(cap.patience, verbose=False),
                    lgb.record_evaluation(record),
                ],
            )
            boosters.append(booster)
            curves.append(list(record["valid"]["binary_logloss"]))
        # One number of trees for every fold: the minimum of the fold-averaged curve.
        length = min(len(c) for c in curves)
        mean_curve = np.mean([c[:length] for c in curves], axis=0)
        rounds = int(np.argmin(mean_curve)) + 1
        oof = np.zeros(len(y))
        for booster, (_, test) in zip(boosters, folds, strict=True):
            booster.best_iteration = rounds
            oof[test] = booster.predict(data.tree[test], num_iteration=rounds)
        return oof, rounds, boosters

    # -- predicting ------------------------------------------------------------------

    def _fold_probabilities(self, X: Any) -> tuple[np.ndarray, Encoded]:
        """Calibrated probability from each fold's pair of models, shape (folds, rows)."""
        if self.fitted is None or self._encoder is None:
            raise RuntimeError("Scorer.fit must be called before predicting")
        data = self._encoder.transform(as_frame(X))
        f = self.fitted
        rows = []
        for k, (linear, booster) in enumerate(zip(self._linear, self._trees, strict=True)):
            # A linear model's probabilities are one small matrix product: no BLAS pool.
            z_lr = logit(sigmoid(data.linear @ linear.coef_[0] + linear.intercept_[0]))
            z_gb = logit(booster.predict(data.tree, num_iteration=f.rounds))
            if self._random_trees:
                random = self._random_trees[k]
                z_rt = logit(random.predict(data.tree, num_iteration=f.random_rounds))
                z_gb = f.random_share * z_rt + (1 - f.random_share) * z_gb
            z = f.tree_weight * z_gb + (1 - f.tree_weight) * z_lr
            rows.append(f.platt[0] * z + f.platt[1])
        return sigmoid(np.array(rows)), data

    def predict_proba(self, X: Any) -> np.ndarray:
        """Chance of the positive outcome for each row (a 1-D array)."""
        per_fold, _ = self._fold_probabilities(X)
        return sigmoid(np.mean(logit(per_fold), axis=0))

    def predict_range(
        self, X: Any, level: float = RANGE_LEVEL
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(probability, low, high)``: the prediction and its range (90% by default)."""
        from scipy.stats import beta

        per_fold, _ = self._fold_probabilities(X)
        p = sigmoid(np.mean(logit(per_fold), axis=0))
        assert self.fitted is not None
        n = len(self._oof_sorted)
        window = min(self.fitted.capacity.window, n)
        pos = np.searchsorted(self._oof_sorted, p)
        start = np.clip(pos - window // 2, 0, n - window)
        wins = self._oof_wins[start + window] - self._oof_wins[start]
        tail = (1 - level) / 2
        low = beta.ppf(tail, wins + 0.5, window - wins + 0.5)
        high = beta.ppf(1 - tail, wins + 0.5, window - wins + 0.5)
        low = np.minimum(np.minimum(low, per_fold.min(axis=0)), p)
        high = np.maximum(np.maximum(high, per_fold.max(axis=0)), p)
        return p, low, high

    def effects(self, X: Any) -> tuple[list[str], np.ndarray]:
        """Each column's push on each row's log-odds: ``(columns, rows x columns)``."""
        if self.fitted is None or self._encoder is None:
            raise RuntimeError("Scorer.fit must be called before explaining")
        frame = as_frame(X)
        data = self._encoder.transform(frame)
        f = self.fitted
        columns = self.plan.features if self.plan else []
        effects = np.zeros((frame.height, len(columns)))
        index = {name: i for i, name in enumerate(columns)}
        scale = f.platt[0] / len(self._trees)
        share = f.random_share if self._random_trees else 0.0
        tree_parts = [(b, f.rounds, 1 - share) for b in self._trees]
        tree_parts += [(b, f.random_rounds, share) for b in self._random_trees]
        for booster, rounds, weight in tree_parts:
            contrib = booster.predict(data.tree, num_iteration=rounds, pred_contrib=True)
            for j, source in enumerate(self._encoder.tree_sources):
                effects[:, index[source]] += scale * f.tree_weight * weight * contrib[:, j]
        for linear in self._linear:
            # Centred on the training means, so a typical value pushes neither way.
            centred = data.linear - self._encoder.linear_means
            parts = centred * linear.coef_[0]
            for j, source in enumerate(self._encoder.linear_sources):
                effects[:, index[source]] += scale * (1 - f.tree_weight) * parts[:, j]
        return columns, effects

    def explain(self, X: Any, top: int = 3) -> list[list[Factor]]:
        """The ``top`` columns that moved each row's chance most, in plain words."""
        columns, effects = self.effects(X)
        return top_factors(as_frame(X), columns, effects, top)


_DATASET = {"verbose": -1, "max_bin": 255}


def tree_params(cap: Capacity, *, seed: int, n_jobs: int) -> dict[str, Any]:
    return {
        "objective": "binary",
        "metric": "binary_logloss",
        "learning_rate": cap.learning_rate,
        "num_leaves": cap.num_leaves,
        "min_child_samples": cap.min_child_samples,
        "lambda_l2": cap.lambda_l2,
        "feature_fraction": cap.feature_fraction,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        # Categories need this many rows to get their own branch; LightGBM's default of
        # 100 would stop small tables from ever splitting on a category.
        "min_data_per_group": cap.min_child_samples,
        "cat_smooth": 10.0,
        "max_cat_to_onehot": cap.max_cat_to_onehot,
        "num_threads": n_jobs,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        "verbose": -1,
    }


def _blend_weight(y: np.ndarray, z_a: np.ndarray, z_b: np.ndarray) -> float:
    """Weight of ``z_b`` in a logit blend with ``z_a``: the out-of-fold best on a grid,
    shrunk toward an even blend.

    The out-of-fold choice is noise at 100 rows, so it is shrunk with a prior worth
    BLEND_PRIOR_ROWS deals (IBM, logistic and trees at 100 deals: AUC 0.837 -> 0.843; no
    change at 1,000).
    """
    best = (np.inf, 0.0)
    for w in np.linspace(0.0, 1.0, 21):
        best = min(best, (_mean_log_loss(y, sigmoid(w * z_b + (1 - w) * z_a)), w))
    n = len(y)
    return float((n * best[1] + BLEND_PRIOR_ROWS * 0.5) / (n + BLEND_PRIOR_ROWS))


def _minority(target: np.ndarray, groups: Sequence[Any] | np.ndarray | None) -> int:
    """Rows of the rarer outcome, or groups of it when rows come in groups."""
    if groups is None:
        return int(min(target.sum(), len(target) - target.sum()))
    labels = np.asarray(groups)
    won = len(np.unique(labels[target == 1]))
    lost = len(np.unique(labels[target == 0]))
    return int(min(won, lost))


def _splits(
    y: np.ndarray, groups: Sequence[Any] | np.ndarray | None, cap: Capacity, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """K stratified folds (no group split across folds), or one stratified hold-out on
    large tables without groups (see :func:`capacity_for`)."""
    from sklearn.model_selection import (
        StratifiedGroupKFold,
        StratifiedKFold,
        StratifiedShuffleSplit,
    )

    rows = np.zeros(len(y))
    if groups is not None:
        splitter = StratifiedGroupKFold(cap.folds, shuffle=True, random_state=seed)
        return list(splitter.split(rows, y, np.asarray(groups)))
    if cap.holdout:
        split = StratifiedShuffleSplit(1, test_size=cap.holdout, random_state=seed)
        return list(split.split(rows, y))
    return list(StratifiedKFold(cap.folds, shuffle=True, random_state=seed).split(rows, y))


def _platt(z: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e4, max_iter=1000).fit(z[:, None], y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])
