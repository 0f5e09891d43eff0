"""Findings: why a deal is stuck, judged from its signals against the thresholds.

Every finding has a severity in 0..1 built with :func:`grow`: it starts at a floor when
the rule first fires and rises smoothly towards a ceiling as the excess over the
threshold grows (``floor + (ceiling - floor) * (1 - exp(-excess / scale))``). Floors
are chosen so that a stall (silence, loop, overrun, conflict, resistance) is serious
from the start (0.5 or more) while a gap in the record alone (one contact, open
questions, a missing why) stays below 0.5 and never stalls a moving deal by itself.
``docs/diagnosis.md`` lists every rule and formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from unstuck.config import Config
from unstuck.diagnosis.evidence import account_of, describe, join, names, quote_line, who
from unstuck.diagnosis.notes import NoteSignal
from unstuck.diagnosis.signals import Signals
from unstuck.diagnosis.text import day, plural, quoted, short, times
from unstuck.domain import Authority, Deal, FindingKind, Role, Scenario

# Severity with which each resistance scenario starts: the more power the resister
# has over the decision, the more it weighs.
RESISTANCE_FLOOR: dict[Scenario, float] = {
    Scenario.DECISION_MAKER: 0.7,
    Scenario.FACTION: 0.65,
    Scenario.PURCHASER: 0.6,
    Scenario.PROBLEM_OWNER: 0.6,
    Scenario.END_USER: 0.55,
    Scenario.OUTSIDER: 0.5,
    Scenario.INSIDER: 0.5,
}


@dataclass(frozen=True)
class Finding:
    kind: FindingKind
    scenario: Scenario | None
    severity: float
    evidence: tuple[str, ...]
    summary: str
    people: tuple[str, ...] = ()  # stakeholder ids the finding is about

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind),
            "scenario": None if self.scenario is None else str(self.scenario),
            "severity": round(self.severity, 2),
            "evidence": list(self.evidence),
            "summary": self.summary,
            "people": list(self.people),
        }


@dataclass(frozen=True)
class Rules:
    """The thresholds the findings use, read from the config once."""

    quiet_days: float = 14.0
    quiet_unanswered: int = 2
    stage_factor: float = 1.5
    close_pushes: int = 2
    why_stale_days: float = 45.0
    loop_events: int = 3
    engaged_days: float = 60.0
    single_thread_stage: str = "discovery"
    stage_order: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Config) -> Rules:
        return cls(
            quiet_days=max(config.float_("thresholds.quiet_days"), 1.0),
            quiet_unanswered=config.int_("thresholds.quiet_unanswered"),
            stage_factor=config.float_("thresholds.stage_factor"),
            close_pushes=config.int_("thresholds.close_pushes"),
            why_stale_days=max(config.float_("thresholds.why_stale_days"), 1.0),
            loop_events=max(config.int_("thresholds.loop_events"), 1),
            engaged_days=config.float_("thresholds.engaged_days"),
            single_thread_stage=config.str_("thresholds.single_thread_stage") or "",
            stage_order=tuple(config.list_("pipeline.stages")),
        )


def grow(excess: float, scale: float, floor: float, ceiling: float = 0.99) -> float:
    """Severity that starts at ``floor`` and approaches ``ceiling`` as ``excess`` grows."""
    if excess <= 0:
        return floor
    return floor + (ceiling - floor) * (1.0 - math.exp(-excess / max(scale, 1e-9)))


# The severities of the three findings that grow with the clock alone. The stall scan
# (unstuck.scan) computes them from the per-deal summary columns, without the history;
# the rules below use the same functions, so both always agree.


def quiet_severity(days_silent: float, unanswered: int, rules: Rules) -> float | None:
    if days_silent < rules.quiet_days or unanswered < rules.quiet_unanswered:
        return None
    return grow(days_silent - rules.quiet_days, 3 * rules.quiet_days, 0.5)


def stage_severity(days_in_stage: float, norm_days: float, rules: Rules) -> float | None:
    limit = max(norm_days, 1.0) * rules.stage_factor
    if days_in_stage <= limit:
        return None
    return grow(days_in_stage - limit, limit, 0.5)


def overdue_severity(days_past_close: int, close_pushes: int, rules: Rules) -> float | None:
    pushed_over = close_pushes - rules.close_pushes
    if days_past_close <= 0 and pushed_over <= 0:
        return None
    return grow(days_past_close / 30.0 + max(pushed_over, 0), 1.5, 0.4)


def gone_quiet(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """Silence past ``quiet_days`` while ``quiet_unanswered`` seller touches wait."""
    severity = quiet_severity(s.days_silent, s.unanswered, rules)
    if severity is None:
        return None
    days = int(s.days_silent)
    sent = plural(s.unanswered, "message")
    if s.last_reply_at is None:
        opening = f"No reply from {account_of(deal)} since the deal was opened on "
        evidence = [f"{opening}{day(s.silent_since)} ({days} days); {sent} sent."]
    else:
        opening = f"No reply from {account_of(deal)} since {day(s.silent_since)}"
        evidence = [f"{opening} ({days} days); {sent} sent since."]
    if s.final_call_at is not None:
        evidence.append(f"A final call went out on {day(s.final_call_at)}; no answer yet.")
    summary = f"No reply for {days} days; {sent} unanswered."
    return Finding(FindingKind.GONE_QUIET, None, severity, tuple(evidence), summary)


def stage_stuck(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """Longer in the stage than ``stage_factor`` times what won deals needed."""
    norm = max(s.stage_norm_days, 1.0)
    severity = stage_severity(s.days_in_stage, s.stage_norm_days, rules)
    if severity is None:
        return None
    days = int(s.days_in_stage)
    source = (
        s.stage_norm_source
        if s.stage_norm_source != "default"
        else "default norm; too few won deals to learn from yet"
    )
    evidence = (
        f"In {s.stage} since {day(s.stage_entered_at)} ({days} days); won deals needed "
        f"about {round(norm)} days there ({source}).",
    )
    summary = f"{days} days in {s.stage}; won deals needed about {round(norm)}."
    return Finding(FindingKind.STAGE_STUCK, None, severity, evidence, summary)


def overdue(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """The expected close date has passed, or was pushed later too often."""
    pushed_over = s.close_pushes - rules.close_pushes
    severity = overdue_severity(s.days_past_close, s.close_pushes, rules)
    if severity is None:
        return None
    evidence: list[str] = []
    parts: list[str] = []
    if s.days_past_close > 0 and s.expected_close is not None:
        evidence.append(
            f"Expected to close on {day(s.expected_close)}; that was "
            f"{plural(s.days_past_close, 'day')} ago."
        )
        parts.append(f"close date passed {plural(s.days_past_close, 'day')} ago")
    if s.close_pushes > 0:
        path = " → ".join(day(d) for d in s.close_dates)
        evidence.append(f"The close date was pushed later {times(s.close_pushes)}: {path}.")
        if pushed_over > 0:
            parts.append(f"close date pushed {times(s.close_pushes)}")
    summary = "; ".join(parts).capitalize() + "."
    return Finding(FindingKind.OVERDUE, None, severity, tuple(evidence), summary)


def decision_loop(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """``loop_events`` or more requests and concessions with the stage standing still."""
    count = len(s.loop)
    if count < rules.loop_events:
        return None
    evidence = [
        f"{plural(count, 'request or concession', 'requests and concessions')} since "
        f"{s.stage} began on {day(s.stage_entered_at)}, with no stage change:"
    ]
    for event in s.loop:
        said = f' ("{short(event.quote, 100)}")' if event.quote else ""
        evidence.append(f"{day(event.at)}: {event.what}{said}.")
    severity = grow(count - rules.loop_events, rules.loop_events, 0.5)
    summary = f"More of everything: {count} requests and concessions, still in {s.stage}."
    return Finding(FindingKind.DECISION_LOOP, None, severity, tuple(evidence), summary)


def misaligned(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """Two or more people's latest answers to the same question disagree."""
    if not s.conflicts:
        return None
    evidence: list[str] = []
    people: list[str | None] = []
    for conflict in s.conflicts:
        said = "; ".join(
            f'{who(deal, a.stakeholder)} said "{quoted(short(a.answer, 80))}" on {day(a.at)}'
            for a in conflict.answers
        )
        evidence.append(f"Answers to {conflict.question} differ: {said}.")
        people += [a.stakeholder for a in conflict.answers if a.stakeholder not in people]
    status_quo = [n for n in s.notes if n.signal is NoteSignal.STATUS_QUO_NOT_OPTION]
    evidence += [quote_line(deal, n) for n in status_quo[-2:]]
    severity = grow(len(s.conflicts) - 1, 2, 0.5)
    questions = join([c.question for c in s.conflicts])
    summary = f"Stakeholders disagree on {questions}."
    return Finding(
        FindingKind.MISALIGNED_STAKEHOLDERS,
        None,
        severity,
        tuple(evidence),
        summary,
        tuple(p for p in people if p),
    )


