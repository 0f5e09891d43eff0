"""The chance of winning on the board, the table, the deal page and the API deal read:
from stage win rates when no model is trained, from the trained model once there is one."""

from __future__ import annotations

import re

import pytest
from web_world import AS_OF, NOW, TestClient, make_client

from unstuck.store import Store

PERCENT = re.compile(r'<span class="chance" title="Chance of winning">(\d+) %')
DEAL = "summit-migration"


def _train(store: Store) -> None:
    pytest.importorskip("lightgbm", reason="the ml extra is not installed")
    from unstuck.config import default_config
    from unstuck.scoring.service import train
    from unstuck.service import Unstuck

    outcome = train(Unstuck(default_config(), store), NOW)
    assert outcome.record is not None, outcome.to_dict()


def _closed(store: Store) -> int:
    with store.read() as tx:
        return sum(r.status.value in ("won", "lost") for r in tx.deal_rows())


def _open_deal(store: Store) -> str:
    with store.read() as tx:
        return sorted(r.id for r in tx.deal_rows() if r.status.value == "open")[0]


def test_without_a_model_cards_and_table_show_stage_rate_chances(local: TestClient) -> None:
    board = local.get(f"/board?as_of={AS_OF}").text
    shown = [int(p) for p in PERCENT.findall(board)]
    assert len(shown) == board.count('class="card ') > 0
    assert all(0 < p < 100 for p in shown)
    # Stage rates give every deal in one stage the same figure.
    column = local.get(f"/board/column?column=proposal&offset=0&as_of={AS_OF}").text
    assert len(set(PERCENT.findall(column))) == 1
    table = local.get(f"/table?as_of={AS_OF}").text
    assert "Chance</abbr></th>" in table
    assert len(re.findall(r'<td class="num chance">\d+ %</td>', table)) == table.count("<tr>") - 1


def test_without_a_model_the_deal_page_says_the_figure_is_from_stage_rates(
    local: TestClient, world: Store
) -> None:
    html = local.get(f"/deals/{_open_deal(world)}?as_of={AS_OF}").text
    panel = html.split('<section id="chance"', 1)[1].split("</section>", 1)[0]
    assert re.search(r"<strong>\d+ %</strong>", panel)
    assert re.search(r"likely between \d+ % and \d+ %", panel)
    assert f"From stage win rates over {_closed(world)} closed deals" in panel
    assert "No model trained yet" in panel and "unstuck score train" in panel


def test_the_api_deal_read_carries_the_chance_and_keeps_the_document(
    local: TestClient, world: Store
) -> None:
    deal_id = _open_deal(world)
    body = local.get(f"/api/v1/deals/{deal_id}?as_of={AS_OF}").json()
    assert body["id"] == deal_id and "touches" in body and "stakeholders" in body
    chance = body["chance"]
    assert chance["model"] == "stage_rates" and chance["learned_from"] == _closed(world)
    assert 0 < chance["low"] <= chance["p"] <= chance["high"] < 1
    assert chance["up"] == [] and chance["down"] == [] and "no model" in chance["no_model"]
    listed = local.get(f"/api/v1/deals?limit=5&as_of={AS_OF}").json()["deals"]
    assert all(0 < d["chance"] < 1 for d in listed)
    closed = local.get(f"/api/v1/deals?status=won&limit=1&as_of={AS_OF}").json()["deals"][0]
    assert local.get(f"/api/v1/deals/{closed['id']}").json()["chance"] is None


def test_with_a_trained_model_pages_and_api_show_its_chance_and_reasons(world: Store) -> None:
    _train(world)
    with make_client(world) as client:
        board = client.get(f"/board?as_of={AS_OF}").text
        shown = PERCENT.findall(board)
        assert len(shown) == board.count('class="card ') > 0
        column = client.get(f"/board/column?column=proposal&offset=0&as_of={AS_OF}").text
        assert len(set(PERCENT.findall(column))) > 1  # the model tells deals apart
        page = client.get(f"/deals/{DEAL}?as_of={AS_OF}").text
        panel = page.split('<section id="chance"', 1)[1].split("</section>", 1)[0]
        learned = f"From the trained model v1, which learned from {_closed(world)} closed deals"
        assert learned in panel
        assert "Pushing it up" in panel or "Pulling it down" in panel
        assert re.search(
            r"<li>[^<]+\((strongly |slightly )?(raises|lowers) the chance\)</li>", panel
        )
        chance = client.get(f"/api/v1/deals/{DEAL}?as_of={AS_OF}").json()["chance"]
        assert chance["model"] == "trained" and chance["no_model"] is None
        assert chance["source"] == "model v1" and chance["learned_from"] == _closed(world)
        assert chance["up"] or chance["down"]


def test_the_openapi_schema_documents_the_chance_of_a_deal_read(local: TestClient) -> None:
    schema = local.get("/api/v1/openapi.json").json()
    ok = schema["paths"]["/api/v1/deals/{deal_id}"]["get"]["responses"]["200"]
    ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    chance = schema["components"]["schemas"][ref]["properties"]["chance"]
    assert "ChanceOut" in str(chance)
    fields = schema["components"]["schemas"]["ChanceOut"]["properties"]
    assert {"p", "low", "high", "source", "model", "learned_from", "up", "down"} <= set(fields)
