"""Win chances from the user's own closed deals, with a Beta prior (unstuck.review.chance)."""

from __future__ import annotations

from datetime import datetime

import pytest

from unstuck.domain import Deal, StageChange, Status
from unstuck.review import NO_HISTORY, ChanceModel, learn_win_rates
from unstuck.review.chance import beta_cdf, beta_ppf, reached_stages

NOW = datetime(2026, 11, 20, 12, 0)
ORDER = ["lead", "qualified", "discovery", "proposal", "negotiation"]


def closed(n: int, status: Status, stages: list[str], closed_at: datetime = NOW) -> Deal:
    history = tuple(StageChange(s, datetime(2026, 1, 1 + i)) for i, s in enumerate(stages))
    return Deal(
        f"{status}-{n}-{stages[-1]}",
        "x",
        stages[-1],
        datetime(2026, 1, 1),
        status=status,
        stage_history=history,
        closed_at=closed_at,
    )


def open_deal(stage: str) -> Deal:
    return Deal("open-1", "Open", stage, datetime(2026, 10, 1))


def test_with_no_closed_history_the_chance_is_the_prior_and_says_so() -> None:
    rates = learn_win_rates([], ORDER, NOW)
    chance = rates.chance(open_deal("proposal"), NOW)
    assert chance.p == pytest.approx(0.25)
    assert chance.source == "prior"
    assert rates.note == NO_HISTORY == "no closed history: using the prior"
    assert chance.inputs["why"] == NO_HISTORY
    assert chance.low < 0.25 < chance.high


def test_a_stage_with_enough_history_gets_its_own_rate_shrunk_towards_the_overall_one() -> None:
    # 6 won (all the way) and 6 lost at lead: 12 closed, 12 reached lead, 6 reached proposal.
    won = [closed(n, Status.WON, ORDER) for n in range(6)]
    lost = [closed(n, Status.LOST, ["lead"]) for n in range(6)]
    rates = learn_win_rates(won + lost, ORDER, NOW, prior_rate=0.25, prior_weight=4)
    overall = (6 + 1) / (12 + 4)  # Beta(1, 3) prior
    assert rates.overall.mean == pytest.approx(overall)
    chance = rates.chance(open_deal("proposal"), NOW)
    assert chance.source == "stage win rate"
    assert chance.p == pytest.approx((6 + 4 * overall) / (6 + 4))
    assert chance.inputs["won"] == 6 and chance.inputs["closed"] == 6
    assert rates.chance(open_deal("lead"), NOW).p == pytest.approx((6 + 4 * overall) / (12 + 4))


def test_a_stage_with_too_little_history_uses_the_overall_rate() -> None:
    history = [closed(n, Status.WON, ORDER[:2]) for n in range(3)]
    history += [closed(n, Status.LOST, ["lead"]) for n in range(5)]
    rates = learn_win_rates(history, ORDER, NOW, min_closed=5)
    chance = rates.chance(open_deal("qualified"), NOW)  # only 3 reached qualified
    assert chance.source == "overall win rate"
    assert chance.p == pytest.approx(rates.overall.mean)
    assert "fewer than 5" in chance.inputs["why"]


def test_parked_deals_and_deals_closed_after_now_do_not_count() -> None:
    history = [
        closed(1, Status.NURTURE, ["lead"]),
        closed(2, Status.WON, ORDER, closed_at=datetime(2026, 12, 1)),
    ]
    assert not learn_win_rates(history, ORDER, NOW).has_history


def test_a_skipped_stage_counts_as_reached() -> None:
    deal = closed(1, Status.WON, ["lead", "proposal"])
    assert reached_stages(deal, ORDER) == {"lead", "qualified", "discovery", "proposal"}


def test_the_fallback_is_a_chance_model() -> None:
    assert isinstance(learn_win_rates([], ORDER, NOW), ChanceModel)


@pytest.mark.parametrize(
    ("q", "a", "b", "expected"),
    [
        (0.1, 1, 1, 0.1),  # uniform
        (0.9, 1, 1, 0.9),
        (0.5, 3, 3, 0.5),  # symmetric
        (0.1, 1, 3, 1 - 0.9 ** (1 / 3)),  # Beta(1, b): 1 - (1 - q) ** (1 / b)
        (0.9, 2, 1, 0.9**0.5),  # Beta(a, 1): q ** (1 / a)
    ],
)
def test_beta_quantiles_match_closed_forms(q: float, a: float, b: float, expected: float) -> None:
    assert beta_ppf(q, a, b) == pytest.approx(expected, abs=1e-6)
    assert beta_cdf(expected, a, b) == pytest.approx(q, abs=1e-6)
