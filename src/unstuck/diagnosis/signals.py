"""Every signal the diagnosis reads from one deal, computed from the deal and ``now``.

The signals are facts with no judgement attached (days, counts, names, quotes); the
findings (:mod:`unstuck.diagnosis.findings`) judge them against the thresholds.
Anything dated after ``now`` is ignored, so ``--as-of`` replays the past faithfully.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any

from unstuck.diagnosis.activity import (
    CachedDetector,
    Commitment,
    LoopEvent,
    NoteQuote,
    close_dates,
    commitment_state,
    final_call_after,
    loop_events,
    read_notes,
    why_last_mentioned,
)
from unstuck.diagnosis.norms import StageNorms
from unstuck.diagnosis.people import (
    AnswerConflict,
    Resister,
    conflicting_answers,
    engaged_people,
    resisters,
    role_coverage,
)
from unstuck.diagnosis.qualification import QualificationFramework, Question, open_questions
from unstuck.diagnosis.text import day
from unstuck.domain import Deal, Role

_DAY = 86400.0


@dataclass(frozen=True)
class SignalSettings:
    """The thresholds signals need (read once from the config, not per deal)."""

    engaged_days: float = 60.0
    why_stale_days: float = 45.0
    loop_window_days: float = 45.0
    notes_window_days: float = 180.0


@dataclass(frozen=True)
class Signals:
    as_of: datetime
    last_reply_at: datetime | None
    silent_since: datetime
    days_silent: float
    unanswered: int
    stage: str
    stage_entered_at: datetime
    days_in_stage: float
    stage_norm_days: float
    stage_norm_source: str
    expected_close: date | None
    days_past_close: int
    close_dates: tuple[date, ...]
    close_pushes: int
    engaged: tuple[str, ...]
    roles_covered: tuple[Role, ...]
    roles_engaged: tuple[Role, ...]
    roles_missing: tuple[Role, ...]
    authority_engaged: bool
    conflicts: tuple[AnswerConflict, ...]
    open_questions: tuple[Question, ...]
    required_questions: int
    why_missing: bool
    why_last_mentioned: datetime | None
    why_stale: bool
    loop: tuple[LoopEvent, ...]
    commitment: Commitment | None
    final_call_at: datetime | None
    resisters: tuple[Resister, ...]
    notes: tuple[NoteQuote, ...]

    def to_dict(self) -> dict[str, Any]:
        def when(moment: datetime | date | None) -> str | None:
            return None if moment is None else day(moment)

        return {
            "as_of": when(self.as_of),
            "last_reply_at": when(self.last_reply_at),
            "silent_since": when(self.silent_since),
            "days_silent": int(self.days_silent),
            "unanswered": self.unanswered,
            "stage": self.stage,
            "stage_entered_at": when(self.stage_entered_at),
            "days_in_stage": int(self.days_in_stage),
            "stage_norm_days": round(self.stage_norm_days, 1),
            "stage_norm_source": self.stage_norm_source,
            "expected_close": when(self.expected_close),
            "days_past_close": self.days_past_close,
            "close_dates": [when(d) for d in self.close_dates],
            "close_pushes": self.close_pushes,
            "engaged": list(self.engaged),
            "roles_covered": [str(r) for r in self.roles_covered],
            "roles_engaged": [str(r) for r in self.roles_engaged],
            "roles_missing": [str(r) for r in self.roles_missing],
            "authority_engaged": self.authority_engaged,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "open_questions": [q.id for q in self.open_questions],
            "required_questions": self.required_questions,
            "why_missing": self.why_missing,
            "why_last_mentioned": when(self.why_last_mentioned),
            "why_stale": self.why_stale,
            "loop": [e.to_dict() for e in self.loop],
            "commitment": None if self.commitment is None else self.commitment.to_dict(),
            "final_call_at": when(self.final_call_at),
            "resisters": [r.to_dict() for r in self.resisters],
            "notes": [n.to_dict() for n in self.notes],
        }


def compute_signals(
    deal: Deal,
    now: datetime,
    *,
    norms: StageNorms,
    framework: QualificationFramework,
    stage_order: Sequence[str],
    detector: CachedDetector | None,
    settings: SignalSettings,
) -> Signals:
    touches = tuple(sorted((t for t in deal.touches if t.at <= now), key=lambda t: t.at))
    replies = [t for t in touches if t.inbound]
    last_reply = replies[-1].at if replies else None
    silent_since = last_reply or deal.created
    entered = deal.stage_entered_at()
    norm = norms.norm(deal.stage)
    notes = read_notes(touches, now, detector, settings.notes_window_days)
    engaged = engaged_people(deal, touches, now, settings.engaged_days)
    covered, in_touch, missing, authority = role_coverage(deal, engaged)
    dates = close_dates(deal)
    mentioned = why_last_mentioned(deal.why, touches)
    why_missing = not (deal.why or "").strip()
    return Signals(
        as_of=now,
        last_reply_at=last_reply,
        silent_since=silent_since,
        days_silent=max((now - silent_since).total_seconds() / _DAY, 0.0),
        unanswered=sum(1 for t in touches if not t.inbound and t.at > silent_since),
        stage=deal.stage,
        stage_entered_at=entered,
        days_in_stage=max((now - entered).total_seconds() / _DAY, 0.0),
        stage_norm_days=norm.days,
        stage_norm_source=norm.source,
        expected_close=deal.expected_close,
        days_past_close=(
            max((now.date() - deal.expected_close).days, 0) if deal.expected_close else 0
        ),
        close_dates=dates,
        close_pushes=sum(1 for a, b in pairwise(dates) if b > a),
        engaged=engaged,
        roles_covered=covered,
        roles_engaged=in_touch,
        roles_missing=missing,
        authority_engaged=authority,
        conflicts=conflicting_answers(deal, now),
        open_questions=open_questions(deal, framework, stage_order),
        required_questions=len(framework.required(deal.stage, stage_order)),
        why_missing=why_missing,
        why_last_mentioned=mentioned,
        why_stale=not why_missing and _why_stale(deal, mentioned, now, settings.why_stale_days),
        loop=loop_events(touches, notes, entered, now, settings.loop_window_days),
        commitment=commitment_state(touches, notes),
        final_call_at=final_call_after(touches, silent_since),
        resisters=resisters(deal, notes),
        notes=notes,
    )


def _why_stale(deal: Deal, mentioned: datetime | None, now: datetime, days: float) -> bool:
    """Recorded long enough ago, and no touch in ``days`` used a word of it."""
    if (now - deal.created).total_seconds() / _DAY < days:
        return False
    return mentioned is None or (now - mentioned).total_seconds() / _DAY > days


__all__ = ["SignalSettings", "Signals", "compute_signals"]
