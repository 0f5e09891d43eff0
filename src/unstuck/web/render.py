"""Templates: one Jinja2 environment with the filters the pages share."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from unstuck.web.views import TONE_WORDS

HERE = Path(__file__).parent


def money(value: float | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}"
    return f"{text} {currency}" if currency else text


def short(value: float) -> str:
    """Compact amounts for column headers: 12.3k, 1.2M."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1000:
        return f"{value / 1000:.0f}k"
    return f"{value:.0f}"


def words(identifier: str | None) -> str:
    return (identifier or "").replace("_", " ")


def when(moment: datetime | date | None) -> str:
    if moment is None:
        return "—"
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


def owner_short(owner: str | None) -> str:
    return owner.split("@", 1)[0] if owner else "—"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    env.filters.update(money=money, short=short, words=words, when=when, owner=owner_short)
    env.globals["tone_words"] = TONE_WORDS
    env.trim_blocks = True
    env.lstrip_blocks = True
    return templates


def page(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    from unstuck.web.deps import find_viewer, state

    web = state(request)
    try:
        who = find_viewer(request)
    except Exception:  # an invalid token on an error page: show the page anyway
        who = None
    base = {
        "viewer": who,
        "csrf": who.csrf if who else "",
        "team": web.auth_mode == "team",
        "path": request.url.path,
    }
    return web.templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


__all__ = ["make_templates", "money", "page", "short", "when", "words"]
