"""The bulk path for new deals: rows straight to the driver, no per-row ORM work.

Two steps. :func:`prepare` turns deals into rows of plain values (texts, numbers, None)
without a connection, so it can run in the import's reader process while this one
writes; :func:`write` gives the rows their keys and hands them to the driver
(``executemany`` on the raw SQLite connection, ``COPY`` on PostgreSQL). Deal keys are
handed out before writing (under the write lock ``BEGIN IMMEDIATE`` holds on SQLite,
from the table's sequence on PostgreSQL), so a batch of deals and all their history is
written without reading anything back; history rows take their own keys from the
database. Used by every import of new deals.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)

from unstuck.domain import Deal, summarize
from unstuck.store import rows
from unstuck.store import schema as t

DEAL_COLUMNS = [c.name for c in t.deals.columns if c.name != "pk"]
_ACCOUNT = DEAL_COLUMNS.index("account_pk")
# History tables: their columns after deal_pk, in the order the rows carry them.
CHILD_COLUMNS = {
    name: [c.name for c in t.metadata.tables[name].columns if c.name not in ("pk", "deal_pk")]
    for name in ("stakeholders", "touches", "answers", "stage_changes", "close_date_changes",
                 "decisions")
}  # fmt: skip


@dataclass
class Prepared:
    """A batch of new deals as rows of plain values, ready for :func:`write`.

    ``deals`` rows follow ``DEAL_COLUMNS`` with the account's *name* where its key goes;
    ``children`` rows start with the deal's place in ``ids`` where its key goes.
    Picklable and cheap to unpickle: what a reader process hands to the writer.
    """

    ids: list[str] = field(default_factory=list)
    accounts: dict[str, str | None] = field(default_factory=dict)  # name -> account type
    deals: list[tuple[Any, ...]] = field(default_factory=list)
    children: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {name: [] for name in CHILD_COLUMNS}
    )

    def __len__(self) -> int:
        return len(self.ids)


def _stamp(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _converters(table: str, columns: list[str]) -> list[tuple[int, Callable[[Any], Any]]]:
    """(place, conversion) of the columns whose values need one: the text forms
    SQLAlchemy's SQLite types read back (and PostgreSQL's COPY reads)."""
    kinds = {DateTime: _stamp, Date: date.isoformat, JSON: json.dumps}
    types = t.metadata.tables[table].c
    return [
        (place, convert)
        for place, name in enumerate(columns)
        for kind, convert in kinds.items()
        if isinstance(types[name].type, kind)
    ]


_CONVERT = {
    name: _converters(name, columns)
    for name, columns in (("deals", DEAL_COLUMNS), *CHILD_COLUMNS.items())
}


def _plain(values: list[Any], converters: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    """Only the date, time and JSON columns converted: checking every value's type was a
    third of the time spent writing a million deals."""
    for place, convert in converters:
        if values[place] is not None:
            values[place] = convert(values[place])
    return values


def prepare(deals: Sequence[Deal], now: datetime) -> Prepared:
    """Rows for deals none of which is stored yet (no connection needed)."""
    batch = Prepared()
    deal_convert = _CONVERT["deals"]
    for place, deal in enumerate(deals):
        deal = deal.canonical()
        batch.ids.append(deal.id)
        if deal.account:
            kind = deal.account_type.value if deal.account_type else None
            batch.accounts[deal.account] = kind or batch.accounts.get(deal.account)
        head = rows.deal_values(deal, None, now)
        head.update(rows.summary_values(summarize(deal)))
        head["account_pk"] = deal.account or None
        batch.deals.append(tuple(_plain([head[c] for c in DEAL_COLUMNS], deal_convert)))
        for name, children in rows.child_rows(deal, place).items():
            columns, out, convert = CHILD_COLUMNS[name], batch.children[name], _CONVERT[name]
            for child in children:
                out.append((place, *_plain([child[c] for c in columns], convert)))
    return batch


def _deal_keys(conn: Connection, count: int) -> list[int]:
    """Keys for ``count`` new deals: the next free ones (SQLite, under the write lock),
    or drawn from the table's sequence (PostgreSQL), so concurrent inserts never collide."""
    if conn.dialect.name == "postgresql":
        sequence = "nextval(pg_get_serial_sequence('deals', 'pk'))"
        query = text(f"SELECT {sequence} FROM generate_series(1, :n)")
        drawn = conn.execute(query, {"n": count}).scalars()
        return [int(pk) for pk in drawn]
    top = int(conn.execute(select(func.max(t.deals.c.pk))).scalar() or 0)
    return list(range(top + 1, top + 1 + count))


