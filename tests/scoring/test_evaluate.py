from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

np = pytest.importorskip("numpy")
pl = pytest.importorskip("polars")

from unstuck.scoring import evaluate_csv, evaluate_frame  # noqa: E402
from unstuck.scoring.errors import (  # noqa: E402
    ColumnMissingError,
    DataFileError,
    OneClassError,
    PositiveValueError,
    TooFewOutcomesError,
    TooFewRowsError,
)

MODELS = ["unstuck", "logistic", "naive_bayes", "lightgbm"]


def test_every_model_is_cross_validated_on_all_rows(report_and_plot: tuple[Any, Path]) -> None:
    report, _ = report_and_plot
    assert [s.model for s in report.cross_validation] == MODELS
    assert report.rows == 400 and report.folds == 3
    for score in report.cross_validation:
        assert 0.5 < score.auc <= 1.0
        assert 0.0 < score.brier < 0.25
        assert score.log_loss > 0
        assert sum(b.count for b in score.reliability) == 400
    assert report.score("unstuck").auc > 0.7
    assert report.ranges is not None and 0 < report.ranges.mean_width < 1


def test_the_learning_curve_has_one_point_per_model_and_size(
    report_and_plot: tuple[Any, Path],
) -> None:
    report, _ = report_and_plot
    assert report.test_rows == 100
    assert report.skipped_sizes == [5000]
    points = [(p.train_size, p.model) for p in report.learning_curve]
    assert points == [(size, model) for size in (60, 120) for model in MODELS]
    for p in report.learning_curve:
        assert p.draws == 5
        assert 0 <= p.auc_std < 0.3 and 0 <= p.brier_std < 0.1
        assert (p.range_width is not None) == (p.model == "unstuck")


def test_progress_counts_every_fit(report_and_plot: tuple[Any, Path]) -> None:
    report, _ = report_and_plot
    total = 3 * 4 + 2 * 5 * 4
    assert [done for _, done, _ in report.steps] == list(range(1, total + 1))
    assert {t for _, _, t in report.steps} == {total}


def test_the_id_column_and_dates_are_left_out_with_notes(
    report_and_plot: tuple[Any, Path],
) -> None:
    report, _ = report_and_plot
    notes = {n.column: n.kind.value for n in report.notes}
    assert notes["Deal ID"] == "dropped"
    assert notes["Created"] == "date"
    assert "Deal ID" not in report.features and "Outcome" not in report.features


def test_the_json_report_has_a_stable_shape(report_and_plot: tuple[Any, Path]) -> None:
    report, _ = report_and_plot
    data = report.to_dict()
    assert set(data) == {
        "source", "target", "positive", "rows", "positives", "features", "notes", "folds",
        "seed", "cross_validation", "learning_curve", "ranges", "fitted", "seconds", "plot",
    }  # fmt: skip
    assert set(data["cross_validation"][0]) == {
        "model", "label", "auc", "brier", "log_loss", "calibration_error", "reliability",
        "seconds",
    }  # fmt: skip
    assert set(data["learning_curve"]) == {"test_rows", "skipped_sizes", "points"}
    assert len(data["fitted"]) == 3


def test_the_plot_is_a_valid_svg_with_a_curve_per_model(
    report_and_plot: tuple[Any, Path],
) -> None:
    report, plot = report_and_plot
    assert report.plot == str(plot)
    root = ET.parse(plot).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    curves = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(curves) == 4
    assert "Unstuck scorer" in plot.read_text()


def frame(outcomes: list[str]) -> pl.DataFrame:
    n = len(outcomes)
    return pl.DataFrame({"amount": np.arange(n, dtype=float), "result": outcomes})


@pytest.mark.parametrize(
    ("table", "kwargs", "error", "hint"),
    [
        (frame(["Won", "Lost"] * 20), {"target": "Result"}, ColumnMissingError, "'result'"),
        (frame(["Won", "Lost"] * 20), {"id_col": "nope"}, ColumnMissingError, "--id"),
        (frame(["Won", "Lost"] * 20), {"drop": ["nope"]}, ColumnMissingError, "--drop"),
        (frame(["Lost"] * 40), {}, PositiveValueError, "--positive with one of: 'Lost'"),
        (frame(["Won"] * 40), {}, OneClassError, "both won and lost"),
        (frame(["Won", "Lost"] * 9), {}, TooFewRowsError, "at least 20"),
        (frame(["Won"] * 3 + ["Lost"] * 30), {}, TooFewOutcomesError, "--folds 3"),
        (frame(["Won", "Lost", "", None] * 9), {}, TooFewRowsError, "Only 18 closed deals"),
    ],
)
def test_bad_tables_are_refused_with_a_way_to_fix_them(
    table: pl.DataFrame, kwargs: dict[str, Any], error: type[Exception], hint: str
) -> None:
    options: dict[str, Any] = {"target": "result", "positive": "Won", **kwargs}
    with pytest.raises(error) as caught:
        evaluate_frame(table, train_sizes=(), **options)
    assert hint in str(caught.value)


def test_a_missing_file_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"No file at .*nowhere\.csv"):
        evaluate_csv(tmp_path / "nowhere.csv", "result", "Won")
