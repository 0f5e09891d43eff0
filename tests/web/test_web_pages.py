"""The pages in local mode: board, table, deal page and its forms, import."""

from __future__ import annotations

import csv
import io
import json
import re

from web_world import AS_OF, NOW, PRIYA, SAM, TestClient, csrf_of, deal_of

from unstuck.store import Store


def test_the_board_has_a_column_per_stage_and_coloured_cards(local: TestClient) -> None:
    html = local.get(f"/board?as_of={AS_OF}").text
    stages = re.findall(r'<section class="column"[^>]*data-stage="([^"]+)"', html)
    assert stages[:5] == ["lead", "qualified", "discovery", "proposal", "negotiation"]
    tones = set(re.findall(r'class="card tone-(\w+)"', html))
    assert {"fine", "stuck"} <= tones
    assert re.search(r"replied \d+ d ago", html)
    hidden = sum(int(n) for n in re.findall(r"Show (\d+) more", html))
    assert html.count('class="card ') + hidden == 60


def test_board_filters_by_owner_stage_and_finding(local: TestClient, world: Store) -> None:
    html = local.get(f"/board?owner={SAM}&as_of={AS_OF}").text
    with world.read() as tx:
        sams = [r for r in tx.deal_rows(owner=SAM) if r.status.value == "open"]
    assert html.count('class="card ') == len(sams)
    staged = local.get(f"/board?stage=proposal&as_of={AS_OF}").text
    assert re.findall(r'data-stage="([^"]+)"><h2', staged.replace("\n", "")) in ([], ["proposal"])
    quiet = local.get(f"/board?finding=gone_quiet&as_of={AS_OF}").text
    assert 0 < quiet.count('class="card ') < 60
    assert quiet.count("<strong>gone quiet</strong>") >= 1


def test_a_short_column_page_offers_the_rest(world: Store) -> None:
    from web_world import make_client

    with make_client(world, web__board_cards=2) as client:
        html = client.get(f"/board?as_of={AS_OF}").text
        assert "Show " in html and " more" in html
        more = client.get(f"/board/column?column=lead&offset=2&as_of={AS_OF}").text
        assert 'class="card ' in more


def test_the_table_sorts_pages_and_exports_csv(local: TestClient) -> None:
    html = local.get(f"/table?sort=value&desc=true&as_of={AS_OF}").text
    values = [
        float(v.replace(",", ""))
        for v in re.findall(r'<td class="num">([\d,]+)</td>', html)
        if v.replace(",", "").isdigit()
    ]
    assert values == sorted(values, reverse=True)
    assert 'aria-sort="descending"' in html
    text = local.get(f"/table.csv?status=all&sort=stuck&as_of={AS_OF}").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 200
    assert {"id", "severity", "main_finding", "days_since_reply"} <= set(rows[0])


def test_the_deal_page_shows_the_whole_deal(local: TestClient) -> None:
    stalled = local.get(f"/api/v1/stalled?as_of={AS_OF}").json()
    deal_id = stalled[0]["deal"]
    html = local.get(f"/deals/{deal_id}?as_of={AS_OF}").text
    for heading in ("Their why", "Why it is stuck", "What to do", "People", "Qualification"):
        assert heading in html
    assert "Timeline" in html and "Copy draft" in html
    assert 'name="csrf"' in html


def test_a_deal_without_a_why_warns(local: TestClient) -> None:
    local.post("/api/v1/deals", json={"id": "no-why", "name": "No why"})
    html = local.get("/deals/no-why").text
    assert "The why is missing" in html


def test_conflicting_answers_are_highlighted(local: TestClient) -> None:
    local.post("/api/v1/deals", json={"id": "clash", "name": "Clash"})
    for person in ("ann", "ben"):
        local.put(f"/api/v1/deals/clash/stakeholders/{person}", json={"name": person.title()})
    local.post("/api/v1/deals/clash/answers", json={"question": "budget", "answer": "approved", "stakeholder": "ann"})  # fmt: skip
    local.post("/api/v1/deals/clash/answers", json={"question": "budget", "answer": "no budget this year", "stakeholder": "ben"})  # fmt: skip
    html = local.get("/deals/clash").text
    assert html.count('class="clash"') == 2
    assert "conflict</span>" in html


