from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("lightgbm", reason="scoring needs the ml extra: pip install 'unstuck[ml]'")

from unstuck.cli.score import score_app

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(score_app, ["evaluate", *args])
    return result.exit_code, result.output


def test_evaluate_prints_tables_and_writes_the_plot(
    deals_csv: Callable[..., Path], tmp_path: Path
) -> None:
    path = deals_csv(200)
    plot = tmp_path / "calibration.svg"
    code, out = run(
        str(path), "--target", "Outcome", "--positive", "Won", "--id", "Deal ID",
        "--drop", "Owner", "--folds", "3", "--train-sizes", "60", "--plot", str(plot),
    )  # fmt: skip
    assert code == 0, out
    assert "Cross-validated on all rows" in out
    assert "Naive Bayes (Odoo-style)" in out
    assert "Learning curve" in out
    assert "Owner: dropped, as asked (--drop)" in out
    assert plot.read_text().startswith("<svg")


def test_evaluate_json_is_the_report_dictionary(deals_csv: Callable[..., Path]) -> None:
    path = deals_csv(200)
    code, out = run(
        str(path), "--target", "Outcome", "--positive", "Won", "--folds", "2",
        "--train-sizes", "", "--json",
    )  # fmt: skip
    assert code == 0, out
    data = json.loads(out)
    assert [m["model"] for m in data["cross_validation"]] == [
        "unstuck", "logistic", "naive_bayes", "lightgbm",
    ]  # fmt: skip
    assert data["learning_curve"]["points"] == []
    assert data["rows"] == 200 and data["target"] == "Outcome"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--target", "Nope", "--positive", "Won"], "No column 'Nope' for --target"),
        (["--target", "Outcome", "--positive", "won"], "--positive with one of"),
        (["--target", "Region", "--positive", "Won"], "never has the value 'Won'"),
        (["--target", "Outcome", "--positive", "Won", "--train-sizes", "a,b"], "--train-sizes"),
    ],
)
def test_bad_options_give_one_line_and_exit_code_2(
    deals_csv: Callable[..., Path], args: list[str], expected: str
) -> None:
    code, out = run(str(deals_csv(60)), *args)
    assert code == 2
    assert expected in out
    assert "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("amount,result\n" + "1,Won\n" * 30, "Every row of 'result' is 'Won'"),
        ("amount,result\n" + "1,Won\n2,Lost\n" * 5, "Only 10 closed deals"),
    ],
)
def test_tables_without_enough_outcomes_exit_2(tmp_path: Path, rows: str, expected: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(rows)
    code, out = run(str(path), "--target", "result", "--positive", "Won")
    assert code == 2
    assert expected in out and "Traceback" not in out


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    code, out = run(str(tmp_path / "gone.csv"), "--target", "x", "--positive", "y")
    assert code == 2
    assert "No file at" in out and "Traceback" not in out
