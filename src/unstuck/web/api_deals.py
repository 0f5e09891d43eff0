"""``/api/v1/deals``: what ``deals``, ``deal``, ``add-deal``, ``log``, ``stakeholder``,
``answer``, ``why``, ``stage``, ``close-date``, ``close``, ``stalled`` and ``diagnose`` do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from unstuck.domain import Answer, Deal, Stakeholder, Touch
from unstuck.errors import InputError
from unstuck.web.access import Viewer
from unstuck.web.api_models import (
    ERRORS,
    AnswerIn,
    CloseDateIn,
    CloseIn,
    NewDeal,
    PersonIn,
    StageIn,
    TouchIn,
    WhyIn,
    json_response,
)
from unstuck.web.api_read import DEAL_READ
from unstuck.web.deps import LOCAL, check_csrf, moment, now_for, service, state, viewer
from unstuck.web.services import Filters

router = APIRouter(prefix="/api/v1", tags=["deals"], responses=ERRORS)


async def api_viewer(request: Request) -> Viewer:
    """The viewer; changes need a token, or the CSRF header with a browser session.

    In local mode a change must come as JSON (or with X-Requested-With): browsers cannot
    send either from another site without a CORS preflight, which is never granted.

    An ``async`` dependency: a sync one costs a hop to the thread pool on every request.
    Local mode needs no database here; team mode reads the session or token in the pool.
    """
    if state(request).auth_mode == LOCAL:
        who = viewer(request)
    else:
        who = await run_in_threadpool(viewer, request)
    if request.method in ("GET", "HEAD", "OPTIONS") or who.via_token:
        return who
    if who.local:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json" or request.headers.get("x-requested-with"):
            return who
    check_csrf(request, who, None)
    return who


ViewerDep = Annotated[Viewer, Depends(api_viewer)]
AsOf = Annotated[
    str | None, Query(description="Act as if it were this date or time (default: now)")
]


def _doc(request: Request, who: Viewer, deal_id: str) -> dict[str, Any]:
    return service(request).deal_dict(who, deal_id)


@router.get("/deals")
def list_deals(
    request: Request,
    who: ViewerDep,
    owner: str | None = None,
    stage: str | None = None,
    status: Annotated[str, Query(pattern="^(open|won|lost|nurture|all)$")] = "open",
    finding: str | None = None,
    sort: Annotated[
        str, Query(pattern="^(id|name|value|silence|stage-age|stage|owner|close|stuck)$")
    ] = "silence",
    desc: bool = False,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    as_of: AsOf = None,
) -> Response:
    """Deals with their summaries and main finding, like `unstuck deals --json`."""
    f = Filters(owner or None, stage or None, finding or None, status, sort, desc)
    cards, total = service(request).table(who, now_for(request, as_of), f, offset, limit)
    return json_response({"total": total, "offset": offset, "deals": [c.to_dict() for c in cards]})


@router.post("/deals", status_code=201)
def add_deal(request: Request, who: ViewerDep, body: NewDeal) -> dict[str, Any]:
    """Create a deal (a rep's deals are always their own)."""
    now = state(request).clock()
    created = moment(request, "created", body.created)
    deal = Deal(
        id=body.id.strip(),
        name=(body.name or "").strip() or body.id.strip(),
        stage=body.stage or service(request).stage_order()[0],
        created=created,
        account=body.account or None,
        account_type=body.account_type,
        owner=body.owner or None,
        value=body.value,
        currency=body.currency or None,
        expected_close=body.expected_close,
        why=(body.why or "").strip() or None,
    )
    service(request).add_deal(who, deal, now)
    return _doc(request, who, deal.id)


@router.get("/deals/{deal_id}", responses=DEAL_READ)
def get_deal(request: Request, deal_id: str, who: ViewerDep, as_of: AsOf = None) -> Response:
    """One deal as in the pipeline document, with its chance of winning (``chance``)."""
    now = now_for(request, as_of)
    return json_response(service(request).deal_read(who, deal_id, now))


@router.get("/deals/{deal_id}/diagnosis")
def get_diagnosis(request: Request, deal_id: str, who: ViewerDep, as_of: AsOf = None) -> Response:
    """Why the deal is stuck and the plays, in the contract's shape."""
    now = now_for(request, as_of)
    return json_response(service(request).diagnose(who, deal_id, now).to_dict())


@router.put("/deals/{deal_id}/why")
def put_why(request: Request, deal_id: str, who: ViewerDep, body: WhyIn) -> dict[str, Any]:
    service(request).set_why(who, deal_id, body.why, state(request).clock())
    return _doc(request, who, deal_id)


@router.post("/deals/{deal_id}/stage")
def post_stage(request: Request, deal_id: str, who: ViewerDep, body: StageIn) -> dict[str, Any]:
    now = state(request).clock()
    at = moment(request, "at", body.at)
    service(request).move_stage(who, deal_id, body.stage, at, now)
    return _doc(request, who, deal_id)


@router.put("/deals/{deal_id}/expected-close")
def put_close_date(
    request: Request, deal_id: str, who: ViewerDep, body: CloseDateIn
) -> dict[str, Any]:
    service(request).set_close_date(who, deal_id, body.expected_close, state(request).clock())
    return _doc(request, who, deal_id)


@router.post("/deals/{deal_id}/close")
def post_close(request: Request, deal_id: str, who: ViewerDep, body: CloseIn) -> dict[str, Any]:
    """Won, lost (reason needed), nurture (revisit_on needed), or open again."""
    now = state(request).clock()
    service(request).close(who, deal_id, body.status, now, body.reason, body.revisit_on)
    return _doc(request, who, deal_id)


@router.post("/deals/{deal_id}/touches", status_code=201)
def post_touch(request: Request, deal_id: str, who: ViewerDep, body: TouchIn) -> dict[str, Any]:
    touch = Touch(
        at=moment(request, "at", body.at),
        direction=body.direction,
        channel=body.channel,
        with_=tuple(body.with_),
        kind=body.kind,
        summary=body.summary.strip(),
    )
    service(request).log_touch(who, deal_id, touch, state(request).clock())
    return _doc(request, who, deal_id)


@router.put("/deals/{deal_id}/stakeholders/{person_id}")
def put_person(
    request: Request, deal_id: str, person_id: str, who: ViewerDep, body: PersonIn
) -> JSONResponse:
    """Add a person or update them; fields left out keep their value."""
    if not person_id.strip():
        raise InputError(["person_id: give the person a short id"])
    web = service(request)
    old = web.deal(who, deal_id).stakeholder(person_id)
    base = old or Stakeholder(person_id, body.name or person_id)
    person = Stakeholder(
        id=person_id,
        name=body.name or base.name,
        email=body.email or base.email,
        title=body.title or base.title,
        roles=tuple(dict.fromkeys(body.roles)) if body.roles is not None else base.roles,
        stance=body.stance or base.stance,
        authority=body.authority or base.authority,
        faction=body.faction if body.faction is not None else base.faction,
    )
    created = web.upsert_stakeholder(who, deal_id, person)
    return JSONResponse(_doc(request, who, deal_id), status_code=201 if created else 200)


@router.post("/deals/{deal_id}/answers", status_code=201)
def post_answer(request: Request, deal_id: str, who: ViewerDep, body: AnswerIn) -> dict[str, Any]:
    record = Answer(body.question, body.answer, moment(request, "at", body.at), body.stakeholder)
    service(request).answer(who, deal_id, record, state(request).clock())
    return _doc(request, who, deal_id)


@router.get("/stalled")
def stalled(
    request: Request,
    who: ViewerDep,
    owner: str | None = None,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    as_of: AsOf = None,
) -> list[dict[str, Any]]:
    """Every stalled open deal, worst first, like `unstuck stalled --json`."""
    found = service(request).stalled(who, now_for(request, as_of), owner, limit)
    return [g.to_dict() for g in found]


__all__ = ["api_viewer", "router"]
