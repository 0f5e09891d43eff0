"""The board (a column per stage) and the table (sortable, exportable to CSV)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from unstuck.domain import FindingKind
from unstuck.store.users import ORDERS
from unstuck.web.access import Viewer
from unstuck.web.deps import check_csrf, now_for, service, state, viewer
from unstuck.web.render import page
from unstuck.web.services import STATUSES, Filters

router = APIRouter(include_in_schema=False)

TABLE_PAGE = 100


def filters(
    owner: str | None = None,
    stage: str | None = None,
    finding: str | None = None,
    status: str = "open",
    sort: str = "silence",
    desc: bool = False,
) -> Filters:
    return Filters(owner or None, stage or None, finding or None, status, sort, desc)


FiltersDep = Annotated[Filters, Depends(filters)]
ViewerDep = Annotated[Viewer, Depends(viewer)]


def _choices(request: Request, who: Viewer) -> dict[str, object]:
    web = service(request)
    return {
        "owners": web.owners(who),
        "stages": web.stage_order(),
        "findings": [k.value for k in FindingKind],
        "orders": [*ORDERS, "stuck"],
        "statuses": STATUSES,
    }


@router.get("/")
def home() -> Response:
    return RedirectResponse("/board", status_code=303)


@router.get("/board")
def board(request: Request, who: ViewerDep, f: FiltersDep, as_of: str | None = None) -> Response:
    now = now_for(request, as_of)
    per_stage = state(request).config.int_("web.board_cards")
    columns = service(request).board(who, now, f, per_stage)
    context = {"columns": columns, "f": f, "now": now, "as_of": as_of or ""}
    return page(request, "board.html", {**context, **_choices(request, who)})


@router.get("/board/column")
def board_column(
    request: Request,
    who: ViewerDep,
    f: FiltersDep,
    column: Annotated[str, Query(alias="column")],
    offset: Annotated[int, Query(ge=0)] = 0,
    as_of: str | None = None,
) -> Response:
    """More cards for one column (the 'show more' button)."""
    now = now_for(request, as_of)
    per_stage = state(request).config.int_("web.board_cards")
    col = service(request).column(who, now, f, column, offset, per_stage)
    context = {"col": col, "f": f, "as_of": as_of or "", "stages": service(request).stage_order()}
    return page(request, "_cards.html", context)


@router.post("/deals/{deal_id}/stage")
def move_stage(
    request: Request,
    deal_id: str,
    who: ViewerDep,
    stage: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, who, csrf)
    now = state(request).clock()
    service(request).move_stage(who, deal_id, stage, now, now)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Trigger": "stage-moved"})
    # Back to the page the form was on, on this site only.
    back = urlsplit(request.headers.get("referer", "")).path
    if not back.startswith("/") or back.startswith("//"):
        back = f"/deals/{deal_id}"
    return RedirectResponse(back, 303)


@router.get("/table")
def table(
    request: Request,
    who: ViewerDep,
    f: FiltersDep,
    page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    as_of: str | None = None,
) -> Response:
    now = now_for(request, as_of)
    offset = (page_no - 1) * TABLE_PAGE
    cards, total = service(request).table(who, now, f, offset, TABLE_PAGE)
    pages = max(1, -(-total // TABLE_PAGE))
    context = {
        "cards": cards,
        "total": total,
        "f": f,
        "now": now,
        "page_no": page_no,
        "pages": pages,
        "as_of": as_of or "",
        "query": _query(f, as_of),
    }
    return page(request, "table.html", {**context, **_choices(request, who)})


@router.get("/table.csv")
def table_csv(
    request: Request, who: ViewerDep, f: FiltersDep, as_of: str | None = None
) -> Response:
    now = now_for(request, as_of)
    text = service(request).table_csv(who, now, f)
    name = f"unstuck-deals-{now:%Y-%m-%d}.csv"
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _query(f: Filters, as_of: str | None) -> str:
    from urllib.parse import urlencode

    params = {
        "owner": f.owner or "",
        "stage": f.stage or "",
        "finding": f.finding or "",
        "status": f.status,
        "as_of": as_of or "",
    }
    return urlencode({k: v for k, v in params.items() if v})


__all__ = ["router"]
