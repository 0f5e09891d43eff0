"""Streamed imports (importers.load.import_files) against the in-memory reader."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import test_import_crms as crms
import test_import_files as files
import test_import_tables as tables

from unstuck.config import default_config
from unstuck.domain import Channel, Deal, Direction, Pipeline, Touch
from unstuck.errors import InputError
from unstuck.importers import read_files
from unstuck.importers.load import import_files
from unstuck.service import Unstuck
from unstuck.store import Store

NOW = datetime(2027, 2, 1, 12, 0)
UTC = ZoneInfo("UTC")

SF_TASKS = """
Id,WhatId,WhoId,Subject,TaskSubtype,IsClosed,ActivityDate,CompletedDateTime,Description,Status
00T1,0065g00000AAAAAAA1,0035g01,Call Ada,Call,true,2026-11-20,2026-11-20T15:00:00.000Z,Budget is approved,Completed
00T2,0065g00000AAAAAAA1,Joe Park,Email Joe,Email,true,2026-11-21,,Sent the deck,Completed
00T3,0065g00000AAAAAAA1,0035g01,Plan review,Call,false,2027-03-01,,,Not Started
00T4,0065g00000AAAAAAA2,,Wrap-up,Email,true,2026-12-01,2026-12-01T09:00:00+01:00,,Completed
"""

# name -> [(file name, text)], optional mapping file text
EXPORTS: dict[str, list[tuple[str, str]]] = {
    "hubspot": [("hubspot.csv", crms.HUBSPOT)],
    "salesforce report": [("report.csv", crms.SF_REPORT)],
    "salesforce data loader": [
        ("OpportunityContactRole.csv", crms.SF_ROLES),
        ("Opportunity.csv", crms.SF_OPPORTUNITY),
        ("OpportunityHistory.csv", crms.SF_HISTORY),
        ("Contact.csv", crms.SF_CONTACTS),
        ("Task.csv", SF_TASKS),
    ],
    "pipedrive": [
        ("deals.csv", crms.PIPEDRIVE_DEALS),
        ("activities.csv", crms.PIPEDRIVE_ACTIVITIES),
    ],
    "zoho": [("Opportunities.csv", crms.ZOHO_RENAMED)],
    "semicolons and eu dates": [
        ("zoho.csv", files.ZOHO.replace(",", ";").replace('"1.234;56"', "1.234,56"))
    ],
    "mapped csv": [("sheet.csv", tables.SHEET), ("mapping.toml", tables.MAPPING)],
}


def _app(store: Any) -> Unstuck:
    return Unstuck(default_config(), store)


def _files(write: Any, name: str) -> tuple[list[Path], Path | None]:
    paths = [write(file, text) for file, text in EXPORTS[name]]
    mapping = next((p for p in paths if p.suffix == ".toml"), None)
    return [p for p in paths if p != mapping], mapping


def _state(app: Unstuck) -> tuple[list[Any], dict[str, Any]]:
    with app.store.read() as tx:
        deals = tx.deals()
        heads = tx.all_summaries()
    for head in heads.values():  # the stall-scan cache is filled by one path only
        for column in (
            "static_severities",
            "static_key",
            "static_at",
            "static_until",
            "static_max",
            "static_prod",
            "why_since",
        ):
            head.pop(column)
    return deals, heads


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_streamed_import_stores_what_the_in_memory_import_stores(
    name, write, tmp_path, db_url, open_store
):
    paths, mapping = _files(write, name)
    batch = read_files(paths, mapping=mapping, tz=UTC)
    memory = _app(open_store(str(tmp_path / "memory.db")))
    memory.import_pipeline(batch.pipeline, NOW, dry_run=False)
    streamed = _app(open_store(db_url))
    result = import_files(streamed, paths, mapping=mapping, now=NOW)
    assert _state(streamed) == _state(memory)
    assert result.detected == batch.detected
    assert (result.created, result.rows_ok, result.format) == (
        len(batch.pipeline.deals),
        batch.rows_ok,
        batch.format,
    )


@pytest.mark.parametrize("name", ["pipedrive", "salesforce data loader"])
def test_reimporting_the_same_files_changes_nothing(name, write, store):
    app = _app(store)
    paths, _ = _files(write, name)
    first = import_files(app, paths, now=NOW)
    before = _state(app)
    again = import_files(app, paths, now=datetime(2027, 3, 1))
    assert first.touches_added > 0 and first.created > 0
    assert (again.created, again.updated, again.touches_added) == (0, 0, 0)
    assert again.unchanged == first.created
    assert _state(app) == before


def test_new_activities_are_appended_to_deals_already_imported(write, store):
    app = _app(store)
    deals = write("deals.csv", crms.PIPEDRIVE_DEALS)
    import_files(app, [deals, write("activities.csv", crms.PIPEDRIVE_ACTIVITIES)], now=NOW)
    more = crms.PIPEDRIVE_ACTIVITIES + "call,Check-in,2026-10-01,09:30,Done,101,Ana Lima,\n"
    result = import_files(app, [deals, write("activities.csv", more)], now=NOW)
    assert (result.touches_added, result.unchanged) == (1, 3)
    acme = app.deal("101")
    assert [p.name for p in acme.stakeholders] == ["Joe Park", "Ana Lima"]
    assert acme.touches[-1].at == datetime(2026, 10, 1, 9, 30)
    with store.read() as tx:
        assert tx.summary_of("101")["touch_count"] == 3


def _activities(
    count: int, bad: dict[int, str] | None = None, deals: tuple[str, ...] = ("101", "102", "103")
) -> str:
    header = "Activity - Type,Activity - Subject,Activity - Due date,Activity - Due time,Activity - Done,Activity - Deal ID,Activity - Contact person,Activity - Note\n"
    rows = []
    for n in range(count):
        day = f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}"
        rows.append(
            bad.get(n)
            if bad and n in bad
            else f"call,Call {n},{day},10:{n % 60:02d},Done,{deals[n % 3]},,Note {n}"
        )
    return header + "\n".join(rows) + "\n"


def test_bad_rows_anywhere_leave_nothing_written_and_are_all_reported(write, store):
    app = _app(store)
    deals = write("deals.csv", files.BAD_ROWS)
    late = {2998: "call,Late,2026-02-30,,Done,1,,", 2999: "call,Later,2026-03-01,25:99,maybe,4,,"}
    activities = write("activities.csv", _activities(3000, late))
    with pytest.raises(InputError) as raised:
        import_files(app, [deals, activities], now=NOW)
    problems = raised.value.problems
    assert [p.split(": ")[0] for p in problems[:5]] == [f"{deals}:{n}" for n in (3, 4, 4, 4, 6)]
    assert problems[5] == f"{activities}:3000: Activity - Due date: not a date: '2026-02-30'"
    assert problems[6].startswith(f"{activities}:3001: Activity - Done: not yes/no: 'maybe'")
    assert problems[-1].startswith("3000 rows are fine. Fix the rows above")
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_skip_bad_rows_imports_the_rest_and_writes_the_rejects_file(write, store, tmp_path):
    app = _app(store)
    deals = write("deals.csv", files.BAD_ROWS)
    activities = write(
        "activities.csv", _activities(30, {29: "call,Late,2026-02-30,,Done,1,,"}, ("1", "4", "9"))
    )
    out = tmp_path / "rejects.csv"
    result = import_files(app, [deals, activities], now=NOW, skip_bad_rows=out)
    assert (result.created, result.rejected_rows, result.rejected_problems) == (2, 4, 6)
    assert result.note.endswith(f"; 4 rejected rows written to {out}")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["unstuck_line"], r["Deal - ID"], r["Activity - Subject"]) for r in rows] == [
        ("3", "2", ""),
        ("4", "3", ""),
        ("6", "1", ""),
        ("31", "", "Late"),
    ]
    expected = tmp_path / "expected.csv"
    read_files([deals, activities], tz=UTC).write_rejects(expected)
    assert out.read_text(encoding="utf-8-sig") == expected.read_text(encoding="utf-8-sig")
    with store.read() as tx:
        assert tx.summary_of("1")["touch_count"] == 10  # deal 1 has every third activity


def test_a_dry_run_counts_everything_and_writes_nothing(write, store):
    app = _app(store)
    paths, _ = _files(write, "pipedrive")
    result = import_files(app, paths, now=NOW, dry_run=True)
    assert (result.created, result.touches_added, result.dry_run) == (3, 2, True)
    with store.read() as tx:
        assert tx.count_deals() == 0


def _rebuilt_equals_streamed(store):
    """Summaries rebuilt from the raw history equal the ones the import kept; returns them."""
    with store.read() as tx:
        streamed = tx.all_summaries()
    with store.write() as tx:
        tx.rebuild_summaries()
    with store.read() as tx:
        rebuilt = tx.all_summaries()
    assert streamed == rebuilt
    return rebuilt


def test_summaries_after_a_streamed_import_equal_a_full_rebuild(write, store):
    app = _app(store)
    deals = write("deals.csv", crms.PIPEDRIVE_DEALS)
    import_files(app, [deals, write("activities.csv", _activities(500))], now=NOW)
    rebuilt = _rebuilt_equals_streamed(store)
    assert {d: s["touch_count"] for d, s in rebuilt.items()} == {"101": 167, "102": 167, "103": 166}


def test_summaries_after_activities_for_deals_with_replies_equal_a_full_rebuild(write, store):
    app = _app(store)
    deals = write("deals.csv", crms.PIPEDRIVE_DEALS)
    import_files(app, [deals], now=NOW)
    reply = Touch(datetime(2026, 8, 15), Direction.INBOUND, Channel.EMAIL, (), None, "Yes")
    with store.write() as tx:
        tx.log_touch("101", reply)  # activities before and after the reply are imported
    import_files(app, [deals, write("activities.csv", _activities(300))], now=NOW)
    rebuilt = _rebuilt_equals_streamed(store)
    assert rebuilt["101"]["last_inbound_at"] == datetime(2026, 8, 15)
    assert 0 < rebuilt["101"]["outbound_since_inbound"] < rebuilt["101"]["touch_count"] - 1


def test_deals_without_a_created_date_take_their_earliest_activity(write, store):
    app = _app(store)
    undated = crms.PIPEDRIVE_DEALS.replace("2026-06-01 09:00:00", "")
    paths = [write("deals.csv", undated), write("activities.csv", crms.PIPEDRIVE_ACTIVITIES)]
    batch = read_files(paths, tz=UTC)
    result = import_files(app, paths, now=NOW)
    assert app.deal("101").created == datetime(2026, 6, 3, 10) == batch.pipeline.deals[0].created
    assert "1 deals have no created date" in result.detected
    again = import_files(app, paths, now=NOW)
    assert (again.updated, again.unchanged) == (0, 3)


def test_progress_is_reported_while_streaming(write, store, monkeypatch):
    from unstuck.importers import stream

    monkeypatch.setattr(stream, "ACTIVITY_BATCH", 10_000)  # a report per batch at least
    seen: list[int] = []
    deals = write("deals.csv", crms.PIPEDRIVE_DEALS)
    import_files(
        _app(store), [deals, write("a.csv", _activities(25_000))], now=NOW, progress=seen.append
    )
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == 25_003


def test_xlsx_activities_take_the_generic_path_with_the_same_result(tmp_path, write, store):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in csv.reader(crms.PIPEDRIVE_ACTIVITIES.strip().splitlines()):
        sheet.append(row)
    sheet.append(["call", "Typed", datetime(2026, 7, 1, 9, 15), None, True, 102, None, None])
    activities = tmp_path / "activities.xlsx"
    book.save(activities)
    paths = [write("deals.csv", crms.PIPEDRIVE_DEALS), activities]
    memory = read_files(paths, tz=UTC)
    result = import_files(_app(store), paths, now=NOW)
    assert (result.touches_added, result.detected) == (3, memory.detected)
    assert _app(store).deal("102").touches == memory.pipeline.deals[1].touches


@pytest.mark.parametrize("name", ["pipedrive", "salesforce data loader"])
def test_new_deals_are_stored_alike_in_an_empty_store_and_beside_other_deals(
    name, write, tmp_path, db_url, open_store
):
    """An empty store takes rows prepared by the reader, a filled one deals merged by id:
    both must store the same."""
    paths, mapping = _files(write, name)
    empty = _app(open_store(str(tmp_path / "empty.db")))
    import_files(empty, paths, mapping=mapping, now=NOW)
    beside = _app(open_store(db_url))
    other = Deal("other-1", "Other", "Qualified", datetime(2026, 1, 5))
    beside.import_pipeline(Pipeline((other,)), NOW, dry_run=False)
    result = import_files(beside, paths, mapping=mapping, now=NOW)
    deals, heads = _state(beside)
    heads.pop("other-1")
    assert ([d for d in deals if d.id != "other-1"], heads) == _state(empty)
    assert result.created == len(_state(empty)[0])


def test_people_named_by_activities_keep_their_first_spelling_and_order(
    write, tmp_path, db_url, open_store, monkeypatch
):
    """Across batches, the name kept for each deal and person is the first given in the
    file, and a deal's people come in the order the file names them, as read_files has
    them (not sorted by id)."""
    from unstuck.importers import stream

    monkeypatch.setattr(stream, "ACTIVITY_BATCH", 7)
    header, *_ = _activities(0).splitlines()
    spellings = ["kim lee", "Kim Lee", "KIM LEE", "Ana Lima", "ana lima"]
    rows = [
        f"call,Call {n},2026-03-{1 + n % 28:02d},10:{n % 60:02d},Done,{101 + n % 3},"
        f"{spellings[(n // 3) % len(spellings)]},Note {n}"
        for n in range(60)
    ]
    paths = [
        write("deals.csv", crms.PIPEDRIVE_DEALS),
        write("activities.csv", "\n".join([header, *rows]) + "\n"),
    ]
    memory = _app(open_store(str(tmp_path / "memory.db")))
    memory.import_pipeline(read_files(paths, tz=UTC).pipeline, NOW, dry_run=False)
    streamed = _app(open_store(db_url))
    import_files(streamed, paths, now=NOW)
    assert _state(streamed) == _state(memory)
    people = [(p.id, p.name) for p in streamed.deal("102").stakeholders]
    assert people == [("kim-lee", "kim lee"), ("ana-lima", "Ana Lima")]


def test_a_large_import_leaves_postgresql_with_planner_statistics(write, store, monkeypatch):
    """Without statistics (autovacuum off or not run yet) PostgreSQL read a few deals'
    touches by scanning every deal; SQLite needs none."""
    import unstuck.store as store_module

    monkeypatch.setattr(store_module, "ANALYZE_FROM", 5)
    paths, _ = _files(write, "pipedrive")
    import_files(_app(store), paths, now=NOW)
    with store.read() as tx:
        if tx.conn.dialect.name == "sqlite":
            assert tx.analyze_after_load(10**9) is False
            return
        tuples = tx.conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE oid = 'touches'::regclass"
        ).scalar_one()
        assert tx.analyze_after_load(4) is False
    assert tuples > 0  # -1 until the table is first analyzed


def _keys_and_indexes(store: Store) -> list[tuple[str, ...]]:
    """The history tables' foreign keys and every index of deals, stakeholders, touches."""
    with store.read() as tx:
        if tx.conn.dialect.name == "sqlite":
            keys = [
                (table, str(row[2]), str(row[3]), str(row[4]))
                for table in ("touches", "stakeholders")
                for row in tx.conn.exec_driver_sql(f"PRAGMA foreign_key_list({table})")
            ]
            indexes = tx.conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name IN ('deals', 'stakeholders', 'touches') ORDER BY name"
            )
            return keys + [tuple(str(v) for v in row) for row in indexes]
        keys = tx.conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), convalidated "
            "FROM pg_constraint WHERE contype = 'f' "
            "AND conrelid IN ('touches'::regclass, 'stakeholders'::regclass) ORDER BY 1, 2"
        )
        indexes = tx.conn.exec_driver_sql(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename IN ('deals', 'stakeholders', 'touches') ORDER BY 1"
        )
        return [tuple(str(v) for v in row) for rows in (keys, indexes) for row in rows]


