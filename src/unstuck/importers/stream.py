"""Reading a CRM export as a stream: deals in batches, activities as plain tuples.

``read_files`` builds the whole pipeline in memory; this reads the same files the same
way but hands deals over in batches of whole :class:`Deal` objects (with their stage
history, close-date history and stakeholders) and activities as polars frames, so the
store can append them a batch at a time. What stays in memory does not grow with the
activities file: the lookup tables (contacts, accounts), the rows of stage-history and
contact-role files until their deal is read, one small entry per deal id (duplicate
checks and joins), and the first ``REJECTS_KEPT`` rejects (all of them go to a spool
file when they are to be written out).

Activities files are parsed by ``frames.parse_any`` (by columns where it can, else row
by row); where the platform can, that runs in a child process (``parallel.Producer``)
started with the deals, so the second core parses activities while this one writes
deals. Joining them to the deals (ids to store keys, the skipped rows counted) is done
by columns too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import polars as pl

from unstuck.domain import Deal, Status
from unstuck.importers import values
from unstuck.importers.base import FileRole, Match
from unstuck.importers.frames import parse_any
from unstuck.importers.mapping import Mapping
from unstuck.importers.parallel import ActivityWork, Producer
from unstuck.importers.reader import ORDER, describe, expand, recognise
from unstuck.importers.rejects import RejectLog
from unstuck.importers.rows import (
    _HANDLERS,
    PROGRESS_EVERY,
    Context,
    DealDraft,
    Row,
    _deal,
    lookup_fields,
    slug,
)
from unstuck.importers.source import Source
from unstuck.store.bulk import Prepared, prepare

DEAL_BATCH = 5000
ACTIVITY_BATCH = 50_000  # rows per parsed batch: each join to the deal keys costs a pass over them
ACTIVITY_NICE = 10  # the activities reader's priority below the import's
# One activity to append, as the columns of a batch: deal id and its key in the store,
# moment (naive UTC, as the store's text), channel, contact as written (or null),
# summary, participant id (the contact's slug) and fingerprint (with that participant).
ACTIVITY_COLUMNS = ["deal", "pk", "at", "channel", "contact", "summary", "ident", "print"]
_NO_DEAL = "rows without a deal"
_UNKNOWN = "rows for deals not in this import"
_PLANNED = "planned activities not done yet"
_REASONS = (("no_deal", _NO_DEAL), ("unknown", _UNKNOWN), ("planned", _PLANNED))
_EPOCH = datetime(1970, 1, 1)


class _Origin:
    __slots__ = ("origin",)

    def __init__(self, origin: str) -> None:
        self.origin = origin


class _DealIndex:
    """Every deal id read so far and where it was first seen (for duplicate messages).

    Stands in for ``Context.drafts`` while deals rows are mapped: one int per deal
    instead of the whole draft.
    """

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.where: dict[str, int] = {}
        self.current = 0  # file number << 40 | line of the row being mapped
        self.last: DealDraft | None = None

    def get(self, ident: str) -> _Origin | None:
        packed = self.where.get(ident)
        if packed is None:
            return None
        return _Origin(f"{self.names[packed >> 40]}:{packed & ((1 << 40) - 1)}")

    def __setitem__(self, ident: str, draft: DealDraft) -> None:
        self.where[ident] = self.current
        self.last = draft

    def __contains__(self, ident: object) -> bool:
        return ident in self.where


class _SideDrafts(dict[str, DealDraft]):
    """Stage-history and contact-role rows, held by deal id until the deal is read."""

    def __init__(self) -> None:
        super().__init__()
        self.file = 0
        self.counts: dict[str, list[int]] = {}
        self.importer: object = None

    def get(self, ident: str, default: object = None) -> DealDraft:
        draft = super().get(ident)
        if draft is None:
            draft = DealDraft(ident, "", "", Status.OPEN, None, "", self.importer)  # type: ignore[arg-type]
            self[ident] = draft
            self.counts[ident] = []
        counts = self.counts[ident]
        while len(counts) <= self.file:
            counts.append(0)
        counts[self.file] += 1
        return draft


@dataclass
class StreamedImport:
    """One export opened for streaming. Read ``deals()`` to the end, then ``activities()``."""

    found: list[tuple[Source, Match]]
    parsers: dict[str, values.DateParser]
    plan: Mapping | None
    requested: str
    tz: ZoneInfo
    rejects: RejectLog
    progress: Callable[[int], None] | None = None
    ctx: Context = field(init=False)
    latest: datetime | None = None  # the latest moment in the export (undated deals)
    undated: dict[str, datetime | None] = field(default_factory=dict)
    # (deal id, stakeholder id) whose id is not its own slug: activities naming exactly
    # that id join the person instead of making a new one (as read_files does).
    people: set[tuple[str, str]] = field(default_factory=set)
    activity_total: int = 0

    def __post_init__(self) -> None:
        self.ctx = Context(self.tz, self.progress)
        deal_files = [s.name for s, m in self.found if m.layout.role is FileRole.DEALS]
        self.index = _DealIndex(deal_files)
        self.side = _SideDrafts()
        self._side_files: list[str] = []
        self._prepared = False
        self._producer: Producer | None = None
        self._done: list[Producer] = []
        self._before: tuple[int, dict[str, int], dict[tuple[str, str], int]] = (0, {}, {})

    def __enter__(self) -> StreamedImport:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the activities reader if it still runs; drop spooled rejects."""
        self.rejects.close()
        if self._producer is not None:
            self._done.append(self._producer)
            self._producer = None
        while self._done:
            self._done.pop().close()

    @property
    def format(self) -> str:
        return next(
            m for _, m in self.found if m.layout.role is FileRole.DEALS
        ).importer.format_name

    def _files(self, *roles: FileRole) -> list[tuple[Source, Match]]:
        chosen = [f for f in self.found if f[1].layout.role in roles]
        return sorted(chosen, key=lambda f: ORDER[f[1].layout.role])

    def _tick(self, count: int = 1) -> None:
        before = self.ctx.rows_done
        self.ctx.rows_done += count
        if self.progress is not None and before // PROGRESS_EVERY != self.ctx.rows_done // (
            PROGRESS_EVERY
        ):
            self.progress(self.ctx.rows_done)

    # -- the small files: lookups, contacts, and the history joined to deals ------------

    def _prepare(self) -> None:
        self._prepared = True
        small = (FileRole.IGNORED, FileRole.CONTACTS, FileRole.LOOKUP)
        for source, match in self._files(*small):
            self._read_generic(source, match, self.ctx)
        side_ctx = Context(self.tz)
        side_ctx.drafts = self.side
        side_ctx.contacts = self.ctx.contacts
        for source, match in self._files(FileRole.STAGE_HISTORY, FileRole.CONTACT_ROLES):
            self.side.file = len(self._side_files)
            self.side.importer = match.importer
            self._side_files.append(source.name)
            self._read_generic(source, match, side_ctx)
        self.ctx.skipped.update(side_ctx.skipped)  # rows without a deal id

    def _read_generic(self, source: Source, match: Match, ctx: Context) -> None:
        handler = _HANDLERS[match.layout.role]
        table: dict[str, dict[str, object]] = {}
        if match.layout.role is FileRole.LOOKUP:
            self.ctx.lookups.append((match, table))  # type: ignore[arg-type]
        dates, decimal = self.parsers[source.name], source.decimal
        for line, cells in source.rows():
            self._tick()
            row = Row(cells, match, dates, decimal)
            handler(ctx, row, f"{source.name}:{line}", table)  # type: ignore[arg-type]
            self._settle(source, match, line, row)

    def _settle(self, source: Source, match: Match, line: int, row: Row) -> bool:
        if row.problems:
            self.rejects.add(source.name, line, row.problems, match.header, row.cells)
            return False
        self.ctx.rows_ok += 1
        self.ctx.rows_read[source.name] += 1
        return True

    # -- deals ------------------------------------------------------------------------

    def deals(self, size: int = DEAL_BATCH) -> Iterator[list[Deal]]:
        """Whole deals in file order, ``size`` at a time; rejected rows are left out."""
        yield from self._deals(size, None)

    def new_deals(self, now: datetime, size: int = DEAL_BATCH) -> Iterator[Prepared]:
        """The same deals as rows ready for ``bulk.write`` (``bulk.prepare`` at ``now``),
        for a store that has none of them: the reader process does the work of turning
        them into rows, so the writer only writes."""
        yield from self._deals(size, now)

    def _deals(self, size: int, now: datetime | None) -> Iterator[Any]:
        """Deals (``now`` None) or prepared rows, ``size`` deals at a time."""
        if not self._prepared:
            self._start_activities()
            self._prepare()
        if not Producer.available():
            for batch, _ in self._deal_batches(size):
                yield batch if now is None else prepare(batch, now)
            self._unmatched_side_rows()
            return
        producer = Producer(self._deal_work(size, now), self._deal_summary, self.rejects.keep)
        self._done.append(producer)  # closed with the import: its rejects spool is read last
        for _, (batch, ids, undated) in producer.batches():
            self.undated.update(undated)
            self.index.where.update(dict.fromkeys(ids, 0))
            self._tick(len(ids))
            yield batch
        self.rejects.absorb(producer.rejects)
        self._merge(producer.result)

    def _start_activities(self) -> None:
        jobs = [
            (source, match, self.parsers[source.name])
            for source, match in self._files(FileRole.ACTIVITIES)
        ]
        if jobs and Producer.available():
            # Spawned, not forked: polars' thread pool does not survive a fork, and this
            # process may have used it already (an earlier import in the same process).
            work = ActivityWork(jobs, ACTIVITY_BATCH)
            # It runs far ahead of the writer, which needs the deals first: at a lower
            # priority it takes the cores the deals reader and the writer leave idle.
            self._producer = Producer(
                work, work.footers, self.rejects.keep, start="spawn", nice=ACTIVITY_NICE
            )

    def _deal_work(
        self, size: int, now: datetime | None
    ) -> Callable[[RejectLog], Iterator[tuple[str, Any]]]:
        def work(log: RejectLog) -> Iterator[tuple[str, Any]]:  # runs in the child
            self.rejects = log
            self.progress = None
            self._before = (self.ctx.rows_ok, dict(self.ctx.rows_read), dict(self.ctx.skipped))
            for batch, undated in self._deal_batches(size):
                ids = [deal.id for deal in batch]
                yield "deals", (batch if now is None else prepare(batch, now), ids, undated)
            self._unmatched_side_rows()

        return work

    def _deal_summary(self) -> dict[str, Any]:  # runs in the child, after the last batch
        rows_ok, read, skipped = self._before
        return {
            "rows_ok": self.ctx.rows_ok - rows_ok,
            "read": {k: v - read.get(k, 0) for k, v in self.ctx.rows_read.items()},
            "skipped": {k: v - skipped.get(k, 0) for k, v in self.ctx.skipped.items()},
            "latest": self.latest,
            "people": self.people,
            "footers": self._footers(FileRole.DEALS),
        }

    def _footers(self, role: FileRole) -> dict[str, int]:
        """Report footer lines skipped (counted by ``Source.rows``, in the child)."""
        return {source.name: source.footer_lines for source, _ in self._files(role)}

    def _set_footers(self, footers: dict[str, int]) -> None:
        for source, _ in self.found:
            source.footer_lines = footers.get(source.name, source.footer_lines)

    def _merge(self, found: dict[str, Any]) -> None:
        self.ctx.rows_ok += found["rows_ok"]
        self.ctx.rows_read.update(found["read"])
        for key, count in found["skipped"].items():
            if count:
                self.ctx.skipped[key] += count
        latest = found["latest"]
        if latest is not None and (self.latest is None or latest > self.latest):
            self.latest = latest
        self.people = found["people"]
        self._set_footers(found["footers"])
        self.side.clear()
        self.side.counts.clear()

    def _deal_batches(self, size: int) -> Iterator[tuple[list[Deal], dict[str, datetime | None]]]:
        holder = Context(self.tz)
        holder.drafts = self.index  # type: ignore[assignment]
        batch: list[Deal] = []
        for number, (source, match) in enumerate(self._files(FileRole.DEALS)):
            dates, decimal = self.parsers[source.name], source.decimal
            for line, cells in source.rows():
                self._tick()
                self.index.current = number << 40 | line
                row = Row(cells, match, dates, decimal)
                _deal(holder, row, f"{source.name}:{line}", None)
                if self._settle(source, match, line, row) and self.index.last is not None:
                    batch.append(self._build(self.index.last))
                    if len(batch) >= size:
                        yield batch, self._undated_in(batch)
                        batch = []
        if batch:
            yield batch, self._undated_in(batch)

    def _undated_in(self, batch: list[Deal]) -> dict[str, datetime | None]:
        undated = self.undated
        return {d.id: undated[d.id] for d in batch if d.id in undated} if undated else {}

    def _build(self, draft: DealDraft) -> Deal:
        side = self.side.pop(draft.id, None)
        if side is not None:
            del self.side.counts[draft.id]
            draft.stages += side.stages
            draft.closes += side.closes
            for ident, person in side.people.items():
                known = draft.people.get(ident)
                if known is not None:
                    person = replace(person, roles=tuple(dict.fromkeys(known.roles + person.roles)))
                draft.people[ident] = person
        lookup_fields(self.ctx, draft)
        draft.importer.finish(draft, self.tz)
        known_dates = draft.known_dates()
        moments = [*known_dates, draft.created] if draft.created else known_dates
        if draft.expected_close is not None:
            moments.append(datetime.combine(draft.expected_close, time()))
        if moments:
            top = max(moments)
            self.latest = top if self.latest is None or top > self.latest else self.latest
        created = draft.created
        if created is None:
            created = min(known_dates) if known_dates else None
            self.undated[draft.id] = created
        for ident in draft.people:
            if slug(ident) != ident:
                self.people.add((draft.id, ident))
        return draft.build(created or _EPOCH)

    def _unmatched_side_rows(self) -> None:
        for counts in self.side.counts.values():
            for number, count in enumerate(counts):
                if count:
                    key = (self._side_files[number], "rows for deals not in this import")
                    self.ctx.skipped[key] += count
        self.side.clear()
        self.side.counts.clear()

    def imported(self, deal_id: str) -> bool:
        return deal_id in self.index

    # -- activities -------------------------------------------------------------------

    def activities(self, size: int = ACTIVITY_BATCH) -> Iterator[pl.DataFrame]:
        """Touches for deals of this import (``ACTIVITY_COLUMNS``); rejects are logged.

        Read after ``deals()``, once the deal index maps each id to its key in the store.
        """
        counts: dict[str, list[int]] = {}
        keys: pl.DataFrame | None = None
        for name, parsed in self._parsed(size):
            if keys is None:
                where = self.index.where
                keys = pl.DataFrame(
                    {"deal": list(where), "pk": list(where.values())},
                    schema={"deal": pl.String, "pk": pl.Int64},
                )
            rows = self._join(name, parsed, keys, counts.setdefault(name, [0, 0, 0, 0, 0]))
            if rows.height:
                self._note_latest(rows)
                yield rows
        for name, (total, rejected, no_deal, unknown, planned) in counts.items():
            self.activity_total += total
            self.ctx.rows_ok += total - rejected
            self.ctx.rows_read[name] += total - rejected
            for what, count in (
                (_NO_DEAL, no_deal),
                (_UNKNOWN, unknown),
                (_PLANNED, planned),
            ):
                if count:
                    self.ctx.skipped[(name, what)] += count
        if self.progress is not None:
            self.progress(self.ctx.rows_done)

    def _parsed(self, size: int) -> Iterator[tuple[str, pl.DataFrame]]:
        if self._producer is not None:
            yield from self._producer.batches()
            self.rejects.absorb(self._producer.rejects)
            self._set_footers(self._producer.result)
            return
        for source, match in self._files(FileRole.ACTIVITIES):
            dates = self.parsers[source.name]
            for parsed in parse_any(source, match, dates, self.rejects, size):
                yield source.name, parsed

    def _join(
        self, name: str, parsed: pl.DataFrame, keys: pl.DataFrame, counts: list[int]
    ) -> pl.DataFrame:
        """Keep the rows of deals in this import; count the rest as read_files does."""
        frame = parsed.with_columns(pk=_keys_of(parsed, keys))
        rejected = pl.col("at").is_null()
        no_deal = pl.col("deal") == ""
        unknown = pl.col("pk").is_null() & ~no_deal
        planned = ~rejected & ~no_deal & ~unknown & pl.col("planned")
        kinds = frame.select(
            rejected=rejected.sum(),
            no_deal=no_deal.sum(),
            unknown=unknown.sum(),
            planned=planned.sum(),
            first_no_deal=no_deal.arg_max(),
            first_unknown=unknown.arg_max(),
            first_planned=planned.arg_max(),
        ).row(0, named=True)
        # A reason is listed where it is first met in the file (read_files' order).
        met = [(kinds[f"first_{kind}"], what) for kind, what in _REASONS if kinds[kind]]
        for _, what in sorted(met):
            self.ctx.skipped[(name, what)] += 0
        counts[0] += frame.height
        counts[1] += kinds["rejected"]
        counts[2] += kinds["no_deal"]
        counts[3] += kinds["unknown"]
        counts[4] += kinds["planned"]
        self._tick(frame.height)
        rows = frame.filter(~rejected & ~no_deal & ~unknown & ~pl.col("planned"))
        if self.undated:
            self._note_undated(rows)
        return rows.select(ACTIVITY_COLUMNS)

    def _note_undated(self, rows: pl.DataFrame) -> None:
        undated = self.undated
        dated = rows.filter(pl.col("deal").is_in(list(undated)))
        for deal, at in dated.group_by("deal").agg(pl.col("at").min()).iter_rows():
            first, moment = undated[deal], datetime.fromisoformat(at)
            undated[deal] = moment if first is None or moment < first else first

    def _note_latest(self, rows: pl.DataFrame) -> None:
        top = datetime.fromisoformat(str(rows.get_column("at").max()))  # fixed-width ISO text
        if self.latest is None or top > self.latest:
            self.latest = top

    # -- after the last row -------------------------------------------------------------

    def created_fixes(self) -> tuple[dict[str, datetime], list[str]]:
        """Deals without a created date: their earliest event, else the latest date seen.

        The same rule as ``read_files``; returns the dates and the note for ``detected``.
        """
        if not self.undated:
            return {}, []
        fallback = self.latest
        fixes = {ident: first or fallback or _EPOCH for ident, first in self.undated.items()}
        latest = (
            f"; otherwise {fallback:%Y-%m-%d}, the latest date in the export" if fallback else ""
        )
        note = f"{len(fixes)} deals have no created date: used their earliest dated event{latest}"
        return fixes, [note]

    def describe(self) -> str:
        _, notes = self.created_fixes()
        rejected = (self.rejects.rows, self.rejects.problems)
        return describe(self.found, self.ctx, self.requested, notes, self.plan, rejected)


