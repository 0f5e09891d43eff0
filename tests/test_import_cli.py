"""`unstuck import` of CRM exports and `unstuck export` to tables, end to end."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from unstuck.cli import app

HUBSPOT = """Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date,Create Date,Deal owner,Associated Company,Closed lost reason
9001,Acme fleet,Qualified To Buy,Sales Pipeline,48000,2026-10-31,2026-06-01 09:30,Sam Seller,Acme Corp,
9002,Globex pilot,closedlost,Sales Pipeline,"12,500.50",2026-08-01,2026-05-02,Kim Seller,Globex,Went with a competitor
9003,Initech renewal,appointmentscheduled,Sales Pipeline,,,2026-07-07,Sam Seller,Initech,
"""
BAD_ROW = "9004,Bad dates,Qualified To Buy,Sales Pipeline,100,someday,never,Sam Seller,Hooli,\n"


def invoke(db: str, *args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout, result.stderr


@pytest.fixture
def hubspot(tmp_path: Path) -> Path:
    path = tmp_path / "hubspot-crm-exports-all-deals-2026-11-20.csv"
    path.write_text(HUBSPOT, encoding="utf-8-sig")
    return path


def test_a_hubspot_export_is_detected_and_imported_idempotently(db_url: str, hubspot: Path) -> None:
    out, err = invoke(db_url, "import", str(hubspot))
    assert "Detected a HubSpot deals export" in err
    assert "3 new, 0 updated, 0 unchanged" in out
    out, _ = invoke(db_url, "import", str(hubspot))
    assert "0 new, 0 updated, 3 unchanged" in out
    deals = json.loads(invoke(db_url, "deals", "--status", "all", "--json")[0])
    by_id = {d["id"]: d for d in deals}
    assert by_id["9002"]["status"] == "lost" and by_id["9002"]["value"] == 12500.5
    assert by_id["9001"]["stage"] == "Qualified To Buy"


def test_bad_rows_stop_the_import_with_file_line_and_reason(
    db_url: str, hubspot: Path, tmp_path: Path
) -> None:
    with hubspot.open("a", encoding="utf-8") as handle:
        handle.write(BAD_ROW)
    _, err = invoke(db_url, "import", str(hubspot), code=2)
    assert f"{hubspot.name}:5:" in err
    assert "3 rows are fine" in err and "--skip-bad-rows" in err
    assert json.loads(invoke(db_url, "deals", "--status", "all", "--json")[0]) == []


def test_skip_bad_rows_imports_the_rest_and_keeps_the_rejects(
    db_url: str, hubspot: Path, tmp_path: Path
) -> None:
    with hubspot.open("a", encoding="utf-8") as handle:
        handle.write(BAD_ROW)
    rejects = tmp_path / "rejects.csv"
    out, _ = invoke(db_url, "import", str(hubspot), "--skip-bad-rows", str(rejects))
    assert "3 new" in out
    with rejects.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Record ID"] for r in rows] == ["9004"]


def test_a_dry_run_of_a_crm_export_writes_nothing(db_url: str, hubspot: Path) -> None:
    out, _ = invoke(db_url, "import", str(hubspot), "--dry-run")
    assert "Would import 3 deals: 3 new" in out
    assert json.loads(invoke(db_url, "deals", "--status", "all", "--json")[0]) == []


def test_a_file_of_no_known_format_names_the_closest(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Colour,Shape\nred,round\n")
    _, err = invoke(db_url, "import", str(path), code=2)
    assert "odd.csv" in err and "closest" in err.lower()


def test_write_mapping_then_import_with_it(db_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("Opportunity,Phase,Worth,Opened\nBig one,proposal,1000,2026-03-01\n")
    mapping = tmp_path / "map.toml"
    out, _ = invoke(db_url, "import", str(sheet), "--write-mapping", str(mapping))
    assert mapping.is_file() and "Wrote a starting mapping" in out
    out, _ = invoke(db_url, "import", str(sheet), "--mapping", str(mapping), "--format", "csv")
    assert "1 new" in out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_to_a_table_reimports_unchanged(
    db_url: str, hubspot: Path, tmp_path: Path, fmt: str
) -> None:
    invoke(db_url, "import", str(hubspot))
    table = tmp_path / f"pipeline.{fmt}"
    out, _ = invoke(db_url, "export", "--format", fmt, "--output", str(table))
    assert "Wrote 3 deals" in out
    out, _ = invoke(db_url, "import", str(table))
    assert "0 new, 0 updated, 3 unchanged" in out


def test_a_table_export_needs_an_output_file(db_url: str) -> None:
    _, err = invoke(db_url, "export", "--format", "xlsx", code=2)
    assert "--format xlsx needs --output FILE" in err
