"""The bulk path for new deals: rows straight to the driver, no per-row ORM work.

SQLite gets ``executemany`` on the raw connection, PostgreSQL gets ``COPY``. Primary
keys are handed out here (the write transaction holds the database's write lock on
SQLite, and an exclusive table lock on PostgreSQL), so a batch of deals and all their
history is written without reading anything back. Used by every import of new deals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Connection, Date, DateTime, func, select, text

from unstuck.domain import Deal, summarize
from unstuck.store import rows
from unstuck.store import schema as t

DEAL_COLUMNS = [c.name for c in t.deals.columns]
TOUCH_COLUMNS = [
    "pk",
    "deal_pk",
    "at",
    "direction",
    "channel",
    "kind",
    "participants",
    "summary",
    "fingerprint",
]
CHILD_COLUMNS = {
    "stakeholders": [
        "pk",
        "deal_pk",
        "id",
        "name",
        "email",
        "title",
        "roles",
        "stance",
        "authority",
        "faction",
    ],
    "answers": ["pk", "deal_pk", "question", "stakeholder", "answer", "at", "fingerprint"],
    "stage_changes": ["pk", "deal_pk", "stage", "at"],
    "close_date_changes": ["pk", "deal_pk", "expected_close", "at"],
    "decisions": ["pk", "deal_pk", "decision", "reason", "decided_by", "at"],
}


class _Keys:
    """Primary keys for a batch, handed out before any row is written.

    SQLite: the next free key per table, read under the write lock BEGIN IMMEDIATE
    holds, so no other writer can take it. PostgreSQL: drawn from each table's own
    sequence, so concurrent single-row inserts never collide with the batch.
    """

    def __init__(self, conn: Connection, counts: dict[str, int]) -> None:
        self.pools: dict[str, Iterator[int]] = {}
        for name, count in counts.items():
            if conn.dialect.name == "postgresql":
                drawn = conn.execute(
                    text(
                        f"SELECT nextval(pg_get_serial_sequence('{name}', 'pk')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"n": count},
                ).scalars()
                self.pools[name] = iter(list(drawn))
            else:
                table = t.metadata.tables[name]
                top = int(conn.execute(select(func.max(table.c.pk))).scalar() or 0)
                self.pools[name] = iter(range(top + 1, top + 1 + count))

    def take(self, name: str) -> int:
        return next(self.pools[name])


def _sqlite_value(value: Any) -> Any:
    # The text forms SQLAlchemy's SQLite types read back.
    if isinstance(value, datetime):
        return value.isoformat(" ", "microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value)
    return value


def _sqlite_rows(
    name: str, columns: list[str], batch: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """The batch with only its date, time and JSON columns converted: checking every
    value's type was a third of the time spent writing a million deals."""
    table = t.metadata.tables[name]
    kinds = (DateTime, Date, JSON)
    convert = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, kinds)]
    if not convert:
        return batch
    out: list[tuple[Any, ...]] = []
    for row in batch:
        values = list(row)
        for i in convert:
            if values[i] is not None:
                values[i] = _sqlite_value(values[i])
        out.append(tuple(values))
    return out


def _batch_rows(
    deals: Sequence[Deal], accounts: dict[str, int], now: datetime, keys: _Keys
) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {
        name: [] for name in ("deals", "touches", *CHILD_COLUMNS)
    }
    for deal in deals:
        pk = keys.take("deals")
        head = rows.deal_values(deal, accounts.get(deal.account or ""), now)
        head.update(rows.summary_values(summarize(deal)))
        head["pk"] = pk
        out["deals"].append(tuple(head[c] for c in DEAL_COLUMNS))
        for x in deal.touches:
            out["touches"].append(
                (
                    keys.take("touches"),
                    pk,
                    x.at,
                    x.direction.value,
                    x.channel.value,
                    x.kind.value if x.kind else None,
                    ",".join(x.with_),
                    x.summary,
                    rows.touch_fingerprint(x),
                )
            )
        for name, children in rows.child_rows(deal, pk).items():
            if name == "touches":
                continue
            columns = CHILD_COLUMNS[name]
            for child in children:
                child["pk"] = keys.take(name)
                out[name].append(tuple(child[c] for c in columns))
    return out


def create(
    conn: Connection, deals: Sequence[Deal], accounts: dict[str, int], now: datetime
) -> None:
    """Insert new deals (ids not yet stored) with all their history."""
    if not deals:
        return
    names = ["deals", "touches", *CHILD_COLUMNS]
    counts = {
        "deals": len(deals),
        "touches": sum(len(d.touches) for d in deals),
        "stakeholders": sum(len(d.stakeholders) for d in deals),
        "answers": sum(len(d.answers) for d in deals),
        "stage_changes": sum(len(d.stage_history) for d in deals),
        "close_date_changes": sum(len(d.close_date_history) for d in deals),
        "decisions": sum(len(d.decisions) for d in deals),
    }
    keys = _Keys(conn, counts)
    batch = _batch_rows(deals, accounts, now, keys)
    columns = {"deals": DEAL_COLUMNS, "touches": TOUCH_COLUMNS, **CHILD_COLUMNS}
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        _copy(raw, batch, columns)
        return
    cursor = raw.cursor()  # type: ignore[union-attr]
    try:
        for name in names:
            if batch[name]:
                marks = ", ".join("?" for _ in columns[name])
                cursor.executemany(
                    f"INSERT INTO {name} ({', '.join(columns[name])}) VALUES ({marks})",
                    _sqlite_rows(name, columns[name], batch[name]),
                )
    finally:
        cursor.close()


def _copy(raw: Any, batch: dict[str, list[tuple[Any, ...]]], columns: dict[str, list[str]]) -> None:
    with raw.cursor() as cursor:
        for name, table_rows in batch.items():
            if not table_rows:
                continue
            values = table_rows
            if name == "deals":
                index = columns["deals"].index("fields")
                values = [
                    (*row[:index], json.dumps(row[index]), *row[index + 1 :]) for row in table_rows
                ]
            with cursor.copy(f"COPY {name} ({', '.join(columns[name])}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)


__all__ = ["create"]
