"""Agenda (today's steps with drafts, done and snooze), Review (the weekly review), and the
cadence and joint-plan forms of the deal page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from unstuck.errors import InputError
from unstuck.web import integrations
from unstuck.web.access import Viewer
from unstuck.web.deps import check_csrf, day, moment, now_for, service, state, viewer
from unstuck.web.pages_deal import done
from unstuck.web.render import page

router = APIRouter(include_in_schema=False)
ViewerDep = Annotated[Viewer, Depends(viewer)]
Text = Annotated[str, Form()]
Opt = Annotated[str | None, Form()]


@router.get("/agenda")
def agenda(
    request: Request,
    who: ViewerDep,
    days: Annotated[int, Query(ge=1, le=90)] = 1,
    owner: str | None = None,
    as_of: str | None = None,
) -> Response:
    now = now_for(request, as_of)
    items = integrations.agenda(request, who, now, days, owner)
    today = integrations.cadences(request).today(now)
    feed = f"/calendar/{who.user.feed_key}.ics" if who.user else "/calendar/local.ics"
    context = {
        "items": items,
        "feed": feed,
        "today": today,
        "days": days,
        "owner": owner or "",
        "owners": service(request).owners(who),
        "as_of": as_of or "",
    }
    return page(request, "agenda.html", context)


@router.post("/agenda/done")
def agenda_done(
    request: Request, who: ViewerDep, ref: Text, note: Opt = None, csrf: Text = ""
) -> Response:
    check_csrf(request, who, csrf)
    integrations.done(request, who, ref, state(request).clock(), note)
    return done(request, "/agenda")


@router.post("/agenda/snooze")
def agenda_snooze(
    request: Request, who: ViewerDep, ref: Text, to: Text, csrf: Text = ""
) -> Response:
    check_csrf(request, who, csrf)
    until = day("to", to)
    if until is None:
        raise InputError(["to: give the day to move it to"])
    integrations.snooze(request, who, ref, until, state(request).clock())
    return done(request, "/agenda")


@router.get("/review")
def review(
    request: Request, who: ViewerDep, owner: str | None = None, as_of: str | None = None
) -> Response:
    now = now_for(request, as_of)
    found = integrations.review(request, who, now, owner)
    context = {
        "r": found,
        "owner": owner or "",
        "owners": service(request).owners(who),
        "as_of": as_of or "",
    }
    return page(request, "review.html", context)


@router.get("/review/report")
def review_report(
    request: Request, who: ViewerDep, owner: str | None = None, as_of: str | None = None
) -> Response:
    """The printable report, the same page as `unstuck review --html`."""
    from unstuck.review import render_html

    found = integrations.review(request, who, now_for(request, as_of), owner)
    if found is None:
        return page(request, "review.html", {"r": None, "owners": [], "owner": "", "as_of": ""})
    return HTMLResponse(render_html(found))


@router.post("/deals/{deal_id}/cadence")
def start_cadence(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    template: Opt = None,
    urgent: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    now = state(request).clock()
    integrations.start(request, who, deal_id, now, template, bool(urgent))
    return done(request, f"/deals/{deal_id}#cadence")


@router.post("/deals/{deal_id}/cadence/{action}")
def change_cadence(
    request: Request, deal_id: str, action: str, who: ViewerDep, csrf: Text = ""
) -> Response:
    check_csrf(request, who, csrf)
    integrations.change(request, who, deal_id, action, state(request).clock())
    return done(request, f"/deals/{deal_id}#cadence")


@router.post("/deals/{deal_id}/plan")
def add_meeting(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    on: Text,
    purpose: Text,
    people: Annotated[list[str], Form()] = [],  # noqa: B006
    starts_at: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    when = day("on", on)
    if when is None:
        raise InputError(["on: give the day of the meeting"])
    start = moment(request, "starts_at", starts_at) if starts_at else None
    now = state(request).clock()
    integrations.plan_add(request, who, deal_id, now, when, purpose, people, start)
    return done(request, f"/deals/{deal_id}#plan")


__all__ = ["router"]
