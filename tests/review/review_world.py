"""The review's test world: the sample pipeline as of 2026-11-20 noon, and a helper that
builds a review from deals in memory the way the CLI does from the database."""

from __future__ import annotations

from datetime import datetime

from unstuck.config import default_config
from unstuck.diagnosis import build_context
from unstuck.domain import Deal
from unstuck.review import Review, build_review, learn_win_rates
from unstuck.review.records import FocusPick

NOW = datetime(2026, 11, 20, 12, 0)


def review_of(
    deals: list[Deal],
    history: list[Deal],
    now: datetime = NOW,
    previous: tuple[FocusPick, ...] = (),
    current: tuple[FocusPick, ...] = (),
) -> Review:
    config = default_config()
    chances = learn_win_rates(history, config.list_("pipeline.stages"), now)
    return build_review(
        deals,
        history,
        now,
        build_context(config, history),
        chances,
        previous,
        current_picks=current,
        notes=[chances.note] if chances.note else [],
        chance_description=chances.to_dict(),
    )
