from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

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


def band_table(n: int, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """Deals that are won when their amount sits in a middle band: no straight line (and
    no monotone curve) through the amount separates them."""
    rng = np.random.default_rng(seed)
    amount = rng.uniform(0, 100, n)
    won = ((amount > 30) & (amount < 60)) ^ (rng.random(n) < 0.05)
    region = rng.choice(["North", "South"], n)
    return pl.DataFrame({"Amount": amount, "Region": region}), won.astype(int)


def test_decile_steps_let_the_linear_part_learn_an_effect_that_rises_and_falls() -> None:
    from sklearn.linear_model import LogisticRegression

    from unstuck.scoring.columns import plan_columns
    from unstuck.scoring.encode import Encoder

    x, y = band_table(400, seed=1)
    x_test, y_test = band_table(2000, seed=2)
    plan = plan_columns(x)
    chances = {}
    for steps in (True, False):
        encoder = Encoder(plan, rank_features=True, steps=steps).fit(x)
        model = LogisticRegression(max_iter=1000).fit(encoder.transform(x).linear, y)
        chances[steps] = model.predict_proba(encoder.transform(x_test).linear)[:, 1]
    assert auc(y_test, chances[True]) > 0.9
    assert auc(y_test, chances[False]) < 0.75


def test_every_linear_column_names_the_column_it_came_from(
    deals: Callable[..., pl.DataFrame],
) -> None:
    from unstuck.scoring.columns import plan_columns
    from unstuck.scoring.encode import Encoder

    x, _, _, _ = split(deals(300, seed=4), 300)
    encoder = Encoder(plan_columns(x), rank_features=True, steps=True).fit(x)
    linear = encoder.transform(x).linear
    # Explanations add each linear column's push to the column named here.
    assert len(encoder.linear_sources) == linear.shape[1]
    assert encoder.linear_sources.count("Amount") == 2 + 9  # value, rank, nine deciles
    # A model saved before step features existed reads exactly its old columns.
    steps = sum(len(n.steps) for n in encoder._numeric)
    encoder._numeric = [replace(n, steps=()) for n in encoder._numeric]
    assert encoder.transform(x).linear.shape[1] == linear.shape[1] - steps


def test_small_tables_get_decile_steps_and_trees_with_random_split_points(
    deals: Callable[..., pl.DataFrame],
) -> None:
    from unstuck.scoring.capacity import SMALL_TABLE_ROWS, capacity_for

    x, y, x_test, _ = split(deals(700, seed=6), 300)
    scorer = Scorer(seed=0).fit(x, y)
    f = scorer.fitted
    assert f is not None and f.capacity.random_trees
    assert scorer._encoder is not None and scorer._encoder.steps
    assert len(scorer._random_trees) == len(scorer._trees) and f.random_rounds >= 1
    assert 0 < f.random_share < 1
    with_random = scorer.predict_proba(x_test)
    # The randomised trees count in every prediction and every explanation.
    _, effects = scorer.effects(x_test)
    f.random_share = 0.0
    assert np.abs(scorer.predict_proba(x_test) - with_random).max() > 1e-3
    assert np.abs(scorer.effects(x_test)[1] - effects).max() > 1e-3
    # Larger tables skip both: the trees carry the blend there, and fits stay fast.
    large = capacity_for(SMALL_TABLE_ROWS, SMALL_TABLE_ROWS // 4)
    assert not large.random_trees and not large.decile_steps
