"""Follow-up cadences, the agenda, the joint plan, the calendar feed and mail. Pure core.

    template = load_template("default", user_dir)               # templates/<name>.toml
    steps = plan_sequence(template, variables, start, urgent)   # every step, dated, drafted
    completion = do_step(cadence, seq, now, revisit_days)       # the state machine
    items = due(agenda_items, today, days)                      # what is due
    calendar_bytes(items, now)                                  # RFC 5545
    build_message(step, recipient, sender, now)                 # RFC 5322
    match_reply(parse_reply(raw), sent, people, running)        # which deal a reply is for

Nothing here reads the clock, opens the database or touches the network: the
application layer is :mod:`unstuck.cadence.service` and the mail transport
:mod:`unstuck.cadence.transport`. See ``docs/cadence.md``.
"""

from typing import TYPE_CHECKING, Any

from unstuck.cadence.agenda import AgendaItem, DealHead, due, for_owner
from unstuck.cadence.model import (
    Cadence,
    CadenceStatus,
    ItemKind,
    ItemRef,
    Phase,
    PlanItem,
    PlannedStep,
    PlanStatus,
    Step,
    StepChannel,
    StepStatus,
    parse_ref,
)
from unstuck.cadence.plan import plan_nurture, plan_sequence, workday
from unstuck.cadence.state import do_step, pause, reply_stops, resume, snooze, stop
from unstuck.cadence.templates import CadenceTemplate, TemplateError, available, load_template

if TYPE_CHECKING:
    from unstuck.cadence.eml import Recipient, build_message
    from unstuck.cadence.ics import build_calendar, calendar_bytes
    from unstuck.cadence.match import Malformed, Match, NoMatch, Reply, match_reply, parse_reply

# The calendar and mail builders load on first use: the store imports this package for
# every command, and icalendar and the email parser are a fifth of that start-up.
_LAZY = {
    **dict.fromkeys(("Recipient", "build_message"), "unstuck.cadence.eml"),
    **dict.fromkeys(("build_calendar", "calendar_bytes"), "unstuck.cadence.ics"),
    **dict.fromkeys(
        ("Malformed", "Match", "NoMatch", "Reply", "match_reply", "parse_reply"),
        "unstuck.cadence.match",
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'unstuck.cadence' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "AgendaItem",
    "Cadence",
    "CadenceStatus",
    "CadenceTemplate",
    "DealHead",
    "ItemKind",
    "ItemRef",
    "Malformed",
    "Match",
    "NoMatch",
    "Phase",
    "PlanItem",
    "PlanStatus",
    "PlannedStep",
    "Recipient",
    "Reply",
    "Step",
    "StepChannel",
    "StepStatus",
    "TemplateError",
    "available",
    "build_calendar",
    "build_message",
    "calendar_bytes",
    "do_step",
    "due",
    "for_owner",
    "load_template",
    "match_reply",
    "parse_ref",
    "parse_reply",
    "pause",
    "plan_nurture",
    "plan_sequence",
    "reply_stops",
    "resume",
    "snooze",
    "stop",
    "workday",
]
