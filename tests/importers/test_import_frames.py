"""Reading activities by columns gives exactly what reading them row by row gives."""

from __future__ import annotations

import random
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from unstuck.importers.activities import parse_activities
from unstuck.importers.base import FileRole
from unstuck.importers.frames import parse_frames, to_frame, usable
from unstuck.importers.reader import recognise
from unstuck.importers.rejects import RejectLog

HEADER = (
    "Activity - Type,Activity - Subject,Activity - Due date,Activity - Due time,"
    "Activity - Done,Activity - Deal ID,Activity - Contact person,Activity - Note\n"
)
DEALS = "Deal - ID,Deal - Title,Deal - Stage,Deal - Deal created\n1,One,Qualified,2026-01-01\n"
# Cells chosen to trip every rule: footer words and their look-alikes, spaces only Python
# strips, non-ASCII first letters, dates the fast path leaves to the generic parser,
# unknown done flags, commas, quotes and newlines inside cells, overlong notes.
TYPES = ["call", "Call ", "email", "task", " Totally", "", "ſummary", "\x1ccall", "Ünï", "tota"]
TEXTS = ["Intro", "", " Pad ", "a,b", 'say "hi"', "two\nlines", "x" * 600, "\xa0nb\xa0", "\x1fc"]
DAYS = ["2026-06-03", "2026-6-3", "13/06/2026", "", "2026-02-30", " 2026-06-04 ", "20260603"]
DAYS += ["2026-06-03T10:00:00Z"]
CLOCKS = ["10:00", "", "25:99", "9:00 PM", "10:00:59"]
FLAGS = ["Done", "To do", "", "maybe", "YES", "nein", " true "]
DEAL_IDS = ["1", "2", "", "999", " 3 "]
PEOPLE = ["Joe Park", "", "joe park", " Ana  Lima "]


def _cell(rng: random.Random, text: str) -> str:
    if any(c in text for c in ',"\n') or rng.random() < 0.1:
        return '"' + text.replace('"', '""') + '"'
    return text


def _export(path: Path, rows: int, seed: int, footer: str, odd: str = "") -> Path:
    rng = random.Random(seed)
    lines = [HEADER]
    for number in range(rows):
        if odd and number == rows // 2:
            lines.append(odd)
        pick = rng.random()
        if pick < 0.01:
            lines.append("\n")  # blank line
        elif pick < 0.02:
            lines.append(",,,,,,,\n")  # only separators
        elif pick < 0.03:
            lines.append(_cell(rng, rng.choice(TYPES)) + "\n")  # one cell
        elif pick < 0.04:
            lines.append(",".join(_cell(rng, rng.choice(TYPES)) for _ in range(3)) + "\n")
        elif pick < 0.05:
            lines.append("call,x,2026-06-03,10:00,Done,1,Joe,n,extra,more\n")  # long row
        else:
            cells = [rng.choice(TYPES), rng.choice(TEXTS), rng.choice(DAYS), rng.choice(CLOCKS)]
            cells += [rng.choice(FLAGS), rng.choice(DEAL_IDS), rng.choice(PEOPLE)]
            cells += [rng.choice(TEXTS)]
            if rng.random() < 0.6:  # most rows are clean
                day, clock = f"2026-06-{rng.randint(1, 28):02d}", f"10:{rng.randint(0, 59):02d}"
                cells = ["call", "Intro", day, clock, "Done", "1", rng.choice(PEOPLE), "n"]
            end = "\r\n" if rng.random() < 0.1 else "\n"
            lines.append(",".join(_cell(rng, c) for c in cells) + end)
    if footer:  # a report footer line: nothing after it is data
        lines.append(f"{footer},,,\ncall,x,2026-06-03,10:00,Done,1,,\n")
    path.write_text("".join(lines), encoding="utf-8", newline="")
    return path


def _both(tmp_path: Path, rows: int, seed: int, footer: str, odd: str = "") -> tuple[tuple, tuple]:  # type: ignore[type-arg]
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    activities = _export(tmp_path / "activities.csv", rows, seed, footer, odd)
    found, parsers, _ = recognise([deals, activities], "auto", None, None, ZoneInfo("UTC"))
    source, match = next(f for f in found if f[1].layout.role is FileRole.ACTIVITIES)
    assert usable(source, match)
    dates = parsers[source.name]
    results = []
    for by_columns in (True, False):
        log = RejectLog()
        if by_columns:
            frames = list(parse_frames(source, match, dates, log, 300))
            assert len(frames) > 1  # several batches, so their seams are crossed
            frame = pl.concat(frames)
        else:
            rows_read = [r for b in parse_activities(source, match, dates, log, 300) for r in b]
            frame = to_frame(rows_read)
        rejects = [(str(r), r.row) for r in log.kept]
        results.append((frame.rows(), rejects, log.rows, source.footer_lines))
    return results[0], results[1]


# "ſ" is a long s: Python's case-insensitive match reads "ſalesforce.com" as a footer.
@pytest.mark.parametrize(
    ("seed", "footer"), [(1, ""), (2, ""), (3, "Grand Totals"), (4, "ſalesforce.com report")]
)
def test_columns_and_rows_read_the_same_activities_rejects_and_footers(tmp_path, seed, footer):
    by_columns, by_rows = _both(tmp_path, 3000, seed, footer)
    assert by_columns == by_rows
    rows, _, rejected, footers = by_columns
    assert len(rows) > 2000 and rejected > 100 and footers > 10  # every kind was met


@pytest.mark.parametrize(
    "odd",
    [
        'call,"ab"c,2026-06-03,10:00,Done,1,Joe,n\n',  # text after a closing quote
        'call,"unclosed,2026-06-03,10:00,Done,1,Joe,n\n',  # a quote never closed
    ],
)
def test_a_record_polars_splits_otherwise_hands_the_rest_to_the_csv_module(tmp_path, odd):
    by_columns, by_rows = _both(tmp_path, 3000, 1, "", odd)
    assert by_columns == by_rows


def test_a_file_with_trailing_empty_header_columns_is_read_row_by_row(tmp_path):
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    activities = tmp_path / "activities.csv"
    activities.write_text(HEADER.replace("\n", ",,\n") + "call,x,2026-06-03,10:00,Done,1,,,,\n")
    found, _, _ = recognise([deals, activities], "auto", None, None, ZoneInfo("UTC"))
    source, match = next(f for f in found if f[1].layout.role is FileRole.ACTIVITIES)
    assert not usable(source, match)
