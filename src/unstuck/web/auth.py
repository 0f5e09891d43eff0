"""Logging in and out (team mode), with rate-limited attempts counted in the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from unstuck.store import users as store_users
from unstuck.web import security
from unstuck.web.deps import LOCAL, PRE_COOKIE, SESSION_COOKIE, WebState, find_viewer, state
from unstuck.web.errors import WebError
from unstuck.web.render import page

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only paths on this site: never send someone to another site after logging in."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _pre_token(web: WebState, pre: str) -> str:
    return security.sign(web.secret_key, "login:" + pre)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    web = state(request)
    if web.auth_mode == LOCAL or find_viewer(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _login_page(request, web, next, None, 200)


def _login_page(
    request: Request, web: WebState, next: str | None, error: str | None, status: int
) -> Response:
    pre = request.cookies.get(PRE_COOKIE) or security.new_token()
    response = page(
        request,
        "login.html",
        {"next": _safe_next(next), "error": error, "login_csrf": _pre_token(web, pre)},
        status_code=status,
    )
    response.set_cookie(
        PRE_COOKIE, pre, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
    return response


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    web = state(request)
    if web.auth_mode == LOCAL:
        return RedirectResponse("/", status_code=303)
    pre = request.cookies.get(PRE_COOKIE, "")
    if not pre or not security.same(csrf, _pre_token(web, pre)):
        return _login_page(request, web, next, "The form expired; please try again.", 403)
    now = web.clock()
    limit = web.config.int_("web.login_attempts")
    window = timedelta(minutes=web.config.int_("web.login_window_minutes"))
    client = request.client.host if request.client else "unknown"
    keys = ["user:" + email.strip().lower(), "ip:" + client]
    with web.service.store.read() as tx:
        counts = [store_users.failed_logins(tx.conn, key, now - window) for key in keys]
        found = store_users.user(tx.conn, email)
    if max(counts) >= limit:
        minutes = int(window.total_seconds() // 60)
        raise WebError(
            429,
            "rate_limited",
            f"too many failed logins; wait {minutes} minutes and try again, or ask an admin "
            "to set a new password with `unstuck user add EMAIL --password-reset`",
        )
    if found is None or not security.verify_password(found.password_hash, password):
        with web.service.store.write() as tx:
            for key in keys:
                store_users.record_failed_login(tx.conn, key, now, window)
        return _login_page(request, web, next, "That e-mail and password do not match.", 401)
    token = security.new_token()
    with web.service.store.write() as tx:
        store_users.clear_failed_logins(tx.conn, keys[0])
        store_users.create_session(
            tx.conn,
            security.token_hash(token),
            found.pk,
            security.new_token(),
            now,
            web.session_lifetime,
        )
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        f"{token}.{security.sign(web.secret_key, token)}",
        max_age=int(web.session_lifetime.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(PRE_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
    from unstuck.web.deps import check_csrf

    web = state(request)
    who = find_viewer(request)
    if who is not None and not who.local:
        check_csrf(request, who, csrf)
        raw = request.cookies.get(SESSION_COOKIE, "")
        with web.service.store.write() as tx:
            store_users.delete_session(tx.conn, security.token_hash(raw.rsplit(".", 1)[0]))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


__all__ = ["router"]
