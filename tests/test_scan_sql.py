"""The stall scan as one SQL query (store/stall.py) agrees with the Python scan, and so
with the full diagnosis, deal by deal: same stalled deals, same severities, same order."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from unstuck import scan
from unstuck.config import default_config
from unstuck.sample import generate_pipeline
from unstuck.service import Unstuck
from unstuck.store import Store

NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture
def app(db_url: str) -> Iterator[Unstuck]:
    service = Unstuck(default_config(), Store.open(db_url))
    service.import_pipeline(generate_pipeline(NOW, seed=5), NOW, dry_run=False)
    yield service
    service.store.close()


def python_scan(app: Unstuck, now: datetime, owner: str | None = None) -> list[scan.Verdict]:
    return app.scan_verdicts(now, owner, app.diagnosis_context())


def assert_same(app: Unstuck, now: datetime, owner: str | None = None) -> int:
    """The SQL ranking of every stalled deal equals the Python scan's; returns how many."""
    context = app.diagnosis_context()
    worst, count, judged = app._worst(now, owner, context, limit=100_000)
    verdicts = python_scan(app, now, owner)
    expected = scan.worst_first(verdicts)
    assert judged == len(verdicts)
    assert count == len(expected) == len(worst)
    assert [v.id for v in worst] == [v.id for v in expected]
    for got, want in zip(worst, expected, strict=True):
        assert got.severity == pytest.approx(want.severity, abs=1e-9)
        assert got.value == want.value
    return count


@pytest.mark.parametrize("days", [0, 3, 12, 45, 120])
def test_the_sql_ranking_equals_the_python_scan_as_the_clock_moves(app: Unstuck, days: int) -> None:
    # Some deals have caches that run out on the way (an event leaving a window):
    # they are refreshed first, the rest are judged by the database alone.
    stalled = assert_same(app, NOW + timedelta(days=days))
    assert stalled > 0


def test_a_cold_cache_is_filled_first_and_old_caches_without_numbers_are_redone(
    app: Unstuck,
) -> None:
    with app.store.write() as tx:
        tx.conn.execute(text("UPDATE deals SET static_key = NULL"))
    assert_same(app, NOW)
    with app.store.write() as tx:  # a cache written before the numbers existed
        tx.conn.execute(text("UPDATE deals SET static_prod = NULL"))
    assert_same(app, NOW)
    with app.store.read() as tx:
        refilled = tx.conn.execute(
            text("SELECT count(*) FROM deals WHERE status = 'open' AND static_prod IS NULL")
        ).scalar_one()
    assert refilled == 0


def test_an_owner_and_other_rules_give_the_same_answers_in_sql(app: Unstuck) -> None:
    with app.store.read() as tx:
        owner = tx.owners()[0]
    assert_same(app, NOW, owner)
    stricter = Unstuck(app.config.with_values(thresholds__stalled_severity=0.3), app.store)
    assert assert_same(stricter, NOW) >= assert_same(app, NOW)


def test_a_replay_before_the_cache_counts_the_deals_diagnosed_in_full(app: Unstuck) -> None:
    app.stalled(NOW, limit=5)
    earlier = NOW - timedelta(days=40)  # history after this moment: nothing is cached
    expected = scan.worst_first(python_scan(app, earlier))
    report = app.stalled(earlier, limit=5)
    assert report.stalled == len(expected)
    assert [d.id for d, _ in report.shown] == [v.id for v in expected[:5]]


def test_stalled_with_a_limit_shows_the_worst_first_with_their_plays(app: Unstuck) -> None:
    expected = scan.worst_first(python_scan(app, NOW))
    report = app.stalled(NOW, limit=7)
    assert report.stalled == len(expected) > 7
    assert [d.id for d, _ in report.shown] == [v.id for v in expected[:7]]
    assert all(g.stalled and g.plays for _, g in report.shown)


def test_the_norms_are_kept_with_the_closed_history_and_follow_it(app: Unstuck) -> None:
    from unstuck.diagnosis.norms import learn_norms
    from unstuck.domain import Status

    first = app.diagnosis_context().norms
    assert first == learn_norms(app.config, app.history())
    with app.store.read() as tx:
        kept = tx.derived("won_stages")
        version = tx.closed_version()
    assert kept is not None and kept[0].startswith(version)
    assert app.diagnosis_context().norms == first  # from the kept figure this time
    # Close open deals as won: the history's version moves and the norms are relearned.
    with app.store.read() as tx:
        open_ids = [r.id for r in tx.deal_rows(status=Status.OPEN)][:30]
    for deal_id in open_ids:
        app.close_deal(deal_id, Status.WON, NOW)
    relearned = app.diagnosis_context().norms
    assert relearned == learn_norms(app.config, app.history())
    assert relearned.won_counts != first.won_counts


