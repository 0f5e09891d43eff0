"""The command line end to end: every command on a real database, and its errors."""

from __future__ import annotations

import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from tests.builders import acme, globex
from typer.testing import CliRunner

from unstuck.cli import app
from unstuck.document import to_document

AS_OF = "2026-11-20"


class Cli:
    def __init__(self, db: str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(app, list(args), env={"UNSTUCK_DB": self.db})
        assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        return result.stdout if code == 0 else result.stderr

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json"))


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


@pytest.fixture
def loaded(cli: Cli, tmp_path: Path) -> Cli:
    doc = tmp_path / "pipeline.json"
    doc.write_text(json.dumps(to_document([acme(), globex()], ZoneInfo("UTC"))))
    cli("import", str(doc))
    return cli


def test_import_reports_what_it_did_and_reimport_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "pipeline.json"
    doc.write_text(json.dumps(to_document([acme(), globex()], ZoneInfo("UTC"))))
    assert "2 new, 0 updated, 0 unchanged" in cli("import", str(doc))
    assert "0 new, 0 updated, 2 unchanged" in cli("import", str(doc))
    assert cli.json("import", str(doc)) == {
        "dry_run": False,
        "created": 0,
        "updated": 0,
        "unchanged": 2,
    }


def test_a_dry_run_shows_the_changes_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "pipeline.json"
    doc.write_text(json.dumps(to_document([acme()], ZoneInfo("UTC"))))
    assert "Nothing was written" in cli("import", str(doc), "--dry-run")
    assert cli.json("deals", "--status", "all") == []


def test_a_bad_document_lists_every_problem_writes_nothing_and_exits_2(
    cli: Cli, tmp_path: Path
) -> None:
    good = to_document([acme(), globex()], ZoneInfo("UTC"))
    good["deals"][1]["touches"][0]["at"] = "31/31/2026"
    good["deals"][1]["value"] = -3
    doc = tmp_path / "bad.json"
    doc.write_text(json.dumps(good))
    err = cli("import", str(doc), code=2)
    assert "2 problems, nothing was written" in err
    assert "deals[1].touches[0].at: not a date: '31/31/2026'" in err
    assert "deals[1].value: must not be negative, got -3" in err
    assert cli.json("deals", "--status", "all") == []


def test_a_file_that_is_not_json_is_refused(cli: Cli, tmp_path: Path) -> None:
    doc = tmp_path / "notes.json"
    doc.write_text("hello")
    assert "not JSON" in cli("import", str(doc), code=2)


def test_deals_lists_open_deals_with_silence_and_time_in_stage(loaded: Cli) -> None:
    rows = loaded.json("deals", "--as-of", AS_OF)
    assert [r["id"] for r in rows] == ["globex-crm", "acme-fleet"]  # by stage order
    acme_row = rows[1]
    assert acme_row["days_since_reply"] == 61
    assert acme_row["unanswered"] == 2
    assert acme_row["days_in_stage"] == 71
    table = loaded("deals", "--as-of", AS_OF)
    assert "acme-fleet" in table and "61 d" in table and "never" in table


def test_deals_limit_shows_the_first_after_sorting_and_counts_them_all(loaded: Cli) -> None:
    every = loaded.json("deals", "--as-of", AS_OF, "--sort", "value")
    first = loaded.json("deals", "--as-of", AS_OF, "--sort", "value", "--limit", "1")
    assert len(every) == 2 and first == every[:1]
    table = loaded("deals", "--as-of", AS_OF, "--sort", "value", "--limit", "1")
    assert "2 open deals" in table and "the first 1 by value" in table
    assert every[0]["id"] in table and every[1]["id"] not in table
    assert "--limit" in loaded("deals", "--limit", "0", code=2)


def test_deals_filter_by_owner_stage_and_status(loaded: Cli) -> None:
    assert [r["id"] for r in loaded.json("deals", "--owner", "KIM@example.com")] == ["globex-crm"]
    assert [r["id"] for r in loaded.json("deals", "--stage", "proposal")] == ["acme-fleet"]
    assert loaded.json("deals", "--status", "won") == []
    assert "No deals match. Owner 'nobody' has none." in loaded("deals", "--owner", "nobody")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deals", "--as-of", "yesterday"], "--as-of: not a date: 'yesterday'"),
        (["deals", "--sort", "colour"], "--sort 'colour': use one of id, value"),
        (["deals", "--status", "maybe"], "--status 'maybe': use open, won, lost"),
        (["deal", "nope"], "no deal with id 'nope'"),
        (
            ["log", "acme-fleet", "--direction", "up", "--channel", "call"],
            "--direction 'up': use one of outbound, inbound",
        ),
        (
            ["log", "acme-fleet", "--direction", "inbound", "--channel", "call", "--with", "zed"],
            "--with 'zed': no such stakeholder on acme-fleet (known: alice, dana)",
        ),
        (["close", "acme-fleet", "--lost"], "--lost needs --reason"),
        (["close", "acme-fleet", "--nurture"], "--nurture needs --revisit-on"),
        (["close", "acme-fleet", "--won", "--lost"], "give exactly one of"),
        (["stage", "acme-fleet", "proposal"], "acme-fleet is already in proposal"),
        (
            ["stakeholder", "acme-fleet", "zoe", "--role", "boss"],
            "--role 'boss': use one of evaluation",
        ),
        (["add-deal", "acme-fleet"], "a deal with id 'acme-fleet' exists"),
        (
            ["answer", "acme-fleet", "budget", "yes", "--stakeholder", "ghost"],
            "--stakeholder 'ghost': no such person",
        ),
    ],
)
def test_user_errors_are_one_clear_line_and_exit_2(
    loaded: Cli, args: list[str], message: str
) -> None:
    err = loaded(*args, code=2)
    assert message in err
    assert "Traceback" not in err


