"""Reading an activities CSV column by column: polars parses, Python settles the odd rows.

Twenty million activity rows are too many to map one at a time in Python (about 5 µs
each, whatever the mapping does). Here polars splits the file into columns a batch at
a time, and the rules of the row fast path (``activities._fast_activity``) are applied
to whole columns. Where a rule needs Python's own answer (dates, done flags, channels,
contact slugs, fingerprints) it is asked once per *distinct* value in the batch and
the answers are joined back: an export repeats its dates, types and contacts, so that
is a small share of the rows, and the answers are exactly the row path's.

A row the column rules are not sure about (a footer candidate, a short row, a date
the fast path would not read) is taken from a plain ``csv`` reader over the same file,
kept in step record by record, and goes through the row path (``activities.Rower``)
with its exact cells and line number: results, rejects and footer counts are those of
``parse_activities``. Should that reader ever disagree with polars about a record, the
rest of the file is read the plain way.

Only UTF-8 CSV files whose header is their first line and is as wide as every row's
split take this path (``usable``); anything else is read by ``parse_activities``.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from itertools import islice
from typing import Any

import polars as pl

from unstuck.importers import values
from unstuck.importers.activities import (
    FALSE,
    TRUE,
    Parsed,
    Rower,
    _fast_when,
    parse_activities,
)
from unstuck.importers.base import Match
from unstuck.importers.rejects import RejectLog
from unstuck.importers.rows import SUMMARY_LIMIT, slug
from unstuck.importers.source import Kind, Source, settle
from unstuck.store.bulk_touches import fingerprint

# A batch of parsed activities (``Parsed`` as columns); ``at`` is null for a rejected row.
SCHEMA: dict[str, Any] = {
    "deal": pl.String,
    "at": pl.String,
    "channel": pl.String,
    "contact": pl.String,
    "summary": pl.String,
    "planned": pl.Boolean,
    "ident": pl.String,
    "print": pl.String,
}
# What Python's str.strip() removes (polars' default set differs by a few controls).
_SPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
# Starts of the first cell that might make a row a report footer (source._FOOTER),
# lower-cased; any other non-ASCII start is left to the row path too.
_FOOTER_STARTS = r"^(grand|total|copyright|\(c|©|confidential|generated|filtered|salesforce)"


def usable(source: Source, match: Match) -> bool:
    """Whether this file can be read by columns (see the module docstring)."""
    if not (
        source.kind == "csv"
        and source.encoding in ("utf-8", "utf-8-sig")
        and source.header_line == 1
        and len(source.delimiter or ",") == 1
        and match.header == source.header
    ):
        return False
    with source.path.open(encoding=source.encoding, newline="") as handle:
        first = next(csv.reader(handle, delimiter=source.delimiter or ","), [])
    return len(first) == len(source.header)


def to_frame(rows: list[Parsed]) -> pl.DataFrame:
    """A batch of activities parsed row by row, as columns."""
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def parse_frames(
    source: Source, match: Match, dates: values.DateParser, rejects: RejectLog, size: int
) -> Iterator[pl.DataFrame]:
    """The file's rows in batches of about ``size``, in file order, as ``SCHEMA`` frames."""
    reader = _Columns(source, match, dates, rejects)
    names = [f"c{i}" for i in range(reader.width)]
    scan = pl.scan_csv(
        source.path,
        separator=source.delimiter or ",",
        infer_schema=False,
        new_columns=names,
        truncate_ragged_lines=True,
        row_index_name="n",
        raise_if_empty=False,
    )
    done = 0  # records settled so far, in file order
    batches = iter(scan.collect_batches(chunk_size=size))
    while True:
        try:
            chunk = next(batches, None)
            if chunk is None:
                break
            frame = reader.batch(chunk)
        except (_OutOfStep, pl.exceptions.PolarsError):
            # A record polars cannot split as the csv module does (a stray quote): the
            # plain reader takes over where the last whole batch ended.
            yield from reader.rest(done, size)
            return
        done += chunk.height
        if frame.height:
            yield frame
    source.footer_lines = reader.footers


