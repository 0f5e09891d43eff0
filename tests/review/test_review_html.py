"""The HTML report in a real Chromium: headings, charts drawn, nothing fetched, printable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from unstuck.review import Review, render_html

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
HEADINGS = ["At a glance", "This week's focus", "What is real", "Let go"]


@pytest.fixture
def browser_page():  # type: ignore[no-untyped-def]
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip("Chromium is not installed (scripts/test-servers installs it)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--no-first-run"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        yield page
        browser.close()


def test_the_report_renders_its_sections_and_charts_from_the_file_alone(
    sample_review: Review, tmp_path: Path, browser_page
) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "review.html"
    report.write_text(render_html(sample_review), encoding="utf-8")
    requested: list[str] = []
    browser_page.on("request", lambda request: requested.append(request.url))
    browser_page.goto(report.as_uri())

    assert browser_page.locator("h1").inner_text() == "Weekly review"
    headings = browser_page.locator("h2").all_inner_texts()
    for expected, got in zip(HEADINGS, headings, strict=True):
        assert got.startswith(expected)
    charts = browser_page.locator("svg")
    assert charts.count() == 2  # value by stage, and the let-go candidates
    for index in range(charts.count()):
        box = charts.nth(index).bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    assert browser_page.locator("svg rect[fill='#b83a3a']").count() > 0  # badly stuck drawn
    assert browser_page.locator(".card").count() == 2  # the two focus picks
    assert "summit-migration" in browser_page.locator("#focus").inner_text()
    assert requested == [report.as_uri()]  # no fonts, scripts or images fetched

    ARTIFACTS.mkdir(exist_ok=True)
    browser_page.screenshot(path=str(ARTIFACTS / "review-report.png"), full_page=True)
    browser_page.emulate_media(media="print")
    pdf = browser_page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (ARTIFACTS / "review-report.pdf").write_bytes(pdf)
