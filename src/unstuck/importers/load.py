"""``import_files``: a CRM export into the store, streamed, in one transaction.

The files are read once, in join order, inside one write transaction: the small
tables first (contacts, lookups, stage history, contact roles), then the deals, written
a batch at a time (new deals through the store's bulk path, known ones merged), then
the activities, staged a batch at a time (polars frames, by columns) and moved into
``touches`` at the end, with the people they name (``store.bulk_touches``). Memory
holds one batch, the lookup tables and one small entry per deal, never the activities
file.

Bad rows: every problem in every file is collected while reading. Without
``skip_bad_rows`` the first problem stops all writing, the rest of the files is still
read so that every problem is reported at once, and the transaction is rolled back:
nothing is written. With it, the good rows are imported and the rejected ones written
to that file. A dry run does the whole import and rolls it back, so its counts are
exact.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

from unstuck.domain import Deal
from unstuck.errors import InputError
from unstuck.importers.batch import Reject
from unstuck.importers.reader import expand, is_document, read_files
from unstuck.importers.stream import StreamedImport, stream_files
from unstuck.store import Transaction, bulk_touches, load_mode


@dataclass
class LoadResult:
    """What an import did (or, for a dry run, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touches_added: int = 0
    rows_ok: int = 0
    detected: str = ""
    format: str = ""
    dry_run: bool = False
    rejects: list[Reject] = field(default_factory=list)  # the first ones, to show
    rejected_rows: int = 0
    rejected_problems: int = 0
    rejects_file: Path | None = None

    @property
    def deals(self) -> int:
        return self.created + self.updated + self.unchanged

    def to_dict(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    @property
    def note(self) -> str:
        """``detected`` plus where the rejected rows went, as the CLI prints it."""
        if self.rejects_file is None or not self.rejected_rows:
            return self.detected
        return f"{self.detected}; {self.rejected_rows} rejected rows written to {self.rejects_file}"


class _Rollback(Exception):
    """Ends a dry run's transaction without committing."""


def import_files(
    app: Any,
    paths: Sequence[Path],
    *,
    format: str = "auto",
    mapping: Path | None = None,
    date_format: str | None = None,
    dry_run: bool = False,
    skip_bad_rows: Path | None = None,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> LoadResult:
    """Import a CRM export (or the JSON document) into ``app`` (an ``Unstuck``).

    Raises InputError listing the rejected rows (the first ``REJECTS_KEPT``, then a
    count) unless ``skip_bad_rows`` names the file to write them to.
    """
    files = expand(paths, format)
    if any(is_document(p) for p in files):
        return _documents(app, files, format, dry_run, now)
    stream = stream_files(
        files,
        format=format,
        mapping=mapping,
        date_format=date_format,
        tz=app.tz,
        progress=progress,
        spool_rejects=skip_bad_rows is not None,
    )
    result = LoadResult(format=stream.format, dry_run=dry_run)
    try:
        try:
            with app.store.read() as tx:
                empty = tx.count_deals() == 0
            with app.store.write(first_load=empty) as tx, bulk_touches.large_cache(tx.conn):
                _Loader(tx, stream, now, result, skip_bad_rows is not None, empty).run()
                _finish(stream, result, skip_bad_rows)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        if skip_bad_rows is not None and stream.rejects.rows:
            stream.rejects.write_csv(skip_bad_rows)
            result.rejects_file = skip_bad_rows
    finally:
        stream.close()
    return result


def _finish(stream: StreamedImport, result: LoadResult, skip_bad_rows: Path | None) -> None:
    log = stream.rejects
    result.rows_ok = stream.ctx.rows_ok
    result.detected = stream.describe()
    result.rejects = list(log.kept)
    result.rejected_rows, result.rejected_problems = log.rows, log.problems
    if log.rows and skip_bad_rows is None:
        problems = [str(r) for r in log.kept]
        if log.problems > len(log.kept):
            problems.append(f"... and {log.problems - len(log.kept)} more problems")
        problems.append(
            f"{result.rows_ok} rows are fine. Fix the rows above, or pass --skip-bad-rows FILE "
            "to import the good rows and keep the rejected ones for fixing."
        )
        raise InputError(problems)


def _documents(
    app: Any, files: list[Path], format: str, dry_run: bool, now: datetime
) -> LoadResult:
    batch = read_files(files, format=format, tz=app.tz)
    step = app.import_pipeline(batch.pipeline, now, dry_run=dry_run)
    return LoadResult(
        created=len(step.created),
        updated=len(step.updated),
        unchanged=len(step.unchanged),
        rows_ok=batch.rows_ok,
        detected=batch.detected,
        format=batch.format,
        dry_run=dry_run,
    )


class _Loader:
    """One streamed import inside one write transaction."""

    def __init__(
        self,
        tx: Transaction,
        stream: StreamedImport,
        now: datetime,
        result: LoadResult,
        skip: bool,
        first_load: bool = False,
    ) -> None:
        self.tx = tx
        self.stream = stream
        self.now = now
        self.result = result
        self.skip = skip
        self.first = False  # the store had no deals when the import began
        self.first_load = first_load  # the transaction's connection is a first load's

    @property
    def writing(self) -> bool:
        return self.skip or not self.stream.rejects.rows

    def run(self) -> None:
        # Into a store without deals every deal is new (the reader rejects repeated ids),
        # and on PostgreSQL the indexes and foreign keys are built once at the end.
        self.first = self.tx.count_deals() == 0
        with load_mode.first_load(self.tx.conn) if self.first else nullcontext():
            self._load()
        if self.writing:
            self.tx.analyze_after_load(
                self.result.created + self.result.updated + self.result.touches_added
            )

    def _load(self) -> None:
        if self.first:
            # Every deal is new: the reader turns them into rows, this process writes.
            for prepared in self.stream.new_deals(self.now):
                if self.writing:
                    self.tx.insert_new_deals(prepared)
                    self.result.created += len(prepared)
        else:
            for batch in self.stream.deals():
                if self.writing:
                    self._write_deals(batch)
        where: dict[str, int] = self.stream.index.where
        if self.writing:
            # From here on the index maps each deal id to its key in the store.
            ids = list(where)
            where.update(bulk_touches.deal_pks(self.tx.conn, ids))
        before = bulk_touches.begin(self.tx.conn) if self.writing else 0
        for rows in self.stream.activities():
            if self.writing:
                self._stage(rows)
        if not self.writing:
            return
        added, _ = bulk_touches.finish(self.tx.conn, before, drop_stage=not self.first_load)
        self.result.touches_added = added
        fixes, _ = self.stream.created_fixes()
        if fixes:
            bulk_touches.set_created(self.tx.conn, {where[i]: at for i, at in fixes.items()})

    def _write_deals(self, batch: list[Deal]) -> None:
        undated = [d.id for d in batch if d.id in self.stream.undated]
        if undated:
            # Keep what an earlier import settled, so a re-import reads as unchanged;
            # the final value is set once the activities are read (created_fixes).
            stored = bulk_touches.created_of(self.tx.conn, undated)
            batch = [replace(d, created=stored[d.id]) if d.id in stored else d for d in batch]
        step = self.tx.import_deals(batch, self.now, all_new=self.first)
        self.result.created += len(step.created)
        self.result.updated += len(step.updated)
        self.result.unchanged += len(step.unchanged)

    def _stage(self, rows: pl.DataFrame) -> None:
        known = self.stream.people
        if known:
            rows = _join_known_people(rows, known)
        staged = rows.select(
            deal_pk="pk",
            at="at",
            channel="channel",
            participants="ident",
            summary="summary",
            fingerprint="print",
            contact="contact",
        )
        bulk_touches.stage(self.tx.conn, staged)


def _join_known_people(rows: pl.DataFrame, known: set[tuple[str, str]]) -> pl.DataFrame:
    """A contact that is a stakeholder of the deal under exactly that id joins that person
    (as read_files does) instead of becoming a new one under its slug."""
    people = pl.DataFrame(
        [(deal, ident, True) for deal, ident in known],
        schema={"deal": pl.String, "contact": pl.String, "known": pl.Boolean},
        orient="row",
    )
    rows = rows.join(people, on=["deal", "contact"], how="left", maintain_order="left")
    mine = pl.col("known").fill_null(False) & (pl.col("contact") != pl.col("ident"))
    changed = rows.filter(mine)
    if not changed.height:
        return rows.drop("known")
    prints = [
        bulk_touches.fingerprint(channel, contact, summary)
        for channel, contact, summary in changed.select("channel", "contact", "summary").iter_rows()
    ]
    fixed = changed.with_columns(ident=pl.col("contact"), print=pl.Series(prints, dtype=pl.String))
    return pl.concat([rows.filter(~mine), fixed]).drop("known")


__all__ = ["LoadResult", "import_files"]
