"""``create_app``: the FastAPI application, built from a config and a store or URL.

No module-level state: everything lives on ``app.state.web``, sessions and login
attempts in the database, so several uvicorn workers can serve one PostgreSQL database.
"""

from __future__ import annotations

import ipaddress
import logging
import secrets
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from unstuck import __version__
from unstuck.config import Config
from unstuck.errors import ConfigError, UnstuckError
from unstuck.service import Unstuck
from unstuck.store import Store
from unstuck.web.deps import LOCAL, TEAM, WebState
from unstuck.web.errors import classify, error_body, validation_details
from unstuck.web.render import HERE, make_templates, page
from unstuck.web.services import WebService

log = logging.getLogger("unstuck.web")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_mode_for(host: str, auth: bool) -> str:
    """Team mode for any address others can reach, or when asked for."""
    return TEAM if auth or not is_loopback(host) else LOCAL


def create_app(
    config: Config,
    store: Store | str,
    *,
    auth_mode: str = LOCAL,
    secret_key: str | None = None,
) -> FastAPI:
    if auth_mode not in (LOCAL, TEAM):
        raise ConfigError(f"auth_mode {auth_mode!r}: use {LOCAL!r} or {TEAM!r}")
    secret = secret_key or config.str_("web.secret_key")
    if auth_mode == TEAM and not secret:
        raise ConfigError(
            "team mode needs a secret key to sign sessions: set UNSTUCK_WEB_SECRET_KEY to a "
            'long random value (python -c "import secrets; print(secrets.token_urlsafe(32))")'
        )
    if auth_mode == TEAM and len(secret or "") < 16:
        raise ConfigError("web.secret_key is too short: use at least 16 random characters")
    opened = Store.open(store) if isinstance(store, str) else store
    core = Unstuck(config, opened)
    app = FastAPI(
        title="Unstuck",
        version=__version__,
        description="Find the stuck deals in a pipeline, say why, and do the right next thing. "
        'Every error has the shape {"error": {"code", "message", "details"}}.',
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.web = WebState(
        service=WebService(core),
        config=config,
        auth_mode=auth_mode,
        # Local mode needs no configured key: a fresh one per process signs its CSRF tokens.
        secret_key=secret or secrets.token_urlsafe(32),
        templates=make_templates(),
        max_body=config.int_("web.max_upload_mb") * 1024 * 1024,
    )
    app.state.owns_store = isinstance(store, str)
    _install_handlers(app)
    app.add_middleware(NoNulls)
    app.add_middleware(BodyLimit, limit=app.state.web.max_body)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _include_routers(app)
    return app


# The API first: routes are matched in order, and scripts call the API the most.
ROUTERS = (
    "api_deals",
    "api_admin",
    "api_work",
    "auth",
    "pages_board",
    "pages_deal",
    "pages_import",
    "pages_work",
    "feed",
)


def routers() -> list[APIRouter]:
    import importlib

    return [importlib.import_module(f"unstuck.web.{name}").router for name in ROUTERS]


def route_table() -> list[tuple[str, str]]:
    """Every (method, path) the app serves, for the access tests."""
    return sorted(
        (method, route.path)
        for router in routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in (route.methods or set()) - {"HEAD"}
    )


def _include_routers(app: FastAPI) -> None:
    for router in routers():
        app.include_router(router)


def close_app(app: FastAPI) -> None:
    if getattr(app.state, "owns_store", False):
        app.state.web.service.store.close()


# -- errors ------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, code: str, message: str, details: list[Any]) -> Response:
    if _wants_json(request):
        return JSONResponse(error_body(code, message, details), status_code=status)
    if status == 401:
        target = "/login?next=" + request.url.path
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)
    context = {"status": status, "code": code, "message": message, "details": details}
    fragment = bool(request.headers.get("hx-request"))
    response = page(request, "_alert.html" if fragment else "error.html", context, status)
    if fragment:
        # htmx swaps only 2xx answers by default; the error goes in the page's alert area.
        response.headers["HX-Retarget"] = "#alerts"
        response.headers["HX-Reswap"] = "innerHTML"
    return response


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(UnstuckError)
    async def on_ours(request: Request, exc: UnstuckError) -> Response:
        status, code, details = classify(exc)
        message = str(exc).split("\n", 1)[0] if details else str(exc)
        return _error(request, status, code, message, details)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        details = validation_details(list(exc.errors()))
        noun = "problem" if len(details) == 1 else "problems"
        message = f"{len(details)} {noun} with the request, nothing was written"
        return _error(request, 422, "invalid_input", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        code = codes.get(exc.status_code, "http_error")
        message = {
            404: f"nothing at {request.url.path}; the API is listed at /api/docs",
            405: f"{request.method} is not allowed on {request.url.path}",
        }.get(exc.status_code, str(exc.detail))
        return _error(request, exc.status_code, code, message, [])

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = "something went wrong on our side; the server log has the details"
        return _error(request, 500, "internal", message, [])


# -- request size ------------------------------------------------------------------------


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, before the route reads them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        seen = 0
        exceeded = False

        async def counting() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                exceeded = True
                raise _TooLarge()
            return message

        async def guarded(message: Message) -> None:
            # FastAPI may turn the interrupted read into its own error response: drop it.
            if not exceeded:
                await send(message)

        try:
            await self.app(scope, counting, guarded)
        except Exception:
            if not exceeded:
                raise
        if exceeded:
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        mb = self.limit / 1024 / 1024
        body = error_body(
            "too_large",
            f"the request is larger than the {mb:g} MB limit (web.max_upload_mb); "
            "split the file or raise the limit",
        )
        await JSONResponse(body, status_code=413)(scope, _noop_receive, send)


class NoNulls:
    """Refuses a NUL character in the path, the query or a JSON or form body (422).

    No text field can hold one (PostgreSQL refuses it), so it is bad input, said early.
    Uploaded files are left to their readers.
    """

    MARKS = (b"\x00", b"%00", b"\\u0000")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._refuse(scope, send, "the address")
            return
        kind = dict(scope.get("headers") or []).get(b"content-type", b"").lower()
        if not kind.startswith((b"application/json", b"application/x-www-form-urlencoded")):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        body = b"".join(m.get("body", b"") for m in messages)
        if any(mark in body for mark in self.MARKS):
            await self._refuse(scope, send, "the request body")
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else {"type": "http.disconnect"}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, send: Send, where: str) -> None:
        body = error_body(
            "invalid_input", f"{where} contains a NUL character (\\0); remove it and try again"
        )
        await JSONResponse(body, status_code=422)(scope, _noop_receive, send)


class _TooLarge(Exception):
    pass


async def _noop_receive() -> Message:
    return {"type": "http.disconnect"}


__all__ = ["ROUTERS", "auth_mode_for", "close_app", "create_app", "is_loopback", "route_table"]