def no_authority(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """The engaged people cannot say yes, and something shows it."""
    if not s.engaged or s.authority_engaged:
        return None
    active = [p for p in deal.stakeholders if p.id in s.engaged]
    reasons: list[str] = []
    for person in active:
        if person.has_role(Role.GATEKEEPER):
            reasons.append(f"{describe(person)} is a gatekeeper.")
    if all(p.authority is Authority.LOW for p in active):
        reasons.append(f"Everyone engaged has low authority: {names(deal, s.engaged)}.")
    commitment = s.commitment
    if commitment is not None and commitment.refused:
        if commitment.note is not None:
            reasons.append(quote_line(deal, commitment.note))
        else:
            reasons.append(
                f"{who(deal, commitment.by)} did not commit to exploring together "
                f"({day(commitment.at)})."
            )
    reasons += [quote_line(deal, n) for n in s.notes if n.signal is NoteSignal.NO_AUTHORITY]
    if not reasons:
        return None
    evidence = (
        f"No one engaged in the last {round(rules.engaged_days)} days is in an approval or "
        f"decision role: {names(deal, s.engaged)}.",
        *reasons,
    )
    severity = grow(len(reasons) - 1, 2, 0.5)
    summary = "Talking only to people who cannot say yes."
    return Finding(FindingKind.NO_AUTHORITY, None, severity, evidence, summary, s.engaged)


def single_threaded(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """Exactly one person engaged, from ``single_thread_stage`` on."""
    if len(s.engaged) != 1 or not _at_or_after(s.stage, rules.single_thread_stage, rules):
        return None
    evidence = [
        f"Only {who(deal, s.engaged[0])} has taken part in the last "
        f"{round(rules.engaged_days)} days."
    ]
    if s.roles_missing:
        missing = join([str(r) for r in s.roles_missing])
        evidence.append(f"No one engaged covers {missing}.")
    severity = 0.3 + 0.15 * len(s.roles_missing) / 4
    summary = f"Only {who(deal, s.engaged[0])} is engaged."
    return Finding(FindingKind.SINGLE_THREADED, None, severity, tuple(evidence), summary, s.engaged)


def _at_or_after(stage: str, first: str, rules: Rules) -> bool:
    order = rules.stage_order
    if stage not in order or first not in order:
        return True
    return order.index(stage) >= order.index(first)


def unqualified(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """Questions the framework requires at this stage are unanswered."""
    if not s.open_questions:
        return None
    evidence = tuple(f'Not answered yet: {q.id} ("{q.ask}")' for q in s.open_questions)
    required = max(len(s.open_questions), s.required_questions)
    severity = 0.2 + 0.25 * len(s.open_questions) / required
    ids = join([q.id for q in s.open_questions])
    summary = f"Open questions for {s.stage}: {ids}."
    return Finding(FindingKind.UNQUALIFIED, None, severity, evidence, summary)


def lost_why(deal: Deal, s: Signals, rules: Rules) -> Finding | None:
    """No why recorded, or no touch has spoken of it for ``why_stale_days``."""
    if s.why_missing:
        evidence = (
            f"No why is recorded: we do not know, in {account_of(deal)}'s words, why they "
            "came looking.",
        )
        return Finding(FindingKind.LOST_WHY, None, 0.35, evidence, "Their why is not recorded.")
    if not s.why_stale:
        return None
    why = quoted(short(deal.why or "", 120))
    if s.why_last_mentioned is None:
        line = f'No touch mentions their why ("{why}").'
        since = s.as_of - deal.created
    else:
        line = (
            f"No touch in the last {round(rules.why_stale_days)} days mentions their why "
            f'("{why}"); last mentioned on {day(s.why_last_mentioned)}.'
        )
        since = s.as_of - s.why_last_mentioned
    excess = since.total_seconds() / 86400.0 - rules.why_stale_days
    severity = grow(excess, rules.why_stale_days, 0.25, 0.45)
    summary = "Their why has dropped out of the conversation."
    return Finding(FindingKind.LOST_WHY, None, severity, (line,), summary)


def resistance(deal: Deal, s: Signals, rules: Rules) -> list[Finding]:
    """One finding per scenario; two or more resisters sharing a faction are a faction."""
    by_faction: dict[str, list[str]] = {}
    for r in s.resisters:
        if r.faction:
            by_faction.setdefault(r.faction, []).append(r.stakeholder)
    groups: dict[Scenario, list[str]] = {}
    for r in s.resisters:
        shared = r.faction is not None and len(by_faction[r.faction]) >= 2
        groups.setdefault(Scenario.FACTION if shared else r.scenario, []).append(r.stakeholder)
    found = [_resistance(deal, s, scenario, ids) for scenario, ids in groups.items()]
    return sorted(found, key=lambda f: -f.severity)


def _resistance(deal: Deal, s: Signals, scenario: Scenario, ids: list[str]) -> Finding:
    resisters = [r for r in s.resisters if r.stakeholder in ids]
    evidence: list[str] = []
    if scenario is Scenario.FACTION:
        factions = join(sorted({f'"{r.faction}"' for r in resisters}))
        evidence.append(f"{names(deal, ids)} resist together (faction {factions}).")
    for r in resisters:
        person = deal.stakeholder(r.stakeholder)
        if r.marked and person is not None:
            roles = ", ".join(str(role) for role in person.roles) or "no recorded role"
            evidence.append(f"{person.name} ({roles}) is marked resistant.")
        evidence += [quote_line(deal, q) for q in r.quotes[-2:]]
    weight = sum(len(r.quotes) + (1 if r.marked else 0) for r in resisters)
    severity = grow(weight - 1, 2, RESISTANCE_FLOOR[scenario], 0.9)
    summary = f"{names(deal, ids)} {'resist' if len(ids) > 1 else 'resists'} ({scenario})."
    return Finding(FindingKind.RESISTANCE, scenario, severity, tuple(evidence), summary, tuple(ids))


_SINGLE_RULES = (
    gone_quiet,
    decision_loop,
    stage_stuck,
    overdue,
    misaligned,
    no_authority,
    single_threaded,
    unqualified,
    lost_why,
)


def find_all(deal: Deal, s: Signals, rules: Rules) -> tuple[Finding, ...]:
    """Every finding for an open deal, most severe first."""
    found = [f for rule in _SINGLE_RULES if (f := rule(deal, s, rules)) is not None]
    found += resistance(deal, s, rules)
    return tuple(sorted(found, key=lambda f: -f.severity))


def combined_severity(findings: Sequence[Finding], share: float = 0.5) -> float:
    """The worst finding, raised by a share of each other one: ``1 - (1 - max) *
    prod(1 - share * s_i)``. Several problems weigh more than one, but never add past 1."""
    return combine([f.severity for f in findings], share)


def combine(severities: Sequence[float], share: float = 0.5) -> float:
    """``combined_severity`` of bare severities (the stall scan has no Finding objects)."""
    if not severities:
        return 0.0
    ordered = sorted(severities, reverse=True)
    remaining = 1.0 - ordered[0]
    for other in ordered[1:]:
        remaining *= 1.0 - share * other
    return min(1.0 - remaining, 0.99)


__all__ = [
    "RESISTANCE_FLOOR",
    "Finding",
    "Rules",
    "combine",
    "combined_severity",
    "decision_loop",
    "find_all",
    "gone_quiet",
    "grow",
    "lost_why",
    "misaligned",
    "no_authority",
    "overdue",
    "overdue_severity",
    "quiet_severity",
    "resistance",
    "single_threaded",
    "stage_severity",
    "stage_stuck",
    "unqualified",
]
