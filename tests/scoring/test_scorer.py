from __future__ import annotations

from collections.abc import Callable

import pytest

pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")

from unstuck.scoring import Scorer  # noqa: E402
from unstuck.scoring.errors import OneClassError, TooFewRowsError  # noqa: E402
from unstuck.scoring.metrics import auc, brier  # noqa: E402


def split(
    frame: pl.DataFrame, train: int
) -> tuple[pl.DataFrame, np.ndarray, pl.DataFrame, np.ndarray]:
    y = (frame["Outcome"] == "Won").to_numpy().astype(int)
    x = frame.drop("Outcome")
    return x[:train], y[:train], x[train:], y[train:]


def test_the_scorer_beats_a_constant_predictor_on_data_with_signal(
    deals: Callable[..., pl.DataFrame],
) -> None:
    x, y, x_test, y_test = split(deals(1400, seed=1), 400)
    p = Scorer(seed=0).fit(x, y).predict_proba(x_test)
    assert p.shape == (1000,)
    assert auc(y_test, p) > 0.75
    assert brier(y_test, p) < brier(y_test, np.full(len(y_test), y.mean())) - 0.02


def test_ranges_are_wide_on_pure_noise_and_predictions_stay_near_the_base_rate(
    deals: Callable[..., pl.DataFrame],
) -> None:
    x, y, x_test, _ = split(deals(700, signal=False, seed=2), 200)
    p, low, high = Scorer(seed=0).fit(x, y).predict_range(x_test)
    assert np.all((low <= p) & (p <= high))
    noise_width = float(np.mean(high - low))
    assert noise_width > 0.2
    # With no signal the predictions stay near the base rate instead of claiming more.
    assert np.std(p) < 0.08

    # The same table with signal spreads its predictions far beyond the noise.
    x, y, x_test, _ = split(deals(700, signal=True, seed=2), 200)
    p_signal, _, _ = Scorer(seed=0).fit(x, y).predict_range(x_test)
    assert np.std(p_signal) > 2 * np.std(p)


def test_explanations_name_columns_in_plain_words(deals: Callable[..., pl.DataFrame]) -> None:
    x, y, x_test, _ = split(deals(400, seed=3), 300)
    scorer = Scorer(seed=0).fit(x, y)
    factors = scorer.explain(x_test.head(5), top=2)
    assert len(factors) == 5
    assert all(1 <= len(row) <= 2 for row in factors)
    assert all(
        f.column in {"Amount", "Days In Stage", "Region", "Owner"} for r in factors for f in r
    )
    assert all(" the chance" in f.text and f.column in f.text for r in factors for f in r)
    assert {n.column for n in scorer.notes} >= {"Deal ID", "Created"}


def test_the_scorer_refuses_tables_it_cannot_learn_from(deals: Callable[..., pl.DataFrame]) -> None:
    x, y, _, _ = split(deals(100), 100)
    with pytest.raises(TooFewRowsError):
        Scorer().fit(x[:10], y[:10])
    with pytest.raises(OneClassError):
        Scorer().fit(x, np.zeros(100))
    with pytest.raises(RuntimeError, match="fit"):
        Scorer().predict_proba(x)
