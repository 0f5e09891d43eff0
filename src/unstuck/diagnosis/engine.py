"""``diagnose``: one deal and ``now`` in, a :class:`Diagnosis` out. No I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from unstuck.diagnosis.context import DiagnosisContext
from unstuck.diagnosis.findings import Finding, combined_severity, find_all
from unstuck.diagnosis.plays import Play, choose_plays
from unstuck.diagnosis.signals import Signals, compute_signals
from unstuck.diagnosis.variables import build_variables, finding_variables
from unstuck.domain import Deal


@dataclass(frozen=True)
class Diagnosis:
    deal: str
    stalled: bool
    severity: float
    findings: tuple[Finding, ...]
    plays: tuple[Play, ...]
    signals: Signals
    status: str = "open"

    @property
    def main_reason(self) -> str:
        """One plain line for ``unstuck stalled``: the most severe finding, or the state."""
        if self.status != "open":
            return f"Closed ({self.status})."
        if not self.findings:
            return "Moving normally."
        return self.findings[0].summary

    def to_dict(self) -> dict[str, Any]:
        """The contract's shape (``contract.md`` §2), plus summary, title and signals."""
        return {
            "deal": self.deal,
            "stalled": self.stalled,
            "severity": round(self.severity, 2),
            "findings": [f.to_dict() for f in self.findings],
            "plays": [p.to_dict() for p in self.plays],
            "main_reason": self.main_reason,
            "signals": self.signals.to_dict(),
        }


def signals_for(deal: Deal, now: datetime, context: DiagnosisContext) -> Signals:
    return compute_signals(
        deal,
        now,
        norms=context.norms,
        framework=context.framework,
        stage_order=context.stage_order,
        detector=context.detector,
        settings=context.signal_settings,
    )


def diagnose(
    deal: Deal, now: datetime, context: DiagnosisContext, *, plays: bool = True
) -> Diagnosis:
    """Why ``deal`` is stuck as of ``now`` (naive UTC), and what to do about it.

    A closed deal (won, lost, nurture) is never stalled and gets no findings or plays.
    ``plays=False`` skips choosing and rendering plays, for views that only need the
    findings (a table of stalled deals): it roughly halves the time per deal.
    """
    signals = signals_for(deal, now, context)
    if not deal.is_open:
        return Diagnosis(deal.id, False, 0.0, (), (), signals, str(deal.status))
    findings = find_all(deal, signals, context.rules)
    severity = combined_severity(findings)
    stalled = any(f.severity >= context.exits.stalled_severity for f in findings)
    chosen = _plays(deal, signals, findings, severity, context) if findings and plays else ()
    return Diagnosis(deal.id, stalled, severity, findings, chosen, signals)


def _plays(
    deal: Deal,
    signals: Signals,
    findings: tuple[Finding, ...],
    severity: float,
    context: DiagnosisContext,
) -> tuple[Play, ...]:
    chosen = choose_plays(deal, signals, findings, severity, context.exits)
    base = build_variables(deal, signals, findings, context.revisit_days)
    plays: list[Play] = []
    for play_id, kinds, first in chosen:
        content = context.playbook[play_id]
        kind_names = [str(k) for k in kinds]
        variables = {**base, **finding_variables(deal, first, kind_names, base["resisters"])}
        rationale, steps, draft = content.render(variables)
        plays.append(
            Play(play_id, tuple(kinds), rationale, content.channel, steps, draft, content.title)
        )
    return tuple(plays)


def play_variables(deal: Deal, now: datetime, context: DiagnosisContext) -> dict[str, Any]:
    """Every template variable for ``deal``, as the first of its findings would see them."""
    signals = signals_for(deal, now, context)
    findings = find_all(deal, signals, context.rules)
    base = build_variables(deal, signals, findings, context.revisit_days)
    if findings:
        kinds = [str(f.kind) for f in findings]
        base.update(finding_variables(deal, findings[0], kinds, base["resisters"]))
    return base


__all__ = ["Diagnosis", "diagnose", "play_variables", "signals_for"]
