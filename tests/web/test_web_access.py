"""Access: a rep cannot read or change another rep's deal through any page or API route.

Sam and Priya are reps. Every route of the app has a case below (a test fails when a
route is added without one): Sam asks for Priya's deal, or lists deals, and must get
404 or a list without her deals, and her deal must be unchanged afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from web_world import ADA, AS_OF, MIA, NOW, PRIYA, SAM, TestClient, api_token, deal_of

from unstuck.cadence.service import Cadences
from unstuck.config import default_config
from unstuck.service import Unstuck
from unstuck.store import Store
from unstuck.web.app import route_table

Team = Callable[[str | None], tuple[TestClient, str]]

# kind: "deal" -> 404; "list" -> 200 without Priya's deals; "refused" -> 4xx;
# "own" -> allowed, shows nothing of anyone else's; "public" -> needs no account.
CASES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/"): ("own", {}),
    ("GET", "/login"): ("public", {}),
    ("POST", "/login"): ("public", {"data": {"email": PRIYA, "password": "wrong"}}),
    ("POST", "/logout"): ("own", {"data": {}}),
    ("GET", "/board"): ("list", {"params": {"as_of": AS_OF}}),
    ("GET", "/board/column"): ("list", {"params": {"column": "proposal", "as_of": AS_OF}}),
    ("GET", "/table"): ("list", {"params": {"status": "all", "as_of": AS_OF}}),
    ("GET", "/table.csv"): ("list", {"params": {"status": "all", "as_of": AS_OF}}),
    ("GET", "/deals/new"): ("own", {}),
    ("POST", "/deals/new"): ("refused", {"data": {"id": "sneaky", "owner": PRIYA}}),
    ("GET", "/deals/{deal_id}"): ("deal", {}),
    ("POST", "/deals/{deal_id}/stage"): ("deal", {"data": {"stage": "negotiation"}}),
    ("POST", "/deals/{deal_id}/why"): ("deal", {"data": {"why": "mine now"}}),
    ("POST", "/deals/{deal_id}/touches"): (
        "deal",
        {"data": {"direction": "outbound", "channel": "email", "summary": "hi"}},
    ),
    ("POST", "/deals/{deal_id}/people"): ("deal", {"data": {"person": "spy", "name": "Spy"}}),
    ("POST", "/deals/{deal_id}/answers"): (
        "deal",
        {"data": {"question": "budget", "answer": "none"}},
    ),
    ("POST", "/deals/{deal_id}/close-date"): ("deal", {"data": {"expected_close": "2030-01-01"}}),
    ("POST", "/deals/{deal_id}/close"): ("deal", {"data": {"status": "won"}}),
    ("GET", "/import"): ("own", {}),
    ("POST", "/import/preview"): ("refused", {"upload": True}),
    ("POST", "/import"): ("refused", {"upload": True}),
    ("GET", "/agenda"): ("list", {"params": {"as_of": AS_OF}}),
    ("GET", "/review"): ("list", {"params": {"as_of": AS_OF}}),
    ("GET", "/calendar/{feed_key}.ics"): ("feed", {}),
    ("GET", "/api/v1/deals"): ("list", {"params": {"status": "all", "limit": 1000}}),
    ("GET", "/api/v1/board"): ("list", {"params": {"per_stage": 500, "as_of": AS_OF}}),
    ("GET", "/api/v1/stalled"): ("list", {"params": {"as_of": AS_OF}}),
    ("GET", "/api/v1/export"): ("list", {}),
    ("GET", "/api/v1/config"): ("own", {}),
    ("GET", "/api/v1/me"): ("own", {}),
    ("POST", "/api/v1/deals"): ("refused", {"json": {"id": "sneaky", "owner": PRIYA}}),
    ("GET", "/api/v1/deals/{deal_id}"): ("deal", {}),
    ("GET", "/api/v1/deals/{deal_id}/diagnosis"): ("deal", {}),
    ("PUT", "/api/v1/deals/{deal_id}/why"): ("deal", {"json": {"why": "mine"}}),
    ("POST", "/api/v1/deals/{deal_id}/stage"): ("deal", {"json": {"stage": "negotiation"}}),
    ("PUT", "/api/v1/deals/{deal_id}/expected-close"): (
        "deal",
        {"json": {"expected_close": "2030-01-01"}},
    ),
    ("POST", "/api/v1/deals/{deal_id}/close"): ("deal", {"json": {"status": "won"}}),
    ("POST", "/api/v1/deals/{deal_id}/touches"): (
        "deal",
        {"json": {"direction": "outbound", "channel": "email"}},
    ),
    ("PUT", "/api/v1/deals/{deal_id}/stakeholders/{person_id}"): ("deal", {"json": {"name": "S"}}),
    ("POST", "/api/v1/deals/{deal_id}/answers"): (
        "deal",
        {"json": {"question": "budget", "answer": "none"}},
    ),
    ("POST", "/api/v1/import"): ("refused", {"document": True}),
    ("POST", "/api/v1/import/file"): ("refused", {"upload": True}),
    ("GET", "/review/report"): ("list", {"params": {"as_of": AS_OF}}),
    ("POST", "/agenda/done"): ("deal", {"data": {"ref": "{deal_id}/1"}}),
    ("POST", "/agenda/snooze"): ("deal", {"data": {"ref": "{deal_id}/1", "to": "2030-01-01"}}),
    ("POST", "/deals/{deal_id}/cadence"): ("deal", {"data": {}}),
    ("POST", "/deals/{deal_id}/cadence/{action}"): ("deal", {"data": {}}),
    ("POST", "/deals/{deal_id}/plan"): ("deal", {"data": {"on": "2030-01-01", "purpose": "x"}}),
    ("GET", "/api/v1/agenda"): ("list", {"params": {"days": 90, "as_of": AS_OF}}),
    ("POST", "/api/v1/agenda/done"): ("deal", {"json": {"ref": "{deal_id}/1"}}),
    ("POST", "/api/v1/agenda/snooze"): (
        "deal",
        {"json": {"ref": "{deal_id}/1", "to": "2030-01-01"}},
    ),
    ("GET", "/api/v1/deals/{deal_id}/cadences"): ("deal", {}),
    ("POST", "/api/v1/deals/{deal_id}/cadences"): ("deal", {"json": {}}),
    ("POST", "/api/v1/deals/{deal_id}/cadences/{action}"): ("deal", {}),
    ("GET", "/api/v1/deals/{deal_id}/plan"): ("deal", {}),
    ("POST", "/api/v1/deals/{deal_id}/plan"): (
        "deal",
        {"json": {"on": "2030-01-01", "purpose": "x"}},
    ),
    ("GET", "/api/v1/review"): ("list", {"params": {"as_of": AS_OF}}),
    ("GET", "/api/v1/users"): ("refused", {}),
    ("POST", "/api/v1/users"): (
        "refused",
        {"json": {"email": "x@example.com", "password": "long enough pw", "role": "admin"}},
    ),
    ("PUT", "/api/v1/users/{email}/role"): ("refused", {"json": {"role": "admin"}}),
    ("DELETE", "/api/v1/users/{email}"): ("refused", {}),
}


def test_every_route_has_an_access_case() -> None:
    assert set(route_table()) == set(CASES)


def _fill(value: Any, deal: str) -> Any:
    return value.replace("{deal_id}", deal) if isinstance(value, str) else value


def _priya_doc(deal: str) -> dict[str, Any]:
    return {
        "format": "unstuck-pipeline/1",
        "deals": [{"id": deal, "name": "Taken", "stage": "lead", "created": "2026-01-01"}],
    }


def _request(
    client: TestClient,
    csrf: str,
    token: str,
    method: str,
    path: str,
    spec: dict[str, Any],
    deal: str,
) -> Any:
    url = path.format(
        deal_id=deal, person_id="spy", email=PRIYA, feed_key="feed-sam", action="pause"
    )
    api = url.startswith("/api/")
    headers = {"authorization": f"Bearer {token}"} if api else {"x-csrf-token": csrf}
    options: dict[str, Any] = {"params": spec.get("params"), "headers": headers}
    if "json" in spec:
        options["json"] = {k: _fill(v, deal) for k, v in spec["json"].items()}
    if "data" in spec:
        options["data"] = {**{k: _fill(v, deal) for k, v in spec["data"].items()}, "csrf": csrf}
    if spec.get("document"):
        options["content"] = json.dumps(_priya_doc(deal))
        headers["content-type"] = "application/json"
    if spec.get("upload"):
        doc = json.dumps(_priya_doc(deal)).encode()
        options["files"] = {"file": ("p.json", doc, "application/json")}
        options["data"] = {"csrf": csrf}
    return client.request(method, url, follow_redirects=False, **options)


@pytest.mark.parametrize(("method", "path"), sorted(CASES))
def test_a_rep_cannot_reach_another_reps_deal(
    team: Team, world: Store, method: str, path: str
) -> None:
    kind, spec = CASES[(method, path)]
    client, csrf = team(SAM)
    token = api_token(world, SAM)
    theirs = deal_of(world, PRIYA)
    # A running cadence gives Priya agenda items, calendar events and cadence steps.
    Cadences(Unstuck(default_config(), world)).start(theirs, NOW)
    with world.read() as tx:
        before = tx.deal(theirs)
        priya_ids = {r.id for r in tx.deal_rows(owner=PRIYA)}
    response = _request(client, csrf, token, method, path, spec, theirs)
    text = response.text
    if kind == "deal":
        assert response.status_code == 404, text
    elif kind == "refused":
        assert 400 <= response.status_code < 500, text
    elif kind == "list":
        assert response.status_code == 200, text
        assert not [
            i for i in priya_ids if f'"{i}"' in text or f'/{i}"' in text or f"\n{i}," in text
        ]
    elif kind == "feed":
        assert response.status_code == 200
        assert theirs not in text
    else:
        assert response.status_code < 500, text
        assert theirs not in text
    with world.read() as tx:
        assert tx.deal(theirs) == before
    assert [c.status for c in Cadences(Unstuck(default_config(), world)).cadences(theirs)] == [
        "active"
    ]


def test_a_rep_sees_exactly_their_own_deals(team: Team, world: Store) -> None:
    client, _ = team(SAM)
    token = api_token(world, SAM)
    body = client.get(
        "/api/v1/deals?status=all&limit=1000", headers={"authorization": f"Bearer {token}"}
    ).json()
    with world.read() as tx:
        mine = {r.id for r in tx.deal_rows(owner=SAM)}
    assert {d["id"] for d in body["deals"]} == mine


@pytest.mark.parametrize("email", [MIA, ADA])
def test_managers_and_admins_see_and_change_the_whole_team(
    team: Team, world: Store, email: str
) -> None:
    client, csrf = team(email)
    theirs = deal_of(world, PRIYA)
    assert client.get(f"/deals/{theirs}?as_of={AS_OF}").status_code == 200
    moved = client.post(
        f"/deals/{theirs}/why", data={"why": "Checked by the manager.", "csrf": csrf}
    )
    assert moved.status_code in (200, 303)
    with world.read() as tx:
        assert tx.deal(theirs).why == "Checked by the manager."
        total = tx.count_deals()
    token = api_token(world, email)
    listed = client.get(
        "/api/v1/deals?status=all&limit=1000", headers={"authorization": f"Bearer {token}"}
    )
    assert listed.json()["total"] == total


def test_only_an_admin_manages_users(team: Team, world: Store) -> None:
    client, _ = team(ADA)
    for email, status in ((MIA, 403), (ADA, 201)):
        token = api_token(world, email, name=f"t-{status}")
        made = client.post(
            "/api/v1/users",
            json={"email": f"new{status}@example.com", "password": "long enough pw"},
            headers={"authorization": f"Bearer {token}"},
        )
        assert made.status_code == status, made.text


def test_a_rep_importing_deals_gets_them_as_their_own(team: Team, world: Store) -> None:
    client, csrf = team(SAM)
    doc = {
        "format": "unstuck-pipeline/1",
        "deals": [{"id": "sam-new", "name": "New", "stage": "lead", "created": "2026-11-01"}],
    }
    files = {"file": ("mine.json", json.dumps(doc).encode(), "application/json")}
    done = client.post("/import", files=files, data={"csrf": csrf})
    assert done.status_code == 200, done.text
    with world.read() as tx:
        assert tx.deal("sam-new").owner == SAM


@pytest.mark.parametrize(
    "path", ["/board", "/table", "/deals/new", "/import", "/agenda", "/api/v1/deals"]
)
def test_nobody_gets_in_without_logging_in(team: Team, path: str) -> None:
    client, _ = team(None)
    response = client.get(path, follow_redirects=False)
    if path.startswith("/api/"):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
