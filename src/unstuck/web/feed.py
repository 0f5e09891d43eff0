"""The calendar feed at a secret per-user URL: ``/calendar/<feed key>.ics``.

The feed key is the secret (calendar apps cannot log in), so it is long and random, and
a wrong key answers 404 like any unknown page.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from unstuck.errors import NotFound
from unstuck.store import users as store_users
from unstuck.web import integrations
from unstuck.web.access import Viewer
from unstuck.web.deps import LOCAL, state

router = APIRouter(include_in_schema=False)


@router.get("/calendar/{feed_key}.ics")
def calendar(request: Request, feed_key: str) -> Response:
    web = state(request)
    if web.auth_mode == LOCAL and feed_key == "local":
        who = Viewer(None, "")
    else:
        with web.service.store.read() as tx:
            found = store_users.user_by_feed_key(tx.conn, feed_key)
        if found is None:
            raise NotFound("no calendar here; the link is on your account in the app")
        who = Viewer(found, "")
    body = integrations.calendar(request, who, web.clock())
    return Response(body, media_type="text/calendar; charset=utf-8")


__all__ = ["router"]