def _keys_of(parsed: pl.DataFrame, keys: pl.DataFrame) -> pl.Series:
    """The store key of each row's deal (null when not in the import), in row order.

    An inner join hashes the smaller side, the batch; a left join hashed all the deal ids
    again for every batch: 0.1 s a batch with a million deals, longer than the rest of the
    import's work on it.
    """
    rows = parsed.select("deal").with_row_index("row")
    found = rows.join(keys, on="deal", how="inner")
    empty = pl.Series("pk", [None] * parsed.height, dtype=pl.Int64)
    return empty.scatter(found.get_column("row"), found.get_column("pk"))


def stream_files(
    paths: Sequence[Path],
    *,
    format: str = "auto",
    mapping: Path | None = None,
    date_format: str | None = None,
    tz: ZoneInfo,
    progress: Callable[[int], None] | None = None,
    spool_rejects: bool = False,
) -> StreamedImport:
    """Open a CRM export (tables, not JSON documents) for streaming; see the module doc.

    Raises InputError when a file cannot be used at all, like ``read_files``.
    """
    files = expand(paths, format)
    found, parsers, plan = recognise(files, format, mapping, date_format, tz)
    return StreamedImport(
        found, parsers, plan, format, tz, RejectLog(spool=spool_rejects), progress
    )


__all__ = ["ACTIVITY_COLUMNS", "RejectLog", "StreamedImport", "stream_files"]
