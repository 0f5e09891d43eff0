"""Reading the native pipeline document: every problem as ``PATH: message``, all at once."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from unstuck.document.dates import FORMAT, parse_date, parse_datetime
from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    CloseDateChange,
    Deal,
    Decision,
    DecisionKind,
    Direction,
    FieldValue,
    Pipeline,
    Qualification,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    Touch,
    TouchKind,
)
from unstuck.errors import InputError

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

_DEAL_KEYS = {
    "closed_at",
    "id",
    "name",
    "account",
    "account_type",
    "owner",
    "stage",
    "status",
    "value",
    "currency",
    "created",
    "expected_close",
    "why",
    "fields",
    "stage_history",
    "close_date_history",
    "stakeholders",
    "answers",
    "touches",
    "lost_reason",
    "revisit_on",
    "decisions",
}
_TOP_KEYS = {"format", "as_of", "qualification", "deals", "timezone"}


class _Reader:
    """Walks untrusted JSON, recording every problem with its path."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def text(self, obj: dict[str, Any], key: str, path: str, required: bool = False) -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing; this field is required")
            return None
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"expected text, got {json.dumps(value)}")
            return None
        if required and not value.strip():
            self.fail(f"{path}.{key}", "must not be empty")
            return None
        return value

    def enum(self, cls: type[E], obj: dict[str, Any], key: str, path: str) -> E | None:
        value = obj.get(key)
        if value is None:
            return None
        try:
            return cls(value)
        except ValueError:
            allowed = ", ".join(member.value for member in cls)
            self.fail(f"{path}.{key}", f"unknown value {json.dumps(value)}; use one of: {allowed}")
            return None

    def when(self, obj: dict[str, Any], key: str, path: str, required: bool) -> datetime | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing; give a date such as 2026-09-12")
            return None
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"not a date: {json.dumps(value)}")
            return None
        try:
            return parse_datetime(value, self.tz)
        except ValueError as exc:
            self.fail(f"{path}.{key}", str(exc))
            return None

    def day(self, obj: dict[str, Any], key: str, path: str) -> date | None:
        value = obj.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"not a date: {json.dumps(value)}")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(f"{path}.{key}", str(exc))
            return None

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{path}.{key}", "expected a list")
            return []
        out = []
        for index, item in enumerate(value):
            item_path = f"{path}.{key}[{index}]"
            if isinstance(item, dict):
                out.append((item_path, item))
            else:
                self.fail(item_path, "expected an object")
        return out

    def keys(self, obj: dict[str, Any], allowed: set[str], path: str) -> None:
        for key in obj:
            if key not in allowed:
                known = ", ".join(sorted(allowed))
                self.fail(f"{path}.{key}", f"unknown field; known fields: {known}")

    # -- the parts of a deal ------------------------------------------------------------

    def stakeholder(self, obj: dict[str, Any], path: str) -> Stakeholder | None:
        self.keys(
            obj, {"id", "name", "email", "title", "roles", "stance", "authority", "faction"}, path
        )
        ident = self.text(obj, "id", path, required=True)
        name = self.text(obj, "name", path) or ident
        roles: list[Role] = []
        raw_roles = obj.get("roles") or []
        if not isinstance(raw_roles, list):
            self.fail(f"{path}.roles", "expected a list of roles")
            raw_roles = []
        for index, raw in enumerate(raw_roles):
            role = self.enum(Role, {"r": raw}, "r", path)
            if role is None:
                self.problems[-1] = self.problems[-1].replace(f"{path}.r", f"{path}.roles[{index}]")
            elif role not in roles:
                roles.append(role)
        stance = self.enum(Stance, obj, "stance", path) or Stance.UNKNOWN
        authority = self.enum(Authority, obj, "authority", path) or Authority.UNKNOWN
        email = self.text(obj, "email", path)
        title = self.text(obj, "title", path)
        faction = self.text(obj, "faction", path)
        if ident is None or name is None:
            return None
        return Stakeholder(ident, name, email, title, tuple(roles), stance, authority, faction)

    def touch(self, obj: dict[str, Any], path: str, people: set[str]) -> Touch | None:
        self.keys(obj, {"at", "direction", "channel", "with", "kind", "summary"}, path)
        at = self.when(obj, "at", path, required=True)
        direction = self.enum(Direction, obj, "direction", path)
        if "direction" not in obj:
            self.fail(f"{path}.direction", "missing; use inbound or outbound")
        channel = self.enum(Channel, obj, "channel", path)
        if "channel" not in obj:
            self.fail(f"{path}.channel", "missing; use one of: " + ", ".join(Channel))
        kind = self.enum(TouchKind, obj, "kind", path)
        summary = self.text(obj, "summary", path) or ""
        with_ = self.people(obj.get("with"), f"{path}.with", people)
        if at is None or direction is None or channel is None:
            return None
        return Touch(at, direction, channel, with_, kind, summary)

    def people(self, raw: Any, path: str, people: set[str]) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(p, str) for p in raw):
            self.fail(path, "expected a list of stakeholder ids")
            return ()
        for index, person in enumerate(raw):
            if person not in people:
                self.fail(
                    f"{path}[{index}]",
                    f"no stakeholder {person!r} on this deal; add them under stakeholders",
                )
        return tuple(dict.fromkeys(raw))

    def answer(self, obj: dict[str, Any], path: str, people: set[str]) -> Answer | None:
        self.keys(obj, {"question", "stakeholder", "answer", "at"}, path)
        question = self.text(obj, "question", path, required=True)
        answer = self.text(obj, "answer", path, required=True)
        at = self.when(obj, "at", path, required=True)
        who = self.text(obj, "stakeholder", path)
        if who is not None and who not in people:
            self.fail(f"{path}.stakeholder", f"no stakeholder {who!r} on this deal")
        if question is None or answer is None or at is None:
            return None
        return Answer(question, answer, at, who)

    def number(self, obj: dict[str, Any], key: str, path: str) -> float | None:
        value = obj.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            self.fail(f"{path}.{key}", f"expected a number, got {json.dumps(value)}")
            return None
        if value < 0:
            self.fail(f"{path}.{key}", f"must not be negative, got {value}")
            return None
        return float(value)

    def fields(self, obj: dict[str, Any], path: str) -> dict[str, FieldValue]:
        value = obj.get("fields")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(f"{path}.fields", "expected an object of name: value")
            return {}
        out: dict[str, FieldValue] = {}
        for key, item in value.items():
            if item is None or isinstance(item, str | int | float | bool):
                out[str(key)] = item
            else:
                self.fail(f"{path}.fields.{key}", "expected text, a number, true/false or null")
        return out

    def deal(self, obj: dict[str, Any], path: str, as_of: datetime | None) -> Deal | None:
        self.keys(obj, _DEAL_KEYS, path)
        start = len(self.problems)
        ident = self.text(obj, "id", path, required=True)
        name = self.text(obj, "name", path) or ident
        stage = self.text(obj, "stage", path, required=True)
        status = self.enum(Status, obj, "status", path) or Status.OPEN
        account_type = self.enum(AccountType, obj, "account_type", path)
        value = self.number(obj, "value", path)
        expected_close = self.day(obj, "expected_close", path)
        revisit_on = self.day(obj, "revisit_on", path)
        closed_at = self.when(obj, "closed_at", path, required=False)
        stakeholders = [
            s for p, o in self.items(obj, "stakeholders", path) if (s := self.stakeholder(o, p))
        ]
        seen: set[str] = set()
        for index, person in enumerate(stakeholders):
            if person.id in seen:
                self.fail(f"{path}.stakeholders[{index}].id", f"duplicate id {person.id!r}")
            seen.add(person.id)
        ids = {s.id for s in stakeholders}
        raw_people = obj.get("stakeholders") or []
        if isinstance(raw_people, list):
            ids |= {
                p["id"] for p in raw_people if isinstance(p, dict) and isinstance(p.get("id"), str)
            }
        touches = [t for p, o in self.items(obj, "touches", path) if (t := self.touch(o, p, ids))]
        answers = [a for p, o in self.items(obj, "answers", path) if (a := self.answer(o, p, ids))]
        stages = self.history(obj, "stage_history", path, self.stage_change)
        closes = self.history(obj, "close_date_history", path, self.close_change)
        decisions = self.history(obj, "decisions", path, self.decision)
        created = self.when(obj, "created", path, required=False)
        if created is None and "created" not in obj:
            known = [c.at for c in stages] + [t.at for t in touches]
            created = min(known) if known else as_of
            if created is None:
                self.fail(f"{path}.created", "missing; give the date the deal was created")
        if len(self.problems) > start or ident is None or stage is None or created is None:
            return None
        return Deal(
            id=ident,
            name=name or ident,
            stage=stage,
            created=created,
            status=status,
            account=self.text(obj, "account", path),
            account_type=account_type,
            owner=self.text(obj, "owner", path),
            value=value,
            currency=self.text(obj, "currency", path),
            expected_close=expected_close,
            why=self.text(obj, "why", path),
            fields=self.fields(obj, path),
            stage_history=tuple(sorted(stages, key=lambda c: c.at)),
            close_date_history=tuple(sorted(closes, key=lambda c: c.at)),
            stakeholders=tuple(stakeholders),
            answers=tuple(sorted(answers, key=_answer_key)),
            touches=tuple(sorted(touches, key=touch_key)),
            lost_reason=self.text(obj, "lost_reason", path),
            revisit_on=revisit_on,
            decisions=tuple(sorted(decisions, key=lambda d: d.at)),
            closed_at=closed_at,
        )

    def history(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        read: Callable[[dict[str, Any], str], T | None],
    ) -> list[T]:
        return [item for p, o in self.items(obj, key, path) if (item := read(o, p)) is not None]

    def stage_change(self, obj: dict[str, Any], path: str) -> StageChange | None:
        self.keys(obj, {"stage", "at"}, path)
        stage = self.text(obj, "stage", path, required=True)
        at = self.when(obj, "at", path, required=True)
        return StageChange(stage, at) if stage and at else None

    def close_change(self, obj: dict[str, Any], path: str) -> CloseDateChange | None:
        self.keys(obj, {"expected_close", "at"}, path)
        day = self.day(obj, "expected_close", path)
        if "expected_close" not in obj:
            self.fail(f"{path}.expected_close", "missing")
        at = self.when(obj, "at", path, required=True)
        return CloseDateChange(day, at) if day and at else None

    def decision(self, obj: dict[str, Any], path: str) -> Decision | None:
        self.keys(obj, {"decision", "reason", "at", "decided_by"}, path)
        kind = self.enum(DecisionKind, obj, "decision", path)
        if "decision" not in obj:
            self.fail(f"{path}.decision", "missing; use pursue or let_go")
        reason = self.text(obj, "reason", path) or ""
        at = self.when(obj, "at", path, required=True)
        who = self.text(obj, "decided_by", path)
        return Decision(kind, reason, at, who) if kind and at else None


