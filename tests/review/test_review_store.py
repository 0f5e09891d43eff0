"""Focus picks and outcomes in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import inspect

from unstuck.domain import Status
from unstuck.errors import NotFound
from unstuck.review import FocusResult, PickedBy
from unstuck.store import reviews
from unstuck.store.engine import _alembic_config, connect

NOW = datetime(2026, 11, 20, 12, 0)
WEEK = date(2026, 11, 16)


def test_set_picks_replaces_the_week_keeping_the_deals_that_stay(
    sample_db: str, open_store: Any
) -> None:
    store = open_store(sample_db)
    with store.write() as tx:
        reviews.set_picks(tx, WEEK, None, [("kestrel-wms", PickedBy.SYSTEM, "Proposed.")], NOW)
        later = NOW + timedelta(hours=1)
        picks = reviews.set_picks(
            tx, WEEK, None,
            [("acme-portal", PickedBy.USER, "Mine."), ("kestrel-wms", PickedBy.USER, "Kept.")],
            later,
        )  # fmt: skip
    assert [(p.deal, p.picked_by, p.reason) for p in picks] == [
        ("acme-portal", PickedBy.USER, "Mine."),
        ("kestrel-wms", PickedBy.SYSTEM, "Proposed."),  # accepted: it stays the system's
    ]
    with store.read() as tx:
        assert reviews.picks(tx, WEEK, "Sam@Example.com") == []  # another owner's week
        assert len(reviews.picks(tx, WEEK, None)) == 2


def test_an_outcome_goes_to_the_most_recent_pick_of_the_deal(
    sample_db: str, open_store: Any
) -> None:
    store = open_store(sample_db)
    with store.write() as tx:
        for week in (WEEK - timedelta(days=7), WEEK):
            reviews.set_picks(tx, week, None, [("kestrel-wms", PickedBy.SYSTEM, "")], NOW)
        pick = reviews.record_outcome(
            tx, "kestrel-wms", None, FocusResult.MOVED, "Demo booked.", NOW, WEEK
        )
    assert (pick.week, pick.result, pick.result_note) == (WEEK, FocusResult.MOVED, "Demo booked.")
    with store.read() as tx:
        earlier = reviews.picks(tx, WEEK - timedelta(days=7), None)[0]
        assert earlier.result is None
        assert reviews.pick_history(tx, None)[0].result is FocusResult.MOVED


def test_an_outcome_for_a_deal_never_picked_is_not_found(sample_db: str, open_store: Any) -> None:
    store = open_store(sample_db)
    with pytest.raises(NotFound, match="has not been a focus pick"), store.write() as tx:
        reviews.record_outcome(tx, "kestrel-wms", None, FocusResult.YES, None, NOW, WEEK)


def test_the_light_closed_history_keeps_what_the_review_needs(
    sample_db: str, open_store: Any
) -> None:
    store = open_store(sample_db)
    with store.read() as tx:
        light = {d.id: d for d in reviews.closed_history(tx)}
        full = {d.id: d for d in tx.deals(status=(Status.WON, Status.LOST, Status.NURTURE))}
    assert light.keys() == full.keys() and len(light) == 140
    for deal_id, deal in full.items():
        got = light[deal_id]
        assert sorted(got.stage_history, key=lambda c: c.at) == sorted(
            deal.stage_history, key=lambda c: c.at
        )
        assert (got.status, got.closed_at, got.value) == (deal.status, deal.closed_at, deal.value)


def test_the_migration_creates_and_drops_the_picks_table(db_url: str, open_store: Any) -> None:
    from alembic import command

    store = open_store(db_url)
    with connect(store.engine) as conn:
        assert "review_focus_picks" in inspect(conn).get_table_names()
    with connect(store.engine, write=True) as conn:
        command.downgrade(_alembic_config(conn), "0002")
    with connect(store.engine) as conn:
        assert "review_focus_picks" not in inspect(conn).get_table_names()
    with connect(store.engine, write=True) as conn:
        command.upgrade(_alembic_config(conn), "head")
    with connect(store.engine) as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("review_focus_picks")}
    assert columns >= {"week", "owner", "deal_pk", "picked_by", "reason", "result", "result_at"}