class _OutOfStep(Exception):
    """The csv reader and polars disagree about a record."""


class _Columns:
    """The column rules for one file, and the row path for the rows they leave over."""

    def __init__(
        self, source: Source, match: Match, dates: values.DateParser, rejects: RejectLog
    ) -> None:
        self.source, self.match = source, match
        self.width = len(source.header)
        self.rower = Rower(source, match, dates, rejects)
        self.when = _fast_when(dates.tz)
        self.footers = 0
        self.trailer = False
        self.records = self._records()
        self.position = 0  # records taken from ``records``

    # -- the plain reader, kept in step -----------------------------------------------

    def _records(self) -> Iterator[tuple[int, list[values.Cell]]]:
        for line, cells in self.source._csv_rows():
            if line > self.source.header_line:
                yield line, cells

    def _record(self, index: int, seen: tuple[Any, ...]) -> tuple[int, list[values.Cell]]:
        """Record ``index`` (0: the first after the header), checked against polars'."""
        found = next(islice(self.records, index - self.position, None), None)
        self.position = index + 1
        if found is None:
            raise _OutOfStep
        line, cells = found
        padded = [c or None for c in cells[: self.width]]
        padded += [None] * (self.width - len(padded))
        if padded != [c or None for c in seen]:
            raise _OutOfStep
        return line, cells

    def rest(self, done: int, size: int) -> Iterator[pl.DataFrame]:
        """The records from ``done`` on, the plain way."""
        rows: list[Parsed] = []
        for line, cells in islice(self._records(), done, None):
            found = self._row(line, cells)
            if found is not None:
                rows.append(found)
                if len(rows) >= size:
                    yield to_frame(rows)
                    rows = []
        if rows:
            yield to_frame(rows)
        self.source.footer_lines = self.footers

    def _row(self, line: int, cells: list[values.Cell]) -> Parsed | None:
        """A row as ``Source.rows`` and ``parse_activities`` see it; None: not data."""
        kind, self.trailer = settle(cells, self.width, self.trailer)
        if kind is Kind.FOOTER:
            self.footers += 1
        return self.rower.row(line, cells) if kind is Kind.DATA else None

    # -- a batch by columns -----------------------------------------------------------

    def batch(self, chunk: pl.DataFrame) -> pl.DataFrame:
        texts = [f"c{i}" for i in range(self.width)]
        empty = pl.all_horizontal(
            pl.col(c).str.strip_chars(_SPACE).fill_null("") == "" for c in texts
        )
        if self.trailer:
            self.footers += int(chunk.select((~empty).sum()).item())
            return to_frame([])
        mapped = self._mapped(chunk.filter(~empty))
        ok = mapped.filter(pl.col("clean")).drop("clean")
        odd = mapped.filter(~pl.col("clean")).get_column("n").to_list()
        if not odd:
            return ok.drop("n")
        first = int(chunk.item(0, "n"))
        # Every odd record is fetched (and checked) before any is settled, so a record out
        # of step leaves nothing half done: the plain reader takes over from this batch.
        exact = [(n, *self._record(n, chunk.row(n - first)[1:])) for n in odd]
        rows: list[Parsed] = []
        numbers: list[int] = []
        for n, line, cells in exact:
            found = self._row(line, cells)
            if found is not None:
                rows.append(found)
                numbers.append(n)
            if self.trailer:  # every later row of the file is a footer
                later = chunk.filter(pl.col("n") > n)
                self.footers += int(later.select((~empty).sum()).item())
                ok = ok.filter(pl.col("n") < n)
                break
        slow = to_frame(rows).with_columns(n=pl.Series(numbers, dtype=ok.schema["n"]))
        return pl.concat([ok, slow.select(ok.columns)]).sort("n").drop("n")

    def _mapped(self, chunk: pl.DataFrame) -> pl.DataFrame:
        """The fast path's answers as columns, with ``clean``: false where it is not sure."""
        targets, width = self.match.targets, self.width

        def text(target: str) -> pl.Expr:
            index = targets.get(target, width)
            if index >= width:
                return pl.lit("")
            return pl.col(f"c{index}").str.strip_chars(_SPACE).fill_null("")

        first = pl.col("c0").fill_null("")
        head = first.str.strip_chars_start(_SPACE).str.slice(0, 20)
        others = (
            pl.any_horizontal(pl.col(f"c{i}").is_not_null() for i in range(1, width))
            if width >= 3
            else pl.lit(True)
        )
        not_footer = (
            (head != "")
            & ~head.str.to_lowercase().str.contains(_FOOTER_STARTS)
            & ~head.str.contains(r"[^\x00-\x7f]")
        )
        done_at, at, due, clock = text("done_at"), text("at"), text("due_date"), text("due_time")
        day = pl.when(clock != "").then(due + " " + clock).otherwise(due)
        moment = (
            pl.when(done_at != "")
            .then(done_at)
            .when(at != "")
            .then(at)
            .when(due != "")
            .then(day)
            .otherwise(text("added_at"))
        )
        odd_day = (done_at == "") & (at == "") & (due != "") & (due.str.len_chars() != 10)
        subject, note = text("subject"), text("note")
        summary = (
            pl.when((subject != "") & (note != ""))
            .then(subject + ": " + note)
            .when(subject != "")
            .then(subject)
            .otherwise(note)
            .str.slice(0, SUMMARY_LIMIT)
        )
        frame = chunk.select(
            "n",
            deal=text("deal_id"),
            moment=moment,
            flag=text("done"),
            kind=text("type"),
            contact=text("contact"),
            summary=summary,
            sure=others & not_footer & ~odd_day,
        )
        frame = frame.with_columns(
            at=_each(frame["moment"], self._moment, pl.String),
            planned=_each(frame["flag"], _planned, pl.Boolean),
            channel=_each(frame["kind"], self._channel, pl.String),
            ident=_each(frame["contact"], lambda c: slug(c) if c else "", pl.String),
        )
        frame = frame.with_columns(
            clean=pl.col("sure") & pl.col("at").is_not_null() & pl.col("planned").is_not_null(),
            contact=pl.when(pl.col("contact") != "").then(pl.col("contact")),
        )
        keys = frame.select("channel", "ident", "summary").unique()
        prints = [fingerprint(c, i, s) for c, i, s in keys.iter_rows()]
        keys = keys.with_columns(print=pl.Series(prints, dtype=pl.String))
        frame = frame.join(keys, on=["channel", "ident", "summary"], how="left")
        return frame.sort("n").select("n", *SCHEMA, "clean")

    def _moment(self, text: str) -> str | None:
        found = self.when(text) if text else None
        return found.isoformat(" ", "microseconds") if found is not None else None

    def _channel(self, kind: str) -> str:
        return self.match.importer.channel(kind or None).value


def _planned(flag: str) -> bool | None:
    """The done flag as the fast path reads it: planned, done, or None (not sure)."""
    if not flag:
        return False
    folded = flag.casefold()
    if folded in FALSE:
        return True
    return False if folded in TRUE else None


def _each(column: pl.Series, answer: Callable[[Any], Any], dtype: Any) -> pl.Series:
    """``answer`` of every value, asked once per distinct value."""
    distinct = column.unique()
    answers = pl.Series([answer(v) for v in distinct.to_list()], dtype=dtype)
    return column.replace_strict(distinct, answers, return_dtype=dtype)


def parse_any(
    source: Source, match: Match, dates: values.DateParser, rejects: RejectLog, size: int
) -> Iterator[pl.DataFrame]:
    """Any activities file as ``SCHEMA`` frames: by columns where ``usable``, else by rows."""
    if usable(source, match):
        yield from parse_frames(source, match, dates, rejects, size)
        return
    for rows in parse_activities(source, match, dates, rejects, size):
        yield to_frame(rows)


__all__ = ["SCHEMA", "parse_any", "parse_frames", "to_frame", "usable"]
