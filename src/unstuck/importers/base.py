"""The importer interface and the registry.

An :class:`Importer` is a CRM's export format. It lists the layouts it knows (one per
kind of file: deals, stage history, contact roles, contacts, activities, lookups), each
a table of our *targets* (``name``, ``stage``, ``created``...) to the header labels that
mean them. Recognising a file is matching its header against every layout and keeping
the best score; mapping a row is generic (``rows.py``) and calls the importer's small
hooks for what differs per CRM: stage ids, status vocabularies, contact roles.

To add a CRM: subclass :class:`Importer`, give it ``name``, ``label`` and ``layouts``,
override the hooks it needs, and :func:`register` an instance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from unstuck.domain import Channel, Role, Status
from unstuck.importers.source import norm

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from unstuck.domain import StageChange
    from unstuck.importers.rows import DealDraft
    from unstuck.importers.values import Cell, DateParser

# A special column the importer reads by itself but which holds nothing we keep.
IGNORE = object()


class FileRole(StrEnum):
    DEALS = "deals"
    STAGE_HISTORY = "stage history"
    CONTACTS = "contacts"
    CONTACT_ROLES = "contact roles"
    ACTIVITIES = "activities"
    LOOKUP = "lookup"
    IGNORED = "ignored"


# What each target holds; the date kinds tell the pre-scan which columns carry dates.
KINDS: dict[str, str] = {
    "value": "amount",
    "created": "when", "closed_at": "when", "won_at": "when", "lost_at": "when",
    "last_stage_change": "when", "at": "when", "done_at": "when", "added_at": "when",
    "expected_close": "day", "revisit_on": "day", "due_date": "day",
    "is_won": "flag", "is_closed": "flag", "is_primary": "flag", "done": "flag",
}  # fmt: skip
DATE_KINDS = ("when", "day")
# Columns of our own rejects file (ImportBatch.write_rejects): ignored on re-import.
REJECT_COLUMNS = ("unstuck_file", "unstuck_line", "unstuck_reason")


@dataclass(frozen=True)
class Layout:
    """One kind of file a CRM exports: which header labels mean which target."""

    title: str  # "HubSpot deals export"
    role: FileRole
    columns: dict[str, tuple[str, ...]]  # target -> header labels, first is the canonical one
    required: tuple[str, ...]  # targets; "a|b" means either
    ignored: tuple[str, ...] = ()  # labels we know and drop on purpose (system columns)
    lookup_on: str | None = None  # LOOKUP: the deal attribute its "key" column joins to
    field_prefix: str = ""  # LOOKUP: prefix for the fields it adds

    def index(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for target, labels in self.columns.items():
            for label in labels:
                out.setdefault(norm(label), target)
        return out


@dataclass
class Match:
    """A file's header held against one layout."""

    importer: Importer
    layout: Layout
    header: list[str]
    targets: dict[str, int] = field(default_factory=dict)
    specials: list[tuple[int, object]] = field(default_factory=list)
    ignored: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def score(self) -> float:
        known = len(self.targets) + len(self.specials)
        # Ignored system columns are weak evidence; the share of the header we understand
        # breaks ties between CRMs that share labels ("Amount", "Stage").
        return known + 0.5 * len(self.ignored) + known / max(1, len(self.header))

    def missing_labels(self) -> list[str]:
        out = []
        for target in self.missing:
            options = [self.layout.columns[t][0] for t in target.split("|")]
            out.append(" or ".join(options))
        return out

    def date_columns(self) -> list[int]:
        cols = [i for t, i in self.targets.items() if KINDS.get(t) in DATE_KINDS]
        return cols + [i for i, _ in self.specials]


_STATUS_WORDS = {
    "open": Status.OPEN, "won": Status.WON, "lost": Status.LOST, "nurture": Status.NURTURE,
    "closed won": Status.WON, "closed lost": Status.LOST, "active": Status.OPEN,
    "in progress": Status.OPEN, "on hold": Status.NURTURE, "parked": Status.NURTURE,
}  # fmt: skip

ROLE_TABLE: dict[str, tuple[Role, ...]] = {
    "decision maker": (Role.DECISION_MAKER, Role.APPROVAL),
    "economic buyer": (Role.APPROVAL, Role.DECISION_MAKER),
    "economic decision maker": (Role.APPROVAL, Role.DECISION_MAKER),
    "technical buyer": (Role.EVALUATION,),
    "evaluator": (Role.EVALUATION,),
    "influencer": (Role.INSIDER,),
    "business user": (Role.END_USER,),
    "end user": (Role.END_USER,),
    "user": (Role.END_USER,),
    "executive sponsor": (Role.APPROVAL,),
    "champion": (Role.CHAMPION,),
    "gatekeeper": (Role.GATEKEEPER,),
    "purchasing": (Role.PURCHASING,),
    "procurement": (Role.PURCHASING,),
    "other": (),
    **{role.value.replace("_", " "): (role,) for role in Role},
}

