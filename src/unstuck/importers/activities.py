"""Reading an activities file fast: clean CSV rows as plain tuples, the rest as usual.

Activity rows of a CSV take a fast path (precompiled column positions, ISO dates
through ``datetime.fromisoformat``, no per-row objects); any row the fast path is not
sure about goes through the generic row mapping (``rows.read_activity``), so the result
and the rejects are exactly those of ``read_files``. ``Rower`` is that row path on its
own: ``frames`` sends it the rows its column rules leave over. Nothing here knows which
deals the import holds: that join happens in ``stream.StreamedImport`` (so this part can
run in another process while the deals are written).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from unstuck.importers import values
from unstuck.importers.base import Match
from unstuck.importers.rejects import RejectLog
from unstuck.importers.rows import Row, activity_parts, read_activity, slug
from unstuck.importers.source import Source
from unstuck.store.bulk_touches import fingerprint

TRUE = frozenset({"true", "yes", "y", "1", "x", "done", "checked", "ja", "oui", "sí", "si", "t"})
FALSE = frozenset(
    {"false", "no", "n", "0", "to do", "todo", "not done", "unchecked", "nein", "non", "f"}
)
# One activity row as mapped: deal id ("" when none), moment (None: the row was
# rejected), channel, contact as written, summary, and whether it is only planned.
Mapped = tuple[str, datetime | None, str, str | None, str, bool]
# As handed over: the moment as text ("2026-06-03 10:00:00.000000", naive UTC), plus the
# participant id the contact becomes (its slug) and the touch's fingerprint with that
# participant: computed here, off the writing process's critical path.
Parsed = tuple[str, str | None, str, str | None, str, bool, str, str]
_SLUGS = 100_000  # contact -> slug cache size


def parse_activities(
    source: Source, match: Match, dates: values.DateParser, rejects: RejectLog, size: int
) -> Iterator[list[Parsed]]:
    """The file's rows, ``size`` at a time, in file order; problems go to ``rejects``."""
    rower = Rower(source, match, dates, rejects)
    batch: list[Parsed] = []
    for line, cells in source.rows():
        batch.append(rower.row(line, cells))
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Rower:
    """One file's rows mapped one at a time: the fast path, else the generic mapping."""

    def __init__(
        self, source: Source, match: Match, dates: values.DateParser, rejects: RejectLog
    ) -> None:
        self.fast = _fast_activity(match, dates) if source.kind == "csv" else None
        self.match, self.dates, self.rejects = match, dates, rejects
        self.decimal, self.name = source.decimal, source.name
        self.slugs: dict[str, str] = {}

    def row(self, line: int, cells: list[values.Cell]) -> Parsed:
        found = self.fast(cells) if self.fast is not None else None
        if found is None:
            row = Row(cells, self.match, self.dates, self.decimal)
            found = _slow_activity(row)
            if row.problems:
                self.rejects.add(self.name, line, row.problems, self.match.header, cells)
                return (row.text("deal_id") or "", None, "", None, "", False, "", "")
        deal, at, channel, contact, summary, planned = found  # type: ignore[misc]
        ident = ""
        if contact is not None:
            ident = self.slugs.get(contact) or ""
            if not ident:
                if len(self.slugs) > _SLUGS:
                    self.slugs.clear()
                ident = self.slugs[contact] = slug(contact)
        print_ = fingerprint(channel, ident, summary)
        # The moment goes as the text the store keeps (SQLite's DateTime form; PostgreSQL's
        # COPY reads it too): cheaper to hand over than a datetime, and ready to write.
        when = at.isoformat(" ", "microseconds")  # type: ignore[union-attr]
        return (deal, when, channel, contact, summary, planned, ident, print_)


def _slow_activity(row: Row) -> Mapped | None:
    at, done = read_activity(row)
    if at is None or row.problems:
        return None
    channel, summary, contact = activity_parts(row)
    return row.text("deal_id") or "", at, channel.value, contact, summary, done is False


def _fast_activity(
    match: Match, dates: values.DateParser
) -> Callable[[list[values.Cell]], Mapped | None]:
    """A mapper for clean CSV rows; None means "not sure", and the row takes the slow path."""
    width = len(match.header)
    targets = match.targets

    def at(name: str) -> int:
        return targets.get(name, width)  # a missing column reads the empty cell appended

    i_deal, i_done, i_done_at, i_at = at("deal_id"), at("done"), at("done_at"), at("at")
    i_due, i_clock, i_added = at("due_date"), at("due_time"), at("added_at")
    i_type, i_subject, i_note, i_contact = at("type"), at("subject"), at("note"), at("contact")
    importer = match.importer
    channels: dict[str, str] = {}
    when = _fast_when(dates.tz)
    limit = 500

    def fast(cells: list[values.Cell]) -> Mapped | None:
        if len(cells) != width:
            return None
        cells.append("")
        flag = cells[i_done].strip()  # type: ignore[union-attr]
        planned = False
        if flag:
            flag = flag.casefold()
            if flag in FALSE:
                planned = True
            elif flag not in TRUE:
                return None
        moment = None
        text = cells[i_done_at].strip()  # type: ignore[union-attr]
        if text and (moment := when(text)) is None:
            return None
        if (
            moment is None
            and (text := cells[i_at].strip())  # type: ignore[union-attr]
            and (moment := when(text)) is None
        ):
            return None
        if moment is None and (text := cells[i_due].strip()):  # type: ignore[union-attr]
            if len(text) != 10:
                return None
            clock = cells[i_clock].strip()  # type: ignore[union-attr]
            if (moment := when(f"{text} {clock}" if clock else text)) is None:
                return None
        if moment is None and (text := cells[i_added].strip()):  # type: ignore[union-attr]
            moment = when(text)
        if moment is None:
            return None
        kind = cells[i_type].strip()  # type: ignore[union-attr]
        channel = channels.get(kind)
        if channel is None:
            channel = importer.channel(kind or None).value
            if len(channels) < 10_000:
                channels[kind] = channel
        subject = cells[i_subject].strip()  # type: ignore[union-attr]
        note = cells[i_note].strip()  # type: ignore[union-attr]
        summary = f"{subject}: {note}" if subject and note else subject or note
        contact = cells[i_contact].strip() or None  # type: ignore[union-attr]
        deal = cells[i_deal].strip()  # type: ignore[union-attr]
        return deal, moment, channel, contact, summary[:limit], planned

    return fast


def _fast_when(tz: ZoneInfo) -> Callable[[str], datetime | None]:
    """ISO dates the way ``DateParser.when`` reads them, or None to let it decide."""
    parse = datetime.fromisoformat
    utc = tz.key == "UTC"

    def when(text: str) -> datetime | None:
        size = len(text)
        if size < 10 or text[4] != "-" or text[7] != "-":
            return None
        if size > 10 and (text[10] not in "T " or size < 16 or text[13] != ":"):
            return None
        try:
            moment = parse(text)
        except ValueError:
            return None
        if moment.tzinfo is None:
            if utc:
                return moment
            return moment.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
        if not (
            text[-1] == "Z"
            or (text[-6] in "+-" and text[-3] == ":")
            or (text[-5] in "+-" and text[-4:].isdigit())
        ):
            return None
        return moment.astimezone(UTC).replace(tzinfo=None)

    return when


__all__ = ["FALSE", "TRUE", "Parsed", "Rower", "parse_activities"]
