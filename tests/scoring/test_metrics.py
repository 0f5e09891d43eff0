from __future__ import annotations

import pytest

np = pytest.importorskip("numpy")
metrics = pytest.importorskip("sklearn.metrics")

from unstuck.scoring.metrics import auc, brier, calibration_error, log_loss, reliability  # noqa: E402


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_metrics_match_scikit_learn_including_ties(seed: int) -> None:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 500)
    # Rounding makes many ties, which AUC must count as half.
    p = np.round(rng.random(500) * 0.6 + y * 0.2, 1)
    assert auc(y, p) == pytest.approx(metrics.roc_auc_score(y, p), abs=1e-12)
    assert brier(y, p) == pytest.approx(metrics.brier_score_loss(y, p), abs=1e-12)
    assert log_loss(y, p) == pytest.approx(metrics.log_loss(y, np.clip(p, 1e-15, 1 - 1e-15)))


def test_auc_is_undefined_with_one_class() -> None:
    assert np.isnan(auc(np.ones(5), np.linspace(0, 1, 5)))


def test_a_calibrated_predictor_has_small_calibration_error() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(20_000)
    y = rng.random(20_000) < p
    assert calibration_error(y, p) < 0.02
    assert calibration_error(y, np.clip(p + 0.2, 0, 1)) > 0.15
    bins = reliability(y, p)
    assert len(bins) == 10
    assert sum(b.count for b in bins) == 20_000
    assert all(abs(b.observed - b.mean_predicted) < 0.05 for b in bins)
