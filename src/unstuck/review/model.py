"""The weekly review as plain data: what :func:`~unstuck.review.build.build_review`
returns and what the terminal page, the HTML report and ``--json`` are drawn from.

Every number carries its inputs (``to_dict`` puts them in the JSON), so a reader can
check each one by hand; ``docs/review.md`` shows the shape with an example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from unstuck.config import Config
from unstuck.diagnosis import Play, Question
from unstuck.review.chance import Chance
from unstuck.review.records import FocusPick, FocusResult


def _r(value: float, digits: int = 2) -> float:
    return round(value, digits)


def _iso(moment: datetime | date | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


@dataclass(frozen=True)
class ReviewSettings:
    """The knobs of the review (``review.*`` settings) and the thresholds it shares with
    the diagnosis."""

    focus_count: int = 2
    let_go_ratio: float = 0.33
    change_days: int = 7
    quiet_days: float = 14.0
    quiet_unanswered: int = 2
    badly_stuck: float = 0.8
    min_won_for_norms: int = 5
    list_limit: int = 12  # rows per section on the terminal and in HTML (JSON has all)

    @classmethod
    def from_config(cls, config: Config) -> ReviewSettings:
        return cls(
            focus_count=config.int_("review.focus_count"),
            let_go_ratio=config.float_("review.let_go_ratio"),
            quiet_days=max(config.float_("thresholds.quiet_days"), 1.0),
            quiet_unanswered=config.int_("thresholds.quiet_unanswered"),
            badly_stuck=config.float_("thresholds.let_go_severity"),
            min_won_for_norms=max(config.int_("thresholds.min_won_for_norms"), 1),
        )


# -- at a glance ------------------------------------------------------------------------

BANDS = ("moving", "stuck", "badly_stuck")


@dataclass(frozen=True)
class StageBar:
    stage: str
    deals: dict[str, int]  # per band
    value: dict[str, float]  # per band

    @property
    def total_deals(self) -> int:
        return sum(self.deals.values())

    @property
    def total_value(self) -> float:
        return sum(self.value.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "deals": self.total_deals,
            "value": _r(self.total_value),
            "by_band": {
                band: {"deals": self.deals[band], "value": _r(self.value[band])} for band in BANDS
            },
        }


@dataclass(frozen=True)
class Change:
    """Something that happened to a deal in the last week, from the deal's own history."""

    kind: str  # went_quiet, replied, slipped, moved_forward, closed, new
    deal: str
    name: str
    at: datetime
    detail: str
    value: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "deal": self.deal,
            "name": self.name,
            "at": _iso(self.at),
            "detail": self.detail,
            "value": self.value,
        }


@dataclass(frozen=True)
class Glance:
    stages: tuple[StageBar, ...]
    open_deals: int
    open_value: float
    stuck: int
    stuck_value: float
    badly_stuck: int
    expected_value: float
    changes: tuple[Change, ...]
    since: datetime
    currency: str | None
    no_value: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "open_deals": self.open_deals,
            "open_value": _r(self.open_value),
            "stuck": self.stuck,
            "stuck_value": _r(self.stuck_value),
            "badly_stuck": self.badly_stuck,
            "expected_value": _r(self.expected_value),
            "currency": self.currency,
            "deals_without_value": self.no_value,
            "stages": [bar.to_dict() for bar in self.stages],
            "changes_since": _iso(self.since),
            "changes": [change.to_dict() for change in self.changes],
        }


# -- focus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recoverability:
    """How recoverable the stall is, 0..1, and each factor that went in."""

    value: float
    severity: float
    overrun: float  # norms past the stage norm: days_in_stage / norm - 1, at least 0
    engaged: int
    let_go: bool
    factors: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": _r(self.value, 3),
            "severity": _r(self.severity),
            "overrun": _r(self.overrun),
            "engaged": self.engaged,
            "let_go_case": self.let_go,
            "factors": {k: _r(v, 3) for k, v in self.factors.items()},
        }


@dataclass(frozen=True)
class FocusItem:
    deal: str
    name: str
    owner: str | None
    stage: str
    value: float
    currency: str | None
    chance: Chance
    recoverability: Recoverability
    score: float
    rank: int  # among the candidates, 1 = best score; 0 when not a candidate
    reason: str
    main_reason: str
    picked_by: str  # system or user
    play: Play | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "name": self.name,
            "owner": self.owner,
            "stage": self.stage,
            "value": self.value,
            "currency": self.currency,
            "chance": self.chance.to_dict(),
            "recoverability": self.recoverability.to_dict(),
            "score": _r(self.score),
            "formula": "value x chance x recoverability",
            "rank": self.rank,
            "picked_by": self.picked_by,
            "reason": self.reason,
            "main_reason": self.main_reason,
            "play": None if self.play is None else self.play.to_dict(),
        }


