"""`unstuck stalled` and `unstuck diagnose` on the sample pipeline, end to end."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unstuck.cli import app
from unstuck.config import default_config
from unstuck.domain import FindingKind, PlayId, Scenario
from unstuck.sample import generate_pipeline
from unstuck.service import Unstuck
from unstuck.store import Store

NOW = datetime(2026, 11, 20, 12, 0)
AS_OF = "2026-11-20T12:00"
CONTRACT_FINDING_KEYS = {"kind", "scenario", "severity", "evidence"}
CONTRACT_PLAY_KEYS = {"id", "for", "rationale", "channel", "steps", "draft"}


@pytest.fixture
def sample_db(db_url: str) -> str:
    service = Unstuck(default_config(), Store.open(db_url))
    service.import_pipeline(generate_pipeline(NOW, seed=0), NOW, dry_run=False)
    service.store.close()
    return db_url


def run(db: str, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db], env=env)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout if code == 0 else result.stderr


def test_stalled_lists_stuck_deals_worst_first_in_the_contract_shape(sample_db: str) -> None:
    found = json.loads(run(sample_db, "stalled", "--as-of", AS_OF, "--json"))
    assert len(found) >= 20
    severities = [d["severity"] for d in found]
    assert severities == sorted(severities, reverse=True)
    for diagnosis in found:
        assert {"deal", "stalled", "severity", "findings", "plays"} <= set(diagnosis)
        assert diagnosis["stalled"] is True
        assert 0 < diagnosis["severity"] <= 1
        for finding in diagnosis["findings"]:
            assert set(finding) >= CONTRACT_FINDING_KEYS
            FindingKind(finding["kind"])
            assert finding["evidence"], finding
        for play in diagnosis["plays"]:
            assert set(play) >= CONTRACT_PLAY_KEYS
            PlayId(play["id"])


def test_healthy_deals_are_not_listed_as_stalled(sample_db: str) -> None:
    found = {d["deal"] for d in json.loads(run(sample_db, "stalled", "--as-of", AS_OF, "--json"))}
    for healthy in ("northwind-fleet", "bluefin-wms", "tidewater-wms", "zenith-support"):
        assert healthy not in found
        own = json.loads(run(sample_db, "diagnose", healthy, "--as-of", AS_OF, "--json"))
        assert own["stalled"] is False


def test_the_sample_pipeline_shows_every_finding_scenario_and_play(sample_db: str) -> None:
    found = json.loads(run(sample_db, "stalled", "--as-of", AS_OF, "--json"))
    kinds = {f["kind"] for d in found for f in d["findings"]}
    scenarios = {f["scenario"] for d in found for f in d["findings"] if f["scenario"]}
    plays = {p["id"] for d in found for p in d["plays"]}
    assert kinds == {k.value for k in FindingKind}
    assert scenarios == {s.value for s in Scenario}
    assert plays == {p.value for p in PlayId}


def test_a_quiet_deal_is_diagnosed_as_gone_quiet_with_a_cadence(sample_db: str) -> None:
    diagnosis = json.loads(
        run(sample_db, "diagnose", "foxglove-portal", "--as-of", AS_OF, "--json")
    )
    kinds = [f["kind"] for f in diagnosis["findings"]]
    assert "gone_quiet" in kinds
    plays = [p["id"] for p in diagnosis["plays"]]
    assert "follow_up_cadence" in plays and "permission_to_say_no" in plays
    evidence = next(f for f in diagnosis["findings"] if f["kind"] == "gone_quiet")["evidence"][0]
    assert evidence.startswith("No reply from")


def test_stalled_filters_by_owner_and_limits(sample_db: str) -> None:
    every = json.loads(run(sample_db, "stalled", "--as-of", AS_OF, "--json"))
    top = json.loads(run(sample_db, "stalled", "--as-of", AS_OF, "--json", "--limit", "3"))
    assert [d["deal"] for d in top] == [d["deal"] for d in every[:3]]
    mine = json.loads(
        run(sample_db, "stalled", "--as-of", AS_OF, "--json", "--owner", "sam.ortiz@example.com")
    )
    assert 0 < len(mine) < len(every)
    table = run(sample_db, "stalled", "--as-of", AS_OF)
    assert f"{len(every)} stuck of 60 open deals" in table
    assert "No open deals for owner 'nobody'." in run(sample_db, "stalled", "--owner", "nobody")


def test_diagnose_shows_evidence_plays_and_drafts(sample_db: str) -> None:
    shown = run(sample_db, "diagnose", "foxglove-portal", "--as-of", AS_OF)
    assert "Why it is stuck" in shown and "What to do" in shown
    assert "No reply from" in shown and "Draft" in shown


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diagnose", "no-such-deal"], "no deal with id 'no-such-deal'"),
        (["diagnose", "foxglove-portal", "--as-of", "31/31/2026"], "--as-of: not a date"),
        (["stalled", "--as-of", "someday"], "--as-of: not a date"),
    ],
)
def test_bad_input_to_the_diagnosis_commands_exits_2(
    sample_db: str, args: list[str], message: str
) -> None:
    assert message in run(sample_db, *args, code=2)


def test_a_broken_user_playbook_is_named_with_its_line(sample_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "plays" / "qualify"
    folder.mkdir(parents=True)
    (folder / "play.toml").write_text('title = "Ask"\nchannel = call\n')
    err = run(sample_db, "stalled", code=2, env={"UNSTUCK_PLAYBOOK_DIR": str(tmp_path / "plays")})
    assert "play.toml" in err and "line 2" in err


def test_an_unknown_framework_lists_the_known_ones(sample_db: str) -> None:
    err = run(sample_db, "stalled", code=2, env={"UNSTUCK_QUALIFICATION_FRAMEWORK": "spiced"})
    assert "spiced" in err and "bant" in err and "meddicc" in err


def test_diagnose_and_deals_show_the_chance_of_winning(sample_db: str) -> None:
    diagnosis = json.loads(
        run(sample_db, "diagnose", "summit-migration", "--as-of", AS_OF, "--json")
    )
    chance = diagnosis["chance"]
    assert 0 < chance["p"] < 1 and chance["low"] <= chance["p"] <= chance["high"]
    assert chance["source"] == "stage win rate" and "no model trained" in chance["no_model"]
    rows = json.loads(run(sample_db, "deals", "--as-of", AS_OF, "--json"))
    assert all(0 < row["chance"] < 1 for row in rows)
    assert "Chance of winning" in run(sample_db, "diagnose", "summit-migration", "--as-of", AS_OF)


def test_a_trained_model_scores_deals_diagnoses_and_the_review(sample_db: str) -> None:
    pytest.importorskip("lightgbm", reason="the ml extra is not installed")
    run(sample_db, "score", "train")
    diagnosis = json.loads(
        run(sample_db, "diagnose", "summit-migration", "--as-of", AS_OF, "--json")
    )
    assert (
        diagnosis["chance"]["source"].startswith("model")
        and diagnosis["chance"]["no_model"] is None
    )
    assert diagnosis["chance"]["up"] or diagnosis["chance"]["down"]
    review = json.loads(run(sample_db, "review", "--as-of", AS_OF, "--json"))
    sources = {line["chance_source"] for line in review["deals"]}
    assert all(source.startswith("model") for source in sources), sources