def test_a_deal_can_be_worked_from_the_command_line(loaded: Cli) -> None:
    loaded(
        "add-deal",
        "initech",
        "--name",
        "Initech printers",
        "--account",
        "Initech",
        "--account-type",
        "one_off",
        "--owner",
        "sam@example.com",
        "--value",
        "9000",
        "--expected-close",
        "2027-01-31",
    )
    loaded(
        "stakeholder",
        "initech",
        "peter",
        "--name",
        "Peter Gibbons",
        "--role",
        "evaluation",
        "--role",
        "end_user",
        "--stance",
        "supportive",
        "--authority",
        "low",
    )
    loaded("stakeholder", "initech", "peter", "--stance", "resistant")
    loaded(
        "log",
        "initech",
        "--direction",
        "outbound",
        "--channel",
        "email",
        "--with",
        "peter",
        "--kind",
        "proposal_sent",
        "--at",
        "2026-11-02T09:00",
        "--summary",
        "Sent the quote.",
    )
    loaded(
        "log",
        "initech",
        "--direction",
        "inbound",
        "--channel",
        "call",
        "--with",
        "peter",
        "--at",
        "2026-11-03T10:00",
        "--summary",
        "Peter: need to check with my boss.",
    )
    loaded("answer", "initech", "budget", "Only after January", "--stakeholder", "peter")
    loaded("why", "initech", "Printers jam every morning before the shift starts.")
    loaded("stage", "initech", "qualified", "--at", "2026-11-04")
    loaded("close-date", "initech", "2027-02-28")
    deal = loaded.json("deal", "initech")
    assert deal["stage"] == "qualified"
    assert deal["stakeholders"][0]["stance"] == "resistant"
    assert deal["stakeholders"][0]["roles"] == ["evaluation", "end_user"]
    assert [t["direction"] for t in deal["touches"]] == ["outbound", "inbound"]
    assert deal["answers"][0]["answer"] == "Only after January"
    assert deal["why"].startswith("Printers jam")
    assert deal["expected_close"] == "2027-02-28"
    assert deal["close_date_history"][-1]["expected_close"] == "2027-02-28"
    row = next(r for r in loaded.json("deals", "--as-of", "2026-11-10") if r["id"] == "initech")
    assert (row["days_since_reply"], row["unanswered"], row["close_date_pushes"]) == (7, 0, 1)
    shown = loaded("deal", "initech")
    assert "Peter Gibbons" in shown and "Printers jam" in shown


def test_closing_a_deal_records_the_outcome(loaded: Cli) -> None:
    loaded("close", "globex-crm", "--lost", "--reason", "chose a competitor")
    loaded(
        "close",
        "acme-fleet",
        "--nurture",
        "--revisit-on",
        "2027-03-01",
        "--reason",
        "budget frozen",
    )
    assert loaded.json("deals") == []
    closed = {r["id"]: r for r in loaded.json("deals", "--status", "all")}
    assert closed["globex-crm"]["status"] == "lost"
    acme_deal = loaded.json("deal", "acme-fleet")
    assert (acme_deal["status"], acme_deal["revisit_on"]) == ("nurture", "2027-03-01")
    assert acme_deal["lost_reason"] == "budget frozen"


def test_export_reimports_to_the_same_pipeline(loaded: Cli, tmp_path: Path, db_url: str) -> None:
    first = loaded("export")
    out = tmp_path / "again.json"
    out.write_text(first)
    assert "0 new, 0 updated, 2 unchanged" in loaded("import", str(out))
    assert loaded("export") == first
    lines = loaded("export", "--format", "jsonl").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["acme-fleet", "globex-crm"]


