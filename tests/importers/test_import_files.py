"""Awkward files: encodings, delimiters, XLSX, dates, rejects, wrong formats."""

from __future__ import annotations

import csv
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from unstuck.errors import InputError
from unstuck.importers import Reject
from unstuck.importers.values import DateParser, amount

UTC = ZoneInfo("UTC")

ZOHO = """
Record Id,Deal Name,Account Name,Stage,Amount,Closing Date,Created Time,Deal Owner,Description
z1,Café pilot,Société Générale Exemple,Qualification,"1.234,56",14.03.2027,01.02.2027 09:00,Zoë Seller,"two
lines"
"""


def test_latin1_files_are_read_with_a_hint(write, read):
    batch = read(write("deals.csv", ZOHO.replace('"1.234,56"', "1234.56"), "latin-1"))
    deal = batch.pipeline.deals[0]
    assert (deal.name, deal.owner) == ("Café pilot", "Zoë Seller")
    assert "is not UTF-8" in batch.detected and "CSV UTF-8" in batch.detected


def test_utf16_tab_separated_files_from_excel_are_read(write, read):
    text = ZOHO.replace(",", "\t").replace('"1.234\t56"', "1234.56")
    deal = read(write("deals.txt", "\ufeff" + text, "utf-16-le", "\r\n")).pipeline.deals[0]
    assert deal.value == 1234.56 and deal.fields == {"Description": "two\r\nlines"}


def test_semicolon_files_use_decimal_commas_and_eu_dates(write, read):
    deal = read(write("deals.csv", ZOHO.replace(",", ";").replace('"1.234;56"', "1.234,56")))
    only = deal.pipeline.deals[0]
    assert only.value == 1234.56
    assert only.expected_close == date(2027, 3, 14) and only.created == datetime(2027, 2, 1, 9)
    assert only.fields == {"Description": "two\nlines"}


def test_xlsx_files_are_read_with_typed_cells(tmp_path, read):
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Deal - ID", "Deal - Title", "Deal - Stage", "Deal - Status", "Deal - Value",
                  "Deal - Deal created", "Deal - Seats"])  # fmt: skip
    sheet.append([7, "Acme", "Qualified", "open", 1200.5, datetime(2026, 6, 1, 8, 30), 12])
    path = tmp_path / "deals.xlsx"
    book.save(path)
    deal = read(path).pipeline.deals[0]
    assert (deal.id, deal.value, deal.created) == ("7", 1200.5, datetime(2026, 6, 1, 8, 30))
    assert deal.fields == {"Seats": 12}


AMBIGUOUS = """
Opportunity Name,Account Name,Stage,Close Date,Created Date
One,Acme,Prospecting,3/4/2027,1/2/2027
Two,Globex,Prospecting,5/6/2027,2/2/2027
"""


def test_dates_ambiguous_in_the_whole_column_need_a_date_format(write, read):
    path = write("report.csv", AMBIGUOUS)
    with pytest.raises(InputError) as caught:
        read(path)
    (problem,) = caught.value.problems
    assert "'Close Date'" in problem and "'3/4/2027'" in problem
    assert "--date-format '%d/%m/%Y'" in problem
    day_first = read(path, date_format="%d/%m/%Y").pipeline.deals[0]
    assert day_first.expected_close == date(2027, 4, 3)


def test_one_unambiguous_date_settles_the_whole_file(write, read):
    deals = read(write("report.csv", AMBIGUOUS + "Three,Initech,Prospecting,25/6/2027,2/2/2027\n"))
    assert deals.pipeline.deals[0].expected_close == date(2027, 4, 3)


def test_a_file_that_fits_no_format_names_the_closest_and_what_is_missing(write, read):
    path = write("export.csv", "Deal - ID,Deal - Value,Deal - Owner\n1,100,Sam\n")
    with pytest.raises(InputError) as caught:
        read(path)
    (problem,) = caught.value.problems
    assert "Closest: a Pipedrive deals export (--format pipedrive)" in problem
    assert "'Deal - Title', 'Deal - Stage'" in problem
    assert "--format csv --mapping" in problem


BAD_ROWS = """
Deal - ID,Deal - Title,Deal - Stage,Deal - Status,Deal - Value,Deal - Deal created
1,Good,Qualified,open,100,2026-06-01
2,Bad value,Qualified,open,lots,2026-06-01
3,,Qualified,sleeping,100,2026-13-45
4,Also good,Qualified,won,"1,200",2026-06-02
1,Dup,Qualified,open,1,2026-06-01
"""


