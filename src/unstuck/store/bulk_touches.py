"""The bulk path for activities: millions of touches appended to stored deals.

A streamed import (``unstuck.importers.load``) writes its deals first, then hands the
activities over in batches. Each batch goes into a staging table without indexes (a
plain ``executemany`` on SQLite, ``COPY`` on PostgreSQL), and at the end one
``INSERT ... SELECT ... ORDER BY deal_pk, at, fingerprint`` moves them into
``touches``, skipping the ones already stored (``INSERT OR IGNORE`` / ``ON CONFLICT DO
NOTHING`` on the unique key), so importing the same file twice adds nothing.

Why a staging table: activity exports are sorted by date, not by deal, so inserting
them as read updates the touches' unique index at random places, which gets slower as
the table grows (about 140,000 rows/s at half a million rows, falling from there).
Sorted, the same inserts walk the index in order, several times faster, and each
deal's touches end up next to each other on disk, which is how they are read.

Each staged row also carries the contact's name as written: at the end the people the
touches name become stakeholders (first name given wins, known ones kept) with one
grouped insert, instead of a lookup per batch; by deal, then in the order the touches
named them (the order ``read_files`` gives a deal's people). Gathering them in polars
instead, one row per deal and person, took 1.5 GB more at a million deals. The summaries
of the deals that got new touches are then recomputed in SQL with one aggregate
(``summaries.refresh_new_touches``) and their stall-scan cache is cleared. These are the
seller's activities (CRM activity exports): outbound touches, so no reply event is raised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import Connection, bindparam, func, select, text, update

from unstuck.store import schema as t
from unstuck.store import summaries

STAGE = "unstuck_import_touches"
_CHUNK = 900  # ids per IN (...): under SQLite's old 999-variable limit
_REFRESH = 5000  # deals per summary refresh statement
CACHE_MIB = 256
# The staged columns, in the staging table's order.
STAGE_COLUMNS = ["deal_pk", "at", "channel", "participants", "summary", "fingerprint", "contact"]


@contextmanager
def large_cache(conn: Connection, mib: int = CACHE_MIB) -> Iterator[None]:
    """A bigger page cache (SQLite) or sort memory (PostgreSQL) for one large import.

    SQLite's default cache is 2 MB: a transaction writing millions of rows then spills
    pages to the WAL and reads them back over and over (measured: 100 GB read for 20
    million touches). The cache is per connection and set back afterwards, so the
    bound holds: ``mib`` for the database plus ``mib`` for the staging table.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL work_mem = '{mib}MB'")
        yield
        return
    main = conn.exec_driver_sql("PRAGMA main.cache_size").scalar()
    temp = conn.exec_driver_sql("PRAGMA temp.cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA main.cache_size = -{mib * 1024}")
    conn.exec_driver_sql(f"PRAGMA temp.cache_size = -{mib * 1024}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA main.cache_size = {int(main or -2000)}")
        conn.exec_driver_sql(f"PRAGMA temp.cache_size = {int(temp or -2000)}")


def deal_pks(conn: Connection, ids: Sequence[str]) -> Iterable[tuple[str, int]]:
    """(id, pk) of the stored deals among ``ids``."""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        query = select(t.deals.c.id, t.deals.c.pk).where(t.deals.c.id.in_(chunk))
        for deal_id, pk in conn.execute(query):
            yield deal_id, int(pk)


def created_of(conn: Connection, ids: Sequence[str]) -> dict[str, datetime]:
    """The stored creation times of the deals among ``ids``."""
    found: dict[str, datetime] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        query = select(t.deals.c.id, t.deals.c.created).where(t.deals.c.id.in_(chunk))
        found.update({deal_id: created for deal_id, created in conn.execute(query)})
    return found


