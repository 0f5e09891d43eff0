"""The one gateway to the database. Nothing outside this package imports SQLAlchemy.

store = Store.open("pipeline.db")          # or a postgresql:// URL
with store.write() as tx:                  # one transaction, BEGIN IMMEDIATE on SQLite
    tx.import_deals(pipeline.deals, now)
with store.read() as tx:
    deal = tx.deal("acme-fleet")
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)

from unstuck.domain import (
    Answer,
    Deal,
    Decision,
    Stakeholder,
    Status,
    Touch,
    summarize,
)
from unstuck.store import bulk, events, rows, stall, summaries, users, write
from unstuck.store import engine as _engine
from unstuck.store import schema as t
from unstuck.store.write import ImportResult


@dataclass(frozen=True)
class DealRow:
    """One line of the pipeline table: the deal's head and its summaries, no history."""

    id: str
    name: str
    account: str | None
    owner: str | None
    stage: str
    status: Status
    value: float | None
    currency: str | None
    created: datetime
    expected_close: date | None
    last_inbound_at: datetime | None
    last_outbound_at: datetime | None
    outbound_since_inbound: int
    touch_count: int
    stage_entered_at: datetime
    close_date_pushes: int
    stakeholder_count: int
    silent_since: datetime
    has_why: bool


@dataclass(frozen=True)
class ScanRow:
    """What the scan reads of one open deal: ids, summary columns and the cache."""

    pk: int
    id: str
    value: float | None
    stage: str
    silent_since: datetime
    outbound_since_inbound: int
    stage_entered_at: datetime
    expected_close_days: int | None  # days from the epoch, for cheap arithmetic
    close_date_pushes: int
    last_event_at: datetime | None  # the latest dated event of any kind
    static_severities: str | None
    static_key: str | None
    static_at: datetime | None
    static_until: datetime | None
    last_reply_at: datetime | None = None


# The stall query over more deal keys than this is split across the cores (at most
# STALL_PARTS ranges): on fewer, starting the threads costs more than it saves.
STALL_SPLIT_ABOVE = 50_000
STALL_PARTS = 4
# Rows an import writes from which PostgreSQL's statistics are refreshed (ANALYZE).
ANALYZE_FROM = 10_000


class ScanCache(NamedTuple):
    """One deal's stall-scan cache (``unstuck.scan.cache_entry``), as stored."""

    pk: int
    severities: str  # the cached severities and tokens, as text
    key: str  # fingerprint of the rules they were computed under
    at: datetime  # the moment they were computed for
    until: datetime  # the first moment they stop being valid
    worst: float | None  # the largest cached severity; None when there is none
    product: float  # the product of (1 - share * severity) over the cached severities
    why_since: datetime | None  # the why's last mention (or creation); None when missing


