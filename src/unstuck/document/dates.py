"""Dates in the native pipeline document: ISO text in the document's zone, naive UTC inside."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

FORMAT = "unstuck-pipeline/1"


def parse_datetime(text: str, tz: ZoneInfo) -> datetime:
    """ISO date or datetime -> naive UTC. Naive input is in ``tz``; a date is its midnight."""
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        if len(raw) == 10:
            moment = datetime.combine(date.fromisoformat(raw), time())
        else:
            moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use 2026-09-12 or 2026-09-12T10:00:00)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC).replace(tzinfo=None)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip()[:10]) if len(text.strip()) >= 10 else _bad(text)
    except ValueError:
        return _bad(text)


def _bad(text: str) -> date:
    raise ValueError(f"not a date: {text!r} (use 2026-09-12)")


def format_datetime(moment: datetime, tz: ZoneInfo) -> str:
    local = moment.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    if local.time() == time():
        return local.date().isoformat()
    return local.isoformat(timespec="seconds")


__all__ = ["FORMAT", "format_datetime", "parse_date", "parse_datetime"]