def touch_key(touch: Touch) -> tuple[datetime, str, str, str]:
    return (touch.at, touch.direction.value, touch.channel.value, touch.summary)


def _answer_key(answer: Answer) -> tuple[datetime, str, str]:
    return (answer.at, answer.question, answer.stakeholder or "")


def _load_json(text: str) -> tuple[Any, bool]:
    """The document, or a list of deal objects when the text is JSON Lines."""
    try:
        return json.loads(text), False
    except json.JSONDecodeError as first:
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) < 2:
            raise InputError(
                [f"not JSON: {first.msg} at line {first.lineno}, column {first.colno}"]
            ) from None
        deals = []
        problems = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                deals.append(json.loads(line))
            except json.JSONDecodeError as exc:
                problems.append(f"line {number}: not JSON: {exc.msg} at column {exc.colno}")
        if problems:
            raise InputError(problems) from None
        return deals, True


def iter_json_lines(lines: Iterable[str], tz: ZoneInfo) -> Iterator[tuple[Deal | None, list[str]]]:
    """Read JSON Lines one deal at a time: each deal (or None) with its problems.

    Memory stays bounded whatever the file's size: only the ids seen so far are kept,
    to report duplicates. Paths read as in :func:`parse_document` (``deals[7].value``).
    """
    seen: dict[str, str] = {}
    index = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        path = f"deals[{index}]"
        index += 1
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            yield None, [f"line {number}: not JSON: {exc.msg} at column {exc.colno}"]
            continue
        reader = _Reader(tz)
        if not isinstance(raw, dict):
            yield None, [f"{path}: expected a deal object"]
            continue
        deal = reader.deal(raw, path, None)
        if deal is not None and deal.id in seen:
            reader.fail(f"{path}.id", f"duplicate id {deal.id!r} (also at {seen[deal.id]})")
            deal = None
        if deal is not None:
            seen[deal.id] = path
            deal = deal.canonical()
        yield deal, reader.problems