def account_keys(conn: Connection, wanted: dict[str, str | None]) -> dict[str, int]:
    """Ids of accounts by name (name -> account type, None when unknown), creating the
    missing ones; a known type replaces the stored one.

    The names go to the database as one parameter (an array on PostgreSQL, a JSON list
    on SQLite) rather than one per name: a batch names thousands of accounts, and an
    ``IN`` list that long cost more to build and send than the rest of the batch's
    writing (3.4 s of 7.8 s for 100,000 deals on PostgreSQL)."""
    if not wanted:
        return {}
    names = list(wanted)
    existing = {name: (int(pk), kind) for name, pk, kind in _accounts_named(conn, names)}
    missing = [(n, k) for n, k in wanted.items() if n not in existing]
    if missing:
        existing.update((name, (pk, kind)) for name, pk, kind in _add_accounts(conn, missing))
    changed = [
        {"b_name": name, "b_type": kind}
        for name, kind in wanted.items()
        if kind and existing[name][1] != kind
    ]
    if changed:
        conn.execute(
            update(t.accounts)
            .where(t.accounts.c.name == bindparam("b_name"))
            .values(account_type=bindparam("b_type")),
            changed,
        )
    return {name: existing[name][0] for name in names}


def _add_accounts(
    conn: Connection, missing: list[tuple[str, str | None]]
) -> list[tuple[str, int, str | None]]:
    if conn.dialect.name == "postgresql":
        added = conn.exec_driver_sql(
            "INSERT INTO accounts (name, account_type) "
            "SELECT * FROM unnest(%(names)s::text[], %(kinds)s::text[]) "
            "RETURNING name, pk, account_type",
            {"names": [n for n, _ in missing], "kinds": [k for _, k in missing]},
        )
        return [(name, int(pk), kind) for name, pk, kind in added]
    conn.execute(insert(t.accounts), [{"name": n, "account_type": k} for n, k in missing])
    return _accounts_named(conn, [n for n, _ in missing])


def _accounts_named(conn: Connection, names: list[str]) -> list[tuple[str, int, str | None]]:
    select_ = "SELECT name, pk, account_type FROM accounts WHERE name"
    if conn.dialect.name == "postgresql":
        found = conn.exec_driver_sql(f"{select_} = ANY(%(names)s)", {"names": names})
    else:
        query = f"{select_} IN (SELECT value FROM json_each(?))"
        found = conn.exec_driver_sql(query, (json.dumps(names),))
    return [(name, int(pk), kind) for name, pk, kind in found]


def write(conn: Connection, batch: Prepared) -> None:
    """Insert a prepared batch: the deals (none stored yet) with all their history."""
    if not batch.ids:
        return
    keys = _deal_keys(conn, len(batch.ids))
    accounts = account_keys(conn, batch.accounts)
    out: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {
        "deals": (
            ["pk", *DEAL_COLUMNS],
            [
                (pk, *row[:_ACCOUNT], accounts.get(row[_ACCOUNT]), *row[_ACCOUNT + 1 :])
                for pk, row in zip(keys, batch.deals, strict=True)
            ],
        )
    }
    for name, children in batch.children.items():
        if children:
            out[name] = (
                ["deal_pk", *CHILD_COLUMNS[name]],
                [(keys[row[0]], *row[1:]) for row in children],
            )
    raw: Any = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cursor:
            for name, (columns, table_rows) in out.items():
                with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in table_rows:
                        copy.write_row(row)
        return
    cursor = raw.cursor()
    try:
        for name, (columns, table_rows) in out.items():
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", table_rows
            )
    finally:
        cursor.close()


def create(conn: Connection, deals: Sequence[Deal], now: datetime) -> None:
    """Insert new deals (ids not yet stored) with all their history."""
    write(conn, prepare(deals, now))


__all__ = ["DEAL_COLUMNS", "Prepared", "account_keys", "create", "prepare", "write"]
