"""The activity fast path reads exactly what the generic row mapping reads, in bounded memory."""

from __future__ import annotations

import tracemalloc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from unstuck.domain import Channel, Direction, Touch
from unstuck.importers.activities import _fast_when
from unstuck.importers.stream import stream_files
from unstuck.importers.values import DateParser
from unstuck.store.bulk_touches import fingerprint
from unstuck.store.rows import touch_fingerprint

DEALS = "Deal - ID,Deal - Title,Deal - Stage,Deal - Deal created\n" + "".join(
    f"{n},Deal {n},Qualified,2026-01-01\n" for n in range(1, 101)
)


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize(
    "text",
    [
        "2026-06-03",
        "2026-06-03 10:00",
        "2026-06-03 10:00:59",
        "2026-06-03T10:00:00.000Z",
        "2026-06-03T10:00:00.5+02:00",
        "2026-06-03T10:00:00-0500",
        "2026-03-29 02:30",  # a time that does not exist in Berlin
        "2026-06-03T10",
        "2026-06-03x10:00",
        "2026-02-30",
        "2026-6-3",
        "2026/06/03",
        "2026-06-03 9:00 PM",
        "2026-06-03 10:00 UTC",
        "2026-06-03 24:00",
        "2026-06-03T10:00:00+01",
        "20260603",
        "2026-W23-3",
    ],
)
def test_fast_dates_are_the_generic_parser_s_dates_or_left_to_it(text, zone):
    tz = ZoneInfo(zone)
    fast = _fast_when(tz)(text)
    try:
        slow: datetime | None = DateParser(tz).when(text)
    except ValueError:
        slow = None
    assert fast is None or fast == slow


def _activities(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            "Activity - Type,Activity - Subject,Activity - Due date,Activity - Due time,"
            "Activity - Done,Activity - Deal ID,Activity - Contact person,Activity - Note\n"
        )
        for n in range(count):
            handle.write(
                f"call,Call {n},2026-{1 + n % 12:02d}-{1 + n % 28:02d},10:{n % 60:02d},Done,"
                f"{1 + n % 100},Person {n % 7},{'x' * (n % 300)}\n"
            )
    return path


def _peak(tmp_path: Path, count: int) -> int:
    deals = tmp_path / "deals.csv"
    deals.write_text(DEALS, encoding="utf-8")
    activities = _activities(tmp_path / f"activities-{count}.csv", count)
    tracemalloc.start()
    try:
        with stream_files([deals, activities], tz=ZoneInfo("UTC")) as stream:
            for _ in stream.deals():
                pass
            rows = sum(len(batch) for batch in stream.activities())
            _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == count
    return peak


def test_reading_activities_takes_memory_that_does_not_grow_with_the_file(tmp_path):
    small, large = _peak(tmp_path, 50_000), _peak(tmp_path, 200_000)
    assert large < 40 * 2**20  # one batch of 20,000 rows and the lookup tables
    assert large < small * 1.3  # four times the rows, about the same memory


@pytest.mark.parametrize(
    ("channel", "participants", "summary"),
    [("call", "", ""), ("email", "joe-park", "Sent the deck: v2"), ("other", "a,b", "ü\x1f")],
)
def test_the_bulk_fingerprint_is_the_store_s_touch_fingerprint(channel, participants, summary):
    touch = Touch(
        datetime(2026, 1, 1),
        Direction.OUTBOUND,
        Channel(channel),
        tuple(participants.split(",")) if participants else (),
        None,
        summary,
    )
    assert fingerprint(channel, participants, summary) == touch_fingerprint(touch)
