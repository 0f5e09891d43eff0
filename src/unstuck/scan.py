"""The stall scan: which open deals are stuck, without reading every deal's history.

Each finding's severity is of one of three sorts:

- it grows with the clock alone (``gone_quiet``, ``stage_stuck``, ``overdue``): computed
  here from the per-deal summary columns the store keeps correct on every write;
- the why dropping out of the conversation (``lost_why``): grows with the clock from a
  reference moment (the last mention of the why, or the creation), which is cached;
- everything else changes only when the deal changes, or when an event leaves one of
  the diagnosis' time windows (engaged people, notes, the decision loop): computed by
  the full diagnosis once and cached on the deal row, with the fingerprint of the rules,
  the moment it was computed for and the moment it stops being valid (the first time
  an event leaves a window) — the healthchecks ``alert_after`` idea.

The scan combines them exactly as the diagnosis does, so its verdict and severity equal
a full diagnosis (tests check this deal by deal); only the deals shown get diagnosed in
full. A deal whose cache is missing, from other rules, or not valid at ``now`` (every
write clears it; a replay with ``--as-of`` before it was computed; an event leaving a
window) is diagnosed in full and cached again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from unstuck.diagnosis import Diagnosis, DiagnosisContext, open_questions
from unstuck.diagnosis.findings import (
    combine,
    grow,
    overdue_severity,
    quiet_severity,
    stage_severity,
)
from unstuck.diagnosis.people import last_engaged
from unstuck.domain import Deal, FindingKind
from unstuck.review.state import ScanSignals, ScanState
from unstuck.store import ScanCache, ScanRow
from unstuck.store.stall import StallParams

CLOCK_KINDS = frozenset(
    {FindingKind.GONE_QUIET, FindingKind.STAGE_STUCK, FindingKind.OVERDUE, FindingKind.LOST_WHY}
)
FOREVER = datetime(9999, 12, 31)
_DAY = 86400.0
_WHY = "why:"  # cache token: the lost_why reference moment and the creation
_ENGAGED = "eng:"  # cache token: ids of the people engaged, joined by "|"
_FINAL = "fc:"  # cache token: when a final call went out after the last reply
MISSING_WHY = 0.35  # the severity of a missing why, which does not move with the clock
SHARE = 0.5  # how much each further finding adds (``findings.combine``'s default)


@dataclass(frozen=True)
class Verdict:
    id: str
    value: float | None
    stalled: bool
    severity: float


def context_key(context: DiagnosisContext) -> str:
    """Fingerprint of everything the cached severities depend on."""
    parts = [
        repr(context.rules),
        repr(context.signal_settings),
        repr(context.exits),
        context.framework.name,
        repr([(q.id, q.from_stage) for q in context.framework.questions]),
        repr(sorted(context.framework.stages.items())),
        repr(context.stage_order),
        type(context.detector).__name__,
    ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


def needs_diagnosis(row: ScanRow, key: str, now: datetime) -> bool:
    if row.last_event_at is not None and row.last_event_at > now:
        return True  # history dated after now: the summaries do not describe that moment
    if row.static_key != key or row.static_severities is None:
        return True
    if row.static_at is None or row.static_until is None:
        return True
    return not row.static_at <= now < row.static_until


def cache_value(deal: Deal, diagnosis: Diagnosis) -> str:
    """Severities of the findings that do not move with the clock, and the why token."""
    return _cached_parts(deal, diagnosis)[0]


def _cached_parts(deal: Deal, diagnosis: Diagnosis) -> tuple[str, list[float], datetime | None]:
    """The cache text, its severities, and the why's reference moment (None: no why)."""
    severities = [f.severity for f in diagnosis.findings if f.kind not in CLOCK_KINDS]
    values = [repr(s) for s in severities]
    signals = diagnosis.signals
    values.append(_ENGAGED + "|".join(signals.engaged))
    if signals.final_call_at is not None:
        values.append(_FINAL + signals.final_call_at.isoformat())
    reference = None
    if not (deal.why or "").strip():
        severities.append(MISSING_WHY)  # a missing why does not move with the clock
        values.append(repr(MISSING_WHY))
    else:
        mentioned = diagnosis.signals.why_last_mentioned
        reference = mentioned if mentioned is not None else deal.created
        values.append(f"{_WHY}{reference.isoformat()}/{deal.created.isoformat()}")
    return ",".join(values), severities, reference


def valid_until(
    deal: Deal, now: datetime, context: DiagnosisContext, diagnosis: Diagnosis
) -> datetime:
    """The first moment after ``now`` when an event leaving one of the diagnosis' windows
    can change what is cached.

    Only the events that count in each window: a person stops being engaged when their
    latest reply, call, meeting or answer leaves ``engaged_days``; a note matters to
    ``notes_window_days`` only if the detector found something in it; a request or
    concession leaves the decision loop after ``loop_window_days``. Other touches come and
    go without changing any cached severity, so most deals keep their cache for weeks
    instead of hours.
    """
    s = context.signal_settings
    engaged = timedelta(days=s.engaged_days)
    ends = [at + engaged for at in last_engaged(deal, deal.touches, now).values()]
    ends += [note.at + timedelta(days=s.notes_window_days) for note in diagnosis.signals.notes]
    ends += [event.at + timedelta(days=s.loop_window_days) for event in diagnosis.signals.loop]
    return min((end for end in ends if end > now), default=FOREVER)


