"""The agenda as an RFC 5545 calendar. Pure: items and ``now`` in, bytes out.

Each item is one event whose UID is the item's agenda id (``acme-fleet/3@unstuck``), so
importing or subscribing again updates events instead of duplicating them. Cadence steps
and check-backs are all-day events on their due day; a meeting with a time is a one-hour
event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

import icalendar

from unstuck.cadence.agenda import AgendaItem

PRODID = "-//Unstuck//Follow-up agenda//EN"
UID_DOMAIN = "unstuck"


def uid(item: AgendaItem) -> str:
    return f"{item.id}@{UID_DOMAIN}"


def build_calendar(
    items: Iterable[AgendaItem], now: datetime, name: str = "Unstuck agenda"
) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    stamp = now.replace(tzinfo=UTC)
    for item in items:
        cal.add_component(_event(item, stamp))
    return cal


def _event(item: AgendaItem, stamp: datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid(item))
    event.add("dtstamp", stamp)
    event.add("summary", f"{item.title} ({item.deal.account or item.deal.name})")
    if item.starts_at is not None:
        start = item.starts_at.replace(tzinfo=UTC)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(hours=1))
    else:
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    lines = [f"Deal: {item.deal.name} ({item.deal.id})", f"Agenda id: {item.id}"]
    if item.subject:
        lines.append(f"Subject: {item.subject}")
    lines.extend(["", item.draft.strip()])
    event.add("description", "\n".join(lines))
    event.add("categories", [str(item.kind)])
    if item.owner:
        event.add("x-unstuck-owner", item.owner)
    return event


def calendar_bytes(
    items: Iterable[AgendaItem], now: datetime, name: str = "Unstuck agenda"
) -> bytes:
    return bytes(build_calendar(items, now, name).to_ical())


__all__ = ["PRODID", "build_calendar", "calendar_bytes", "uid"]
