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

The people the touches name (the contact's name as written, by participant id) are
gathered apart, one row per deal and person (:class:`Named`, in polars, a few rows per
deal where the touches are twenty): at the end they become stakeholders (first name given
wins, known ones kept) with one sorted insert, instead of a lookup per batch or a
grouping of every staged touch. The summaries of the deals that got new
touches are then recomputed in SQL with one aggregate (``summaries.refresh_new_touches``)
and their stall-scan cache is cleared. These are the seller's activities (CRM activity
exports): outbound touches, so no reply event is raised.
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
STAGE_COLUMNS = ["deal_pk", "at", "channel", "participants", "summary", "fingerprint"]
_PEOPLE = "unstuck_import_people"
_PEOPLE_SLICE = 100_000  # people handed to the driver at a time


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
            "participants text, summary text, fingerprint text) ON COMMIT DROP"
        )
    else:
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{STAGE}")
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGE} (deal_pk INTEGER, at TEXT, channel TEXT, "
            "participants TEXT, summary TEXT, fingerprint TEXT)"
        )
    return int(conn.execute(select(func.max(t.touches.c.pk))).scalar() or 0)


def fingerprint(channel: str, participants: str, summary: str) -> str:
    """``rows.touch_fingerprint`` of a seller's touch (outbound, no kind), computed inline:
    this runs once per distinct activity."""
    text = f"outbound\x1f{channel}\x1f\x1f{participants}\x1f{summary}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class Named:
    """The people a load's touches name: (deal key, participant id, name as written), the
    first name given for each deal and person, in the order the touches came."""

    def __init__(self) -> None:
        self.parts: list[pl.DataFrame] = []
        self.seen = 0  # touches so far: each person's place is the first touch naming them
        self.rows = 0
        self.kept = 0  # rows after the last folding

    def add(self, rows: pl.DataFrame) -> None:
        """Note the people of a frame with ``deal_pk``, ``participants`` and ``contact``
        (null when the touch names nobody)."""
        named = (
            rows.select("deal_pk", "participants", "contact")
            .with_row_index("seq", offset=self.seen)
            .filter(pl.col("contact").is_not_null())
            .cast(_NO_PEOPLE.schema)
        )
        self.seen += rows.height
        part = named.unique(["deal_pk", "participants"], keep="first", maintain_order=True)
        self.parts.append(part)
        self.rows += part.height
        if self.rows > 2 * self.kept + 500_000:  # fold now and then: memory stays bounded
            self.parts = [self._folded()]
            self.rows = self.kept = self.parts[0].height

    def _folded(self) -> pl.DataFrame:
        whole = pl.concat(self.parts) if self.parts else _NO_PEOPLE
        return whole.unique(["deal_pk", "participants"], keep="first", maintain_order=True)

    def frame(self) -> pl.DataFrame:
        """One row per deal and person: by deal (the index's order), then in the order
        the touches named them (the order ``read_files`` gives a deal's people)."""
        return self._folded().sort("deal_pk", "seq").drop("seq")


_NO_PEOPLE = pl.DataFrame(
    schema={"seq": pl.Int64, "deal_pk": pl.Int64, "participants": pl.String, "contact": pl.String}
)


def stage(conn: Connection, rows: pl.DataFrame) -> None:
    """Stage seller touches: a frame with ``STAGE_COLUMNS`` (see the module docstring).

    ``at`` is naive UTC as SQLite's DateTime text (``2026-06-03 10:00:00.000000``), which
    PostgreSQL reads as a timestamp too.
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


def finish(conn: Connection, before: int, named: Named) -> tuple[int, int]:
    """Move the staged touches in; returns how many were new and how many deals got some.

    ``before`` is what :func:`begin` returned. The people the touches name (``named``)
    become the deals' stakeholders (unless known), the deals' summaries are refreshed and
    their stall-scan cache cleared.
    """
    columns = "deal_pk, at, direction, channel, kind, participants, summary, fingerprint"
    chosen = (
        f"SELECT deal_pk, at, 'outbound', channel, NULL, participants, summary, fingerprint "
        f"FROM {STAGE} ORDER BY deal_pk, at, fingerprint"
    )
    if conn.dialect.name == "postgresql":
        result = conn.exec_driver_sql(
            f"INSERT INTO touches ({columns}) {chosen} ON CONFLICT (deal_pk, at, fingerprint) "
            "DO NOTHING"
        )
    else:
        result = conn.exec_driver_sql(f"INSERT OR IGNORE INTO touches ({columns}) {chosen}")
        conn.exec_driver_sql(f"DROP TABLE temp.{STAGE}")
    _add_people(conn, named.frame())
    added = max(0, int(result.rowcount or 0))
    return added, summaries.refresh_new_touches(conn, before)


def _add_people(conn: Connection, people: pl.DataFrame) -> None:
    """Stakeholders for the people named, in that order; a person already known is kept.
    Handed to the driver a slice at a time: a million deals name millions of people."""
    if not people.height:
        return
    raw: Any = conn.connection.driver_connection
    slices = people.select("deal_pk", "participants", "contact").iter_slices(_PEOPLE_SLICE)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE {_PEOPLE} (place bigserial, deal_pk bigint, participants text, "
            "contact text) ON COMMIT DROP"
        )
        sql = f"COPY {_PEOPLE} (deal_pk, participants, contact) FROM STDIN (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for part in slices:
                copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
        conn.exec_driver_sql(
            "INSERT INTO stakeholders (deal_pk, id, name, roles, stance, authority) "
            f"SELECT deal_pk, participants, contact, '', 'unknown', 'unknown' FROM {_PEOPLE} "
            "ORDER BY place ON CONFLICT (deal_pk, id) DO NOTHING"
        )
        conn.exec_driver_sql(f"DROP TABLE {_PEOPLE}")
        return
    cursor = raw.cursor()
    try:
        for part in slices:
            cursor.executemany(
                "INSERT OR IGNORE INTO stakeholders (deal_pk, id, name, roles, stance, "
                "authority) VALUES (?, ?, ?, '', 'unknown', 'unknown')",
                part.iter_rows(),
            )
    finally:
        cursor.close()


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
    "Named",
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
