"""Request-level helpers every router uses: the app state, the viewer, CSRF, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.templating import Jinja2Templates

from unstuck.config import Config
from unstuck.document import parse_date, parse_datetime
from unstuck.errors import InputError
from unstuck.store import users as store_users
from unstuck.web import security
from unstuck.web.access import Viewer
from unstuck.web.errors import WebError, unauthorized
from unstuck.web.services import WebService

SESSION_COOKIE = "unstuck_session"
PRE_COOKIE = "unstuck_pre"
LOCAL = "local"
TEAM = "team"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class WebState:
    service: WebService
    config: Config
    auth_mode: str
    secret_key: str
    templates: Jinja2Templates
    max_body: int
    clock: Callable[[], datetime] = utc_now

    @property
    def tz(self) -> ZoneInfo:
        return self.service.app.tz

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(days=self.config.int_("web.session_days"))


def state(request: Request) -> WebState:
    found: WebState = request.app.state.web
    return found


def service(request: Request) -> WebService:
    return state(request).service


def now_for(request: Request, as_of: str | None = None) -> datetime:
    """``as_of`` (a date means the end of that day) in the pipeline's zone, or the clock."""
    web = state(request)
    if not as_of:
        return web.clock()
    try:
        if len(as_of.strip()) == 10:
            end = datetime.combine(parse_date(as_of), datetime.max.time().replace(microsecond=0))
            return end.replace(tzinfo=web.tz).astimezone(UTC).replace(tzinfo=None)
        return parse_datetime(as_of, web.tz)
    except ValueError as exc:
        raise InputError([f"as_of: {exc}"]) from None


def moment(request: Request, field: str, value: str | None) -> datetime:
    if not value:
        return state(request).clock()
    try:
        return parse_datetime(value, state(request).tz)
    except ValueError as exc:
        raise InputError([f"{field}: {exc}"]) from None


def day(field: str, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise InputError([f"{field}: {exc}"]) from None


def enum_value(cls: Any, field: str, value: str | None) -> Any:
    if value is None or value == "":
        return None
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(member.value for member in cls)
        raise InputError([f"{field}: {value!r} is not allowed; use one of {allowed}"]) from None


# -- who is asking -----------------------------------------------------------------------


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def find_viewer(request: Request) -> Viewer | None:
    web = state(request)
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    if web.auth_mode == LOCAL:
        viewer: Viewer | None = Viewer(None, security.sign(web.secret_key, "local-csrf"))
    else:
        viewer = _team_viewer(request, web)
    request.state.viewer = viewer
    return viewer


def _team_viewer(request: Request, web: WebState) -> Viewer | None:
    now = web.clock()
    token = _bearer(request)
    if token is not None:
        with web.service.store.read() as tx:
            found = store_users.token_user(tx.conn, security.token_hash(token), now)
        if found is None:
            raise unauthorized(
                "this API token is not valid; create one with `unstuck token create`"
            )
        user, token_pk, stale = found
        if stale:
            with web.service.store.write() as tx:
                store_users.touch_token(tx.conn, token_pk, now)
        return Viewer(user, "", via_token=True)
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw or "." not in raw:
        return None
    token, signature = raw.rsplit(".", 1)
    if not security.same(signature, security.sign(web.secret_key, token)):
        return None
    with web.service.store.read() as tx:
        session = store_users.session_user(tx.conn, security.token_hash(token), now)
    if session is None:
        return None
    return Viewer(session[0], session[1])


def viewer(request: Request) -> Viewer:
    found = find_viewer(request)
    if found is None:
        raise unauthorized()
    return found


def check_csrf(request: Request, who: Viewer, submitted: str | None) -> None:
    """Forms carry the token in a hidden field, htmx and scripts in X-CSRF-Token."""
    if who.via_token:
        return
    given = submitted or request.headers.get("x-csrf-token") or ""
    if not given or not security.same(given, who.csrf):
        raise WebError(
            403,
            "csrf",
            "this form has expired or did not come from Unstuck; reload the page and try again",
        )


__all__ = [
    "LOCAL",
    "PRE_COOKIE",
    "SESSION_COOKIE",
    "TEAM",
    "WebState",
    "check_csrf",
    "day",
    "enum_value",
    "find_viewer",
    "moment",
    "now_for",
    "service",
    "state",
    "utc_now",
    "viewer",
]
