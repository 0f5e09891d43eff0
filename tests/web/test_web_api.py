"""The JSON API through the ASGI test client, in local mode, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from web_world import AS_OF, NOW, SAM, TestClient, deal_of, make_client

from unstuck.store import Store


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details"}, body
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_the_deal_list_has_summaries_and_the_main_finding(local: TestClient) -> None:
    body = local.get(f"/api/v1/deals?as_of={AS_OF}&sort=stuck&limit=5").json()
    assert body["total"] == 60
    first = body["deals"][0]
    assert first["stalled"] is True and first["main_finding"]
    assert first["severity"] >= body["deals"][-1]["severity"]
    assert {"days_since_reply", "unanswered", "days_in_stage", "owner"} <= set(first)


def test_a_finding_filter_keeps_only_deals_with_that_finding(local: TestClient) -> None:
    body = local.get(f"/api/v1/deals?as_of={AS_OF}&finding=gone_quiet&limit=1000").json()
    assert 0 < body["total"] < 60
    for deal in body["deals"]:
        found = local.get(f"/api/v1/deals/{deal['id']}/diagnosis?as_of={AS_OF}").json()
        assert "gone_quiet" in [f["kind"] for f in found["findings"]]


def test_a_deal_is_created_worked_and_closed_through_the_api(local: TestClient) -> None:
    made = local.post(
        "/api/v1/deals",
        json={"id": "api-deal", "name": "API deal", "value": 1200, "owner": SAM},
    )
    assert made.status_code == 201, made.text
    assert made.json()["stage"] == "lead"
    person = local.put(
        "/api/v1/deals/api-deal/stakeholders/joe",
        json={"name": "Joe Park", "roles": ["evaluation"], "stance": "supportive"},
    )
    assert person.status_code == 201
    again = local.put("/api/v1/deals/api-deal/stakeholders/joe", json={"title": "CTO"})
    assert again.status_code == 200
    assert again.json()["stakeholders"][0]["title"] == "CTO"
    assert again.json()["stakeholders"][0]["roles"] == ["evaluation"]
    touch = local.post(
        "/api/v1/deals/api-deal/touches",
        json={"direction": "inbound", "channel": "call", "with": ["joe"], "summary": "Keen."},
    )
    assert touch.status_code == 201
    assert touch.json()["touches"][-1]["summary"] == "Keen."
    answer = local.post(
        "/api/v1/deals/api-deal/answers",
        json={"question": "budget", "answer": "approved", "stakeholder": "joe"},
    )
    assert answer.status_code == 201
    assert (
        local.put("/api/v1/deals/api-deal/why", json={"why": "Audit in March."}).json()["why"]
        == "Audit in March."
    )
    moved = local.post("/api/v1/deals/api-deal/stage", json={"stage": "proposal"}).json()
    assert moved["stage"] == "proposal"
    dated = local.put(
        "/api/v1/deals/api-deal/expected-close", json={"expected_close": "2027-01-31"}
    )
    assert dated.json()["expected_close"] == "2027-01-31"
    refused = local.post("/api/v1/deals/api-deal/close", json={"status": "lost"})
    assert refused.status_code == 422
    assert "reason" in error_of(refused)["details"][0]
    closed = local.post(
        "/api/v1/deals/api-deal/close", json={"status": "nurture", "revisit_on": "2027-03-01"}
    )
    assert closed.json()["status"] == "nurture"
    assert closed.json()["revisit_on"] == "2027-03-01"


def test_the_diagnosis_keeps_the_contract_shape(local: TestClient, world: Store) -> None:
    deal_id = local.get(f"/api/v1/stalled?as_of={AS_OF}&limit=1").json()[0]["deal"]
    body = local.get(f"/api/v1/deals/{deal_id}/diagnosis?as_of={AS_OF}").json()
    assert body["deal"] == deal_id and body["stalled"] is True
    assert {"kind", "scenario", "severity", "evidence"} <= set(body["findings"][0])
    assert {"id", "for", "rationale", "channel", "steps", "draft"} <= set(body["plays"][0])


def test_the_stalled_list_is_every_stalled_deal_worst_first_diagnosing_only_those_shown(
    local: TestClient, world: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unstuck import service as service_module
    from unstuck.config import default_config
    from unstuck.diagnosis import diagnose
    from unstuck.domain import Status
    from unstuck.service import Unstuck

    app = Unstuck(default_config(), world)
    context = app.diagnosis_context()
    with world.read() as tx:
        deals = tx.deals(status=Status.OPEN)
    truth = sorted(
        (found for found in (diagnose(d, NOW, context) for d in deals) if found.stalled),
        key=lambda g: (-g.severity, -(next(d for d in deals if d.id == g.deal).value or 0), g.deal),
    )
    every = local.get("/api/v1/stalled").json()
    assert [g["deal"] for g in every] == [g.deal for g in truth]
    assert [g["severity"] for g in every] == [round(g.severity, 2) for g in truth]

    calls: list[str] = []
    real = service_module.diagnose

    def counted(deal: object, *args: object, **kwargs: object) -> object:
        calls.append(getattr(deal, "id", ""))
        return real(deal, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(service_module, "diagnose", counted)
    worst = local.get("/api/v1/stalled?limit=3").json()
    assert [g["deal"] for g in worst] == [g.deal for g in truth[:3]]
    # The scan's cache was filled by the first call: only the three shown are diagnosed.
    assert sorted(calls) == sorted(g.deal for g in truth[:3])


def test_sorting_by_how_stuck_diagnoses_only_the_page_shown(
    local: TestClient, world: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unstuck import service as service_module
    from unstuck.config import default_config
    from unstuck.diagnosis import diagnose
    from unstuck.domain import Status
    from unstuck.service import Unstuck
    from unstuck.web import services as web_services

    context = Unstuck(default_config(), world).diagnosis_context()
    with world.read() as tx:
        deals = tx.deals(status=Status.OPEN)
    severity = {d.id: diagnose(d, NOW, context).severity for d in deals}
    truth = sorted(severity, key=lambda i: (-severity[i], i))
    local.get("/api/v1/deals?sort=stuck&limit=1")  # fills the scan's cache
    calls: list[str] = []
    for module in (service_module, web_services):
        real = module.diagnose

        def counted(deal: object, *args: object, _real: object = real, **kw: object) -> object:
            calls.append(getattr(deal, "id", ""))
            return _real(deal, *args, **kw)  # type: ignore[operator]

        monkeypatch.setattr(module, "diagnose", counted)
    body = local.get("/api/v1/deals?sort=stuck&offset=5&limit=5").json()
    assert body["total"] == len(deals)
    assert [d["id"] for d in body["deals"]] == truth[5:10]
    assert sorted(calls) == sorted(truth[5:10])


def test_import_writes_all_or_nothing_and_a_dry_run_writes_nothing(local: TestClient) -> None:
    doc = {
        "format": "unstuck-pipeline/1",
        "deals": [
            {"id": "imp-1", "name": "One", "stage": "lead", "created": "2026-10-01"},
            {"id": "imp-2", "name": "Two", "stage": "lead", "created": "2026-10-02"},
        ],
    }
    dry = local.post("/api/v1/import?dry_run=true", json=doc).json()
    assert dry == {"dry_run": True, "created": 2, "updated": 0, "unchanged": 0}
    assert local.get("/api/v1/deals/imp-1").status_code == 404
    doc["deals"].append({"id": "imp-3", "name": "Bad", "stage": "lead", "created": "31/31/2026"})
    bad = local.post("/api/v1/import", json=doc)
    assert bad.status_code == 422
    assert any("deals[2].created" in line for line in error_of(bad)["details"])
    assert local.get("/api/v1/deals/imp-1").status_code == 404
    doc["deals"].pop()
    assert local.post("/api/v1/import", json=doc).json()["created"] == 2
    assert local.post("/api/v1/import", json=doc).json()["unchanged"] == 2


def test_the_export_reimports_to_the_same_pipeline(local: TestClient) -> None:
    doc = local.get("/api/v1/export").json()
    assert len(doc["deals"]) == 200
    again = local.post("/api/v1/import", content=json.dumps(doc), headers=JSON_HEADERS).json()
    assert again["unchanged"] == 200
    lines = local.get("/api/v1/export?format=jsonl").text.splitlines()
    assert len(lines) == 200
    table = local.get(f"/api/v1/export?format=csv&as_of={AS_OF}").text.splitlines()
    assert table[0].startswith("id,name,account,owner") and len(table) == 201


JSON_HEADERS = {"content-type": "application/json"}
BAD_REQUESTS = [
    # (method, path, body or raw text, status, code)
    ("post", "/api/v1/deals", "{not json", 422, "invalid_input"),
    ("post", "/api/v1/deals", {"id": "x", "value": "lots"}, 422, "invalid_input"),
    ("post", "/api/v1/deals", {"id": "x", "value": -5}, 422, "invalid_input"),
    ("post", "/api/v1/deals", {"id": "x", "colour": "red"}, 422, "invalid_input"),
    ("post", "/api/v1/deals", {"id": "x", "expected_close": "soon"}, 422, "invalid_input"),
    ("post", "/api/v1/deals", {"id": "x", "created": "31/31/2026"}, 422, "invalid_input"),
    (
        "post",
        "/api/v1/deals/nope/touches",
        {"direction": "inbound", "channel": "call"},
        404,
        "not_found",
    ),
    (
        "post",
        "/api/v1/deals/{deal}/touches",
        {"direction": "up", "channel": "call"},
        422,
        "invalid_input",
    ),
    (
        "post",
        "/api/v1/deals/{deal}/touches",
        {"direction": "inbound", "channel": "call", "with": ["ghost"]},
        422,
        "invalid_input",
    ),
    (
        "post",
        "/api/v1/deals/{deal}/touches",
        {"direction": "inbound", "channel": "call", "at": "yesterday"},
        422,
        "invalid_input",
    ),
    (
        "post",
        "/api/v1/deals/{deal}/answers",
        {"question": "budget", "answer": "ok", "stakeholder": "ghost"},
        422,
        "invalid_input",
    ),
    ("post", "/api/v1/deals/{deal}/stage", {"stage": ""}, 422, "invalid_input"),
    ("post", "/api/v1/deals/{deal}/close", {"status": "nurture"}, 422, "invalid_input"),
    ("put", "/api/v1/deals/{deal}/stakeholders/joe", {"stance": "angry"}, 422, "invalid_input"),
    ("put", "/api/v1/deals/nope/why", {"why": "x"}, 404, "not_found"),
    ("get", "/api/v1/deals?sort=colour", None, 422, "invalid_input"),
    ("get", "/api/v1/deals?as_of=someday", None, 422, "invalid_input"),
    ("get", "/api/v1/deals?limit=0", None, 422, "invalid_input"),
    ("get", "/api/v1/deals/nope", None, 404, "not_found"),
    ("get", "/api/v1/nothing-here", None, 404, "not_found"),
    ("delete", "/api/v1/deals/{deal}", None, 405, "method_not_allowed"),
    ("post", "/api/v1/import", "[1, 2", 422, "invalid_input"),
    ("post", "/api/v1/import", {"deals": [{"id": 3}]}, 422, "invalid_input"),
]


@pytest.mark.parametrize(("method", "path", "body", "status", "code"), BAD_REQUESTS)
def test_bad_input_gets_the_error_shape_and_writes_nothing(
    local: TestClient, world: Store, method: str, path: str, body: Any, status: int, code: str
) -> None:
    deal = deal_of(world, SAM)
    before = local.get("/api/v1/export").text
    options: dict[str, Any] = {}
    if isinstance(body, str):
        options = {"content": body, "headers": JSON_HEADERS}
    elif body is not None:
        options = {"json": body}
    response = local.request(method.upper(), path.format(deal=deal), **options)
    assert response.status_code == status, response.text
    assert error_of(response)["code"] == code
    assert local.get("/api/v1/export").text == before


def test_an_oversized_upload_is_refused_before_anything_is_read(world: Store) -> None:
    with make_client(world, web__max_upload_mb=1) as client:
        big = b"x" * (1024 * 1024 + 10)
        response = client.post("/api/v1/import/file", files={"file": ("big.csv", big, "text/csv")})
        assert response.status_code == 413
        assert "web.max_upload_mb" in error_of(response)["message"]
        streamed = client.post(
            "/api/v1/import", content=iter([big[:600_000], big[600_000:]]), headers=JSON_HEADERS
        )
        assert streamed.status_code == 413
        assert error_of(streamed)["code"] == "too_large"


def test_a_csv_with_bad_rows_lists_them_and_writes_nothing(local: TestClient) -> None:
    text = (
        "Deal Name,Stage,Amount,Close Date,Owner\n"
        "Good one,Proposal,1000,2026-12-01,sam@example.com\n"
        "Bad one,Proposal,lots,2026-12-01,sam@example.com\n"
    )
    before = local.get("/api/v1/deals?status=all&limit=1").json()["total"]
    response = local.post(
        "/api/v1/import/file",
        files={"file": ("deals.csv", text.encode(), "text/csv")},
        data={"format": "csv"},
        headers={"x-requested-with": "test"},
    )
    assert response.status_code == 422, response.text
    details = error_of(response)["details"]
    assert any("deals.csv:3" in line for line in details)
    assert local.get("/api/v1/deals?status=all&limit=1").json()["total"] == before


def test_the_openapi_schema_documents_every_api_route(local: TestClient) -> None:
    schema = local.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for expected in ("/api/v1/deals", "/api/v1/deals/{deal_id}/touches", "/api/v1/import"):
        assert expected in paths
    assert all(p.startswith("/api/v1/") for p in paths)


def test_the_clock_is_the_apps_and_as_of_overrides_it(local: TestClient, world: Store) -> None:
    deal = deal_of(world, SAM)
    local.post(f"/api/v1/deals/{deal}/touches", json={"direction": "outbound", "channel": "email"})
    touches = local.get(f"/api/v1/deals/{deal}").json()["touches"]
    assert any(t["at"].startswith(NOW.strftime("%Y-%m-%dT%H:%M")) for t in touches)
