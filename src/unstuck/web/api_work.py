"""``/api/v1``: the agenda, cadences, the joint plan and the weekly review."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from unstuck.web import integrations
from unstuck.web.access import Viewer
from unstuck.web.api_deals import AsOf, api_viewer
from unstuck.web.api_models import ERRORS, Body
from unstuck.web.deps import moment, now_for, state

router = APIRouter(prefix="/api/v1", tags=["work"], responses=ERRORS)
ViewerDep = Annotated[Viewer, Depends(api_viewer)]


class DoneIn(Body):
    ref: str = Field(description="DEAL/N (step), DEAL/mN (meeting) or DEAL/checkback")
    note: str | None = None


class SnoozeIn(Body):
    ref: str
    to: date


class CadenceIn(Body):
    template: str | None = None
    urgent: bool = False


class MeetingIn(Body):
    on: date
    purpose: str = Field(min_length=1)
    people: list[str] = Field(default_factory=list)
    starts_at: str | None = None


@router.get("/agenda")
def agenda(
    request: Request,
    who: ViewerDep,
    days: Annotated[int, Query(ge=1, le=90)] = 1,
    owner: str | None = None,
    as_of: AsOf = None,
) -> list[dict[str, Any]]:
    """What is due (steps with drafts, meetings, check-backs), like `unstuck agenda --json`."""
    now = now_for(request, as_of)
    today = integrations.cadences(request).today(now)
    return [item.to_dict(today) for item in integrations.agenda(request, who, now, days, owner)]


@router.post("/agenda/done")
def agenda_done(request: Request, who: ViewerDep, body: DoneIn) -> dict[str, Any]:
    found = integrations.done(request, who, body.ref, state(request).clock(), body.note)
    return {"ref": found.ref, "kind": str(found.kind), "message": found.message}


@router.post("/agenda/snooze")
def agenda_snooze(request: Request, who: ViewerDep, body: SnoozeIn) -> dict[str, Any]:
    message = integrations.snooze(request, who, body.ref, body.to, state(request).clock())
    return {"ref": body.ref, "message": message}


@router.get("/deals/{deal_id}/cadences")
def list_cadences(request: Request, deal_id: str, who: ViewerDep) -> list[dict[str, Any]]:
    return [c.to_dict() for c in integrations.cadence_list(request, who, deal_id)]


@router.post("/deals/{deal_id}/cadences", status_code=201)
def start_cadence(
    request: Request, deal_id: str, who: ViewerDep, body: CadenceIn
) -> dict[str, Any]:
    """Plan and start a follow-up cadence, like `unstuck cadence start`."""
    now = state(request).clock()
    return integrations.start(request, who, deal_id, now, body.template, body.urgent).to_dict()


@router.post("/deals/{deal_id}/cadences/{action}")
def change_cadence(
    request: Request, deal_id: str, action: Literal["pause", "resume", "stop"], who: ViewerDep
) -> dict[str, Any]:
    """Pause, resume or stop the running cadence (action: pause, resume or stop)."""
    return integrations.change(request, who, deal_id, action, state(request).clock()).to_dict()


@router.get("/deals/{deal_id}/plan")
def list_plan(request: Request, deal_id: str, who: ViewerDep) -> list[dict[str, Any]]:
    return [item.to_dict() for item in integrations.plan(request, who, deal_id)]


@router.post("/deals/{deal_id}/plan", status_code=201)
def add_meeting(request: Request, deal_id: str, who: ViewerDep, body: MeetingIn) -> dict[str, Any]:
    """Add a meeting to the joint plan, with its purpose, like `unstuck plan add`."""
    start = moment(request, "starts_at", body.starts_at) if body.starts_at else None
    now = state(request).clock()
    made = integrations.plan_add(
        request, who, deal_id, now, body.on, body.purpose, body.people, start
    )
    return made.to_dict()


@router.get("/review")
def review(
    request: Request, who: ViewerDep, owner: str | None = None, as_of: AsOf = None
) -> dict[str, Any]:
    """The weekly review, like `unstuck review --json`."""
    found = integrations.review(request, who, now_for(request, as_of), owner)
    return found.to_dict() if found is not None else {"empty": True}


__all__ = ["router"]
