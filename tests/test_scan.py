"""The stall scan agrees with the full diagnosis, deal by deal, whatever the cache holds."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from unstuck import scan as scan_module
from unstuck.config import default_config
from unstuck.diagnosis import diagnose
from unstuck.domain import Channel, Direction, Pipeline, Status, Touch
from unstuck.sample import generate_pipeline
from unstuck.service import Unstuck
from unstuck.store import Store

NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture
def app(db_url: str) -> Unstuck:
    service = Unstuck(default_config(), Store.open(db_url))
    service.import_pipeline(generate_pipeline(NOW, seed=3), NOW, dry_run=False)
    yield service
    service.store.close()


def full_verdicts(app: Unstuck, now: datetime) -> dict[str, tuple[bool, float]]:
    context = app.diagnosis_context()
    with app.store.read() as tx:
        deals = tx.deals(status=Status.OPEN)
    return {
        d.id: ((g := diagnose(d, now, context, plays=False)).stalled, g.severity) for d in deals
    }


def scan_verdicts(app: Unstuck, now: datetime) -> dict[str, tuple[bool, float]]:
    found = app.scan_verdicts(now, None, app.diagnosis_context())
    return {v.id: (v.stalled, v.severity) for v in found}


def cached_count(app: Unstuck) -> int:
    with app.store.read() as tx:
        return sum(1 for row in tx.scan_rows() if row.static_key is not None)


def test_a_cold_and_a_warm_scan_both_equal_the_full_diagnosis(app: Unstuck) -> None:
    expected = full_verdicts(app, NOW)
    with app.store.write() as tx:
        tx.conn.execute(text("UPDATE deals SET static_key = NULL"))
    assert cached_count(app) == 0
    assert scan_verdicts(app, NOW) == expected
    assert cached_count(app) == len(expected)
    assert scan_verdicts(app, NOW) == expected  # now from the cache and the summaries


def test_the_clock_moves_the_verdicts_and_only_expired_caches_are_recomputed(
    app: Unstuck,
) -> None:
    scan_verdicts(app, NOW)
    later = NOW + timedelta(hours=20)
    with app.store.read() as tx:
        before = {row.id: (row.static_at, row.static_until) for row in tx.scan_rows()}
    assert scan_verdicts(app, later) == full_verdicts(app, later)
    with app.store.read() as tx:
        after = {row.id: row.static_at for row in tx.scan_rows()}
    recomputed = {deal for deal, at in after.items() if at != before[deal][0]}
    assert recomputed == {deal for deal, (_, until) in before.items() if until <= later}
    assert len(recomputed) < len(before) / 2


def test_a_write_clears_the_cache_of_that_deal_only(app: Unstuck) -> None:
    scan_verdicts(app, NOW)
    reply = Touch(NOW - timedelta(hours=1), Direction.INBOUND, Channel.CALL, summary="Still keen.")
    with app.store.write() as tx:
        tx.log_touch("foxglove-portal", reply)
        stale = [row.id for row in tx.scan_rows() if row.static_key is None]
    assert stale == ["foxglove-portal"]
    assert scan_verdicts(app, NOW) == full_verdicts(app, NOW)


def test_a_replay_in_the_past_uses_the_full_diagnosis(app: Unstuck) -> None:
    scan_verdicts(app, NOW)
    earlier = NOW - timedelta(days=40)
    assert scan_verdicts(app, earlier) == full_verdicts(app, earlier)


def test_changed_rules_invalidate_the_cache(app: Unstuck) -> None:
    scan_verdicts(app, NOW)
    stricter = Unstuck(app.config.with_values(thresholds__stalled_severity=0.3), app.store)
    assert scan_verdicts(stricter, NOW) == full_verdicts(stricter, NOW)
    assert scan_verdicts(app, NOW) == full_verdicts(app, NOW)


def test_stalled_shows_the_worst_with_full_diagnoses_and_counts_all(app: Unstuck) -> None:
    report = app.stalled(NOW, limit=5)
    expected = full_verdicts(app, NOW)
    stuck = sorted(
        (k for k, (stalled, _) in expected.items() if stalled),
        key=lambda k: -expected[k][1],
    )
    assert report.stalled == len(stuck)
    assert report.checked == len(expected)
    assert [d.id for d, _ in report.shown] == [d for d in stuck[:5]] or len(report.shown) == 5
    assert all(g.stalled and g.plays for _, g in report.shown)


def test_an_import_fills_the_cache_so_the_first_scan_reads_summaries_only(db_url: str) -> None:
    service = Unstuck(default_config(), Store.open(db_url))
    try:
        service.import_pipeline(generate_pipeline(NOW, seed=4), NOW, dry_run=False)
        with service.store.read() as tx:
            rows = tx.scan_rows()
        key = scan_module.context_key(service.diagnosis_context())
        later = NOW + timedelta(minutes=5)
        assert all(not scan_module.needs_diagnosis(row, key, later) for row in rows)
        assert scan_verdicts(service, later) == full_verdicts(service, later)
    finally:
        service.store.close()


def test_walking_the_clock_forward_the_cache_always_agrees_with_the_full_diagnosis(
    app: Unstuck,
) -> None:
    # Caches are kept until the first event that counts leaves a window; every few days
    # over half a year, the scan (carrying its cache forward) equals a full diagnosis.
    kept = 0
    for step in range(0, 200, 7):
        moment = NOW + timedelta(days=step, hours=step % 24)
        with app.store.read() as tx:
            before = {row.id: row.static_at for row in tx.scan_rows()}
        assert scan_verdicts(app, moment) == full_verdicts(app, moment), moment
        with app.store.read() as tx:
            kept += sum(1 for row in tx.scan_rows() if row.static_at == before[row.id])
    assert kept > 0  # the walk did use caches made at earlier moments


def test_a_note_leaving_its_window_ends_the_cache(db_url: str) -> None:
    # The only thing that changes late in this deal's life is an old objection dropping
    # out of the notes window: the cache must end with it, not last forever.
    from tests.builders import globex

    base = globex()
    said = NOW - timedelta(days=20)
    note = "Honestly there is a spending freeze until next year, so this has to wait."
    person = base.stakeholders[0].id
    deal = replace(
        base,
        created=NOW - timedelta(days=30),
        touches=(Touch(said, Direction.INBOUND, Channel.EMAIL, (person,), None, note),),
        answers=(),
    )
    service = Unstuck(default_config(), Store.open(db_url))
    try:
        service.import_pipeline(Pipeline((deal,)), NOW, dry_run=False)
        window = service.config.float_("thresholds.notes_window_days")
        for moment in (NOW, NOW + timedelta(days=70), said + timedelta(days=window + 5)):
            assert scan_verdicts(service, moment) == full_verdicts(service, moment), moment
        with service.store.read() as tx:
            (row,) = tx.scan_rows()
        assert row.static_at == said + timedelta(days=window + 5)  # recomputed at the end
    finally:
        service.store.close()
