"""What the review needs to know of each open deal, from a full diagnosis or the scan.

The review reads a handful of signals (time in stage against its norm, silence, who is
engaged, the final call, the open questions) and the verdict (stalled, severity). For a
whole pipeline these come from the stall scan (summary columns and the cached,
exact severities: ``unstuck.scan``) and the deal without its touches; only the deals the
review shows in detail (focus picks, let-go candidates) are diagnosed in full. Both
sources give the same numbers; ``Assessment`` is what the review's sections accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from unstuck.diagnosis import Question


class SignalsView(Protocol):
    @property
    def as_of(self) -> datetime: ...
    @property
    def days_in_stage(self) -> float: ...
    @property
    def stage_norm_days(self) -> float: ...
    @property
    def days_silent(self) -> float: ...
    @property
    def silent_since(self) -> datetime: ...
    @property
    def last_reply_at(self) -> datetime | None: ...
    @property
    def unanswered(self) -> int: ...
    @property
    def final_call_at(self) -> datetime | None: ...
    @property
    def engaged(self) -> tuple[str, ...]: ...
    @property
    def open_questions(self) -> tuple[Question, ...]: ...
    @property
    def required_questions(self) -> int: ...


class Assessment(Protocol):
    """A full :class:`~unstuck.diagnosis.Diagnosis`, or a :class:`ScanState`."""

    @property
    def stalled(self) -> bool: ...
    @property
    def severity(self) -> float: ...
    @property
    def main_reason(self) -> str: ...
    @property
    def signals(self) -> SignalsView: ...


@dataclass(frozen=True)
class ScanSignals:
    as_of: datetime
    days_in_stage: float
    stage_norm_days: float
    days_silent: float
    silent_since: datetime
    last_reply_at: datetime | None
    unanswered: int
    final_call_at: datetime | None
    engaged: tuple[str, ...]
    open_questions: tuple[Question, ...]
    required_questions: int


@dataclass(frozen=True)
class ScanState:
    """The scan's view of a deal. It has no main reason: deals shown are diagnosed."""

    stalled: bool
    severity: float
    signals: ScanSignals

    @property
    def main_reason(self) -> str:
        return ""


__all__ = ["Assessment", "ScanSignals", "ScanState", "SignalsView"]