class Transaction:
    """What can be done inside one transaction. Reads and writes speak domain objects."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- reading ------------------------------------------------------------------------

    def deal(self, deal_id: str) -> Deal:
        found = rows.load_deals(self.conn, select(t.deals.c.pk).where(t.deals.c.id == deal_id))
        if not found:
            write.deal_pk(self.conn, deal_id)  # raises NotFound with the hint
        return found[0].canonical()

    def deals(
        self,
        *,
        status: Status | Sequence[Status] | None = None,
        owner: str | None = None,
        stage: str | None = None,
        ids: Sequence[str] | None = None,
        full: bool = True,
        touches: bool = True,
        parts: frozenset[str] | None = None,
    ) -> list[Deal]:
        """Deals matching the filters, with all their history by default.

        ``full=False`` brings only the stage and close-date histories (enough for norms
        and win rates), ``touches=False`` everything but the touches, and ``parts`` names
        exactly the histories wanted (see ``rows.ALL_PARTS``).
        """
        if parts is None:
            parts = rows.ALL_PARTS if full else rows.LIGHT_PARTS
            if not touches:
                parts = parts - {"touches"}
        query = select(t.deals.c.pk).where(*self._filters(status, owner, stage))
        if ids is not None:
            query = query.where(t.deals.c.id.in_(list(ids)))
        return rows.load_deals(self.conn, query, parts)

    def deal_rows(
        self,
        *,
        status: Status | Sequence[Status] | None = None,
        owner: str | None = None,
        stage: str | None = None,
    ) -> list[DealRow]:
        d = t.deals
        query = (
            select(d, t.accounts.c.name.label("account_name"))
            .select_from(d.outerjoin(t.accounts))
            .where(*self._filters(status, owner, stage))
            .order_by(d.c.id)
        )
        out = []
        for r in self.conn.execute(query).mappings():
            out.append(
                DealRow(
                    id=r["id"],
                    name=r["name"],
                    account=r["account_name"],
                    owner=r["owner"],
                    stage=r["stage"],
                    status=Status(r["status"]),
                    value=r["value"],
                    currency=r["currency"],
                    created=r["created"],
                    expected_close=r["expected_close"],
                    last_inbound_at=r["last_inbound_at"],
                    last_outbound_at=r["last_outbound_at"],
                    outbound_since_inbound=r["outbound_since_inbound"],
                    touch_count=r["touch_count"],
                    stage_entered_at=r["stage_entered_at"],
                    close_date_pushes=r["close_date_pushes"],
                    stakeholder_count=r["stakeholder_count"],
                    silent_since=r["silent_since"],
                    has_why=bool(r["why"]),
                )
            )
        return out

    @staticmethod
    def _filters(
        status: Status | Sequence[Status] | None, owner: str | None, stage: str | None
    ) -> list[Any]:
        filters: list[Any] = []
        if isinstance(status, Status):
            filters.append(t.deals.c.status == status.value)
        elif status is not None:
            filters.append(t.deals.c.status.in_([s.value for s in status]))
        if owner is not None:
            filters.append(func.lower(t.deals.c.owner) == owner.lower())
        if stage is not None:
            filters.append(t.deals.c.stage == stage)
        return filters

    def scan_rows(
        self,
        owner: str | None = None,
        stale_for: tuple[str, datetime] | None = None,
        ids: Sequence[str] | None = None,
    ) -> list[ScanRow]:
        """Every open deal's summary columns and cached scan severities, no history;
        with ``stale_for=(key, now)`` only those whose cache is not valid at ``now``, with
        ``ids`` only those deals (a few hundred at most)."""
        d, c = t.deals, t.close_date_changes
        last_close_change = (
            select(func.max(c.c.at)).where(c.c.deal_pk == d.c.pk).correlate(d).scalar_subquery()
        )
        query = select(
            d.c.pk,
            d.c.id,
            d.c.value,
            d.c.stage,
            d.c.silent_since,
            d.c.outbound_since_inbound,
            d.c.stage_entered_at,
            d.c.expected_close,
            d.c.close_date_pushes,
            d.c.last_touch_at,
            last_close_change,
            d.c.static_severities,
            d.c.static_key,
            d.c.static_at,
            d.c.static_until,
            d.c.last_inbound_at,
        ).where(*self._filters(Status.OPEN, owner, None))
        if stale_for is not None:
            key, now = stale_for
            query = query.where(stall.valid_cache(key, now).is_not(True))
        if ids is not None:
            query = query.where(d.c.id.in_(list(ids)))
        out = []
        for row in self.conn.execute(query).all():
            (
                pk,
                ident,
                value,
                stage,
                silent,
                unanswered,
                entered,
                close,
                pushes,
                touched,
                close_changed,
                cached,
                key,
                cached_at,
                cached_until,
                last_reply,
            ) = row
            events = [x for x in (touched, close_changed, entered) if x is not None]
            out.append(
                ScanRow(
                    pk,
                    ident,
                    value,
                    stage,
                    silent,
                    unanswered,
                    entered,
                    close.toordinal() if close else None,
                    pushes,
                    max(events) if events else None,
                    cached,
                    key,
                    cached_at,
                    cached_until,
                    last_reply,
                )
            )
        return out

    def set_scan_cache(self, entries: Sequence[ScanCache]) -> None:
        """Store the stall scan's cache of each deal."""
        if not entries:
            return
        self.conn.execute(
            update(t.deals)
            .where(t.deals.c.pk == bindparam("b_pk"))
            .values(
                static_severities=bindparam("b_sev"),
                static_key=bindparam("b_key"),
                static_at=bindparam("b_at"),
                static_until=bindparam("b_until"),
                static_max=bindparam("b_max"),
                static_prod=bindparam("b_prod"),
                why_since=bindparam("b_why"),
            ),
            [
                {
                    "b_pk": e.pk,
                    "b_sev": e.severities,
                    "b_key": e.key,
                    "b_at": e.at,
                    "b_until": e.until,
                    "b_max": e.worst,
                    "b_prod": e.product,
                    "b_why": e.why_since,
                }
                for e in entries
            ],
        )

    def count_stalled(
        self,
        params: stall.StallParams,
        now: datetime,
        owner: str | None,
        limit: int,
        keys: tuple[int, int] | None = None,
        stale_listed: int | None = None,
    ) -> stall.StallCount:
        """The stall scan in SQL over the open deals whose cache is valid at ``now``
        (those with a key in ``keys``, both ends included, when given); the others are
        listed, up to ``stale_listed`` (``stall.StallCount``)."""
        filters = self._filters(Status.OPEN, owner, None)
        if keys is not None:
            filters.append(t.deals.c.pk.between(*keys))
        return stall.count_stalled(self.conn, params, now, filters, limit, stale_listed)

    def key_range(self) -> tuple[int, int] | None:
        """The smallest and largest deal key, or None without deals."""
        low, high = self.conn.execute(select(func.min(t.deals.c.pk), func.max(t.deals.c.pk))).one()
        return None if low is None else (int(low), int(high))

    def closed_version(self) -> str:
        """Changes whenever the closed history changes: a deal closes, reopens, or a closed
        deal is written (every write stamps ``updated_at``). Read from an index."""
        count, latest = users.closed_version(self.conn)
        return f"{count}/{latest.isoformat() if latest is not None else '-'}"

    def derived(self, name: str) -> tuple[str, Any] | None:
        """A kept figure (``derived`` table) as (version of the data, value), if any."""
        found = self.conn.execute(
            select(t.derived.c.version, t.derived.c.value).where(t.derived.c.name == name)
        ).first()
        return None if found is None else (found[0], found[1])

    def set_derived(self, name: str, version: str, value: Any) -> None:
        """Keep a figure computed from the data at ``version``, replacing the old one."""
        from sqlalchemy.dialects import postgresql, sqlite

        dialect: Any = sqlite if self.conn.dialect.name == "sqlite" else postgresql
        statement = dialect.insert(t.derived).values(name=name, version=version, value=value)
        replace = {"version": version, "value": value}
        self.conn.execute(statement.on_conflict_do_update(index_elements=["name"], set_=replace))

    def has_owner(self, owner: str) -> bool:
        """Whether any deal belongs to ``owner`` (without regard to case), through the
        ``lower(owner)`` index: listing every owner read the whole index on PostgreSQL."""
        d = t.deals
        query = select(d.c.pk).where(func.lower(d.c.owner) == owner.lower()).limit(1)
        return self.conn.execute(query).first() is not None

    def owners(self) -> list[str]:
        query = select(t.deals.c.owner).where(t.deals.c.owner.is_not(None)).distinct()
        return sorted(self.conn.execute(query).scalars())

    def summary_of(self, deal_id: str) -> dict[str, Any]:
        """The stored summary columns of one deal, as stored."""
        names = list(rows.summary_values(summarize(self.deal(deal_id))))
        row = self.conn.execute(
            select(*[t.deals.c[n] for n in names]).where(t.deals.c.id == deal_id)
        ).mappings()
        return dict(next(iter(row)))

    def all_summaries(self) -> dict[str, dict[str, Any]]:
        names = list(t.deals.c.keys())
        keep = [n for n in names if n not in ("pk", "updated_at")]
        result = self.conn.execute(select(*[t.deals.c[n] for n in keep]).order_by(t.deals.c.id))
        return {r["id"]: dict(r) for r in result.mappings()}

    def replies(self, ids: Sequence[str], since: datetime | None = None) -> dict[str, list[Touch]]:
        """The inbound touches of the given deals, oldest first (their replies); with
        ``since``, those after it and the last one at or before it."""
        names = {pk: deal_id for deal_id, pk in self.deal_pks(ids).items()}
        out: dict[str, list[Touch]] = {}
        pks = list(names)
        for start in range(0, len(pks), 900):
            query = select(t.deals.c.pk).where(t.deals.c.pk.in_(pks[start : start + 900]))
            for pk, touches in rows.inbound_touches(self.conn, query, since).items():
                out[names[pk]] = touches
        return out

    def deal_pks(self, ids: Sequence[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for start in range(0, len(ids), 900):
            chunk = list(ids[start : start + 900])
            query = select(t.deals.c.id, t.deals.c.pk).where(t.deals.c.id.in_(chunk))
            found.update({deal_id: int(pk) for deal_id, pk in self.conn.execute(query).all()})
        return found

    def has_deal(self, deal_id: str) -> bool:
        query = select(t.deals.c.pk).where(t.deals.c.id == deal_id)
        return self.conn.execute(query).first() is not None

    def count_deals(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.deals)).scalar_one())

    def setting(self, key: str) -> Any:
        query = select(t.settings.c.value).where(t.settings.c.key == key)
        return self.conn.execute(query).scalar()

    # -- writing ------------------------------------------------------------------------

    def import_deals(
        self, deals: Sequence[Deal], now: datetime, dry_run: bool = False, all_new: bool = False
    ) -> ImportResult:
        return write.write_deals(self.conn, deals, now, dry_run=dry_run, all_new=all_new)

    def analyze_after_load(self, rows: int) -> bool:
        """After a large load (``rows`` deals and touches written, at least
        ``ANALYZE_FROM``), PostgreSQL's planner statistics are refreshed in the same
        transaction: without them (autovacuum off, or not yet run) it read the touches of
        a few deals by scanning the deals table, a second per batch of the first stall
        scan. SQLite plans these reads by its indexes alone. Returns whether it ran."""
        if self.conn.dialect.name != "postgresql" or rows < ANALYZE_FROM:
            return False
        tables = ", ".join(table.name for table in (t.accounts, t.deals, *t.CHILD_TABLES))
        self.conn.exec_driver_sql(f"ANALYZE {tables}")
        return True

    def insert_new_deals(self, batch: bulk.Prepared) -> None:
        """Write deals none of which is stored yet, prepared by ``bulk.prepare``."""
        bulk.write(self.conn, batch)

    def add_deal(self, deal: Deal, now: datetime) -> None:
        write.write_deals(self.conn, [deal], now)

    def log_touch(self, deal_id: str, touch: Touch) -> None:
        row = rows.child_rows(Deal(deal_id, "", "", touch.at, touches=(touch,)), 0)["touches"][0]
        del row["deal_pk"]
        pk = write.deal_pk(self.conn, deal_id)
        exists = select(t.touches.c.pk).where(
            and_(
                t.touches.c.deal_pk == pk,
                t.touches.c.at == row["at"],
                t.touches.c.fingerprint == row["fingerprint"],
            )
        )
        if self.conn.execute(exists).first() is None:
            write.insert_child(self.conn, deal_id, "touches", row, pk)
            if touch.inbound:
                events.inbound_recorded(self.conn, pk, deal_id, touch.at)

    def add_answer(self, deal_id: str, answer: Answer) -> None:
        deal = self.deal(deal_id)
        if answer not in deal.answers:
            row = rows.child_rows(Deal(deal_id, "", "", answer.at, answers=(answer,)), 0)
            fresh = row["answers"][0]
            del fresh["deal_pk"]
            write.insert_child(self.conn, deal_id, "answers", fresh)

    def upsert_stakeholder(self, deal_id: str, person: Stakeholder) -> None:
        pk = write.deal_pk(self.conn, deal_id)
        values = rows.child_rows(Deal(deal_id, "", "", datetime.min, stakeholders=(person,)), pk)
        row = values["stakeholders"][0]
        s = t.stakeholders
        found = self.conn.execute(
            select(s.c.pk).where(s.c.deal_pk == pk, s.c.id == person.id)
        ).scalar()
        if found is None:
            self.conn.execute(insert(s).values(**row))
        else:
            self.conn.execute(update(s).where(s.c.pk == found).values(**row))
        self.conn.execute(update(t.deals).where(t.deals.c.pk == pk).values(static_key=None))
        summaries.refresh(self.conn, [pk])

    def update_deal(self, deal_id: str, now: datetime, **values: Any) -> None:
        if "status" in values and isinstance(values["status"], Status):
            values["status"] = values["status"].value
        write.update_deal(self.conn, deal_id, now, **values)

    def move_stage(self, deal_id: str, stage: str, at: datetime, now: datetime) -> None:
        write.insert_child(self.conn, deal_id, "stage_changes", {"stage": stage, "at": at})
        write.update_deal(self.conn, deal_id, now, stage=stage)

    def set_expected_close(self, deal_id: str, day: date, at: datetime, now: datetime) -> None:
        deal = self.deal(deal_id)
        if deal.expected_close is not None and deal.expected_close != day:
            known = {c.expected_close for c in deal.close_date_history}
            if deal.expected_close not in known:
                # Keep the date being replaced, so the push is countable later.
                row = {"expected_close": deal.expected_close, "at": deal.created}
                write.insert_child(self.conn, deal_id, "close_date_changes", row)
        write.insert_child(
            self.conn, deal_id, "close_date_changes", {"expected_close": day, "at": at}
        )
        write.update_deal(self.conn, deal_id, now, expected_close=day)

    def add_decision(self, deal_id: str, decision: Decision) -> None:
        row = {
            "decision": decision.decision.value,
            "reason": decision.reason,
            "decided_by": decision.decided_by,
            "at": decision.at,
        }
        write.insert_child(self.conn, deal_id, "decisions", row)

    def set_setting(self, key: str, value: Any) -> None:
        self.conn.execute(delete(t.settings).where(t.settings.c.key == key))
        self.conn.execute(insert(t.settings).values(key=key, value=value))

    def rebuild_summaries(self) -> int:
        return summaries.refresh(self.conn)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, target: str, *, auto_create: bool = True, check: bool = True) -> Store:
        """Open a database by path or URL; a new, empty one is created when allowed."""
        store = cls(_engine.create(target))
        if check:
            _engine.check_schema(store.engine, auto_create=auto_create)
        return store

    @property
    def description(self) -> str:
        return _engine.describe(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def upgrade(self) -> tuple[str | None, str]:
        return _engine.upgrade(self.engine)

    def count_stalled(
        self, params: stall.StallParams, now: datetime, owner: str | None, limit: int
    ) -> stall.StallCount:
        """``Transaction.count_stalled`` over every open deal; on a large pipeline split
        into key ranges judged side by side on their own connections (the database does
        the work, and both SQLite and psycopg let other threads run meanwhile). Not for an
        in-memory SQLite database, which each connection would see empty."""
        with self.read() as tx:
            keys = tx.key_range()
        parts = min(os.cpu_count() or 1, STALL_PARTS)
        url = self.engine.url
        in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
        if keys is None or parts < 2 or in_memory or keys[1] - keys[0] < STALL_SPLIT_ABOVE:
            with self.read() as tx:
                return tx.count_stalled(params, now, owner, limit)
        from concurrent.futures import ThreadPoolExecutor  # only large pipelines need it

        low, high = keys
        step = (high - low) // parts + 1
        ranges = [(start, min(start + step - 1, high)) for start in range(low, high + 1, step)]

        def judge(keys: tuple[int, int]) -> stall.StallCount:
            with self.read() as tx:
                return tx.count_stalled(params, now, owner, limit, keys)

        with ThreadPoolExecutor(len(ranges)) as pool:
            return stall.merge(list(pool.map(judge, ranges)), limit)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        with _engine.connect(self.engine) as conn:
            yield Transaction(conn)

    @contextmanager
    def write(self, first_load: bool = False) -> Iterator[Transaction]:
        """One write transaction; ``first_load`` for a large import into an empty store
        (see ``engine.connect``)."""
        with _engine.connect(self.engine, write=True, first_load=first_load) as conn:
            yield Transaction(conn)

    def close(self) -> None:
        self.engine.dispose()


def _load_features() -> None:
    """Import each feature's tables (``schema_<feature>.py``, on the same metadata).

    Done last, once this package is complete, so feature modules can import from it.
    """
    import importlib

    for feature in ("cadence", "review", "web", "scoring"):
        name = f"unstuck.store.schema_{feature}"
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


_load_features()

__all__ = ["DealRow", "ImportResult", "ScanCache", "ScanRow", "Store", "Transaction"]
