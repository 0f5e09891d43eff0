"""Accessibility basics: every control has a label, focus follows the page, text contrasts."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from browser import CHROMIUM, browser_page, serving
from web_world import AS_OF, SAM, TestClient, deal_of, make_client

from unstuck.store import Store

CSS = Path(__file__).parents[2] / "src" / "unstuck" / "web" / "static" / "app.css"


class Controls(HTMLParser):
    """Form controls that have no label: no <label for>, no wrapping <label>, no aria-label."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.labelled: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None], bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "label":
            self.depth += 1
            if found.get("for"):
                self.labelled.add(str(found["for"]))
        if tag in ("input", "select", "textarea"):
            if found.get("type") in ("hidden", "submit", "button"):
                return
            self.controls.append((tag, found, self.depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"{tag} name={attrs.get('name')}"
            for tag, attrs, wrapped in self.controls
            if not wrapped and attrs.get("id") not in self.labelled and not attrs.get("aria-label")
        ]


@pytest.mark.parametrize(
    "path",
    ["/board", "/table", "/deals/{deal}", "/deals/new", "/import", "/login"],
)
def test_every_form_control_has_a_label(local: TestClient, world: Store, path: str) -> None:
    html = local.get(path.format(deal=deal_of(world, SAM)) + f"?as_of={AS_OF}").text
    parser = Controls()
    parser.feed(html)
    assert parser.controls or path == "/login"
    assert parser.unlabelled() == []
    assert '<html lang="en">' in html


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


# Text colour on the background it is drawn on, as the stylesheet pairs them.
PAIRS = [
    ("ink", "bg"), ("ink", "panel"), ("muted", "bg"), ("muted", "panel"), ("accent", "panel"),
    ("fine", "fine-bg"), ("watch", "watch-bg"), ("stalled", "stalled-bg"), ("stuck", "stuck-bg"),
    ("stuck", "panel"), ("stalled", "panel"), ("accent-ink", "accent"),
]  # fmt: skip


def test_text_colours_have_enough_contrast() -> None:
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})", CSS.read_text()))
    weak = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f}"
        for fg, bg in PAIRS
        if contrast(colours[fg], colours[bg]) < 4.5
    ]
    assert weak == []


def test_contrast_is_measured_the_wcag_way() -> None:
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium")
def test_keyboard_focus_starts_with_the_skip_link_and_follows_the_page(world: Store) -> None:
    client = make_client(world)
    with serving(client.app) as url, browser_page() as page:
        page.goto(f"{url}/board?as_of={AS_OF}")
        positions = []
        for _ in range(14):
            page.keyboard.press("Tab")
            positions.append(
                page.evaluate(
                    "() => { const all = [...document.querySelectorAll('*')];"
                    " const el = document.activeElement;"
                    " return [all.indexOf(el), el.className, el.tagName,"
                    " getComputedStyle(el).outlineStyle]; }"
                )
            )
        assert positions[0][1] == "skip"
        order = [p[0] for p in positions]
        assert order == sorted(order), positions
        assert all(p[3] != "none" for p in positions), "focus must be visible"
