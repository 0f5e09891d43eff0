"""The cadence state machine, as pure functions from a cadence and ``now`` to a new one.

    active --pause--> paused --resume--> active
    active|paused --stop (by hand, or a reply from the prospect)--> stopped
    active --the final call is done--> completed (the deal is parked as nurture)

Steps go planned -> done; planned -> cancelled when the cadence stops; planned ->
skipped when a later step (the final call) is done first. A snooze only moves a step's
due date. Each function returns the new cadence; the store writes what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from unstuck.cadence.model import (
    Cadence,
    CadenceStatus,
    Phase,
    Step,
    StepStatus,
)
from unstuck.errors import ConflictError


@dataclass(frozen=True)
class Completion:
    """What doing one step changes."""

    cadence: Cadence
    step: Step
    parks_deal: bool  # the final call: park the deal as nurture
    revisit_on: date | None


def pause(cadence: Cadence, now: datetime) -> Cadence:
    if cadence.status is not CadenceStatus.ACTIVE:
        raise ConflictError(
            f"the cadence of {cadence.deal} is {cadence.status}, not active: only an active "
            "cadence can be paused."
        )
    return replace(cadence, status=CadenceStatus.PAUSED, paused_at=now)


def resume(cadence: Cadence, now: datetime) -> Cadence:
    """Active again; the steps still to do move later by the days the cadence was paused."""
    if cadence.status is not CadenceStatus.PAUSED or cadence.paused_at is None:
        raise ConflictError(
            f"the cadence of {cadence.deal} is {cadence.status}, not paused: "
            "`unstuck cadence resume` only continues a paused cadence."
        )
    shift = timedelta(days=max(0, (now.date() - cadence.paused_at.date()).days))
    steps = tuple(
        replace(
            s,
            planned_on=s.planned_on + shift,
            snoozed_to=s.snoozed_to + shift if s.snoozed_to else None,
        )
        if s.status is StepStatus.PLANNED
        else s
        for s in cadence.steps
    )
    return replace(cadence, status=CadenceStatus.ACTIVE, paused_at=None, steps=steps)


def stop(cadence: Cadence, now: datetime, reason: str) -> Cadence:
    """Stopped for good: every step not yet done is cancelled."""
    if not cadence.running:
        raise ConflictError(
            f"the cadence of {cadence.deal} is already {cadence.status}; nothing to stop."
        )
    steps = tuple(
        replace(s, status=StepStatus.CANCELLED) if s.status is StepStatus.PLANNED else s
        for s in cadence.steps
    )
    return replace(
        cadence, status=CadenceStatus.STOPPED, ended_at=now, stop_reason=reason, steps=steps
    )


def reply_stops(cadence: Cadence, reply_at: datetime) -> bool:
    """A reply stops a running cadence, unless it predates the cadence (a back-filled note)."""
    return cadence.running and reply_at >= cadence.started_at


def reply_reason(reply_at: datetime) -> str:
    return f"reply received on {reply_at.date().isoformat()}"


def do_step(
    cadence: Cadence,
    seq: int,
    now: datetime,
    revisit_days: int,
    note: str | None = None,
    message_id: str | None = None,
) -> Completion:
    """Mark a step done. The final call completes the cadence and parks the deal.

    Relationship touches after the final call (phase nurture) can be done while the
    cadence is completed; sequence steps only while it is active.
    """
    step = _find(cadence, seq)
    if step.status is not StepStatus.PLANNED:
        raise ConflictError(f"step {step.id} is already {step.status}; nothing to do.")
    if step.phase is Phase.SEQUENCE and cadence.status is not CadenceStatus.ACTIVE:
        hint = (
            "Resume it with `unstuck cadence resume` first."
            if cadence.status is CadenceStatus.PAUSED
            else "Start a new cadence if the deal has gone quiet again."
        )
        raise ConflictError(f"step {step.id} belongs to a {cadence.status} cadence. {hint}")
    done = replace(step, status=StepStatus.DONE, done_at=now, note=note, message_id=message_id)
    steps = [done if s.seq == seq else s for s in cadence.steps]
    revisit_on = None
    if step.final:
        steps = [
            replace(s, status=StepStatus.SKIPPED)
            if s.status is StepStatus.PLANNED and s.phase is Phase.SEQUENCE
            else s
            for s in steps
        ]
        revisit_on = now.date() + timedelta(days=revisit_days)
        cadence = replace(cadence, status=CadenceStatus.COMPLETED, ended_at=now)
    return Completion(replace(cadence, steps=tuple(steps)), done, step.final, revisit_on)


def snooze(cadence: Cadence, seq: int, to: date, today: date) -> Cadence:
    step = _find(cadence, seq)
    if step.status is not StepStatus.PLANNED:
        raise ConflictError(f"step {step.id} is {step.status}; only a planned step can be moved.")
    if to < today:
        raise ConflictError(f"--to {to.isoformat()} is in the past; choose today or later.")
    steps = tuple(replace(s, snoozed_to=to) if s.seq == seq else s for s in cadence.steps)
    return replace(cadence, steps=steps)


def _find(cadence: Cadence, seq: int) -> Step:
    for step in cadence.steps:
        if step.seq == seq:
            return step
    raise ConflictError(f"{cadence.deal}/{seq} is not a step of this cadence.")


__all__ = [
    "Completion",
    "do_step",
    "pause",
    "reply_reason",
    "reply_stops",
    "resume",
    "snooze",
    "stop",
]
