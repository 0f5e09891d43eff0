"""``export_table``: one row per deal, flat columns then custom fields, as CSV or XLSX.

The table is for spreadsheets and for going back in: read_files recognises it as our
own table (``format='unstuck'``), and a mapping written from it maps every column.
Histories, stakeholders and touches are not flat; the JSON document carries those.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from unstuck.domain import Deal, FieldValue
from unstuck.importers.generic import FIELD_PREFIX, TABLE_COLUMNS

Value = str | int | float | bool | datetime | date | None


def export_table(
    deals: Iterable[Deal],
    format: Literal["csv", "xlsx"],
    out: Path,
    *,
    tz: ZoneInfo | None = None,
) -> None:
    """Write the deals as a table. Times are UTC with a ``Z`` in CSV unless ``tz`` is
    given (then local, without offset); XLSX cells hold real dates in ``tz`` (UTC by
    default), so import an XLSX with the same ``tz`` it was written with."""
    deals = list(deals)
    names = sorted({name for deal in deals for name in deal.fields})
    header = [*TABLE_COLUMNS, *(_field_column(name) for name in names)]
    rows = ([*_flat(deal, format, tz), *(deal.fields.get(n) for n in names)] for deal in deals)
    if format == "csv":
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([_csv_text(value) for value in row])
    elif format == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("deals")
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        book.save(out)
    else:
        raise ValueError(f"unknown table format {format!r}; use csv or xlsx")


def _field_column(name: str) -> str:
    clash = name in TABLE_COLUMNS or name.startswith(FIELD_PREFIX)
    return f"{FIELD_PREFIX}{name}" if clash else name


def _flat(deal: Deal, format: str, tz: ZoneInfo | None) -> list[Value]:
    return [
        deal.id, deal.name, deal.account,
        deal.account_type.value if deal.account_type else None, deal.owner, deal.stage,
        deal.status.value, _number(deal.value), deal.currency,
        _moment(deal.created, format, tz), deal.expected_close, deal.lost_reason,
        deal.revisit_on, deal.why,
    ]  # fmt: skip


def _moment(moment: datetime, format: str, tz: ZoneInfo | None) -> Value:
    local = moment.replace(tzinfo=UTC).astimezone(tz or UTC).replace(tzinfo=None)
    if format == "xlsx":
        return local
    if tz is None:
        return moment.isoformat(timespec="seconds") + "Z"
    return local.date().isoformat() if local.time() == time() else local.isoformat()


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def _csv_text(value: Value | FieldValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


__all__ = ["export_table"]
