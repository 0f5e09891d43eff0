"""Signals about what happened over time: notes, the "more of everything" loop,
commitments, close dates, and whether the customer's why is still talked about."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from unstuck.diagnosis.notes import NoteHit, NotesDetector, NoteSignal
from unstuck.diagnosis.text import day, mentions, significant_stems
from unstuck.domain import Channel, Deal, Touch, TouchKind

# Channels where the prospect speaks for themselves, whoever started the touch.
LIVE_CHANNELS = frozenset({Channel.CALL, Channel.MEETING, Channel.VISIT})
# Outbound touches on these channels are the seller's own words ("Sent proposal v2."):
# their notes say nothing about the prospect and are not read.
_WRITTEN_BY_US = frozenset({Channel.EMAIL, Channel.MESSAGE, Channel.VOICEMAIL})
_CACHE_LIMIT = 50_000


class CachedDetector:
    """Remembers what a detector found in each text: CRM notes repeat a lot ("Left
    voicemail."), and detection is the costliest step of a diagnosis. The cache only
    saves time; the result for a text is the same with or without it."""

    def __init__(self, detector: NotesDetector) -> None:
        self.detector = detector
        self._seen: dict[str, tuple[NoteHit, ...]] = {}

    def detect(self, text: str) -> tuple[NoteHit, ...]:
        found = self._seen.get(text)
        if found is None:
            if len(self._seen) >= _CACHE_LIMIT:
                self._seen.clear()
            found = self._seen[text] = tuple(self.detector.detect(text))
        return found


# Touch kinds and note signals that make up the "more of everything" loop (domain.md §3).
LOOP_KINDS: dict[TouchKind, str] = {
    TouchKind.INFO_REQUEST: "request for more information",
    TouchKind.MEETING_REQUEST: "request for another meeting",
    TouchKind.DISCOUNT: "discount",
    TouchKind.SCOPE_ADDED: "added scope",
}
LOOP_SIGNALS: dict[NoteSignal, str] = {
    NoteSignal.MORE_INFO: "asked for more information",
    NoteSignal.PRICE_PUSHBACK: "pushed back on price",
}
_COMMITMENT_KINDS: dict[TouchKind, str] = {
    TouchKind.COMMITMENT_ASKED: "asked",
    TouchKind.COMMITMENT_GIVEN: "given",
    TouchKind.COMMITMENT_DECLINED: "declined",
}
_COMMITMENT_SIGNALS: dict[NoteSignal, str] = {
    NoteSignal.COMMITMENT_GIVEN: "given",
    NoteSignal.COMMITMENT_DECLINED: "declined",
    NoteSignal.STILL_THINKING: "still_thinking",
}


@dataclass(frozen=True)
class NoteQuote:
    """One signal heard in one touch summary, with the words that carried it."""

    signal: NoteSignal
    quote: str
    at: datetime
    note: str
    speaker: str | None  # the stakeholder id when exactly one person took part
    spoken: bool  # the prospect's own words: an inbound touch or a live conversation

    def to_dict(self) -> dict[str, Any]:
        return {
            "signal": str(self.signal),
            "quote": self.quote,
            "at": day(self.at),
            "speaker": self.speaker,
        }


@dataclass(frozen=True)
class LoopEvent:
    at: datetime
    what: str
    quote: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"at": day(self.at), "what": self.what, "quote": self.quote}


@dataclass(frozen=True)
class Commitment:
    """The latest word on a commitment to explore together."""

    state: str  # "asked", "given", "declined" or "still_thinking"
    at: datetime
    by: str | None
    note: NoteQuote | None = None  # when a note, not a touch kind, said it

    @property
    def refused(self) -> bool:
        return self.state in ("declined", "still_thinking")

    def to_dict(self) -> dict[str, Any]:
        quote = None if self.note is None else self.note.quote
        return {"state": self.state, "at": day(self.at), "by": self.by, "quote": quote}


def read_notes(
    touches: Sequence[Touch], now: datetime, detector: CachedDetector | None, window_days: float
) -> tuple[NoteQuote, ...]:
    """Run the detector over recent summaries that carry the prospect's words.

    Older notes describe another moment of the deal; outbound written touches are ours.
    """
    if detector is None:
        return ()
    since = now - timedelta(days=window_days)
    found: list[NoteQuote] = []
    for touch in touches:
        if (
            touch.at < since
            or not touch.summary
            or (not touch.inbound and (touch.channel in _WRITTEN_BY_US))
        ):
            continue
        speaker = touch.with_[0] if len(touch.with_) == 1 else None
        spoken = touch.inbound or touch.channel in LIVE_CHANNELS
        for hit in detector.detect(touch.summary):
            found.append(NoteQuote(hit.signal, hit.quote, touch.at, touch.summary, speaker, spoken))
    return tuple(found)


def loop_events(
    touches: Sequence[Touch],
    notes: Sequence[NoteQuote],
    stage_entered: datetime,
    now: datetime,
    window_days: float,
) -> tuple[LoopEvent, ...]:
    """Requests and concessions since the stage began (at most ``window_days`` back).

    A touch counts once, even when both its kind and its note say the same thing.
    """
    since = max(stage_entered, now - timedelta(days=window_days))
    events: dict[datetime, LoopEvent] = {}
    for touch in touches:
        if touch.at >= since and touch.kind in LOOP_KINDS:
            events[touch.at] = LoopEvent(touch.at, LOOP_KINDS[touch.kind])
    for note in notes:
        if note.at >= since and note.signal in LOOP_SIGNALS and note.at not in events:
            events[note.at] = LoopEvent(note.at, LOOP_SIGNALS[note.signal], note.quote)
    return tuple(sorted(events.values(), key=lambda e: e.at))


def commitment_state(touches: Sequence[Touch], notes: Sequence[NoteQuote]) -> Commitment | None:
    """The latest commitment event, from touch kinds and from what notes say."""
    latest: Commitment | None = None
    for touch in touches:
        if touch.kind in _COMMITMENT_KINDS:
            by = touch.with_[0] if len(touch.with_) == 1 else None
            latest = _later(latest, Commitment(_COMMITMENT_KINDS[touch.kind], touch.at, by))
    for note in notes:
        if note.signal in _COMMITMENT_SIGNALS:
            event = Commitment(_COMMITMENT_SIGNALS[note.signal], note.at, note.speaker, note)
            latest = _later(latest, event)
    return latest


def _later(current: Commitment | None, event: Commitment) -> Commitment:
    # On the same touch, a note's answer beats a bare "asked" kind: the note says how it went.
    if current is None or event.at > current.at:
        return event
    if event.at == current.at and current.state == "asked":
        return event
    return current


def close_dates(deal: Deal) -> tuple[date, ...]:
    """The expected close dates in the order they were set, ending with the current one."""
    ordered = sorted(deal.close_date_history, key=lambda c: (c.at, c.expected_close))
    dates = [c.expected_close for c in ordered]
    if deal.expected_close is not None and (not dates or dates[-1] != deal.expected_close):
        dates.append(deal.expected_close)
    return tuple(dates)


def final_call_after(touches: Sequence[Touch], since: datetime) -> datetime | None:
    calls = [t.at for t in touches if t.kind is TouchKind.FINAL_CALL and t.at > since]
    return calls[-1] if calls else None


def why_last_mentioned(why: str | None, touches: Sequence[Touch]) -> datetime | None:
    """When a touch last used a significant word of the customer's why."""
    stems = significant_stems(why or "")
    if not stems:
        return None
    for touch in reversed(touches):
        if mentions(touch.summary, stems):
            return touch.at
    return None


__all__ = [
    "LIVE_CHANNELS",
    "LOOP_KINDS",
    "LOOP_SIGNALS",
    "CachedDetector",
    "Commitment",
    "LoopEvent",
    "NoteQuote",
    "close_dates",
    "commitment_state",
    "final_call_after",
    "loop_events",
    "read_notes",
    "why_last_mentioned",
]
