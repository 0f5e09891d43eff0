"""Import: upload a file, see what would change and every problem, then commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from unstuck.errors import InputError
from unstuck.web.access import Viewer
from unstuck.web.deps import check_csrf, service, state, viewer
from unstuck.web.render import page
from unstuck.web.uploads import FORMATS, read_upload

router = APIRouter(include_in_schema=False)
ViewerDep = Annotated[Viewer, Depends(viewer)]


@router.get("/import")
def import_form(request: Request, who: ViewerDep) -> Response:
    return page(request, "import.html", {"formats": FORMATS, "result": None})


def _run(
    request: Request, who: Viewer, file: UploadFile, format: str, date_format: str, dry_run: bool
) -> Response:
    web = state(request)
    try:
        data = file.file.read()
        pipeline, detected = read_upload(file.filename or "", data, format, web.tz, date_format)
        result = service(request).import_pipeline(who, pipeline, web.clock(), dry_run=dry_run)
    except InputError as exc:
        failed = {"problems": exc.problems, "source": exc.source or file.filename}
        return page(request, "_import_result.html", failed, status_code=422)
    context: dict[str, object] = {
        "problems": [],
        "dry_run": dry_run,
        "detected": detected,
        "count": len(pipeline.deals),
        "counts": result.to_dict(),
        "created": result.created[:20],
        "updated": result.updated[:20],
    }
    return page(request, "_import_result.html", context)


@router.post("/import/preview")
def preview(
    request: Request,
    who: ViewerDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "auto",
    date_format: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, who, csrf)
    return _run(request, who, file, format, date_format, dry_run=True)


@router.post("/import")
def commit(
    request: Request,
    who: ViewerDep,
    file: Annotated[UploadFile, File()],
    format: Annotated[str, Form()] = "auto",
    date_format: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    check_csrf(request, who, csrf)
    return _run(request, who, file, format, date_format, dry_run=False)


__all__ = ["router"]
