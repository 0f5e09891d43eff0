"""Mapping rows to deals, one file role at a time.

Every file is read row by row. A deals row becomes a small mutable :class:`DealDraft`;
rows of the other files (stage history, contacts, contact roles, activities, lookups)
attach to the draft of their deal. Only the drafts and the small lookup tables stay in
memory; each row is dropped once mapped. A row with problems is left out whole and each
problem becomes a :class:`Reject` with its file, line and column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from unstuck.domain import (
    AccountType,
    Channel,
    CloseDateChange,
    Deal,
    FieldValue,
    StageChange,
    Stakeholder,
    Status,
    Touch,
)
from unstuck.domain.vocab import Direction
from unstuck.importers import values
from unstuck.importers.base import FileRole, Importer, Match
from unstuck.importers.batch import Reject
from unstuck.importers.source import Source
from unstuck.importers.values import Cell, DateParser

PROGRESS_EVERY = 10_000
# A touch keeps the subject and the start of the note: enough to read the thread, and
# it keeps 20 million activities from carrying whole e-mail bodies into memory.
SUMMARY_LIMIT = 500


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "x"


def lookup_key(text: str) -> str:
    """Join keys match across case and spaces ("GTXPro" and "GTX Pro")."""
    return re.sub(r"\s+", "", text).casefold()


@dataclass(slots=True)
class DealDraft:
    id: str
    name: str
    stage: str
    status: Status
    created: datetime | None
    origin: str  # file:line, for duplicate messages
    importer: Importer
    account: str | None = None
    owner: str | None = None
    value: float | None = None
    currency: str | None = None
    expected_close: date | None = None
    lost_reason: str | None = None
    why: str | None = None
    revisit_on: date | None = None
    account_type: AccountType | None = None
    fields: dict[str, FieldValue] = field(default_factory=dict)
    stages: list[StageChange] = field(default_factory=list)
    closes: list[CloseDateChange] = field(default_factory=list)
    people: dict[str, Stakeholder] = field(default_factory=dict)
    touches: list[Touch] = field(default_factory=list)

    def person(self, ident: str, name: str | None = None) -> Stakeholder:
        if ident not in self.people:
            self.people[ident] = Stakeholder(ident, name or ident)
        return self.people[ident]

    def known_dates(self) -> list[datetime]:
        return (
            [c.at for c in self.stages] + [t.at for t in self.touches] + [c.at for c in self.closes]
        )

    def build(self, created: datetime) -> Deal:
        return Deal(
            id=self.id, name=self.name, stage=self.stage, created=created, status=self.status,
            account=self.account, account_type=self.account_type, owner=self.owner,
            value=self.value, currency=self.currency, expected_close=self.expected_close,
            why=self.why, fields=self.fields, stage_history=_dedupe_stages(self.stages),
            close_date_history=_dedupe_closes(self.closes),
            stakeholders=tuple(self.people.values()),
            touches=tuple(sorted(self.touches, key=lambda t: (t.at, t.summary))),
            lost_reason=self.lost_reason, revisit_on=self.revisit_on,
        )  # fmt: skip


def _dedupe_stages(changes: list[StageChange]) -> tuple[StageChange, ...]:
    """History files repeat the stage on every amount or date change; keep the moves."""
    out: list[StageChange] = []
    for change in sorted(changes, key=lambda c: c.at):
        if not out or out[-1].stage != change.stage:
            out.append(change)
    return tuple(out)


def _dedupe_closes(changes: list[CloseDateChange]) -> tuple[CloseDateChange, ...]:
    out: list[CloseDateChange] = []
    for change in sorted(changes, key=lambda c: c.at):
        if not out or out[-1].expected_close != change.expected_close:
            out.append(change)
    return tuple(out)


@dataclass
class Context:
    """Everything one ``read_files`` call accumulates."""

    tz: ZoneInfo
    progress: Callable[[int], None] | None = None
    rejects: list[Reject] = field(default_factory=list)
    rows_done: int = 0
    rows_ok: int = 0
    drafts: dict[str, DealDraft] = field(default_factory=dict)
    contacts: dict[str, tuple[str, str | None, str | None]] = field(default_factory=dict)
    lookups: list[tuple[Match, dict[str, dict[str, FieldValue]]]] = field(default_factory=list)
    # per file: what was skipped on purpose ("activities for deals not in this import")
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows_read: Counter[str] = field(default_factory=Counter)


class Row:
    """One row held against a match; every accessor records its problem and returns None."""

    __slots__ = ("cells", "dates", "decimal", "match", "problems")

    def __init__(self, cells: list[Cell], match: Match, dates: DateParser, decimal: str) -> None:
        self.cells = cells
        self.match = match
        self.dates = dates
        self.decimal = decimal
        self.problems: list[tuple[str | None, str]] = []

    def has(self, target: str) -> bool:
        return target in self.match.targets

    def cell(self, target: str) -> Cell:
        index = self.match.targets.get(target)
        if index is None:
            return None
        try:
            return self.cells[index]
        except IndexError:  # short rows: spreadsheets drop trailing empty cells
            return None

    def fail(self, target: str | None, reason: str) -> None:
        index = self.match.targets.get(target) if target else None
        self.problems.append((self.match.header[index] if index is not None else target, reason))

    def text(self, target: str) -> str | None:
        return values.text(self.cell(target))

    def _parse(self, target: str, parse: Callable[[Cell], object]) -> object | None:
        cell = self.cell(target)
        if values.text(cell) is None:
            return None
        try:
            return parse(cell)
        except ValueError as exc:
            self.fail(target, str(exc))
            return None

    def when(self, target: str) -> datetime | None:
        found = self._parse(target, self.dates.when)
        return found if isinstance(found, datetime) else None

    def day(self, target: str) -> date | None:
        found = self._parse(target, self.dates.day)
        return found if isinstance(found, date) else None

    def flag(self, target: str) -> bool | None:
        found = self._parse(target, values.flag)
        return found if isinstance(found, bool) else None

    def amount(self, target: str) -> tuple[float, str | None] | None:
        found = self._parse(target, lambda c: values.amount(c, self.decimal))
        return found if isinstance(found, tuple) else None


def read_source(ctx: Context, source: Source, match: Match, dates: DateParser) -> None:
    handler = _HANDLERS[match.layout.role]
    table: dict[str, dict[str, FieldValue]] = {}
    if match.layout.role is FileRole.LOOKUP:
        ctx.lookups.append((match, table))
    decimal = source.decimal
    for line, cells in source.rows():
        ctx.rows_done += 1
        if ctx.progress is not None and ctx.rows_done % PROGRESS_EVERY == 0:
            ctx.progress(ctx.rows_done)
        row = Row(cells, match, dates, decimal)
        handler(ctx, row, f"{source.name}:{line}", table)
        if row.problems:
            kept = tuple(
                (label, values.text(cell) or "")
                for label, cell in zip(match.header, cells, strict=False)
            )
            for column, reason in row.problems:
                ctx.rejects.append(Reject(source.name, line, column, reason, kept))
        else:
            ctx.rows_ok += 1
            ctx.rows_read[source.name] += 1


# -- deals ------------------------------------------------------------------------------


def _deal(ctx: Context, row: Row, origin: str, _: object) -> None:
    importer = row.match.importer
    stage_raw = row.text("stage")
    if stage_raw is None:
        row.fail("stage", "empty; every deal needs a stage")
    stage = importer.stage_name(stage_raw or "")
    won, closed = row.flag("is_won"), row.flag("is_closed")
    try:
        status = importer.status(row.text("status"), won, closed, stage)
    except ValueError as exc:
        row.fail("status", str(exc))
        status = Status.OPEN
    name = row.text("name")
    ident = row.text("id")
    if ident is None and row.has("id"):
        row.fail("id", "empty; every deal needs its record id")
    elif ident is None:
        # No id column (report exports): derive one from account and name. Stable as long
        # as those do not change; add the record id column for reliable re-imports.
        ident = slug(" ".join(filter(None, [row.text("account"), name])))
    if name is None and row.has("name"):
        row.fail("name", "empty; every deal needs a name")
    money = row.amount("value")
    if money is not None and money[0] < 0:
        row.fail("value", f"must not be negative, got {money[0]:g}")
    draft = DealDraft(
        id=ident or "", name=name or ident or "", stage=stage, status=status,
        created=row.when("created"), origin=origin, importer=importer,
        account=row.text("account"), owner=row.text("owner"),
        value=money[0] if money else None,
        currency=row.text("currency") or (money[1] if money else None),
        expected_close=row.day("expected_close"), lost_reason=row.text("lost_reason"),
        why=row.text("why"), revisit_on=row.day("revisit_on"),
    )  # fmt: skip
    _deal_extras(row, draft)
    if row.problems:
        return
    first = ctx.drafts.get(draft.id)
    if first is not None:
        row.fail("id", f"duplicate id {draft.id!r} (first at {first.origin})")
        return
    ctx.drafts[draft.id] = draft


def _deal_extras(row: Row, draft: DealDraft) -> None:
    importer = row.match.importer
    raw_type = row.text("account_type")
    if raw_type is not None:
        try:
            draft.account_type = AccountType(raw_type)
        except ValueError:
            row.fail("account_type", f"unknown value {raw_type!r}; use long_term or one_off")
    for target in ("closed_at", "won_at", "lost_at"):
        moment = row.when(target)
        if (
            moment is not None
            and draft.expected_close is None
            and draft.status
            in (
                Status.WON,
                Status.LOST,
            )
        ):
            draft.expected_close = moment.date()
    moved = row.when("last_stage_change")
    if moved is not None:
        draft.stages.append(StageChange(draft.stage, moved))
    for name in re.split(r";", row.text("contact") or ""):
        if name.strip():
            draft.person(slug(name), name.strip())
    pipeline = row.text("pipeline")
    if pipeline is not None:
        draft.fields["pipeline"] = pipeline
    header, cells = row.match.header, row.cells
    for index in row.match.extra:
        if index < len(cells):
            value = values.field_value(cells[index], row.decimal)
            if value is not None:
                draft.fields[importer.field_name(header[index])] = value
    for index, special in row.match.specials:
        cell = cells[index] if index < len(cells) else None
        if values.text(cell) is None:
            continue
        try:
            change = importer.special_value(special, cell, row.dates)
        except ValueError as exc:
            row.problems.append((header[index], str(exc)))
            continue
        if change is not None:
            draft.stages.append(change)


# -- the files joined to deals ----------------------------------------------------------


def _draft_for(ctx: Context, row: Row, origin: str) -> DealDraft | None:
    ident = row.text("deal_id")
    if ident is None:
        ctx.skipped[(origin.rsplit(":", 1)[0], "rows without a deal")] += 1
        return None
    draft = ctx.drafts.get(ident)
    if draft is None:
        ctx.skipped[(origin.rsplit(":", 1)[0], "rows for deals not in this import")] += 1
    return draft


def _history(ctx: Context, row: Row, origin: str, _: object) -> None:
    at = row.when("at")
    stage = row.text("stage")
    close = row.day("expected_close")
    if at is None and not row.problems:
        row.fail("at", "empty; a history row needs the date of the change")
    draft = _draft_for(ctx, row, origin)
    if draft is None or at is None or row.problems:
        return
    if stage is not None:
        draft.stages.append(StageChange(row.match.importer.stage_name(stage), at))
    if close is not None:
        draft.closes.append(CloseDateChange(close, at))


def _contact(ctx: Context, row: Row, origin: str, _: object) -> None:
    ident = row.text("contact_id")
    if ident is None:
        row.fail("contact_id", "empty; a contact needs its id")
        return
    name = row.text("name") or " ".join(
        filter(None, [row.text("first_name"), row.text("last_name")])
    )
    ctx.contacts[ident] = (name or ident, row.text("email"), row.text("title"))


def _contact_role(ctx: Context, row: Row, origin: str, _: object) -> None:
    contact = row.text("contact_id")
    if contact is None:
        row.fail("contact_id", "empty; a contact role needs the contact's id")
    draft = _draft_for(ctx, row, origin)
    if draft is None or contact is None:
        return
    known = ctx.contacts.get(contact)
    name, email, title = known or (
        row.text("name") or contact,
        row.text("email"),
        row.text("title"),
    )
    roles = row.match.importer.roles(row.text("role") or "")
    person = draft.people.get(contact)
    if person is not None:
        roles = tuple(dict.fromkeys(person.roles + roles))
    draft.people[contact] = Stakeholder(contact, name, email, title, roles)


def read_activity(row: Row) -> tuple[datetime | None, bool | None]:
    """An activity row's moment and done flag; problems are recorded on the row."""
    done = row.flag("done")
    at = row.when("done_at") or row.when("at")
    if at is None:
        day = row.day("due_date")
        clock = row.text("due_time")
        if day is not None:
            try:
                at = row.dates.when(f"{day.isoformat()} {clock}" if clock else day.isoformat())
            except ValueError:
                row.fail("due_time", f"not a time of day: {clock!r} (expected e.g. 14:30)")
    at = at or row.when("added_at")
    if at is None and not row.problems:
        row.fail("due_date", "no date; an activity needs a due date or a done time")
    return at, done


