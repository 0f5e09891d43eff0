"""Which plays answer which findings, ranked, and rendered from the deal's own data.

The mapping is a rule table (``docs/diagnosis.md`` shows it); the words are content in
the playbook folders. Plays come in the order of the findings they answer (most severe
first), then the honest exits: ``focus_to_decision``, ``permission_to_say_no`` and
``let_go``. No play appears twice: a play that answers several findings lists them all
in ``for``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from unstuck.diagnosis.findings import Finding
from unstuck.diagnosis.signals import Signals
from unstuck.domain import AccountType, Deal, FindingKind, PlayId, Scenario

P = PlayId

# Resistance plays by scenario: (long-term account, one-off deal). A long-term account
# is never gone around: the seller works on the resister's mind and finds support. An
# unknown account type is treated as long-term, the choice that keeps the relationship.
RESISTANCE_PLAYS: dict[Scenario, tuple[tuple[PlayId, ...], tuple[PlayId, ...]]] = {
    Scenario.END_USER: (
        (P.GAUGE_SUPPORT, P.WIN_OVER, P.FIND_LEVERAGE),
        (P.GAUGE_SUPPORT, P.GO_AROUND, P.FIND_LEVERAGE),
    ),
    Scenario.PURCHASER: ((P.WIN_OVER, P.FIND_LEVERAGE), (P.GO_AROUND, P.FIND_LEVERAGE)),
    Scenario.PROBLEM_OWNER: ((P.WIN_OVER, P.GAUGE_SUPPORT), (P.GAUGE_SUPPORT, P.GO_AROUND)),
    Scenario.DECISION_MAKER: ((P.WIN_OVER, P.FIND_LEVERAGE), (P.FIND_LEVERAGE, P.GO_AROUND)),
    Scenario.OUTSIDER: ((P.WIN_OVER, P.FIND_LEVERAGE), (P.GO_AROUND, P.FIND_LEVERAGE)),
    Scenario.INSIDER: ((P.GAUGE_SUPPORT, P.WIN_OVER), (P.GO_AROUND, P.GAUGE_SUPPORT)),
    Scenario.FACTION: (
        (P.GAUGE_SUPPORT, P.FIND_LEVERAGE, P.WIN_OVER),
        (P.FIND_LEVERAGE, P.GO_AROUND, P.GAUGE_SUPPORT),
    ),
}

# Plays for the other findings. Where the commitment to explore together matters, the
# answer decides: asked or not yet -> ask; refused -> go higher; given -> meet everyone.
FINDING_PLAYS: dict[FindingKind, tuple[PlayId, ...]] = {
    FindingKind.GONE_QUIET: (P.FOLLOW_UP_CADENCE, P.FINAL_CALL),
    FindingKind.DECISION_LOOP: (P.REVISIT_WHY,),
    FindingKind.LOST_WHY: (P.REVISIT_WHY,),
    FindingKind.MISALIGNED_STAKEHOLDERS: (P.MUTUAL_DISCOVERY,),
    FindingKind.NO_AUTHORITY: (P.GO_HIGHER,),
    FindingKind.SINGLE_THREADED: (P.MEET_BUYING_GROUP,),
    FindingKind.UNQUALIFIED: (P.QUALIFY,),
    FindingKind.OVERDUE: (P.PERMISSION_TO_SAY_NO,),
    FindingKind.STAGE_STUCK: (P.FOCUS_TO_DECISION,),
}


@dataclass(frozen=True)
class Play:
    id: PlayId
    for_: tuple[FindingKind, ...]
    rationale: str
    channel: tuple[str, ...]
    steps: tuple[str, ...]
    draft: str
    title: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "for": [str(k) for k in self.for_],
            "rationale": self.rationale,
            "channel": list(self.channel),
            "steps": list(self.steps),
            "draft": self.draft,
            "title": self.title,
        }


@dataclass(frozen=True)
class ExitRules:
    """When the honest exits apply (thresholds.*; see docs/diagnosis.md)."""

    stalled_severity: float = 0.5
    focus_severity: float = 0.6
    let_go_severity: float = 0.8
    let_go_factor: float = 3.0
    quiet_days: float = 14.0


def plays_for_finding(finding: Finding, deal: Deal, signals: Signals) -> tuple[PlayId, ...]:
    if finding.kind is FindingKind.RESISTANCE:
        long_term, one_off = RESISTANCE_PLAYS[finding.scenario or Scenario.INSIDER]
        return one_off if deal.account_type is AccountType.ONE_OFF else long_term
    commitment = signals.commitment
    if finding.kind in (
        FindingKind.MISALIGNED_STAKEHOLDERS,
        FindingKind.SINGLE_THREADED,
        FindingKind.NO_AUTHORITY,
    ):
        if commitment is not None and commitment.state == "given":
            return (P.MEET_BUYING_GROUP,)
        if commitment is not None and commitment.refused:
            return (P.GO_HIGHER,)
    if finding.kind is FindingKind.STAGE_STUCK:
        return ()  # the exits below decide between focusing and letting go
    return FINDING_PLAYS[finding.kind]


class LetGoSignals(Protocol):
    """The signals the let-go rule reads (a full Signals, or the review's scan view)."""

    @property
    def as_of(self) -> datetime: ...
    @property
    def final_call_at(self) -> datetime | None: ...
    @property
    def days_in_stage(self) -> float: ...
    @property
    def stage_norm_days(self) -> float: ...
    @property
    def days_silent(self) -> float: ...


def should_let_go(severity: float, signals: LetGoSignals, rules: ExitRules) -> bool:
    """The numbers say stop: a final call went unanswered for ``quiet_days``, or the deal
    is severe and stuck ``let_go_factor`` times past its stage norm or the quiet limit."""
    if signals.final_call_at is not None:
        waited = (signals.as_of - signals.final_call_at).total_seconds() / 86400.0
        if waited >= rules.quiet_days:
            return True
    if severity < rules.let_go_severity:
        return False
    far_in_stage = signals.days_in_stage >= rules.let_go_factor * signals.stage_norm_days
    far_in_silence = signals.days_silent >= rules.let_go_factor * rules.quiet_days
    return far_in_stage or far_in_silence


def choose_plays(
    deal: Deal,
    signals: Signals,
    findings: Sequence[Finding],
    severity: float,
    rules: ExitRules,
) -> list[tuple[PlayId, list[FindingKind], Finding]]:
    """Ranked, de-duplicated play ids with the findings each answers (and the first one)."""
    chosen: dict[PlayId, tuple[list[FindingKind], Finding]] = {}

    def add(play_id: PlayId, kinds: Sequence[FindingKind], first: Finding) -> None:
        if play_id not in chosen:
            chosen[play_id] = ([], first)
        chosen[play_id][0].extend(k for k in kinds if k not in chosen[play_id][0])

    let_go = should_let_go(severity, signals, rules)
    for finding in findings:
        for play_id in plays_for_finding(finding, deal, signals):
            if play_id is not P.FOCUS_TO_DECISION:
                add(play_id, [finding.kind], finding)
    serious = [f for f in findings if f.severity >= rules.stalled_severity]
    if serious:
        kinds = [f.kind for f in serious]
        recoverable = bool(signals.engaged) and not let_go
        if recoverable and severity >= rules.focus_severity:
            add(P.FOCUS_TO_DECISION, kinds, serious[0])
        add(P.PERMISSION_TO_SAY_NO, kinds, serious[0])
        if let_go:
            add(P.LET_GO, kinds, serious[0])
    return [(play_id, kinds, first) for play_id, (kinds, first) in chosen.items()]


__all__ = [
    "FINDING_PLAYS",
    "RESISTANCE_PLAYS",
    "ExitRules",
    "Play",
    "choose_plays",
    "plays_for_finding",
    "should_let_go",
]
