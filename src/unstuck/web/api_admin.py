"""``/api/v1``: import, export, config, the board, who am I, and users (admins)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response

from unstuck.config import SETTINGS
from unstuck.document import parse_document
from unstuck.errors import InputError
from unstuck.store import users as store_users
from unstuck.store.users import UserRole
from unstuck.web import security
from unstuck.web.access import Viewer
from unstuck.web.api_deals import AsOf, api_viewer
from unstuck.web.api_models import ERRORS, Body, json_response
from unstuck.web.deps import now_for, service, state
from unstuck.web.services import CSV_COLUMNS, Filters
from unstuck.web.uploads import read_upload

router = APIRouter(prefix="/api/v1", responses=ERRORS)
ViewerDep = Annotated[Viewer, Depends(api_viewer)]

DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"type": "object", "description": "An unstuck-pipeline/1 document"}
            }
        },
    }
}


@router.post("/import", tags=["pipeline"], openapi_extra=DOCUMENT_BODY)
async def import_document(
    request: Request, who: ViewerDep, dry_run: bool = False
) -> dict[str, Any]:
    """Import a pipeline document (JSON): all deals or none, every problem listed."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(["body: not UTF-8 text; a pipeline document is UTF-8 JSON"]) from None
    web = state(request)
    pipeline = parse_document(text, web.tz, source="body")
    result = web.service.import_pipeline(who, pipeline, web.clock(), dry_run=dry_run)
    return {"dry_run": dry_run, **result.to_dict()}


@router.post("/import/file", tags=["pipeline"])
def import_file(
    request: Request,
    who: ViewerDep,
    file: Annotated[UploadFile, File(description="A pipeline document or a CRM export")],
    format: Annotated[str, Form()] = "auto",
    date_format: Annotated[str, Form()] = "",
    dry_run: Annotated[bool, Form()] = False,
) -> dict[str, Any]:
    """Import an uploaded file (JSON, JSON Lines, CSV, XLSX from a CRM)."""
    web = state(request)
    pipeline, detected = read_upload(
        file.filename or "", file.file.read(), format, web.tz, date_format
    )
    result = web.service.import_pipeline(who, pipeline, web.clock(), dry_run=dry_run)
    return {"dry_run": dry_run, "detected": detected, **result.to_dict()}


@router.get("/export", tags=["pipeline"])
def export(
    request: Request,
    who: ViewerDep,
    format: Annotated[str, Query(pattern="^(json|jsonl|csv)$")] = "json",
    as_of: AsOf = None,
) -> Response:
    """The pipeline (a rep's own deals) as a re-importable document, or the table as CSV."""
    web = service(request)
    if format == "csv":
        now = now_for(request, as_of)
        return Response(web.table_csv(who, now, Filters(status="all")), media_type="text/csv")
    doc = web.export_document(who, now_for(request, as_of) if as_of else None)
    if format == "jsonl":
        deals: list[Any] = doc["deals"]  # type: ignore[assignment]
        text = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in deals)
        return Response(text, media_type="application/x-ndjson")
    return Response(json.dumps(doc, ensure_ascii=False), media_type="application/json")


@router.get("/board", tags=["pipeline"])
def board(
    request: Request,
    who: ViewerDep,
    owner: str | None = None,
    stage: str | None = None,
    finding: str | None = None,
    per_stage: Annotated[int, Query(ge=1, le=500)] = 30,
    as_of: AsOf = None,
) -> Response:
    """Open deals by stage: count, value and the first cards of each column."""
    f = Filters(owner or None, stage or None, finding or None)
    columns = service(request).board(who, now_for(request, as_of), f, per_stage)
    return json_response(
        [
            {
                "stage": c.stage,
                "count": c.count,
                "value": c.value,
                "deals": [card.to_dict() for card in c.cards],
            }
            for c in columns
        ]
    )


@router.get("/config", tags=["settings"])
def config(request: Request, who: ViewerDep) -> dict[str, Any]:
    """Every setting's effective value and source, like `unstuck config show --json`."""
    cfg = state(request).config
    return {
        s.name: {
            "value": "(set)" if s.name == "web.secret_key" and cfg.get(s.name) else cfg.get(s.name),
            "source": cfg.sources[s.name],
        }
        for s in SETTINGS
    }


@router.get("/me", tags=["users"])
def me(request: Request, who: ViewerDep) -> dict[str, Any]:
    """Who the API thinks you are, and your calendar feed."""
    if who.user is None:
        return {"email": None, "name": "local", "role": "admin", "mode": "local", "feed": None}
    return {**who.user.to_dict(), "mode": "team", "feed": f"/calendar/{who.user.feed_key}.ics"}


class NewUser(Body):
    email: str
    name: str = ""
    role: UserRole = UserRole.REP
    password: str


class RoleIn(Body):
    role: UserRole


@router.get("/users", tags=["users"])
def list_users(request: Request, who: ViewerDep) -> list[dict[str, Any]]:
    who.require_admin()
    with service(request).store.read() as tx:
        return [u.to_dict() for u in store_users.users(tx.conn)]


@router.post("/users", tags=["users"], status_code=201)
def add_user(request: Request, who: ViewerDep, body: NewUser) -> dict[str, Any]:
    who.require_admin()
    if len(body.password) < 10:
        raise InputError(["password: use at least 10 characters"])
    if "@" not in body.email:
        raise InputError(["email: give the e-mail the user's deals carry as owner"])
    web = state(request)
    with web.service.store.write() as tx:
        made = store_users.add_user(
            tx.conn,
            body.email,
            body.name,
            body.role,
            security.hash_password(body.password),
            security.new_token(),
            web.clock(),
        )
    return made.to_dict()


@router.put("/users/{email}/role", tags=["users"])
def set_role(request: Request, email: str, who: ViewerDep, body: RoleIn) -> dict[str, Any]:
    who.require_admin()
    with service(request).store.write() as tx:
        return store_users.set_role(tx.conn, email, body.role).to_dict()


@router.delete("/users/{email}", tags=["users"], status_code=204)
def remove_user(request: Request, email: str, who: ViewerDep) -> Response:
    who.require_admin()
    with service(request).store.write() as tx:
        store_users.remove_user(tx.conn, email)
    return Response(status_code=204)


__all__ = ["CSV_COLUMNS", "router"]
