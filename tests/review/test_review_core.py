"""The pure review on the sample pipeline and on small hand-made worlds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from review_world import NOW, review_of

from unstuck.domain import (
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    StageChange,
    Stakeholder,
    Touch,
)
from unstuck.review import FocusPick, FocusResult, PickedBy, Review, week_start
from unstuck.review.focus import LET_GO_CASE, NOBODY_ENGAGED

Sample = tuple[list[Deal], list[Deal]]


def test_the_focus_picks_the_big_live_stalls_worth_a_decision(sample_review: Review) -> None:
    """summit-migration (165k, negotiation, close date passed, decision maker resisting)
    and ironbark-migration (137k, stakeholders disagree): the two biggest stuck deals,
    late enough to be likely, and with people still talking, so a push this week can get
    a real yes or no."""
    focus = sample_review.focus
    assert [item.deal for item in focus.items] == ["summit-migration", "ironbark-migration"]
    assert focus.source == "proposed"
    for item in focus.items:
        assert item.recoverability.engaged >= 3
        assert not item.recoverability.let_go
        assert item.score == pytest.approx(item.value * item.chance.p * item.recoverability.value)
        assert item.play is not None and item.play.draft
        assert "Still talking" in item.reason and "stuck deals" in item.reason
    assert [item.rank for item in focus.items] == [1, 2]


def test_no_focus_pick_is_healthy_or_a_let_go_case(sample_review: Review) -> None:
    let_go = {case.deal for case in sample_review.let_go.cases}
    healthy = {line.deal for line in sample_review.ledger if line.band == "moving"}
    picked = {item.deal for item in sample_review.focus.items}
    assert not picked & (let_go | healthy)


def test_let_go_proposes_the_long_dead_small_deals_with_their_numbers(
    sample_review: Review,
) -> None:
    lg = sample_review.let_go
    deals = [case.deal for case in lg.cases]
    # 122 days in qualified with one contact; silent for weeks; 94 days in discovery alone.
    assert {"copperfield-support", "nimbus-support", "ironbark-portal"} <= set(deals)
    assert deals[0] == "copperfield-support"
    for case in lg.cases:
        e = case.economics
        assert e.expected_value == pytest.approx(e.value * e.chance)
        assert e.remaining_days == pytest.approx(e.to_close_days * e.behind)
        assert e.ev_per_week == pytest.approx(e.expected_value / (e.remaining_days / 7))
        assert case.ratio == pytest.approx(e.ev_per_week / lg.median_ev_per_week)
        assert case.ratio < lg.ratio
    assert lg.to_close["qualified"][1] == "median of 46 won deals"


def test_what_is_real_lists_the_open_questions_of_every_other_deal(
    sample_review: Review,
) -> None:
    real = sample_review.real
    gaps = {gap.deal: [q.id for q in gap.open] for gap in real.gaps}
    assert gaps["marlow-fleet"] == ["authority", "timeline"]
    assert gaps["ironbark-portal"] == ["need", "budget", "authority", "timeline"]
    assert real.framework == "bant"
    assert real.qualified + len(real.gaps) == sample_review.glance.open_deals - 2


def test_at_a_glance_adds_up_and_colours_by_stuckness(sample_review: Review) -> None:
    g = sample_review.glance
    assert g.open_deals == 60 == sum(bar.total_deals for bar in g.stages)
    assert g.open_value == pytest.approx(sum(bar.total_value for bar in g.stages))
    assert g.stuck == sum(bar.deals["stuck"] + bar.deals["badly_stuck"] for bar in g.stages)
    assert [bar.stage for bar in g.stages] == [
        "lead", "qualified", "discovery", "proposal", "negotiation",
    ]  # fmt: skip
    assert g.expected_value == pytest.approx(sum(ln.expected_value for ln in sample_review.ledger))


def test_what_changed_comes_from_the_deals_own_history(sample_review: Review) -> None:
    kinds = {(c.kind, c.deal) for c in sample_review.glance.changes}
    assert ("slipped", "seaview-quality") in kinds  # close date 2026-11-15 passed
    assert ("moved_forward", "tidewater-wms") in kinds
    assert any(kind == "closed" for kind, _ in kinds)
    since = NOW - timedelta(days=7)
    assert all(since < c.at <= NOW for c in sample_review.glance.changes)


def deal(**changes: object) -> Deal:
    base = Deal(
        "d1",
        "Deal one",
        "proposal",
        NOW - timedelta(days=90),
        owner="sam@example.com",
        value=10000.0,
        stage_history=(StageChange("proposal", NOW - timedelta(days=90)),),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_went_quiet_and_slipped_this_week_are_reported() -> None:
    person = Stakeholder("ann", "Ann Lee")
    reply = NOW - timedelta(days=17)
    quiet = deal(
        id="quiet",
        stakeholders=(person,),
        touches=(
            Touch(reply, Direction.INBOUND, Channel.EMAIL, ("ann",)),
            Touch(NOW - timedelta(days=10), Direction.OUTBOUND, Channel.EMAIL, ("ann",)),
            Touch(NOW - timedelta(days=5), Direction.OUTBOUND, Channel.CALL, ("ann",)),
        ),
        close_date_history=(
            CloseDateChange(date(2026, 11, 30), NOW - timedelta(days=60)),
            CloseDateChange(date(2026, 12, 31), NOW - timedelta(days=2)),
        ),
        expected_close=date(2026, 12, 31),
    )
    kinds = {c.kind for c in review_of([quiet], []).glance.changes}
    assert {"went_quiet", "slipped"} <= kinds


def test_an_empty_pipeline_gives_an_empty_review_not_an_error() -> None:
    review = review_of([], [])
    assert review.empty
    assert review.focus.items == () and review.let_go.cases == () and review.real.gaps == ()
    assert "no closed history: using the prior" in review.notes
    assert review.to_dict()["at_a_glance"]["open_deals"] == 0


def test_recoverability_halves_without_anyone_engaged_and_quarters_for_a_let_go_case(
    sample_review: Review, sample_deals: Sample
) -> None:
    from unstuck.config import default_config
    from unstuck.diagnosis import build_context, diagnose
    from unstuck.review.focus import recoverability

    open_deals, history = sample_deals
    context = build_context(default_config(), history)
    d = next(x for x in open_deals if x.id == "summit-migration")
    diagnosis = diagnose(d, NOW, context, plays=False)
    base = recoverability(diagnosis, let_go=False)
    s = diagnosis.signals
    overrun = max(0.0, s.days_in_stage / s.stage_norm_days - 1)
    assert base.value == pytest.approx((1 - diagnosis.severity / 2) / (1 + overrun / 2))
    assert recoverability(diagnosis, let_go=True).value == pytest.approx(base.value * LET_GO_CASE)
    lonely = replace(diagnosis, signals=replace(s, engaged=()))
    assert recoverability(lonely, False).value == pytest.approx(base.value * NOBODY_ENGAGED)


def pick(deal_id: str, week: date, by: PickedBy = PickedBy.USER) -> FocusPick:
    return FocusPick(week, "", deal_id, by, "Your pick.", NOW - timedelta(days=7))


def test_this_weeks_recorded_picks_are_kept_as_the_focus(sample_deals: Sample) -> None:
    current = (pick("acme-portal", week_start(NOW)),)
    review = review_of(*sample_deals, current=current)
    assert [item.deal for item in review.focus.items] == ["acme-portal"]
    assert review.focus.source == "recorded"
    assert review.focus.items[0].picked_by == "user"


@pytest.mark.parametrize(
    ("deal_id", "status", "suggested"),
    [
        ("tidewater-wms", "open", FocusResult.MOVED),  # moved to proposal this week
        ("kestrel-wms", "open", FocusResult.NOTHING),
        ("lumen-metals-wms-046", "lost", FocusResult.NO),
    ],
)
def test_last_weeks_picks_get_a_suggested_outcome_from_what_the_deal_did(
    sample_deals: Sample, deal_id: str, status: str, suggested: FocusResult
) -> None:
    previous = (pick(deal_id, week_start(NOW) - timedelta(days=7)),)
    review = review_of(*sample_deals, previous=previous)
    (assessed,) = review.focus.previous
    assert (assessed.status, assessed.suggested) == (status, suggested)


def test_the_json_traces_every_focus_number_to_its_inputs(sample_review: Review) -> None:
    data = sample_review.to_dict()
    first = data["focus"]["picks"][0]
    assert first["formula"] == "value x chance x recoverability"
    assert set(first["chance"]) == {"p", "low", "high", "source", "inputs"}
    assert set(first["recoverability"]["factors"]) == {"severity", "overrun", "engaged", "let_go"}
    assert len(data["deals"]) == 60
    assert data["chance_model"]["model"] == "stage_win_rates"
    assert data["chance_model"]["overall"]["closed"] > 0
    assert datetime.fromisoformat(data["as_of"]) == NOW
