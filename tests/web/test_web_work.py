"""Agenda, cadences, the joint plan, the weekly review and the calendar feed in the app."""

from __future__ import annotations

import pytest
from web_world import AS_OF, SAM, TestClient, csrf_of, deal_of

from unstuck.store import Store


def test_a_cadence_started_on_the_deal_page_fills_the_agenda(
    local: TestClient, world: Store
) -> None:
    deal = deal_of(world, SAM)
    html = local.get(f"/deals/{deal}").text
    assert "Start cadence" in html
    csrf = csrf_of(html)
    started = local.post(f"/deals/{deal}/cadence", data={"csrf": csrf}, follow_redirects=False)
    assert started.status_code == 303
    page = local.get(f"/deals/{deal}").text
    assert "default cadence, active" in page and "Pause" in page
    items = local.get("/api/v1/agenda?days=90").json()
    mine = [i for i in items if i["deal"] == deal]
    assert mine and mine[0]["draft"]
    agenda = local.get("/agenda?days=90").text
    assert mine[0]["id"] in agenda and "Copy draft" in agenda
    again = local.post(f"/deals/{deal}/cadence", data={"csrf": csrf})
    assert again.status_code == 409
    assert "already has a cadence running" in again.text


def test_done_and_snooze_from_the_agenda(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    local.post(f"/api/v1/deals/{deal}/cadences", json={})
    first, second = [i["id"] for i in local.get("/api/v1/agenda?days=90").json() if i["deal"] == deal][:2]  # fmt: skip
    csrf = csrf_of(local.get("/agenda").text)
    done = local.post("/agenda/done", data={"ref": first, "note": "Called", "csrf": csrf}, follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    moved = local.post("/agenda/snooze", data={"ref": second, "to": "2030-01-02", "csrf": csrf}, follow_redirects=False)  # fmt: skip
    assert moved.status_code == 303
    steps = local.get(f"/api/v1/deals/{deal}/cadences").json()[0]["steps"]
    by_id = {s["id"]: s for s in steps}
    assert by_id[first]["status"] == "done" and by_id[first]["note"] == "Called"
    assert by_id[second]["due_on"] == "2030-01-02"
    touches = local.get(f"/api/v1/deals/{deal}").json()["touches"]
    assert any("Called" in (t["summary"] or "") for t in touches)


def test_pausing_and_stopping_a_cadence(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    local.post(f"/api/v1/deals/{deal}/cadences", json={"template": "gentle"})
    paused = local.post(f"/api/v1/deals/{deal}/cadences/pause", json={})
    assert paused.json()["status"] == "paused"
    stopped = local.post(f"/api/v1/deals/{deal}/cadences/stop", json={})
    assert stopped.json()["status"] == "stopped"
    nothing = local.post(f"/api/v1/deals/{deal}/cadences/stop", json={})
    assert nothing.status_code == 409


def test_a_meeting_of_the_joint_plan_has_a_purpose(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    made = local.post(f"/api/v1/deals/{deal}/plan", json={"on": "2026-12-03", "purpose": "Meet IT"})
    assert made.status_code == 201
    refused = local.post(f"/api/v1/deals/{deal}/plan", json={"on": "2026-12-03", "purpose": " "})
    assert refused.status_code == 400
    assert "purpose" in refused.json()["error"]["message"]
    assert "Meet IT" in local.get(f"/deals/{deal}").text


def test_the_review_page_and_its_report(local: TestClient) -> None:
    html = local.get(f"/review?as_of={AS_OF}").text
    for heading in ("At a glance", "This week's focus", "What is real?", "Worth letting go"):
        assert heading in html
    report = local.get(f"/review/report?as_of={AS_OF}")
    assert report.status_code == 200 and "<html" in report.text
    body = local.get(f"/api/v1/review?as_of={AS_OF}").json()
    assert body["focus"]["picks"]


def test_the_calendar_feed_is_the_agenda(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    local.post(f"/api/v1/deals/{deal}/cadences", json={})
    feed = local.get("/calendar/local.ics")
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in feed.text
    assert local.get("/calendar/guess.ics").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/v1/board?stage=%00", None),
        ("get", "/api/v1/deals/a%00b", None),
        ("post", "/api/v1/deals", '{"id": "a\\u0000b"}'),
    ],
)
def test_a_nul_character_is_bad_input(
    local: TestClient, method: str, url: str, body: str | None
) -> None:
    headers = {"content-type": "application/json"}
    response = local.request(method.upper(), url, content=body, headers=headers)
    assert response.status_code == 422
    assert "NUL" in response.json()["error"]["message"]
