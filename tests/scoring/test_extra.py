"""The ml extra is optional: without it, scoring says how to install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner


def test_scoring_runs_when_the_ml_extra_is_installed() -> None:
    pytest.importorskip(
        "lightgbm", reason="the ml extra is not installed: pip install 'unstuck[ml]'"
    )
    pytest.importorskip(
        "sklearn", reason="the ml extra is not installed: pip install 'unstuck[ml]'"
    )
    from unstuck.scoring import Scorer

    assert Scorer(seed=1).seed == 1


def test_without_lightgbm_the_user_is_told_to_install_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from unstuck.scoring import MissingExtraError, evaluate_csv

    # None in sys.modules makes `import lightgbm` raise ImportError, as if not installed.
    monkeypatch.setitem(sys.modules, "lightgbm", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'unstuck\[ml\]'") as caught:
        evaluate_csv(tmp_path / "deals.csv", "result", "Won")
    assert "lightgbm" in str(caught.value)


def test_without_lightgbm_the_cli_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from unstuck.cli.score import score_app

    monkeypatch.setitem(sys.modules, "lightgbm", None)
    path = tmp_path / "deals.csv"
    path.write_text("amount,result\n1,Won\n")
    result = CliRunner().invoke(
        score_app, ["evaluate", str(path), "--target", "result", "--positive", "Won"]
    )
    assert result.exit_code == 2
    assert result.output.strip() == (
        "Error: Scoring needs the ml extra (lightgbm not installed). "
        "Install it with: pip install 'unstuck[ml]'"
    )


def test_every_public_name_resolves() -> None:
    import unstuck.scoring

    # The names themselves are pinned with every package's in tests/test_public_api.py.
    pytest.importorskip("lightgbm")
    for name in unstuck.scoring.__all__:
        assert getattr(unstuck.scoring, name) is not None
