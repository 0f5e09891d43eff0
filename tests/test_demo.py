"""`unstuck demo`: a fresh sample pipeline and its weekly review, recreated on each run."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from unstuck.cli import app
from unstuck.store import Store


def test_the_demo_builds_a_fresh_pipeline_and_prints_its_review(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    for _ in range(2):  # the second run starts again from scratch
        result = CliRunner().invoke(app, ["demo", "--db", str(db), "--as-of", "2026-11-20"])
        assert result.exit_code == 0, result.stderr
        store = Store.open(str(db))
        with store.read() as tx:
            assert tx.count_deals() == 200
        store.close()
    out = result.stdout
    for heading in ("Weekly review", "At a glance", "This week's focus", "What is real", "Let go"):
        assert heading in out
    assert "60 open deals" in out and "Draft" in out


def test_the_demo_refuses_a_database_url() -> None:
    result = CliRunner().invoke(app, ["demo", "--db", "postgresql://127.0.0.1/x"])
    assert result.exit_code == 2
    assert "is a file path" in result.stderr