def test_a_first_load_puts_the_keys_and_indexes_back(write, store):
    """PostgreSQL's first load drops the deals' plain indexes, the history tables' foreign
    keys and the touches' keys while it writes, then builds them again (which checks
    every row)."""
    before = _keys_and_indexes(store)
    assert sum(1 for row in before if row[0].startswith("ix_deals_")) >= 7
    assert sum(1 for row in before if row[0] in ("touches", "stakeholders")) == 2
    paths, _ = _files(write, "pipedrive")
    app = _app(store)
    first = import_files(app, paths, now=NOW)
    assert first.touches_added > 0
    assert _keys_and_indexes(store) == before
    again = import_files(app, paths, now=NOW)  # not a first load: nothing is dropped
    assert again.touches_added == 0
    assert _keys_and_indexes(store) == before
    with store.read() as tx:
        orphans = tx.conn.exec_driver_sql(
            "SELECT count(*) FROM touches t LEFT JOIN deals d ON d.pk = t.deal_pk "
            "WHERE d.pk IS NULL"
        ).scalar_one()
    assert orphans == 0


def test_a_first_load_that_fails_leaves_the_keys_and_indexes(write, store):
    before = _keys_and_indexes(store)
    paths, _ = _files(write, "pipedrive")
    with pytest.raises(InputError):
        import_files(_app(store), [*paths, write("bad.csv", "nothing,we,know\n1,2,3\n")], now=NOW)
    assert _keys_and_indexes(store) == before
    result = import_files(_app(store), paths, now=NOW, dry_run=True)
    assert result.created > 0
    assert _keys_and_indexes(store) == before
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_inside_a_first_load_postgresql_has_no_plain_indexes_or_foreign_keys(store):
    from unstuck.store import load_mode

    before = _keys_and_indexes(store)
    with store.write() as tx:
        with load_mode.first_load(tx.conn):
            names = {
                str(name)
                for (name,) in tx.conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'index'"
                    if tx.conn.dialect.name == "sqlite"
                    else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                )
            }
            dropped = tx.conn.dialect.name == "postgresql"
        if dropped:
            assert not {"ix_deals_owner_status", "uq_touches_deal_at_fp"} & names
        else:
            assert {"ix_deals_owner_status", "sqlite_autoindex_touches_1"} <= names
    assert _keys_and_indexes(store) == before