def cache_entry(
    pk: int, deal: Deal, diagnosis: Diagnosis, key: str, now: datetime, context: DiagnosisContext
) -> ScanCache:
    """What ``Transaction.set_scan_cache`` stores for a deal just diagnosed at ``now``:
    the text ``verdict`` reads, and the same as numbers for the SQL stall query."""
    text, severities, why_since = _cached_parts(deal, diagnosis)
    product = 1.0
    for severity in severities:
        product *= 1.0 - SHARE * severity
    return ScanCache(
        pk,
        text,
        key,
        now,
        valid_until(deal, now, context, diagnosis),
        max(severities, default=None),
        product,
        why_since,
    )


def sql_params(context: DiagnosisContext, key: str) -> StallParams:
    """The thresholds of ``clock_severities`` and ``_why_severity`` for the SQL query."""
    rules = context.rules
    norms = context.norms

    def limit(days: float) -> float:
        return max(days, 1.0) * rules.stage_factor

    return StallParams(
        key=key,
        quiet_days=rules.quiet_days,
        quiet_unanswered=rules.quiet_unanswered,
        stage_limits={stage: limit(n.days) for stage, n in norms.norms.items()},
        default_stage_limit=limit(norms.default_days),
        close_pushes=rules.close_pushes,
        why_stale_days=rules.why_stale_days,
        stalled_severity=context.exits.stalled_severity,
        share=SHARE,
    )


def _why_severity(token: str, now: datetime, context: DiagnosisContext) -> float | None:
    reference, created = (datetime.fromisoformat(p) for p in token[len(_WHY) :].split("/"))
    days = context.rules.why_stale_days
    if (now - created).total_seconds() / _DAY < days:
        return None
    since = (now - reference).total_seconds() / _DAY
    if since <= days:
        return None
    return grow(since - days, days, 0.25, 0.45)


def _cached(row: ScanRow, now: datetime, context: DiagnosisContext) -> Iterator[float]:
    for part in (row.static_severities or "").split(","):
        if part.startswith(_WHY):
            severity = _why_severity(part, now, context)
            if severity is not None:
                yield severity
        elif part.startswith((_ENGAGED, _FINAL)):
            continue
        elif part:
            yield float(part)


def cached_people(row: ScanRow) -> tuple[tuple[str, ...], datetime | None]:
    """The engaged people and the final call moment kept in a valid cache."""
    engaged: tuple[str, ...] = ()
    final_call = None
    for part in (row.static_severities or "").split(","):
        if part.startswith(_ENGAGED):
            engaged = tuple(p for p in part[len(_ENGAGED) :].split("|") if p)
        elif part.startswith(_FINAL):
            final_call = datetime.fromisoformat(part[len(_FINAL) :])
    return engaged, final_call


def clock_severities(row: ScanRow, now: datetime, context: DiagnosisContext) -> list[float]:
    rules = context.rules
    past = 0
    if row.expected_close_days is not None:
        past = max(now.date().toordinal() - row.expected_close_days, 0)
    found = [
        quiet_severity(
            max((now - row.silent_since).total_seconds() / _DAY, 0.0),
            row.outbound_since_inbound,
            rules,
        ),
        stage_severity(
            max((now - row.stage_entered_at).total_seconds() / _DAY, 0.0),
            context.norms.norm(row.stage).days,
            rules,
        ),
        overdue_severity(past, row.close_date_pushes, rules),
    ]
    return [s for s in found if s is not None]


def verdict(row: ScanRow, now: datetime, context: DiagnosisContext) -> Verdict:
    """Stalled and severity from the summary columns and the cache."""
    every = [*_cached(row, now, context), *clock_severities(row, now, context)]
    stalled = any(s >= context.exits.stalled_severity for s in every)
    return Verdict(row.id, row.value, stalled, combine(every))


def review_state(
    row: ScanRow, deal: Deal, now: datetime, context: DiagnosisContext, found: Verdict
) -> ScanState:
    """The review's view of a deal whose cache is valid at ``now`` (no touches needed),
    with the ``found`` verdict the scan gave it."""
    engaged, final_call = cached_people(row)
    silent = row.silent_since
    return ScanState(
        stalled=found.stalled,
        severity=found.severity,
        signals=ScanSignals(
            as_of=now,
            days_in_stage=max((now - row.stage_entered_at).total_seconds() / _DAY, 0.0),
            stage_norm_days=context.norms.norm(row.stage).days,
            days_silent=max((now - silent).total_seconds() / _DAY, 0.0),
            silent_since=silent,
            last_reply_at=row.last_reply_at,
            unanswered=row.outbound_since_inbound,
            final_call_at=final_call,
            engaged=engaged,
            open_questions=open_questions(deal, context.framework, context.stage_order),
            required_questions=len(context.framework.required(deal.stage, context.stage_order)),
        ),
    )


def from_diagnosis(row: ScanRow, diagnosis: Diagnosis) -> Verdict:
    return Verdict(row.id, row.value, diagnosis.stalled, diagnosis.severity)


def worst_first(verdicts: list[Verdict]) -> list[Verdict]:
    stalled = [v for v in verdicts if v.stalled]
    return sorted(stalled, key=lambda v: (-v.severity, -(v.value or 0), v.id))


__all__ = [
    "CLOCK_KINDS",
    "Verdict",
    "cache_entry",
    "cache_value",
    "cached_people",
    "clock_severities",
    "context_key",
    "from_diagnosis",
    "needs_diagnosis",
    "review_state",
    "sql_params",
    "valid_until",
    "verdict",
    "worst_first",
]