def test_a_large_pipeline_is_judged_in_key_ranges_side_by_side_with_the_same_answer(
    app: Unstuck, monkeypatch: pytest.MonkeyPatch
) -> None:
    import unstuck.store as store_module

    context = app.diagnosis_context()
    params = scan.sql_params(context, scan.context_key(context))
    app._worst(NOW, None, context, 10)  # fill the caches first
    with app.store.read() as tx:
        whole = tx.count_stalled(params, NOW, None, 40)
    monkeypatch.setattr(store_module, "STALL_SPLIT_ABOVE", 0)
    monkeypatch.setattr(store_module.os, "cpu_count", lambda: 3)
    split = app.store.count_stalled(params, NOW, None, 40)
    assert (split.judged, split.stalled) == (whole.judged, whole.stalled) and whole.stalled > 0
    assert [w[0] for w in split.worst] == [w[0] for w in whole.worst]


def _touch_some(app: Unstuck, count: int) -> list[str]:
    """Log a seller's touch on ``count`` open deals: their caches are no longer valid."""
    from unstuck.domain import Channel, Direction, Status, Touch

    with app.store.read() as tx:
        ids = [r.id for r in tx.deal_rows(status=Status.OPEN)][:count]
    for deal_id in ids:
        with app.store.write() as tx:
            tx.log_touch(deal_id, Touch(NOW, Direction.OUTBOUND, Channel.EMAIL, summary="ping"))
    return ids


def test_the_pass_lists_the_deals_written_since_their_cache_was_filled(app: Unstuck) -> None:
    context = app.diagnosis_context()
    params = scan.sql_params(context, scan.context_key(context))
    app._worst(NOW, None, context, 10)  # every cache filled
    with app.store.read() as tx:
        before = tx.count_stalled(params, NOW, None, 10)
    touched = _touch_some(app, 3)
    with app.store.read() as tx:
        after = tx.count_stalled(params, NOW, None, 10)
        cut = tx.count_stalled(params, NOW, None, 10, stale_listed=2)
    assert (before.stale, before.stale_total, before.complete) == ([], 0, True)
    assert sorted(after.stale) == sorted(touched) and after.complete
    assert after.judged == before.judged - 3
    assert (len(cut.stale), cut.stale_total, cut.complete) == (2, 3, False)


@pytest.mark.parametrize("listed", [0, 2, 500])
def test_stale_caches_listed_or_refreshed_first_give_the_same_ranking(
    app: Unstuck, monkeypatch: pytest.MonkeyPatch, listed: int
) -> None:
    """Listed by the pass (few) or too many to list (refreshed, then counted again)."""
    from unstuck.store import stall

    monkeypatch.setattr(stall, "STALE_LISTED", listed)
    app._worst(NOW, None, app.diagnosis_context(), 10)
    _touch_some(app, 6)
    assert assert_same(app, NOW + timedelta(days=2)) > 0


def test_refreshing_stale_caches_reports_its_progress(app: Unstuck) -> None:
    with app.store.write() as tx:
        tx.conn.execute(text("UPDATE deals SET static_key = NULL"))
    with app.store.read() as tx:
        stale = len(tx.scan_rows())
    told: list[tuple[int, int]] = []
    app.on_refresh = lambda done, total: told.append((done, total))
    app.stalled(NOW, limit=5)
    assert told and told[-1] == (stale, stale)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    told.clear()
    app.stalled(NOW, limit=5)  # every cache valid now: nothing to refresh
    assert told == []


def test_the_refresh_bar_shows_only_for_many_deals() -> None:
    from unstuck.cli.common import RefreshBar

    bar = RefreshBar()
    bar(10, 20)
    assert bar.progress is None
    bar(1000, RefreshBar.SHOWN_FROM)
    assert bar.progress is not None
    bar(RefreshBar.SHOWN_FROM, RefreshBar.SHOWN_FROM)
    assert bar.progress is None
