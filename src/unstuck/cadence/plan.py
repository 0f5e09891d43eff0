"""Planning a whole cadence at once: dates, channels, angles and drafts. Pure.

Drafts are rendered from the deal's own variables (the ones the diagnosis builds, see
:func:`unstuck.diagnosis.engine.play_variables`) plus ``step``. Steps fall on working
days: one that would land on a Saturday or Sunday moves to the Monday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

import jinja2

from unstuck.cadence.model import Phase, PlannedStep, StepChannel
from unstuck.cadence.templates import CadenceTemplate, TemplateError
from unstuck.errors import ConflictError


def workday(day: date) -> date:
    """The day itself, or the Monday after when it falls on a weekend."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


def normalise(draft: str) -> str:
    """A draft reduced to its words, for spotting a message that would repeat."""
    return " ".join(draft.lower().split())


def render(
    template: jinja2.Template, variables: Mapping[str, Any], step: Mapping[str, Any]
) -> tuple[str | None, str]:
    """The subject (when the draft starts with ``Subject:``) and the body."""
    try:
        text = template.render({**variables, "step": dict(step)}).strip()
    except jinja2.TemplateError as exc:
        raise TemplateError(template.filename, None, f"template error: {exc}.") from None
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first.split(":", 1)[1].strip(), rest.strip() + "\n"
    return None, text + "\n"


def _step_vars(
    number: int, total: int, channel: StepChannel, angle: str, title: str, urgent: bool
) -> dict[str, Any]:
    return {
        "number": number,
        "total": total,
        "channel": str(channel),
        "angle": angle,
        "title": title,
        "urgent": urgent,
        "last": number == total,
    }


def plan_sequence(
    template: CadenceTemplate,
    variables: Mapping[str, Any],
    start: date,
    urgent: bool = False,
    earlier_drafts: Iterable[str] = (),
) -> list[PlannedStep]:
    """Every step of ``template`` for one deal, the first on ``start`` (or the next workday).

    Raises :class:`TemplateError` when two steps of the template would send the same
    message, and :class:`ConflictError` when a step repeats one already sent to the deal.
    """
    contact = variables.get("contact", {}).get("id") or None
    planned: list[PlannedStep] = []
    raw_day = start
    total = len(template.steps)
    for index, step in enumerate(template.steps):
        raw_day = raw_day + timedelta(days=template.gap(index, urgent))
        subject, body = render(
            step.draft,
            variables,
            _step_vars(index + 1, total, step.channel, step.angle, step.title, urgent),
        )
        planned.append(
            PlannedStep(
                phase=Phase.SEQUENCE,
                position=index + 1,
                channel=step.channel,
                angle=step.angle,
                title=step.title,
                subject=subject,
                draft=body,
                planned_on=workday(raw_day),
                final=step.final,
                contact=contact,
            )
        )
    check_no_repeats(template, planned, earlier_drafts)
    return planned


def plan_nurture(
    template: CadenceTemplate, variables: Mapping[str, Any], final_on: date, revisit_on: date
) -> list[PlannedStep]:
    """The relationship touches between the final call and the check-back.

    Touches that would fall on or after the revisit date are left out: the check-back
    itself takes over then.
    """
    contact = variables.get("contact", {}).get("id") or None
    out: list[PlannedStep] = []
    total = len(template.nurture)
    for index, touch in enumerate(template.nurture):
        day = workday(final_on + timedelta(days=touch.after_days))
        if day >= revisit_on:
            continue
        subject, body = render(
            touch.draft,
            variables,
            _step_vars(index + 1, total, touch.channel, touch.angle, touch.title, False),
        )
        out.append(
            PlannedStep(
                phase=Phase.NURTURE,
                position=index + 1,
                channel=touch.channel,
                angle=touch.angle,
                title=touch.title,
                subject=subject,
                draft=body,
                planned_on=day,
                contact=contact,
            )
        )
    return out


def check_no_repeats(
    template: CadenceTemplate, planned: list[PlannedStep], earlier_drafts: Iterable[str] = ()
) -> None:
    seen: dict[str, int] = {}
    for step in planned:
        key = normalise(f"{step.subject or ''}\n{step.draft}")
        if key in seen:
            raise TemplateError(
                template.source,
                None,
                f"steps {seen[key]} and {step.position} would send the same message. "
                "Give every step its own draft, so no message is repeated to a deal.",
            )
        seen[key] = step.position
    earlier = {normalise(d) for d in earlier_drafts}
    repeats = [s.position for s in planned if normalise(_full(s)) in earlier]
    if repeats:
        listed = ", ".join(str(p) for p in repeats)
        raise ConflictError(
            f"template {template.name!r} would repeat messages this deal already received "
            f"(steps {listed}). Choose another template with --template; "
            "`unstuck cadence templates` lists them."
        )


def _full(step: PlannedStep) -> str:
    return f"{step.subject or ''}\n{step.draft}"


def full_text(subject: str | None, draft: str) -> str:
    """The text compared for repeats: subject and body together."""
    return f"{subject or ''}\n{draft}"


__all__ = [
    "check_no_repeats",
    "full_text",
    "normalise",
    "plan_nurture",
    "plan_sequence",
    "render",
    "workday",
]