@dataclass(frozen=True)
class PreviousPick:
    """Last week's pick, what the deal did since, and what that suggests."""

    pick: FocusPick
    status: str  # open, won, lost, nurture, or missing
    stage: str | None
    suggested: FocusResult | None
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.pick.to_dict(),
            "status_now": self.status,
            "stage_now": self.stage,
            "suggested_result": None if self.suggested is None else str(self.suggested),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Focus:
    items: tuple[FocusItem, ...]
    source: str  # proposed (by the review) or recorded (this week's stored picks)
    candidates: int  # stalled deals with a value that were scored
    week: date
    previous: tuple[PreviousPick, ...] = ()
    previous_week: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": _iso(self.week),
            "source": self.source,
            "candidates": self.candidates,
            "picks": [item.to_dict() for item in self.items],
            "last_week": {
                "week": _iso(self.previous_week),
                "picks": [p.to_dict() for p in self.previous],
            },
        }


# -- what is real -----------------------------------------------------------------------


@dataclass(frozen=True)
class QualificationGap:
    deal: str
    name: str
    stage: str
    value: float | None
    open: tuple[Question, ...]
    required: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "name": self.name,
            "stage": self.stage,
            "value": self.value,
            "required": self.required,
            "open_questions": [{"id": q.id, "ask": q.ask} for q in self.open],
        }


@dataclass(frozen=True)
class WhatIsReal:
    framework: str
    framework_title: str
    gaps: tuple[QualificationGap, ...]
    qualified: int  # other open deals with every required question answered

    def to_dict(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "framework_title": self.framework_title,
            "qualified": self.qualified,
            "unqualified": len(self.gaps),
            "deals": [gap.to_dict() for gap in self.gaps],
        }


# -- let go -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Economics:
    """Whether the deal's expected value pays for the time it still needs."""

    value: float
    chance: float
    expected_value: float
    to_close_days: float  # what won deals needed from this stage to close
    to_close_source: str
    behind: float  # days_in_stage / stage norm, at least 1
    remaining_days: float
    ev_per_week: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "chance": _r(self.chance, 3),
            "expected_value": _r(self.expected_value),
            "to_close_days": _r(self.to_close_days, 1),
            "to_close_source": self.to_close_source,
            "behind": _r(self.behind),
            "remaining_days": _r(self.remaining_days, 1),
            "ev_per_week": _r(self.ev_per_week),
        }


@dataclass(frozen=True)
class LetGoCase:
    deal: str
    name: str
    stage: str
    owner: str | None
    currency: str | None
    economics: Economics
    ratio: float  # ev_per_week / the pipeline's median
    severity: float
    main_reason: str | None  # for the candidates shown (review.list_limit); None after
    diagnosis_says_let_go: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "name": self.name,
            "stage": self.stage,
            "owner": self.owner,
            "currency": self.currency,
            **self.economics.to_dict(),
            "ratio_to_median": _r(self.ratio, 3),
            "severity": _r(self.severity),
            "main_reason": self.main_reason,
            "diagnosis_says_let_go": self.diagnosis_says_let_go,
        }


@dataclass(frozen=True)
class LetGo:
    cases: tuple[LetGoCase, ...]
    median_ev_per_week: float
    ratio: float  # review.let_go_ratio
    to_close: dict[str, tuple[float, str]]  # stage -> (days, source)

    def to_dict(self) -> dict[str, Any]:
        return {
            "median_ev_per_week": _r(self.median_ev_per_week),
            "let_go_ratio": self.ratio,
            "threshold_ev_per_week": _r(self.median_ev_per_week * self.ratio),
            "to_close_days": {
                stage: {"days": _r(days, 1), "source": source}
                for stage, (days, source) in self.to_close.items()
            },
            "candidates": [case.to_dict() for case in self.cases],
        }


# -- the whole review -------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    """One open deal's numbers, so every total above can be traced."""

    deal: str
    stage: str
    value: float | None
    band: str
    severity: float
    chance: float
    chance_source: str
    expected_value: float
    ev_per_week: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal,
            "stage": self.stage,
            "value": self.value,
            "band": self.band,
            "severity": _r(self.severity),
            "chance": _r(self.chance, 3),
            "chance_source": self.chance_source,
            "expected_value": _r(self.expected_value),
            "ev_per_week": None if self.ev_per_week is None else _r(self.ev_per_week),
        }


@dataclass(frozen=True)
class Review:
    as_of: datetime
    owner: str | None
    glance: Glance
    focus: Focus
    real: WhatIsReal
    let_go: LetGo
    chance_model: dict[str, Any]
    notes: tuple[str, ...] = ()
    ledger: tuple[LedgerLine, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return self.glance.open_deals == 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "unstuck-review/1",
            "as_of": _iso(self.as_of),
            "owner": self.owner,
            "notes": list(self.notes),
            "chance_model": self.chance_model,
            "at_a_glance": self.glance.to_dict(),
            "focus": self.focus.to_dict(),
            "what_is_real": self.real.to_dict(),
            "let_go": self.let_go.to_dict(),
            "deals": [line.to_dict() for line in self.ledger],
        }


__all__ = [
    "BANDS",
    "Change",
    "Economics",
    "Focus",
    "FocusItem",
    "Glance",
    "LedgerLine",
    "LetGo",
    "LetGoCase",
    "PreviousPick",
    "QualificationGap",
    "Recoverability",
    "Review",
    "ReviewSettings",
    "StageBar",
    "WhatIsReal",
]