def begin(conn: Connection) -> int:
    """Create the staging table; returns the highest touch key stored so far."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGE} (deal_pk bigint, at timestamp, channel text, "
            "participants text, summary text, fingerprint text, contact text) ON COMMIT DROP"
        )
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGE} (deal_pk INTEGER, at TEXT, channel TEXT, "
            "participants TEXT, summary TEXT, fingerprint TEXT, contact TEXT)"
        )
    return int(conn.execute(select(func.max(t.touches.c.pk))).scalar() or 0)


def fingerprint(channel: str, participants: str, summary: str) -> str:
    """``rows.touch_fingerprint`` of a seller's touch (outbound, no kind), computed inline:
    this runs once per distinct activity."""
    text = f"outbound\x1f{channel}\x1f\x1f{participants}\x1f{summary}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def stage(conn: Connection, rows: pl.DataFrame) -> None:
    """Stage seller touches: a frame with ``STAGE_COLUMNS`` (see the module docstring).

    ``at`` is naive UTC as SQLite's DateTime text (``2026-06-03 10:00:00.000000``), which
    PostgreSQL reads as a timestamp too; ``contact`` is the name as written (null when
    the activity names nobody): the stakeholder it becomes unless the deal has one.
    """
    rows = rows.select(STAGE_COLUMNS)
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        # CSV with every text quoted: an unquoted empty field is NULL, "" an empty text.
        data = rows.write_csv(include_header=False, quote_style="non_numeric")
        sql = f"COPY {STAGE} ({', '.join(STAGE_COLUMNS)}) FROM STDIN (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            copy.write(data.encode())
        return
    cursor = raw.cursor()
    try:
        columns = [rows.get_column(c).to_list() for c in STAGE_COLUMNS]
        marks = ", ".join("?" for _ in STAGE_COLUMNS)
        cursor.executemany(f"INSERT INTO temp.{STAGE} VALUES ({marks})", zip(*columns, strict=True))
    finally:
        cursor.close()


def finish(conn: Connection, before: int, drop_stage: bool = True) -> tuple[int, int]:
    """Move the staged touches in; returns how many were new and how many deals got some.

    ``before`` is what :func:`begin` returned. The people the touches name become the
    deals' stakeholders (unless known), the deals' summaries are refreshed and their
    stall-scan cache cleared. ``drop_stage=False`` leaves SQLite's staging table to go
    with its connection, which a first load closes (``engine.connect``): dropping twenty
    million staged rows took 10 s, closing takes nothing.
    """
    columns = "deal_pk, at, direction, channel, kind, participants, summary, fingerprint"
    chosen = (
        f"SELECT deal_pk, at, 'outbound', channel, NULL, participants, summary, fingerprint "
        f"FROM {STAGE} ORDER BY deal_pk, at, fingerprint"
    )
    people = "deal_pk, id, name, roles, stance, authority"
    named = f"FROM {STAGE} WHERE contact IS NOT NULL"
    if conn.dialect.name == "postgresql":
        if _has_unique_key(conn):
            result = conn.exec_driver_sql(
                f"INSERT INTO touches ({columns}) {chosen} "
                "ON CONFLICT (deal_pk, at, fingerprint) DO NOTHING"
            )
        else:  # a first load (store.load_mode): the key is built afterwards
            result = conn.exec_driver_sql(f"INSERT INTO touches ({columns}) {_FIRST}")
        # The first name an activity gave a person wins: rows in staging order (ctid).
        conn.exec_driver_sql(
            f"INSERT INTO stakeholders ({people}) "
            "SELECT deal_pk, participants, contact, '', 'unknown', 'unknown' FROM ("
            "SELECT DISTINCT ON (deal_pk, participants) deal_pk, participants, contact, "
            f"ctid AS first {named} ORDER BY deal_pk, participants, ctid) named "
            "ORDER BY deal_pk, first ON CONFLICT (deal_pk, id) DO NOTHING"
        )
    else:
        result = conn.exec_driver_sql(f"INSERT OR IGNORE INTO touches ({columns}) {chosen}")
        # One row per person, named as its first activity names it (SQLite takes a bare
        # column from the row min() picked).
        conn.exec_driver_sql(
            f"INSERT OR IGNORE INTO stakeholders ({people}) "
            "SELECT deal_pk, participants, contact, '', 'unknown', 'unknown' FROM ("
            f"SELECT deal_pk, participants, contact, min(rowid) AS first {named} "
            "GROUP BY deal_pk, participants) ORDER BY deal_pk, first"
        )
        if drop_stage:
            conn.exec_driver_sql(f"DROP TABLE temp.{STAGE}")
    added = max(0, int(result.rowcount or 0))
    return added, summaries.refresh_new_touches(conn, before)


# The staged touches without repeats, and without those the deals' own files brought.
_FIRST = (
    "SELECT DISTINCT ON (s.deal_pk, s.at, s.fingerprint) s.deal_pk, s.at, 'outbound', "
    f"s.channel, NULL, s.participants, s.summary, s.fingerprint FROM {STAGE} s "
    "WHERE NOT EXISTS (SELECT 1 FROM touches x WHERE x.deal_pk = s.deal_pk "
    "AND x.at = s.at AND x.fingerprint = s.fingerprint) "
    "ORDER BY s.deal_pk, s.at, s.fingerprint"
)


def _has_unique_key(conn: Connection) -> bool:
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_constraint WHERE contype = 'u' "
        "AND conrelid = to_regclass('touches')"
    ).scalar_one()
    return bool(found)


def refresh(conn: Connection, deal_pks: Sequence[int]) -> None:
    """Recompute summaries and clear the stall-scan cache of these deals, in chunks."""
    for start in range(0, len(deal_pks), _REFRESH):
        chunk = list(deal_pks[start : start + _REFRESH])
        conn.execute(update(t.deals).where(t.deals.c.pk.in_(chunk)).values(static_key=None))
        summaries.refresh(conn, chunk)


def set_created(conn: Connection, created: dict[int, datetime]) -> None:
    """Give deals their creation time once every file has been read (undated deals)."""
    if not created:
        return
    conn.execute(
        update(t.deals).where(t.deals.c.pk == bindparam("b_pk")).values(created=bindparam("b_at")),
        [{"b_pk": pk, "b_at": at} for pk, at in created.items()],
    )
    refresh(conn, sorted(created))


def staged_count(conn: Connection) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {STAGE}")).scalar() or 0)


__all__ = [
    "STAGE_COLUMNS",
    "begin",
    "created_of",
    "deal_pks",
    "fingerprint",
    "finish",
    "large_cache",
    "refresh",
    "set_created",
    "stage",
    "staged_count",
]