_CHANNELS = {
    "call": Channel.CALL, "phone": Channel.CALL, "phone call": Channel.CALL,
    "voicemail": Channel.VOICEMAIL, "email": Channel.EMAIL, "e-mail": Channel.EMAIL,
    "mail": Channel.EMAIL, "meeting": Channel.MEETING, "lunch": Channel.MEETING,
    "demo": Channel.MEETING, "video call": Channel.MEETING, "visit": Channel.VISIT,
    "sms": Channel.MESSAGE, "message": Channel.MESSAGE, "whatsapp": Channel.MESSAGE,
    "linkedin": Channel.MESSAGE, "chat": Channel.MESSAGE,
}  # fmt: skip


def status_from_stage(stage: str) -> Status:
    """The status a stage label implies: 'Closed Won' is won, 'Closed Lost...' lost."""
    folded = stage.casefold()
    if re.search(r"\bwon\b", folded):
        return Status.WON
    if re.search(r"\blost\b", folded):
        return Status.LOST
    if "nurture" in folded:
        return Status.NURTURE
    return Status.OPEN


class Importer:
    """One CRM's export format. Subclasses fill in the class attributes and hooks."""

    name: str
    label: str
    layouts: tuple[Layout, ...] = ()
    format = ""  # the public format name (FORMATS) when it differs from ``name``

    @property
    def format_name(self) -> str:
        return self.format or self.name

    def match(self, header: Sequence[str], layout: Layout) -> Match:
        found = Match(self, layout, list(header))
        index = layout.index()
        rank = {
            norm(label): n for labels in layout.columns.values() for n, label in enumerate(labels)
        }
        ignored = {norm(label) for label in layout.ignored}
        reject_columns = {norm(c) for c in REJECT_COLUMNS}
        for position, label in enumerate(header):
            key = norm(label)
            target = index.get(key)
            if not key or key in reject_columns:
                found.ignored.append(position)
            elif target is not None and (
                target not in found.targets or rank[key] < rank[norm(header[found.targets[target]])]
            ):
                if target in found.targets:  # a better label for the same target
                    found.extra.append(found.targets[target])
                found.targets[target] = position
            elif key in ignored or (special := self.special(label, layout)) is IGNORE:
                found.ignored.append(position)
            elif special is not None:
                found.specials.append((position, special))
            else:
                found.extra.append(position)
        found.missing = [
            need for need in layout.required if not any(t in found.targets for t in need.split("|"))
        ]
        return found

    # -- hooks ----------------------------------------------------------------------

    def special(self, label: str, layout: Layout) -> object | None:
        """A column this CRM reads by pattern (HubSpot's 'Date entered ...')."""
        return None

    def special_value(self, special: object, cell: Cell, dates: DateParser) -> StageChange | None:
        """What a special column's cell adds to the deal's stage history."""
        return None

    def stage_name(self, raw: str) -> str:
        return raw

    def status(self, raw: str | None, won: bool | None, closed: bool | None, stage: str) -> Status:
        """Raises ValueError for a status word we do not know."""
        if raw is not None:
            word = " ".join(raw.replace("_", " ").split()).casefold()
            if word == "deleted":
                raise ValueError("deleted in the CRM; filter deleted deals out of the export")
            if word not in _STATUS_WORDS:
                raise ValueError(f"unknown status {raw!r}; expected open, won, lost or nurture")
            return _STATUS_WORDS[word]
        if won:
            return Status.WON
        if closed is not None:
            return Status.LOST if closed else Status.OPEN
        return status_from_stage(stage)

    def roles(self, raw: str) -> tuple[Role, ...]:
        roles: list[Role] = []
        for part in re.split(r"[;,]", raw):
            for role in ROLE_TABLE.get(norm(part), ()):
                if role not in roles:
                    roles.append(role)
        return tuple(roles)

    def channel(self, raw: str | None) -> Channel:
        return _CHANNELS.get(norm(raw or ""), Channel.OTHER)

    def finish(self, draft: DealDraft, tz: ZoneInfo) -> None:
        """Last touches on a deal once every file has been read."""

    def field_name(self, label: str) -> str:
        """The custom field a column we do not know becomes."""
        return label


_REGISTRY: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    _REGISTRY[importer.name] = importer
    return importer


def importers() -> list[Importer]:
    return list(_REGISTRY.values())


def get(name: str) -> Importer:
    return _REGISTRY[name]


__all__ = [
    "DATE_KINDS",
    "IGNORE",
    "KINDS",
    "REJECT_COLUMNS",
    "ROLE_TABLE",
    "FileRole",
    "Importer",
    "Layout",
    "Match",
    "get",
    "importers",
    "register",
    "status_from_stage",
]
