"""One row of numbers and labels per deal at a moment: what the model learns from.

:func:`feature_row` reads a deal *as known at* ``t`` (see :mod:`.snapshots`) through the
pure diagnosis (``diagnose(deal, t, context, plays=False)``): its signals (time in stage
against the norm, silence, touches and their direction, stakeholders and roles, conflicts,
open questions, close-date pushes) and the severity of each finding, plus value, account
type, owner and every custom field of the deal (``field:<name>``). Nothing here reads a
clock, the deal's outcome or anything dated after ``t``; the test suite checks that.

The diagnosis context used for features is built from the configuration alone, with no
closed history (:func:`feature_context`): learned stage norms would carry the outcomes
of other deals, and of the snapshotted deal itself, into its row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from unstuck.config import Config
from unstuck.diagnosis import DiagnosisContext, build_context, diagnose
from unstuck.domain import Deal, Direction, FindingKind

FeatureValue = str | int | float | bool | None
FIELD_PREFIX = "field:"
RECENT_DAYS = 30
_DAY = 86400.0

# Plain words for each feature, used when explaining a chance. Custom fields use their
# own name.
LABELS: dict[str, str] = {
    "stage": "Stage",
    "stage_position": "How far along the pipeline it is",
    "age_days": "Days since the deal was created",
    "days_in_stage": "Days in the current stage",
    "stage_time_vs_norm": "Time in stage compared with the norm",
    "days_silent": "Days since the prospect last replied",
    "has_replied": "The prospect has replied at least once",
    "unanswered": "Messages sent since the last reply",
    "touches": "Touches so far",
    "inbound_touches": "Replies and calls from the prospect",
    "outbound_touches": "Touches from the seller",
    "inbound_recent": f"Replies from the prospect in the last {RECENT_DAYS} days",
    "outbound_recent": f"Seller touches in the last {RECENT_DAYS} days",
    "inbound_share": "Share of touches that came from the prospect",
    "stakeholders": "People known at the prospect",
    "engaged": "People engaged recently",
    "roles_covered": "Buying roles covered",
    "roles_missing": "Buying roles missing among engaged people",
    "authority_engaged": "Someone who can say yes is engaged",
    "conflicts": "Questions with conflicting answers",
    "open_questions": "Qualification questions still open",
    "answers": "Answers recorded",
    "close_pushes": "Times the close date was pushed",
    "days_past_close": "Days past the expected close date",
    "days_to_close": "Days until the expected close date",
    "why_missing": "The customer's why is missing",
    "why_stale": "The customer's why has dropped out of the conversation",
    "loop_events": "More-of-everything events (info, meetings, discounts, scope)",
    "commitment": "Commitment to explore together",
    "final_call_sent": "A final-call message was sent",
    "resisters": "People resisting (from notes)",
    "value": "Deal value",
    "account_type": "Account type",
    "owner": "Owner",
    "severity": "How stuck the deal is (overall)",
    **{f"finding:{kind}": f"Finding: {str(kind).replace('_', ' ')}" for kind in FindingKind},
}


def label(name: str) -> str:
    if name.startswith(FIELD_PREFIX):
        return name[len(FIELD_PREFIX) :]
    return LABELS.get(name, name)


def feature_context(config: Config) -> DiagnosisContext:
    """The diagnosis context features are computed with: configured norms, no history."""
    return build_context(config, [])


def _touch_counts(deal: Deal, t: datetime) -> dict[str, FeatureValue]:
    recent = t - timedelta(days=RECENT_DAYS)
    inbound = outbound = inbound_recent = outbound_recent = 0
    for touch in deal.touches:
        if touch.at > t:
            continue
        if touch.direction is Direction.INBOUND:
            inbound += 1
            inbound_recent += touch.at > recent
        else:
            outbound += 1
            outbound_recent += touch.at > recent
    total = inbound + outbound
    return {
        "touches": total,
        "inbound_touches": inbound,
        "outbound_touches": outbound,
        "inbound_recent": inbound_recent,
        "outbound_recent": outbound_recent,
        "inbound_share": inbound / total if total else None,
    }


def feature_row(deal: Deal, t: datetime, context: DiagnosisContext) -> dict[str, FeatureValue]:
    """Features of ``deal`` as of ``t``; pass a deal already cut back with ``deal_as_of``."""
    found = diagnose(deal, t, context, plays=False)
    s = found.signals
    order = context.stage_order
    row: dict[str, FeatureValue] = {
        "stage": s.stage,
        "stage_position": order.index(s.stage) if s.stage in order else None,
        "age_days": max((t - deal.created).total_seconds() / _DAY, 0.0),
        "days_in_stage": s.days_in_stage,
        "stage_time_vs_norm": s.days_in_stage / s.stage_norm_days if s.stage_norm_days else None,
        "days_silent": s.days_silent,
        "has_replied": s.last_reply_at is not None,
        "unanswered": s.unanswered,
        **_touch_counts(deal, t),
        "stakeholders": len(deal.stakeholders),
        "engaged": len(s.engaged),
        "roles_covered": len(s.roles_covered),
        "roles_missing": len(s.roles_missing),
        "authority_engaged": s.authority_engaged,
        "conflicts": len(s.conflicts),
        "open_questions": len(s.open_questions),
        "answers": sum(1 for a in deal.answers if a.at <= t),
        "close_pushes": s.close_pushes,
        "days_past_close": s.days_past_close,
        "days_to_close": (
            (s.expected_close - t.date()).days if s.expected_close is not None else None
        ),
        "why_missing": s.why_missing,
        "why_stale": s.why_stale,
        "loop_events": len(s.loop),
        "commitment": s.commitment.state if s.commitment is not None else "none",
        "final_call_sent": s.final_call_at is not None,
        "resisters": len(s.resisters),
        "value": deal.value,
        "account_type": str(deal.account_type) if deal.account_type else None,
        "owner": deal.owner.lower() if deal.owner else None,
        "severity": found.severity,
    }
    severities = {f.kind: f.severity for f in found.findings}
    for kind in FindingKind:
        row[f"finding:{kind}"] = severities.get(kind, 0.0)
    for name, value in deal.fields.items():
        row[FIELD_PREFIX + name] = value
    return row


def feature_rows(
    deals: Iterable[tuple[Deal, datetime]], context: DiagnosisContext
) -> list[dict[str, FeatureValue]]:
    return [feature_row(deal, t, context) for deal, t in deals]


__all__ = [
    "FIELD_PREFIX",
    "LABELS",
    "FeatureValue",
    "feature_context",
    "feature_row",
    "feature_rows",
    "label",
]
