"""The deal page and its forms: why, touches, people, answers, stage, close date, close."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from unstuck.domain import (
    AccountType,
    Answer,
    Authority,
    Channel,
    Deal,
    Direction,
    FindingKind,
    Role,
    Stakeholder,
    Stance,
    Status,
    TouchKind,
)
from unstuck.domain import Touch as TouchRecord
from unstuck.errors import InputError
from unstuck.web.access import Viewer
from unstuck.web.deps import check_csrf, day, enum_value, moment, now_for, service, state, viewer
from unstuck.web.render import page

router = APIRouter(include_in_schema=False)
ViewerDep = Annotated[Viewer, Depends(viewer)]
Text = Annotated[str, Form()]
Opt = Annotated[str | None, Form()]
Many = Annotated[list[str], Form()]


def done(request: Request, url: str) -> Response:
    """After a form: htmx follows HX-Redirect, a plain form the 303."""
    if request.headers.get("hx-request"):
        current = urlsplit(request.headers.get("hx-current-url", "")).path
        if current == urlsplit(url).path:
            # Same page: a redirect that only changes the #fragment would not reload it.
            return Response(status_code=204, headers={"HX-Refresh": "true"})
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


def vocab() -> dict[str, object]:
    return {
        "directions": [d.value for d in Direction],
        "channels": [c.value for c in Channel],
        "kinds": [k.value for k in TouchKind],
        "roles": [r.value for r in Role],
        "stances": [s.value for s in Stance],
        "authorities": [a.value for a in Authority],
        "account_types": [a.value for a in AccountType],
        "finding_kinds": [k.value for k in FindingKind],
    }


@router.get("/deals/new")
def new_deal_form(request: Request, who: ViewerDep) -> Response:
    context = {"stages": service(request).stage_order(), "who": who, **vocab()}
    return page(request, "deal_new.html", context)


@router.post("/deals/new")
def new_deal(
    request: Request,
    who: ViewerDep,
    id: Text,
    name: Opt = None,
    stage: Opt = None,
    account: Opt = None,
    account_type: Opt = None,
    owner: Opt = None,
    value: Opt = None,
    currency: Opt = None,
    expected_close: Opt = None,
    why: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    now = state(request).clock()
    deal_id = id.strip()
    if not deal_id:
        raise InputError(["id: give the deal a short, unique id such as acme-fleet"])
    deal = Deal(
        id=deal_id,
        name=(name or "").strip() or deal_id,
        stage=(stage or "").strip() or service(request).stage_order()[0],
        created=now,
        account=(account or "").strip() or None,
        account_type=enum_value(AccountType, "account_type", account_type),
        owner=(owner or "").strip() or None,
        value=_number("value", value),
        currency=(currency or "").strip() or None,
        expected_close=day("expected_close", expected_close),
        why=(why or "").strip() or None,
    )
    service(request).add_deal(who, deal, now)
    return done(request, f"/deals/{deal_id}")


def _number(field: str, text: str | None) -> float | None:
    if not text or not text.strip():
        return None
    try:
        number = float(text.replace(",", "").strip())
    except ValueError:
        raise InputError([f"{field}: {text!r} is not a number"]) from None
    if not 0 <= number <= 1e15:
        raise InputError([f"{field}: must be between zero and 1e15"])
    return number


@router.get("/deals/{deal_id}")
def deal_page(request: Request, deal_id: str, who: ViewerDep, as_of: str | None = None) -> Response:
    now = now_for(request, as_of)
    view = service(request).deal_view(who, deal_id, now)
    from unstuck.web import integrations

    view.extras.update(integrations.deal_extras(request, who, view.deal, now))
    context = {"v": view, "d": view.deal, "g": view.diagnosis, "as_of": as_of or "", **vocab()}
    return page(request, "deal.html", context)


@router.post("/deals/{deal_id}/why")
def set_why(
    request: Request, deal_id: str, who: ViewerDep, why: Text = "", csrf: Text = ""
) -> Response:
    check_csrf(request, who, csrf)
    service(request).set_why(who, deal_id, why, state(request).clock())
    return done(request, f"/deals/{deal_id}#why")


@router.post("/deals/{deal_id}/touches")
def log_touch(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    direction: Text,
    channel: Text,
    summary: Text = "",
    kind: Opt = None,
    at: Opt = None,
    with_: Annotated[list[str], Form(alias="with")] = [],  # noqa: B006
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    touch = TouchRecord(
        at=moment(request, "at", at),
        direction=enum_value(Direction, "direction", direction) or Direction.OUTBOUND,
        channel=enum_value(Channel, "channel", channel) or Channel.OTHER,
        with_=tuple(w for w in with_ if w),
        kind=enum_value(TouchKind, "kind", kind),
        summary=summary.strip(),
    )
    service(request).log_touch(who, deal_id, touch, state(request).clock())
    return done(request, f"/deals/{deal_id}#timeline")


@router.post("/deals/{deal_id}/people")
def add_person(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    person: Text,
    name: Opt = None,
    email: Opt = None,
    title: Opt = None,
    roles: Many = [],  # noqa: B006
    stance: Opt = None,
    authority: Opt = None,
    faction: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    person_id = person.strip()
    if not person_id:
        raise InputError(["person: give the person a short id, such as their first name"])
    old = service(request).deal(who, deal_id).stakeholder(person_id)
    base = old or Stakeholder(person_id, (name or "").strip() or person_id)
    chosen = tuple(dict.fromkeys(enum_value(Role, "roles", r) for r in roles if r))
    service(request).upsert_stakeholder(
        who,
        deal_id,
        Stakeholder(
            id=person_id,
            name=(name or "").strip() or base.name,
            email=(email or "").strip() or base.email,
            title=(title or "").strip() or base.title,
            roles=chosen or base.roles,
            stance=enum_value(Stance, "stance", stance) or base.stance,
            authority=enum_value(Authority, "authority", authority) or base.authority,
            faction=(faction or "").strip() or base.faction,
        ),
    )
    return done(request, f"/deals/{deal_id}#people")


@router.post("/deals/{deal_id}/answers")
def answer(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    question: Text,
    answer: Text,
    stakeholder: Opt = None,
    at: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    if not question.strip() or not answer.strip():
        raise InputError(["answer: give the question and the answer, in their words"])
    record = Answer(
        question.strip(), answer.strip(), moment(request, "at", at), stakeholder or None
    )
    service(request).answer(who, deal_id, record, state(request).clock())
    return done(request, f"/deals/{deal_id}#qualification")


@router.post("/deals/{deal_id}/close-date")
def close_date(
    request: Request, deal_id: str, who: ViewerDep, expected_close: Text, csrf: Text = ""
) -> Response:
    check_csrf(request, who, csrf)
    new = day("expected_close", expected_close)
    if new is None:
        raise InputError(["expected_close: give the new expected close date"])
    service(request).set_close_date(who, deal_id, new, state(request).clock())
    return done(request, f"/deals/{deal_id}")


@router.post("/deals/{deal_id}/close")
def close(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    status: Text,
    reason: Opt = None,
    revisit_on: Opt = None,
    csrf: Text = "",
) -> Response:
    check_csrf(request, who, csrf)
    chosen = enum_value(Status, "status", status) or Status.OPEN
    service(request).close(
        who, deal_id, chosen, state(request).clock(), reason, day("revisit_on", revisit_on)
    )
    return done(request, f"/deals/{deal_id}")


__all__ = ["done", "router", "vocab"]
