"""`unstuck review`, `unstuck focus ...` and `unstuck decide` end to end on a real database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unstuck.cli import app
from unstuck.config import default_config
from unstuck.domain import DecisionKind, Status
from unstuck.service import Unstuck
from unstuck.store import Store

AS_OF = "2026-11-20T12:00"
NEXT_WEEK = "2026-11-27T12:00"


def run(db: str, *args: str, code: int = 0, env: dict[str, str] | None = None) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db], env=env)
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout if code == 0 else result.stderr


def test_the_review_page_shows_every_section_on_the_sample_pipeline(sample_db: str) -> None:
    page = run(sample_db, "review", "--as-of", AS_OF)
    for heading in ("Weekly review", "At a glance", "This week's focus", "What is real", "Let go"):
        assert heading in page
    assert "summit-migration" in page and "First move:" in page
    assert "copperfield-support" in page  # a let-go candidate, with its numbers
    assert "█" in page  # the stage bars


def test_the_json_has_the_documented_sections(sample_db: str) -> None:
    data = json.loads(run(sample_db, "review", "--as-of", AS_OF, "--json"))
    assert data["format"] == "unstuck-review/1"
    assert set(data) >= {"at_a_glance", "focus", "what_is_real", "let_go", "deals", "notes"}
    assert [p["deal"] for p in data["focus"]["picks"]] == ["summit-migration", "ironbark-migration"]


def test_the_first_review_of_a_week_records_its_proposal_and_next_week_asks_about_it(
    sample_db: str,
) -> None:
    run(sample_db, "review", "--as-of", AS_OF, "--json")
    shown = json.loads(run(sample_db, "focus", "show", "--as-of", AS_OF, "--json"))
    assert [p["deal"] for p in shown["picks"]] == ["summit-migration", "ironbark-migration"]
    assert {p["picked_by"] for p in shown["picks"]} == {"system"}

    run(sample_db, "focus", "outcome", "summit-migration", "--result", "no", "--note",
        "They chose to wait a year.", "--as-of", NEXT_WEEK)  # fmt: skip
    data = json.loads(run(sample_db, "review", "--as-of", NEXT_WEEK, "--json"))
    last = {p["deal"]: p for p in data["focus"]["last_week"]["picks"]}
    assert last["summit-migration"]["result"] == "no"
    assert last["summit-migration"]["result_note"] == "They chose to wait a year."
    assert last["ironbark-migration"]["result"] is None
    page = run(sample_db, "review", "--as-of", NEXT_WEEK)
    assert "Last week's picks" in page and "they said no or not now" in page


def test_focus_set_swaps_a_pick_and_keeps_the_accepted_one(sample_db: str) -> None:
    run(sample_db, "review", "--as-of", AS_OF, "--json")
    out = run(sample_db, "focus", "set", "summit-migration", "acme-portal", "--as-of", AS_OF)
    assert "summit-migration, acme-portal" in out
    data = json.loads(run(sample_db, "review", "--as-of", AS_OF, "--json"))
    picks = {p["deal"]: p["picked_by"] for p in data["focus"]["picks"]}
    assert picks == {"summit-migration": "system", "acme-portal": "user"}
    assert data["focus"]["source"] == "recorded"


def test_deciding_to_let_go_closes_the_deal_as_lost_with_the_reason(sample_db: str) -> None:
    out = run(sample_db, "decide", "copperfield-support", "--let-go", "--reason", "No budget.")
    assert "closed as lost" in out
    service = Unstuck(default_config(), Store.open(sample_db))
    try:
        d = service.deal("copperfield-support")
    finally:
        service.store.close()
    assert d.status is Status.LOST and d.lost_reason == "No budget."
    assert d.decisions[-1].decision is DecisionKind.LET_GO
    assert d.decisions[-1].reason == "No budget."


def test_letting_go_as_nurture_parks_the_deal_and_pursuing_only_records(sample_db: str) -> None:
    run(sample_db, "decide", "nimbus-support", "--let-go", "--nurture", "--revisit-on",
        "2027-03-01", "--reason", "Not this year.")  # fmt: skip
    run(sample_db, "decide", "kestrel-wms", "--pursue", "--reason", "The COO asked us back.")
    service = Unstuck(default_config(), Store.open(sample_db))
    try:
        parked, kept = service.deal("nimbus-support"), service.deal("kestrel-wms")
    finally:
        service.store.close()
    assert parked.status is Status.NURTURE and str(parked.revisit_on) == "2027-03-01"
    assert kept.status is Status.OPEN
    assert kept.decisions[-1].decision is DecisionKind.PURSUE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["review", "--owner", "nobody@example.com"], "no deals belong to this owner"),
        (["focus", "outcome", "kestrel-wms", "--result", "maybe"], "use one of yes, no"),
        (["focus", "outcome", "kestrel-wms", "--result", "yes"], "has not been a focus pick"),
        (["focus", "set", "no-such-deal"], "no deal with id 'no-such-deal'"),
        (["focus", "set", "acme-portal", "acme-portal"], "named twice"),
        (["focus", "set", "lumen-metals-wms-046"], "only open deals can be a focus"),
        (["decide", "kestrel-wms", "--let-go"], "--reason is required"),
        (["decide", "kestrel-wms", "--let-go", "--pursue", "--reason", "x"], "exactly one"),
        (["decide", "kestrel-wms", "--let-go", "--nurture", "--reason", "x"], "--revisit-on"),
        (["decide", "lumen-metals-wms-046", "--pursue", "--reason", "x"], "already lost"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_code_2(
    sample_db: str, args: list[str], message: str
) -> None:
    err = (
        run(sample_db, *args, "--as-of", AS_OF, code=2)
        if args[0] != "decide"
        else run(sample_db, *args, code=2)
    )
    assert message in err
    assert "Traceback" not in err


def test_an_unknown_framework_is_a_clear_error(sample_db: str) -> None:
    env = {"UNSTUCK_QUALIFICATION_FRAMEWORK": "spiced"}
    err = run(sample_db, "review", "--as-of", AS_OF, code=2, env=env)
    assert "no such framework" in err and "bant" in err


def test_an_empty_pipeline_and_no_history_say_so(db_url: str) -> None:
    page = run(db_url, "review", "--as-of", AS_OF)
    assert "No open deals" in page
    assert "no closed history: using the prior" in page
    data = json.loads(run(db_url, "review", "--as-of", AS_OF, "--json"))
    assert data["notes"] == ["no closed history: using the prior"]


def test_an_owner_sees_only_their_deals(sample_db: str) -> None:
    everyone = json.loads(run(sample_db, "review", "--as-of", AS_OF, "--json"))
    owner = everyone["focus"]["picks"][0]["owner"]
    mine = json.loads(run(sample_db, "review", "--owner", owner, "--as-of", AS_OF, "--json"))
    assert 0 < mine["at_a_glance"]["open_deals"] < everyone["at_a_glance"]["open_deals"]
    owners = {d["deal"] for d in mine["deals"]}
    assert owners and everyone["focus"]["picks"][0]["deal"] in owners


def test_html_is_written_next_to_the_page(sample_db: str, tmp_path: Path) -> None:
    target = tmp_path / "review.html"
    out = run(sample_db, "review", "--as-of", AS_OF, "--html", str(target))
    assert f"Wrote the report to {target}" in out.replace("\n", "")
    text = target.read_text()
    assert "<svg" in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
