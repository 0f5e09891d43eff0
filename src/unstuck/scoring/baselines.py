"""The three baselines every evaluation runs next to the Unstuck scorer.

- ``logistic``: one-hot categories, scaled numbers, scikit-learn's default penalty (C=1).
- ``naive_bayes``: what Odoo's CRM does for its lead probability: count how often each
  field value appears among won and lost deals (numbers cut into quantile bins first),
  add one to every count (Laplace smoothing), and multiply the ratios.
- ``lightgbm``: LightGBM with its default settings, categories passed natively.

They share the column plan and encoder of the scorer, so differences in the report come
from the models, not from what each one was allowed to see.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import polars as pl

from unstuck.scoring.columns import ColumnPlan
from unstuck.scoring.encode import Encoder, numeric_values, text_values
from unstuck.scoring.model import Scorer, as_frame

# Odoo bins numbers coarsely; ten quantile bins keeps each bin well populated at 100 rows.
NB_BINS = 10


class Model(Protocol):
    def fit(self, X: Any, y: np.ndarray) -> Any: ...

    def predict_proba(self, X: Any) -> np.ndarray: ...


class LogisticBaseline:
    def __init__(self, plan: ColumnPlan, *, seed: int = 0, n_jobs: int = 1) -> None:
        self.encoder = Encoder(plan)
        self.seed = seed
        self.model: Any = None

    def fit(self, X: Any, y: np.ndarray) -> LogisticBaseline:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        frame = as_frame(X)
        data = self.encoder.fit(frame).transform(frame)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.model = LogisticRegression(max_iter=1000).fit(data.linear, y)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        data = self.encoder.transform(as_frame(X))
        return np.asarray(self.model.predict_proba(data.linear)[:, 1])


class LightGBMDefaults:
    def __init__(self, plan: ColumnPlan, *, seed: int = 0, n_jobs: int = 1) -> None:
        self.encoder = Encoder(plan)
        self.params = {
            "objective": "binary",
            "num_threads": n_jobs,
            "seed": seed,
            "verbose": -1,
        }
        self.booster: Any = None

    def fit(self, X: Any, y: np.ndarray) -> LightGBMDefaults:
        import lightgbm as lgb

        frame = as_frame(X)
        data = self.encoder.fit(frame).transform(frame)
        train = lgb.Dataset(
            data.tree, y, categorical_feature=self.encoder.tree_categorical, params=self.params
        )
        # 100 rounds is LGBMClassifier's default n_estimators.
        self.booster = lgb.train(self.params, train, num_boost_round=100)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        data = self.encoder.transform(as_frame(X))
        return np.asarray(self.booster.predict(data.tree))


class NaiveBayesBaseline:
    def __init__(self, plan: ColumnPlan, *, seed: int = 0, n_jobs: int = 1) -> None:
        self.plan = plan
        self.edges: dict[str, np.ndarray] = {}
        self.tables: dict[str, dict[str, tuple[float, float]]] = {}
        self.unseen: dict[str, tuple[float, float]] = {}
        self.prior = 0.0

    def _binned(self, frame: pl.DataFrame) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for name in self.plan.numeric:
            values = numeric_values(frame, name)
            bins = np.searchsorted(self.edges[name], values, side="right")
            labels = np.where(np.isnan(values), -1, bins)
            fields[name] = [str(v) for v in labels]
        for name in self.plan.categorical:
            fields[name] = text_values(frame, name).to_list()
        return fields

    def fit(self, X: Any, y: np.ndarray) -> NaiveBayesBaseline:
        frame = as_frame(X)
        y = np.asarray(y).astype(bool)
        for name in self.plan.numeric:
            values = numeric_values(frame, name)
            present = values[~np.isnan(values)]
            quantiles = np.linspace(0, 1, NB_BINS + 1)[1:-1]
            self.edges[name] = (
                np.unique(np.quantile(present, quantiles)) if present.size else np.zeros(0)
            )
        won, lost = float(y.sum()), float((~y).sum())
        self.prior = float(np.log(won / lost))
        for name, labels in self._binned(frame).items():
            counts = (
                pl.DataFrame({"v": labels, "y": y})
                .group_by("v")
                .agg(pl.col("y").sum().alias("won"), (~pl.col("y")).sum().alias("lost"))
            )
            k = counts.height + 1  # one extra value for anything unseen at predict time
            table = {
                v: ((w + 1) / (won + k), (lo + 1) / (lost + k)) for v, w, lo in counts.iter_rows()
            }
            self.tables[name] = table
            self.unseen[name] = (1 / (won + k), 1 / (lost + k))
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        frame = as_frame(X)
        score = np.full(frame.height, self.prior)
        for name, labels in self._binned(frame).items():
            table, unseen = self.tables[name], self.unseen[name]
            ratios = [table.get(v, unseen) for v in labels]
            score += np.log([w / lo for w, lo in ratios])
        return np.asarray(1.0 / (1.0 + np.exp(-score)))


ModelFactory = Callable[..., Model]

# The registry the evaluation runs, in report order; the first is ours.
MODELS: dict[str, ModelFactory] = {
    "unstuck": Scorer,
    "logistic": LogisticBaseline,
    "naive_bayes": NaiveBayesBaseline,
    "lightgbm": LightGBMDefaults,
}

MODEL_LABELS = {
    "unstuck": "Unstuck scorer",
    "logistic": "Logistic regression",
    "naive_bayes": "Naive Bayes (Odoo-style)",
    "lightgbm": "LightGBM defaults",
}