def test_the_deal_forms_write_and_come_back(local: TestClient, world: Store) -> None:
    deal = deal_of(world, PRIYA)
    csrf = csrf_of(local.get(f"/deals/{deal}").text)
    posts = [
        ("touches", {"direction": "inbound", "channel": "call", "summary": "Called back, keen."}),
        (
            "people",
            {"person": "zoe", "name": "Zoe Lin", "roles": ["approval"], "stance": "supportive"},
        ),
        ("answers", {"question": "budget", "answer": "approved", "stakeholder": "zoe"}),
        ("why", {"why": "Fewer missed deliveries before peak season."}),
        ("close-date", {"expected_close": "2027-02-01"}),
        ("stage", {"stage": "negotiation"}),
    ]
    for path, data in posts:
        done = local.post(
            f"/deals/{deal}/{path}", data={**data, "csrf": csrf}, follow_redirects=False
        )
        assert done.status_code == 303, (path, done.text)
    with world.read() as tx:
        after = tx.deal(deal)
    assert after.touches[-1].summary == "Called back, keen."
    assert after.stakeholder("zoe") is not None
    assert after.why == "Fewer missed deliveries before peak season."
    assert after.stage == "negotiation"
    assert str(after.expected_close) == "2027-02-01"
    closed = local.post(f"/deals/{deal}/close", data={"status": "lost", "csrf": csrf}, headers={"hx-request": "true"})  # fmt: skip
    assert closed.status_code == 422
    assert closed.headers["hx-retarget"] == "#alerts"
    assert "reason" in closed.text
    with world.read() as tx:
        assert tx.deal(deal).is_open


def test_a_form_with_a_bad_value_says_what_to_fix(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    csrf = csrf_of(local.get(f"/deals/{deal}").text)
    response = local.post(
        f"/deals/{deal}/touches",
        data={"direction": "inbound", "channel": "pigeon", "csrf": csrf},
    )
    assert response.status_code == 422
    assert "channel: &#39;pigeon&#39; is not allowed" in response.text


def test_import_previews_then_commits(local: TestClient) -> None:
    csrf = csrf_of(local.get("/import").text)
    doc = {
        "format": "unstuck-pipeline/1",
        "deals": [{"id": "up-1", "name": "Uploaded", "stage": "lead", "created": "2026-11-01"}],
    }
    files = {"file": ("p.json", json.dumps(doc).encode(), "application/json")}
    preview = local.post("/import/preview", files=files, data={"csrf": csrf})
    assert "Would import 1 deals" in preview.text and "1 new" in preview.text
    assert local.get("/api/v1/deals/up-1").status_code == 404
    done = local.post("/import", files=files, data={"csrf": csrf})
    assert "Imported 1 deals" in done.text
    assert local.get("/api/v1/deals/up-1").json()["name"] == "Uploaded"
    bad = {"file": ("p.json", b'{"deals": [{"id": "x"}]}', "application/json")}
    refused = local.post("/import/preview", files=bad, data={"csrf": csrf})
    assert refused.status_code == 422 and "nothing was written" in refused.text


def test_a_new_deal_from_the_form(local: TestClient) -> None:
    csrf = csrf_of(local.get("/deals/new").text)
    done = local.post(
        "/deals/new",
        data={"id": "form-deal", "name": "Form deal", "value": "12,500", "csrf": csrf},
        follow_redirects=False,
    )
    assert done.headers["location"] == "/deals/form-deal"
    assert local.get("/api/v1/deals/form-deal").json()["value"] == 12500
    assert NOW  # the app clock made the deal
