"""The week in a real browser: board, filter, deal, log a touch; screenshots saved."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from browser import ARTIFACTS, CHROMIUM, browser_page, serving
from web_world import SAM, make_client

from unstuck.store import Store

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Debian's chromium"),
]


@pytest.fixture
def site(world: Store) -> Iterator[str]:
    client = make_client(world, web__board_cards=100)
    with serving(client.app) as url:
        yield url


@pytest.fixture
def page(site: str) -> Iterator[Any]:
    with browser_page() as page:
        page.set_default_timeout(10_000)
        yield page


def test_a_week_in_the_browser(site: str, page: Any) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{site}/board?as_of=2026-11-20")
    assert page.locator(".card").count() == 60
    page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=False)

    page.select_option("select[name=owner]", SAM)
    page.click("button:has-text('Apply')")
    page.wait_for_url("**owner=*")
    cards = page.locator(".card")
    assert 0 < cards.count() < 60
    for owner in page.locator(".card .owner").all_inner_texts():
        assert owner == "sam.ortiz"

    first = cards.first.locator("a.card-name")
    name = first.inner_text()
    first.click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == name

    form = page.locator("form[aria-label='Log a touch']")
    form.locator("select[name=direction]").select_option("inbound")
    form.locator("select[name=channel]").select_option("call")
    form.locator("textarea[name=summary]").fill("Called back: they want a decision by Friday.")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=they want a decision by Friday")
    assert "← them" in page.locator(".timeline li").first.inner_text()

    page.locator("form[aria-label='Start a cadence'] button[type=submit]").click()
    page.wait_for_selector("text=default cadence, active")
    assert page.locator("#cadence .steps li").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "deal.png"), full_page=True)

    page.click("nav >> text=Agenda")
    page.select_option("select[name=days]", "30")
    page.click("button:has-text('Apply')")
    page.wait_for_selector(".agenda-item")
    assert any(name in title for title in page.locator(".agenda-item h2").all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / "agenda.png"), full_page=False)


def test_moving_a_card_with_the_keyboard_and_by_dragging(site: str, page: Any) -> None:
    page.goto(f"{site}/board?as_of=2026-11-20")
    card = page.locator(".cards[data-stage=lead] .card").first
    deal = card.get_attribute("data-deal")
    card.locator("select[name=stage]").select_option("qualified")
    page.wait_for_selector(f".cards[data-stage=qualified] .card[data-deal='{deal}']")
    page.reload()
    assert page.locator(f".cards[data-stage=qualified] .card[data-deal='{deal}']").count() == 1
    dragged = page.locator(".cards[data-stage=qualified] .card").nth(1)
    other = dragged.get_attribute("data-deal")
    target = page.locator(".column[data-stage=discovery] h2")
    transfer = page.evaluate_handle("() => new DataTransfer()")
    dragged.dispatch_event("dragstart", {"dataTransfer": transfer})
    target.dispatch_event("dragover", {"dataTransfer": transfer})
    target.dispatch_event("drop", {"dataTransfer": transfer})
    page.wait_for_selector(f".cards[data-stage=discovery] .card[data-deal='{other}']")
    page.wait_for_timeout(300)
    page.reload()
    assert page.locator(f".cards[data-stage=discovery] .card[data-deal='{other}']").count() == 1


def test_the_board_fits_a_phone(site: str) -> None:
    with browser_page(390, 844) as phone:
        phone.goto(f"{site}/board?as_of=2026-11-20")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 400
        ARTIFACTS.mkdir(exist_ok=True)
        phone.screenshot(path=str(ARTIFACTS / "board-phone.png"))
