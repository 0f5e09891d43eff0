"""Any table through a mapping, write_mapping, export_table round trips, the Maven set."""

from __future__ import annotations

import csv
import os
import tomllib
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from unstuck.domain import Status
from unstuck.errors import InputError
from unstuck.importers import FORMATS, export_table, write_mapping

SHEET = """
Opp #,Title,Company,Phase,Result,Size,Opened,Target date,Region,Internal
A-1,Fleet,Acme,Discovery,,"12,000",2026-06-01,2026-10-31,EMEA,x
A-2,Pilot,Globex,Contract,Signed,900,2026-05-01,2026-08-01,NA,y
A-3,Renewal,Initech,Discovery,Parked,50,2026-05-01,,NA,z
"""
MAPPING = """
[file]
decimal = "."

[columns]
"Opp #" = "id"
"Title" = "name"
"Company" = "account"
"Phase" = "stage"
"Result" = "status"
"Size" = "value"
"Opened" = "created"
"Target date" = "expected_close"
"Region" = "field:region"
"Internal" = "ignore"

[status]
"Signed" = "won"
"Parked" = "nurture"

[stages]
"Contract" = "Contract sent"
"""


def test_any_csv_imports_through_a_mapping(write, read):
    batch = read(write("sheet.csv", SHEET), mapping=write("mapping.toml", MAPPING))
    assert batch.format == "csv" and batch.rejects == []
    fleet, pilot, renewal = batch.pipeline.deals
    assert (fleet.id, fleet.value, fleet.status) == ("A-1", 12000.0, Status.OPEN)
    assert fleet.fields == {"region": "EMEA"}
    assert (pilot.stage, pilot.status) == ("Contract sent", Status.WON)
    assert renewal.status is Status.NURTURE
    assert "1 ignored" in batch.detected


def test_a_mapping_with_mistakes_lists_every_one(write, read):
    bad = '[columns]\n"Phase" = "stag"\n[status]\n"Signed" = "wonn"\n[extra]\n'
    with pytest.raises(InputError) as caught:
        read(write("sheet.csv", SHEET), mapping=write("mapping.toml", bad))
    problems = caught.value.problems
    assert any(p.startswith("columns.Phase: unknown target 'stag'") for p in problems)
    assert any(p.startswith("status.Signed: 'wonn'") for p in problems)
    assert any(p.startswith("extra: unknown section") for p in problems)


def test_write_mapping_guesses_from_the_headers_and_its_output_imports(write, read, tmp_path):
    sheet = write("sheet.csv", SHEET)
    out = tmp_path / "mapping.toml"
    write_mapping([sheet], out)
    text = out.read_text()
    parsed = tomllib.loads(text)
    assert parsed["columns"]["Opp #"] == "id"
    assert parsed["columns"]["Phase"] == "stage"
    assert parsed["columns"]["Size"] == "value"
    assert parsed["columns"]["Target date"] == "expected_close"
    assert parsed["columns"]["Region"] == "field"
    assert parsed["status"] == {"Signed": "open", "Parked": "nurture"}
    assert "# guessed from the name: check it" in text
    batch = read(sheet, format="csv", mapping=out)
    assert [d.id for d in batch.pipeline.deals] == ["A-1", "A-2", "A-3"]
    assert batch.pipeline.deals[0].fields == {"Region": "EMEA", "Internal": "x"}


def test_write_mapping_asks_for_a_date_format_when_dates_are_ambiguous(write, tmp_path):
    sheet = write("sheet.csv", "Title,Phase,Opened\nOne,New,3/4/2027\n")
    out = tmp_path / "mapping.toml"
    write_mapping([sheet], out)
    assert tomllib.loads(out.read_text())["file"]["date_format"] == "%m/%d/%Y"
    assert "ambiguous" in out.read_text()


HUBSPOT = """
Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner,Associated Company,Deal Type,Seats,stage
1,Acme fleet,closedwon,48000.5,2026-10-31,2026-06-01 09:30,Sam,Acme,newbusiness,12,x
2,Globex,qualifiedtobuy,,,2026-05-02,Kim,Globex,,,
"""


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_table_round_trips_through_read_files(write, read, tmp_path, kind):
    original = read(write("hubspot.csv", HUBSPOT)).pipeline.deals
    out = tmp_path / f"deals.{kind}"
    export_table(original, kind, out)
    batch = read(out)
    assert batch.format == "unstuck" and batch.rejects == []
    assert batch.detected.startswith("Detected an Unstuck table export")
    keep = ("id", "name", "account", "owner", "stage", "status", "value", "currency",
            "created", "expected_close", "fields")  # fmt: skip
    again = batch.pipeline.deals
    assert [[getattr(d, k) for k in keep] for d in again] == [
        [getattr(d, k) for k in keep] for d in original
    ]
    assert original[0].fields["stage"] == "x"  # a field named like a column survives


def test_export_table_reimports_with_a_generated_mapping(write, read, tmp_path):
    original = read(write("hubspot.csv", HUBSPOT)).pipeline.deals
    out = tmp_path / "deals.csv"
    export_table(original, "csv", out)
    mapping = tmp_path / "mapping.toml"
    write_mapping([out], mapping)
    again = read(out, format="csv", mapping=mapping).pipeline.deals
    assert [(d.id, d.status, d.created, d.fields) for d in again] == [
        (d.id, d.status, d.created, d.fields) for d in original
    ]


def test_formats_are_the_documented_names():
    assert FORMATS == ("unstuck", "hubspot", "salesforce", "pipedrive", "zoho", "csv")


def test_progress_is_reported_as_rows_are_read(write, read):
    rows = "".join(f"{n},Deal {n},Qualified,open\n" for n in range(25_000))
    path = write("deals.csv", "Deal - ID,Deal - Title,Deal - Stage,Deal - Status\n" + rows)
    seen: list[int] = []
    batch = read(path, progress=seen.append)
    assert seen == [10_000, 20_000, 25_000] and batch.rows_ok == 25_000


MAVEN = os.environ.get("UNSTUCK_MAVEN_DIR")


@pytest.mark.skipif(not MAVEN, reason="set UNSTUCK_MAVEN_DIR to the Maven CRM data set")
def test_the_maven_data_set_imports_with_the_counts_of_its_source(read):
    folder = Path(MAVEN or ".")
    with (folder / "sales_pipeline.csv").open(newline="", encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    batch = read(folder)
    assert batch.rejects == []
    assert batch.format == "csv"
    assert len(batch.pipeline.deals) == len(source)
    assert Counter(d.stage for d in batch.pipeline.deals) == Counter(
        r["deal_stage"] for r in source
    )
    by_id = {d.id: d for d in batch.pipeline.deals}
    won = next(r for r in source if r["deal_stage"] == "Won")
    deal = by_id[won["opportunity_id"]]
    assert deal.status is Status.WON and deal.value == float(won["close_value"])
    assert deal.created == datetime.fromisoformat(won["engage_date"])
    assert deal.expected_close == date.fromisoformat(won["close_date"])
    assert "manager" in deal.fields and "product_series" in deal.fields
    statuses = Counter(d.status for d in batch.pipeline.deals)
    assert statuses[Status.LOST] == sum(r["deal_stage"] == "Lost" for r in source)
