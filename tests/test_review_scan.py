"""The review built from the stall scan equals the review built from full diagnoses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from unstuck.cli.review import load_review
from unstuck.config import default_config
from unstuck.diagnosis import build_context
from unstuck.domain import Channel, Deal, Direction, Status, Touch
from unstuck.review import ReviewSettings, build_review, learn_win_rates
from unstuck.sample import generate_pipeline
from unstuck.service import Unstuck
from unstuck.store import Store, reviews

NOW = datetime(2026, 11, 20, 12, 0)


@pytest.fixture
def app(db_url: str) -> Iterator[Unstuck]:
    service = Unstuck(default_config(), Store.open(db_url))
    service.import_pipeline(generate_pipeline(NOW, seed=5), NOW, dry_run=False)
    yield service
    service.store.close()


def full_review(app: Unstuck, now: datetime, owner: str | None = None) -> dict[str, object]:
    cfg = app.config
    with app.store.read() as tx:
        deals = tx.deals(status=Status.OPEN, owner=owner)
        history = reviews.closed_history(tx)
    context = build_context(cfg, [d for d in history if d.status is not Status.NURTURE])
    chances = learn_win_rates(
        history,
        app.stage_order(),
        now,
        prior_rate=cfg.float_("review.prior_win_rate"),
        prior_weight=cfg.float_("review.prior_weight"),
        min_closed=cfg.int_("review.min_closed_per_stage"),
    )
    review = build_review(
        deals,
        history,
        now,
        context,
        chances,
        settings=ReviewSettings.from_config(cfg),
        owner=owner,
        notes=[chances.note] if chances.note else [],
        chance_description=chances.to_dict(),
    )
    return review.to_dict()


@pytest.mark.parametrize("hours", [0, 30])
def test_the_scan_review_equals_the_full_review(app: Unstuck, hours: int) -> None:
    now = NOW + timedelta(hours=hours)
    assert load_review(app, now).to_dict() == full_review(app, now)


def test_the_scan_review_follows_a_new_reply_and_a_replay(app: Unstuck) -> None:
    reply = Touch(NOW - timedelta(hours=2), Direction.INBOUND, Channel.EMAIL, summary="Yes, go.")
    with app.store.write() as tx:
        tx.log_touch("vantage-field", reply)
    assert load_review(app, NOW).to_dict() == full_review(app, NOW)
    earlier = NOW - timedelta(days=20)
    assert load_review(app, earlier).to_dict() == full_review(app, earlier)


def test_kept_figures_spare_the_closed_history_and_follow_its_changes(
    app: Unstuck, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_review(app, NOW)  # learns the closed figures and the norms, and keeps them
    read: list[bool] = []
    real_history = Unstuck.history

    def counted(self: Unstuck, full: bool = False) -> list[Deal]:
        read.append(full)
        return real_history(self, full)

    monkeypatch.setattr(Unstuck, "history", counted)
    later = NOW + timedelta(days=2)
    assert load_review(app, later).to_dict() == full_review(app, later)
    assert read == []  # nothing read the closed deals again
    with app.store.read() as tx:
        some = [r.id for r in tx.deal_rows(status=Status.OPEN)][:5]
    for deal_id in some:  # closing deals moves the closed history's version
        app.close_deal(deal_id, Status.WON, NOW + timedelta(days=1))
    assert load_review(app, later).to_dict() == full_review(app, later)
    assert read  # the figures were learned again


def test_one_owners_review_equals_the_full_review_of_their_deals(app: Unstuck) -> None:
    with app.store.read() as tx:
        owners = tx.owners()
    later = NOW + timedelta(days=3)  # deals closed in the sample's last days are "changes"
    for owner in owners[:3]:
        assert load_review(app, later, owner).to_dict() == full_review(app, later, owner)