def activity_parts(row: Row) -> tuple[Channel, str, str | None]:
    """An activity row's channel, summary (subject and start of the note) and contact."""
    subject, note = row.text("subject") or "", row.text("note")
    summary = f"{subject}: {note}" if subject and note else subject or note or ""
    channel = row.match.importer.channel(row.text("type"))
    return channel, summary[:SUMMARY_LIMIT], row.text("contact")


def _activity(ctx: Context, row: Row, origin: str, _: object) -> None:
    at, done = read_activity(row)
    draft = _draft_for(ctx, row, origin)
    if draft is None or at is None or row.problems:
        return
    if done is False:
        ctx.skipped[(origin.rsplit(":", 1)[0], "planned activities not done yet")] += 1
        return
    channel, summary, contact = activity_parts(row)
    with_: tuple[str, ...] = ()
    if contact is not None:
        ident = contact if contact in draft.people else slug(contact)
        draft.person(ident, contact)
        with_ = (ident,)
    draft.touches.append(Touch(at, Direction.OUTBOUND, channel, with_, None, summary))


def _lookup(ctx: Context, row: Row, origin: str, table: object) -> None:
    key = row.text("key")
    if key is None or not isinstance(table, dict):
        return
    header, cells = row.match.header, row.cells
    prefix = row.match.layout.field_prefix
    key_index = row.match.targets["key"]
    entry: dict[str, FieldValue] = {}
    for index, cell in enumerate(cells):
        if index != key_index and index < len(header) and header[index]:
            value = values.field_value(cell, row.decimal)
            if value is not None:
                entry[prefix + header[index]] = value
    table[lookup_key(key)] = entry


