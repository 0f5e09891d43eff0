"""Writing deals: import (upsert by id) and the single-change commands.

Each public function runs inside the caller's write transaction and leaves the deal's
summary columns correct.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from unstuck.domain import Deal, summarize
from unstuck.errors import NotFound
from unstuck.store import bulk, events, rows, summaries
from unstuck.store import schema as t


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def deal_pk(conn: Connection, deal_id: str) -> int:
    pk = conn.execute(select(t.deals.c.pk).where(t.deals.c.id == deal_id)).scalar()
    if pk is None:
        raise NotFound(f"no deal with id {deal_id!r}. `unstuck deals` lists the ids.")
    return int(pk)


def account_pks(conn: Connection, deals: Iterable[Deal]) -> dict[str, int]:
    """Ids of the deals' accounts, creating the missing ones; account_type is updated."""
    wanted: dict[str, str | None] = {}
    for deal in deals:
        if deal.account:
            kind = deal.account_type.value if deal.account_type else None
            wanted[deal.account] = kind or wanted.get(deal.account)
    return bulk.account_keys(conn, wanted)


def merge(old: Deal, new: Deal) -> Deal:
    """The incoming deal's fields, with histories united (nothing already known is lost)."""
    people = {p.id: p for p in old.stakeholders}
    people.update({p.id: p for p in new.stakeholders})
    order = [p.id for p in old.stakeholders] + [
        p.id for p in new.stakeholders if p.id not in {q.id for q in old.stakeholders}
    ]

    def union(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(dict.fromkeys(a + b))

    merged = replace(
        new,
        stakeholders=tuple(people[i] for i in order),
        touches=union(old.touches, new.touches),
        answers=union(old.answers, new.answers),
        stage_history=union(old.stage_history, new.stage_history),
        close_date_history=union(old.close_date_history, new.close_date_history),
        decisions=union(old.decisions, new.decisions),
    )
    return merged.canonical()


def _insert_children(conn: Connection, deal: Deal, pk: int) -> None:
    for name, batch in rows.child_rows(deal, pk).items():
        if batch:
            conn.execute(insert(t.metadata.tables[name]), batch)


def write_deals(
    conn: Connection,
    incoming: Iterable[Deal],
    now: datetime,
    dry_run: bool = False,
    all_new: bool = False,
) -> ImportResult:
    """Upsert deals by id: new ones are created, known ones merged; nothing is duplicated.

    ``all_new`` is the caller's word that none of these ids is stored (a streamed import
    into a store that had no deals, its ids checked unique): the lookup of stored deals is
    skipped. On PostgreSQL that lookup, planned with the statistics of the empty table,
    took about a second per batch of a large first import.
    """
    incoming = [deal.canonical() for deal in incoming]
    result = ImportResult()
    ids = [] if all_new else [d.id for d in incoming]
    existing: dict[str, Deal] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        query = select(t.deals.c.pk).where(t.deals.c.id.in_(chunk))
        existing.update((d.id, d.canonical()) for d in rows.load_deals(conn, query))
    old_ones = [deal for deal in incoming if deal.id in existing]
    accounts = {} if dry_run else account_pks(conn, old_ones)
    fresh: list[Deal] = []
    for deal in incoming:
        old = existing.get(deal.id)
        if old is None:
            result.created.append(deal.id)
            fresh.append(deal)
            continue
        merged = merge(old, deal)
        if merged == old:
            result.unchanged.append(deal.id)
            continue
        result.updated.append(deal.id)
        if not dry_run:
            _replace(conn, merged, accounts, now, old)
    if not dry_run:
        for start in range(0, len(fresh), BATCH):
            bulk.create(conn, fresh[start : start + BATCH], now)
    return result


# Rows per executemany: large enough to amortise round trips, small enough to bound memory.
BATCH = 2000


def _replace(
    conn: Connection, deal: Deal, accounts: dict[str, int], now: datetime, old: Deal
) -> None:
    pk = deal_pk(conn, deal.id)
    values = rows.deal_values(deal, accounts.get(deal.account or ""), now)
    values.update(rows.summary_values(summarize(deal)))
    conn.execute(update(t.deals).where(t.deals.c.pk == pk).values(**values))
    for table in t.CHILD_TABLES:
        conn.execute(delete(table).where(table.c.deal_pk == pk))
    _insert_children(conn, deal, pk)
    known = set(old.touches)
    replies = [x.at for x in deal.touches if x.inbound and x not in known]
    if replies:
        events.inbound_recorded(conn, pk, deal.id, max(replies))


def insert_child(
    conn: Connection, deal_id: str, table_name: str, row: dict[str, Any], pk: int | None = None
) -> int:
    """Add one history row to a deal and refresh its summaries (the fast path for `log`);
    ``pk``, the deal's key when the caller has it, saves looking it up again."""
    pk = deal_pk(conn, deal_id) if pk is None else pk
    table = t.metadata.tables[table_name]
    conn.execute(insert(table).values(deal_pk=pk, **row))
    conn.execute(update(t.deals).where(t.deals.c.pk == pk).values(static_key=None))
    summaries.refresh(conn, [pk])
    return pk


def update_deal(conn: Connection, deal_id: str, now: datetime, **values: Any) -> int:
    pk = deal_pk(conn, deal_id)
    values.setdefault("static_key", None)
    conn.execute(update(t.deals).where(t.deals.c.pk == pk).values(updated_at=now, **values))
    summaries.refresh(conn, [pk])
    return pk


__all__ = [
    "ImportResult",
    "deal_pk",
    "insert_child",
    "merge",
    "update_deal",
    "write_deals",
]
