"""The web app's link to the cadence and review features.

Both are their own packages with their own service layer (``unstuck.cadence.service``,
``unstuck.cli.review.load_review``); this module calls them with the viewer's access
applied: a rep's agenda, review and calendar hold only their deals, and an agenda item
or cadence is only touched after the deal itself passed the access check.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from fastapi import Request

from unstuck.domain import Deal
from unstuck.errors import UsageError
from unstuck.web.access import Viewer
from unstuck.web.deps import service

if TYPE_CHECKING:
    from unstuck.cadence.agenda import AgendaItem
    from unstuck.cadence.model import Cadence, PlanItem
    from unstuck.cadence.service import Cadences, DoneResult
    from unstuck.review import Review


def cadences(request: Request) -> Cadences:
    from unstuck.cadence.service import Cadences

    web = service(request)
    # The web app's cached diagnosis context saves rebuilding it for every draft.
    return Cadences(web.app, _context=web.context())


def deal_extras(request: Request, who: Viewer, deal: Deal, now: datetime) -> dict[str, Any]:
    """The cadence and joint plan panels of the deal page."""
    from unstuck.cadence.templates import available

    cad = cadences(request)
    history = cad.cadences(deal.id)
    running = next((c for c in history if c.running), None)
    return {
        "panels": [{"template": "_cadence.html"}],
        "running": running,
        "last": history[-1] if history else None,
        # Names only: loading every template would parse and compile them all (~35 ms).
        "templates": available(cad.user_dir),
        "plan": cad.plan(deal.id),
        "today": cad.today(now),
    }


def _checked(request: Request, who: Viewer, deal_id: str) -> None:
    service(request).deal(who, deal_id)  # NotFound unless the viewer may see it


def start(
    request: Request, who: Viewer, deal_id: str, now: datetime, template: str | None, urgent: bool
) -> Cadence:
    _checked(request, who, deal_id)
    return cadences(request).start(deal_id, now, template or None, urgent)


def change(request: Request, who: Viewer, deal_id: str, action: str, now: datetime) -> Cadence:
    _checked(request, who, deal_id)
    cad = cadences(request)
    if action == "pause":
        return cad.pause(deal_id, now)
    if action == "resume":
        return cad.resume(deal_id, now)
    if action == "stop":
        return cad.stop(deal_id, now, "stopped in the web app")
    raise UsageError(f"action {action!r}: use pause, resume or stop")


def cadence_list(request: Request, who: Viewer, deal_id: str) -> list[Cadence]:
    _checked(request, who, deal_id)
    return cadences(request).cadences(deal_id)


def plan_add(
    request: Request,
    who: Viewer,
    deal_id: str,
    now: datetime,
    on: date,
    purpose: str,
    people: list[str],
    starts_at: datetime | None,
) -> PlanItem:
    _checked(request, who, deal_id)
    return cadences(request).plan_add(deal_id, now, on, purpose, people, None, starts_at)


def plan(request: Request, who: Viewer, deal_id: str) -> list[PlanItem]:
    _checked(request, who, deal_id)
    return cadences(request).plan(deal_id)


def agenda(
    request: Request, who: Viewer, now: datetime, days: int, owner: str | None
) -> list[AgendaItem]:
    return cadences(request).agenda(now, days, who.owner_filter(owner))


def _ref_deal(ref: str) -> str:
    from unstuck.cadence.model import parse_ref

    return parse_ref(ref).deal


def done(request: Request, who: Viewer, ref: str, now: datetime, note: str | None) -> DoneResult:
    _checked(request, who, _ref_deal(ref))
    return cadences(request).done(ref, now, note or None)


def snooze(request: Request, who: Viewer, ref: str, to: date, now: datetime) -> str:
    _checked(request, who, _ref_deal(ref))
    return cadences(request).snooze(ref, to, now)


def calendar(request: Request, who: Viewer, now: datetime) -> bytes:
    """Everything still to do for the viewer, as iCalendar."""
    return cadences(request).ics(now, who.scope)


def review(request: Request, who: Viewer, now: datetime, owner: str | None) -> Review | None:
    """The weekly review for the viewer (None when they have no deals yet).

    The first review of a week records its proposed focus, as the command does, so next
    week's review can ask what came of it.
    """
    from unstuck.cli.review import load_review, record_proposal

    app = service(request).app
    chosen = who.owner_filter(owner)
    try:
        found = load_review(app, now, chosen)
    except UsageError:
        if chosen is None:
            raise
        return None  # an owner without deals: an empty review, not an error
    record_proposal(app, found)
    return found


__all__ = [
    "agenda",
    "cadence_list",
    "calendar",
    "change",
    "deal_extras",
    "done",
    "plan",
    "plan_add",
    "review",
    "snooze",
    "start",
]