def test_rejected_rows_are_reported_with_file_line_and_column_all_at_once(write, read, tmp_path):
    path = write("deals.csv", BAD_ROWS)
    batch = read(path)
    assert [d.id for d in batch.pipeline.deals] == ["1", "4"]
    assert batch.rows_ok == 2
    assert [(r.line, r.column) for r in batch.rejects] == [
        (3, "Deal - Value"),
        (4, "Deal - Status"),
        (4, "Deal - Title"),
        (4, "Deal - Deal created"),
        (6, "Deal - ID"),
    ]
    assert str(batch.rejects[0]) == f"{path}:3: Deal - Value: not an amount: 'lots' " + (
        "(expected e.g. 12000, 12,000.00 or USD 12,000.00)"
    )
    assert "duplicate id '1' (first at" in batch.rejects[-1].reason
    out = tmp_path / "rejects.csv"
    batch.write_rejects(out)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Deal - ID"] for r in rows] == ["2", "3", "1"]
    assert rows[1]["unstuck_line"] == "4" and rows[1]["unstuck_reason"].count(" | ") == 2


def test_a_fixed_rejects_file_imports_like_the_original(write, read, tmp_path):
    batch = read(write("deals.csv", BAD_ROWS))
    out = tmp_path / "rejects.csv"
    batch.write_rejects(out)
    fixed = out.read_text(encoding="utf-8-sig").replace("lots", "250")
    again = read(write("fixed.csv", fixed))
    assert [d.id for d in again.pipeline.deals] == ["2", "1"]  # the duplicate is now alone
    assert again.pipeline.deals[0].value == 250 and again.pipeline.deals[0].fields == {}
    assert {r.line for r in again.rejects} == {3}  # the row still broken


def test_reject_prints_as_file_line_column_reason():
    assert str(Reject("a.csv", 3, "Amount", "not an amount")) == "a.csv:3: Amount: not an amount"
    assert str(Reject("a.csv", 3, None, "empty row")) == "a.csv:3: empty row"


@pytest.mark.parametrize(
    ("raw", "decimal", "expected"),
    [
        ("1.234,56", ",", (1234.56, None)),
        ("1,234.56", ".", (1234.56, None)),
        ("1.234,56", ".", (1234.56, None)),
        ("USD 12,000.00", ".", (12000.0, "USD")),
        ("12 000,50 €", ",", (12000.5, "EUR")),
        ("$1,234,567", ".", (1234567.0, None)),
        ("12,5", ".", (12.5, None)),
        ("1.234", ",", (1234.0, None)),
    ],
)
def test_amounts_in_the_shapes_exports_write(raw, decimal, expected):
    assert amount(raw, decimal) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2019-03-14T09:12:00.000Z", datetime(2019, 3, 14, 9, 12)),
        ("2019-03-14T10:12:00+01:00", datetime(2019, 3, 14, 9, 12)),
        ("2019-03-14 09:12", datetime(2019, 3, 14, 9, 12)),
        ("3/14/2019", datetime(2019, 3, 14)),
        ("3/14/2019 9:12 PM", datetime(2019, 3, 14, 21, 12)),
        ("14.03.2019", datetime(2019, 3, 14)),
        ("14/03/2019", datetime(2019, 3, 14)),
        ("Mar 14, 2019 09:12 AM", datetime(2019, 3, 14, 9, 12)),
        ("14-Mar-2019", datetime(2019, 3, 14)),
    ],
)
def test_dates_in_the_formats_exports_use(raw, expected):
    assert DateParser(UTC).when(raw) == expected


_DIGITS = st.text(st.sampled_from("0123456789"), min_size=1, max_size=1)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_DIGITS, min_size=14, max_size=14).map("".join),
    st.sampled_from([10, 16, 19]),
    st.sampled_from([" ", "T"]),
    st.sampled_from(["UTC", "Europe/Paris", "America/New_York"]),
)
def test_plain_iso_dates_read_in_c_as_the_full_reading_reads_them(
    digits: str, length: int, separator: str, zone: str
) -> None:
    """The fast path (fromisoformat) against the full one, on any digits: real dates and
    impossible ones (month 13, day 31 in June, hour 24) alike."""
    d = digits
    raw = f"{d[:4]}-{d[4:6]}-{d[6:8]}{separator}{d[8:10]}:{d[10:12]}:{d[12:14]}"[:length]
    parser = DateParser(ZoneInfo(zone))
    try:
        expected = parser._parse_text(raw)
    except ValueError as exc:
        with pytest.raises(ValueError) as raised:
            parser.when(raw)
        assert str(raised.value) == str(exc)
        return
    assert parser._parse(raw) == expected
    moment, _ = expected
    local = moment.replace(tzinfo=ZoneInfo(zone)).astimezone(ZoneInfo("UTC"))
    assert parser.when(raw) == local.replace(tzinfo=None)