def parse_document(text: str, tz: ZoneInfo, source: str | None = None) -> Pipeline:
    """Validate a JSON or JSON Lines document and return the pipeline it describes."""
    try:
        data, lines = _load_json(text)
    except InputError as exc:
        raise InputError(exc.problems, source) from None
    if isinstance(data, dict) and "deals" not in data and "id" in data:
        data, lines = [data], True
    reader = _Reader(tz)
    as_of: datetime | None = None
    qualification: Qualification | None = None
    raw_deals: list[tuple[str, Any]]
    if lines:
        raw_deals = [(f"deals[{i}]", d) for i, d in enumerate(data)]
    elif isinstance(data, dict):
        reader.keys(data, _TOP_KEYS, "$")
        fmt = data.get("format")
        if fmt is not None and fmt != FORMAT:
            reader.fail("format", f"unsupported format {fmt!r}; this version reads {FORMAT!r}")
        if isinstance(data.get("timezone"), str):
            try:
                reader.tz = ZoneInfo(data["timezone"])
            except (KeyError, ValueError):
                reader.fail("timezone", f"unknown time zone {data['timezone']!r}")
        as_of = reader.when(data, "as_of", "$", required=False)
        qualification = _qualification(reader, data.get("qualification"))
        if not isinstance(data.get("deals"), list):
            reader.fail("deals", "missing; the document needs a list of deals")
            raw_deals = []
        else:
            raw_deals = [(f"deals[{i}]", d) for i, d in enumerate(data["deals"])]
    else:
        raise InputError(["expected a pipeline document object or JSON Lines of deals"], source)
    deals: list[Deal] = []
    seen: dict[str, str] = {}
    for path, raw in raw_deals:
        if not isinstance(raw, dict):
            reader.fail(path, "expected a deal object")
            continue
        deal = reader.deal(raw, path, as_of)
        if deal is None:
            continue
        deal = deal.canonical()
        if deal.id in seen:
            reader.fail(f"{path}.id", f"duplicate id {deal.id!r} (also at {seen[deal.id]})")
            continue
        seen[deal.id] = path
        deals.append(deal)
    if reader.problems:
        problems = [p.replace("$.", "") for p in reader.problems]
        raise InputError(problems, source)
    return Pipeline(tuple(deals), as_of, qualification)


def _qualification(reader: _Reader, raw: Any) -> Qualification | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("framework"), str):
        reader.fail("qualification", 'expected {"framework": NAME, "questions": [...]}')
        return None
    questions = raw.get("questions") or []
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        reader.fail("qualification.questions", "expected a list of question names")
        return None
    return Qualification(raw["framework"], tuple(questions))


__all__ = ["iter_json_lines", "parse_document", "touch_key"]
