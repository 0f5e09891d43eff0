"""The review as one self-contained HTML page: inline CSS and SVG, no scripts, fonts or
network, so it opens anywhere, prints cleanly and can be mailed as a file."""

from __future__ import annotations

from typing import Any

import jinja2
from markupsafe import Markup

from unstuck.review.model import Review
from unstuck.review.records import RESULT_WORDS, FocusResult
from unstuck.review.svg import BAND_COLOURS, BAND_LABELS, compact, let_go_chart, stage_chart

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("unstuck.review", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["money"] = lambda v: "—" if v is None else f"{v:,.0f}"
_ENV.filters["pct"] = lambda v: f"{v:.0%}"
_ENV.filters["compact"] = compact
_ENV.filters["label"] = lambda v: str(v).replace("_", " ")

CHANGE_TITLES = {
    "closed": "Closed",
    "moved_forward": "Moved forward",
    "replied": "Came back",
    "new": "New",
    "slipped": "Slipped",
    "went_quiet": "Went quiet",
}


def _result_words(result: FocusResult | None) -> str:
    return "" if result is None else RESULT_WORDS[result]


def render_html(review: Review, limit: int = 25) -> str:
    """The report page for ``review``; sections list at most ``limit`` deals each."""
    groups: dict[str, list[Any]] = {}
    for change in review.glance.changes:
        groups.setdefault(change.kind, []).append(change)
    template = _ENV.get_template("report.html.j2")
    return template.render(
        r=review,
        limit=limit,
        stage_svg=Markup(stage_chart(review.glance.stages)),
        let_go_svg=Markup(let_go_chart(review.let_go)) if review.let_go.cases else None,
        changes=[(CHANGE_TITLES[kind], groups[kind]) for kind in CHANGE_TITLES if kind in groups],
        colours=BAND_COLOURS,
        band_labels=BAND_LABELS,
        result_words=_result_words,
    )


__all__ = ["render_html"]