def test_config_show_names_every_setting_and_its_source(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "unstuck.toml").write_text("[thresholds]\nquiet_days = 21\n")
    monkeypatch.setenv("UNSTUCK_TIMEZONE", "Europe/Paris")
    shown = cli.json("config", "show")
    assert shown["thresholds.quiet_days"] == {
        "value": 21.0,
        "source": str(tmp_path / "unstuck.toml"),
    }
    assert shown["timezone"] == {"value": "Europe/Paris", "source": "UNSTUCK_TIMEZONE"}
    assert shown["thresholds.stage_factor"]["source"] == "default"


def test_a_bad_setting_names_the_key_and_what_is_allowed(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "unstuck.toml").write_text("[thresholds]\nquiet_days = 'soon'\n")
    err = cli("config", "show", code=2)
    assert "thresholds.quiet_days = 'soon'" in err and "expected a number" in err


def test_init_and_db_upgrade_say_where_the_database_is(cli: Cli) -> None:
    assert "Ready:" in cli("init")
    assert "is up to date" in cli("db", "upgrade")
    assert "Rebuilt the summaries of 0 deals" in cli("db", "rebuild-summaries")


def test_an_unreachable_database_url_exits_2() -> None:
    result = CliRunner().invoke(app, ["deals", "--db", "postgresql://127.0.0.1:1/none"])
    assert result.exit_code == 2
    assert "cannot connect to PostgreSQL database" in result.stderr


def test_the_version_is_printed() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.stdout.startswith("unstuck 0.")


def test_a_large_table_is_printed_as_plain_aligned_text(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.table import Table

    from unstuck.cli.common import PLAIN_TABLE_ROWS, print_table

    table = Table(title="Many deals")
    table.add_column("Deal", max_width=8)
    table.add_column("Value", justify="right")
    for n in range(PLAIN_TABLE_ROWS + 1):
        table.add_row(f"[red]deal-number-{n}[/]", f"{n:,}")
    print_table(table)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Many deals"
    assert lines[1].split() == ["Deal", "Value"]
    assert lines[3] == "deal-nu…      0"
    assert lines[-1] == f"deal-nu…    {PLAIN_TABLE_ROWS}"
    assert len(lines) == PLAIN_TABLE_ROWS + 4


def write_lines(
    path: Path, deals: list[dict[str, object]], bad: dict[int, str] | None = None
) -> None:
    lines = [json.dumps(d) for d in deals]
    for index, text in (bad or {}).items():
        lines[index] = text
    path.write_text("\n".join(lines) + "\n")


def many_deals(count: int) -> list[dict[str, object]]:
    return [
        {"id": f"d{n}", "stage": "lead", "created": "2026-01-05", "value": n} for n in range(count)
    ]


def test_a_json_lines_file_is_imported_in_batches_and_reimported_unchanged(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unstuck import service

    monkeypatch.setattr(service, "STREAM_BATCH", 3)
    path = tmp_path / "pipeline.jsonl"
    write_lines(path, many_deals(8))
    assert "Imported 8 deals: 8 new, 0 updated, 0 unchanged." in cli("import", str(path))
    assert "0 new, 0 updated, 8 unchanged" in cli("import", str(path))
    assert len(cli.json("deals")) == 8


def test_a_bad_line_late_in_a_json_lines_file_leaves_nothing_written(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unstuck import service

    monkeypatch.setattr(service, "STREAM_BATCH", 2)  # earlier batches are already written
    path = tmp_path / "pipeline.jsonl"
    deals = many_deals(7)
    deals[5]["value"] = -1
    write_lines(path, deals, bad={6: "{oops"})
    err = cli("import", str(path), code=2)
    assert "2 problems, nothing was written" in err
    assert "deals[5].value: must not be negative, got -1" in err
    assert "line 7: not JSON" in err
    assert cli.json("deals", "--status", "all") == []


def test_each_command_is_loaded_from_the_module_that_registers_it() -> None:
    """``unstuck CMD`` imports only ``COMMANDS[CMD]``: the table must match the modules."""
    import typer

    from unstuck.cli import COMMANDS, MODULES, build_app, modules_for

    registered: dict[str, str] = {}
    for module in MODULES:
        names = [c.name for c in build_app([module]).registered_commands]
        names += [g.name for g in build_app([module]).registered_groups]
        registered.update(dict.fromkeys((n for n in names if n), module))
    assert registered == COMMANDS
    assert modules_for(["review", "--as-of", "2026-01-01"]) == ("review",)
    assert modules_for(["--help"]) == MODULES
    assert modules_for(["no-such-command"]) == MODULES
    assert isinstance(build_app(), typer.Typer)


def test_the_installed_entry_point_runs_a_command_and_lists_all_of_them(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "entry.db")
    run = [sys.executable, "-m", "unstuck"]
    done = subprocess.run([*run, "init", "--db", db], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([*run, "deals", "--db", db], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    helped = subprocess.run([*run, "--help"], capture_output=True, text=True)
    assert all(name in helped.stdout for name in ("review", "stalled", "serve", "score"))
    wrong = subprocess.run([*run, "reveiw"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "review" in wrong.stderr
