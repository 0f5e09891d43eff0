"""A small generated world of closed deals, shared by the scoring tests.

``deals(n, signal=True)``: a table like a CRM export: a record id, a created date, two
numbers with gaps, a region, an owner column with many names, and an outcome that
depends on the amount and the region (or on nothing, with ``signal=False``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

np = pytest.importorskip("numpy", reason="scoring needs the ml extra: pip install 'unstuck[ml]'")
pl = pytest.importorskip("polars", reason="scoring needs the ml extra: pip install 'unstuck[ml]'")
pytest.importorskip("sklearn", reason="scoring needs the ml extra: pip install 'unstuck[ml]'")
pytest.importorskip("lightgbm", reason="scoring needs the ml extra: pip install 'unstuck[ml]'")

REGIONS = ["North", "South", "East", "West"]


def make_deals(n: int = 300, *, signal: bool = True, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(8, 1, n).round()
    days = rng.integers(1, 200, n).astype(float)
    region = rng.choice(REGIONS, n)
    owner = np.array([f"rep {i}" for i in rng.integers(0, 120, n)])
    logit = (
        1.2 * (np.log(amount) - 8)
        - 0.012 * (days - 100)
        + np.where(region == "North", 1.0, 0.0)
        + np.where(region == "West", -1.0, 0.0)
    )
    chance = 1 / (1 + np.exp(-logit)) if signal else np.full(n, 0.4)
    won = rng.random(n) < chance
    days_with_gaps = np.where(rng.random(n) < 0.1, np.nan, days)
    start = date(2023, 1, 1)
    return pl.DataFrame(
        {
            "Deal ID": [f"D-{100000 + i}" for i in range(n)],
            "Created": [
                (start + timedelta(days=int(d))).isoformat() for d in rng.integers(0, 400, n)
            ],
            "Amount": amount,
            "Days In Stage": days_with_gaps,
            "Region": region,
            "Owner": owner,
            "Outcome": np.where(won, "Won", "Lost"),
        }
    ).with_columns(pl.col("Days In Stage").fill_nan(None))


@pytest.fixture
def deals() -> Callable[..., pl.DataFrame]:
    return make_deals


@pytest.fixture
def deals_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(n: int = 300, *, signal: bool = True, seed: int = 0, name: str = "deals.csv") -> Path:
        path = tmp_path / name
        make_deals(n, signal=signal, seed=seed).write_csv(path)
        return path

    return write


@pytest.fixture(scope="session")
def small_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scoring") / "deals.csv"
    make_deals(400, seed=5).write_csv(path)
    return path


@pytest.fixture(scope="session")
def report_and_plot(small_csv: Path) -> tuple[object, Path]:
    """One evaluation shared by the report-shape tests: it is the slow part."""
    from unstuck.scoring import evaluate_csv

    plot = small_csv.with_suffix(".svg")
    steps: list[tuple[str, int, int]] = []
    report = evaluate_csv(
        small_csv,
        "Outcome",
        "Won",
        id_col="Deal ID",
        folds=3,
        train_sizes=(60, 120, 5000),
        plot=plot,
        progress=lambda label, done, total: steps.append((label, done, total)),
    )
    report.steps = steps  # type: ignore[attr-defined]
    return report, plot