def _ignored(ctx: Context, row: Row, origin: str, _: object) -> None:
    return None


_HANDLERS: dict[FileRole, Callable[[Context, Row, str, dict[str, dict[str, FieldValue]]], None]] = {
    FileRole.DEALS: _deal,
    FileRole.STAGE_HISTORY: _history,
    FileRole.CONTACTS: _contact,
    FileRole.CONTACT_ROLES: _contact_role,
    FileRole.ACTIVITIES: _activity,
    FileRole.LOOKUP: _lookup,
    FileRole.IGNORED: _ignored,
}


def apply_lookups(ctx: Context) -> None:
    for draft in ctx.drafts.values():
        lookup_fields(ctx, draft)


def lookup_fields(ctx: Context, draft: DealDraft) -> None:
    """Add the fields of the lookup tables (accounts, teams, products) to one deal."""
    for match, table in ctx.lookups:
        on = match.layout.lookup_on or ""
        if on.startswith("fields."):
            raw = draft.fields.get(on.removeprefix("fields."))
        else:
            raw = getattr(draft, on, None)
        entry = table.get(lookup_key(str(raw))) if raw is not None else None
        for key, value in (entry or {}).items():
            draft.fields.setdefault(key, value)


__all__ = [
    "Context",
    "DealDraft",
    "Row",
    "activity_parts",
    "apply_lookups",
    "lookup_fields",
    "lookup_key",
    "read_activity",
    "read_source",
    "slug",
]
