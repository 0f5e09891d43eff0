"""The sample pipeline generator: deterministic, well-formed, and every situation present."""

from __future__ import annotations

import json
import random
import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unstuck.config import DEFAULT_STAGES
from unstuck.document import parse_document, to_document
from unstuck.domain import (
    BUYING_ROLES,
    AccountType,
    Deal,
    Direction,
    Pipeline,
    Role,
    Stance,
    Status,
    TouchKind,
)
from unstuck.sample import generate_pipeline, iter_deals, text

NOW = datetime(2026, 11, 20, 10, 30, 15, 500)
TODAY = NOW.date()
LOOP_KINDS = {
    TouchKind.INFO_REQUEST,
    TouchKind.MEETING_REQUEST,
    TouchKind.DISCOUNT,
    TouchKind.SCOPE_ADDED,
}


@pytest.fixture(scope="module", params=[0, 7, 2026])
def pipeline(request: pytest.FixtureRequest) -> Pipeline:
    """The situations must hold for every seed, not just a lucky one."""
    return generate_pipeline(NOW, seed=request.param)


@pytest.fixture(scope="module")
def open_deals(pipeline: Pipeline) -> list[Deal]:
    return [deal for deal in pipeline.deals if deal.is_open]


def check_deal(deal: Deal, now: datetime = NOW) -> None:
    ids = [person.id for person in deal.stakeholders]
    assert len(ids) == len(set(ids)), deal.id
    for touch in deal.touches:
        assert set(touch.with_) <= set(ids), (deal.id, touch)
    for answer in deal.answers:
        assert answer.stakeholder in ids, (deal.id, answer)
    histories = (deal.stage_history, deal.close_date_history, deal.touches, deal.answers)
    for history in (*histories, deal.decisions):
        moments = [item.at for item in history]
        assert moments == sorted(moments), deal.id
        assert all(deal.created <= moment <= now for moment in moments), deal.id
    assert deal.created <= now
    assert deal.value is not None and deal.value >= 0
    assert deal.stage in DEFAULT_STAGES
    assert deal.stage_history[0].at == deal.created
    assert [c.stage for c in deal.stage_history] == DEFAULT_STAGES[: len(deal.stage_history)]
    assert deal.stage_history[-1].stage == deal.stage
    assert deal.close_date_history[-1].expected_close == deal.expected_close
    assert set(deal.fields) == {"region", "source"}
    assert deal.owner is not None and deal.owner.endswith("@example.com")
    for person in deal.stakeholders:
        assert person.email is not None and person.email.endswith(".example")
    if deal.status is Status.LOST:
        assert deal.lost_reason
    if deal.status is Status.NURTURE:
        assert deal.revisit_on is not None and deal.revisit_on > deal.expected_close


def check_all(deals: Iterable[Deal], now: datetime = NOW) -> None:
    ids = set()
    for deal in deals:
        check_deal(deal, now)
        assert deal.id not in ids
        ids.add(deal.id)


def days_ago(moment: datetime) -> float:
    return (NOW - moment).total_seconds() / 86400


def last_inbound(deal: Deal) -> datetime:
    return max(t.at for t in deal.touches if t.direction is Direction.INBOUND)


def pushes(deal: Deal) -> int:
    dates = [c.expected_close for c in deal.close_date_history]
    return sum(1 for before, after in pairwise(dates) if after > before)


def echo_of(deal: Deal) -> str:
    for _label, _value, whys in text.PRODUCTS.values():
        for why, echo in whys:
            if why == deal.why:
                return echo
    raise AssertionError(f"no echo for {deal.id}")


def last_why_mention(deal: Deal) -> datetime | None:
    echo = echo_of(deal)
    moments = [t.at for t in deal.touches if echo in t.summary]
    return max(moments) if moments else None


# -- determinism -------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_pipeline() -> None:
    assert generate_pipeline(NOW, seed=3) == generate_pipeline(NOW, seed=3)


def test_a_different_seed_gives_a_different_pipeline() -> None:
    assert generate_pipeline(NOW, seed=3) != generate_pipeline(NOW, seed=4)


def test_the_generator_leaves_the_global_random_state_alone() -> None:
    state = random.getstate()
    generate_pipeline(NOW, seed=1)
    list(iter_deals(200, NOW, seed=1))
    assert random.getstate() == state


def test_the_pipeline_is_as_of_now_with_the_bant_questions(pipeline: Pipeline) -> None:
    assert pipeline.as_of == NOW
    assert pipeline.qualification is not None
    assert pipeline.qualification.questions == ("budget", "authority", "need", "timeline")


# -- shape and invariants ----------------------------------------------------------------


def test_the_pipeline_has_sixty_open_deals_and_a_closed_history(pipeline: Pipeline) -> None:
    statuses = Counter(deal.status for deal in pipeline.deals)
    assert statuses[Status.OPEN] == 60
    assert statuses[Status.WON] + statuses[Status.LOST] + statuses[Status.NURTURE] == 140


def test_every_deal_in_the_pipeline_is_well_formed(pipeline: Pipeline) -> None:
    check_all(pipeline.deals)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_every_seed_gives_a_well_formed_pipeline(seed: int) -> None:
    check_all(generate_pipeline(NOW, seed=seed, closed_deals=20).deals)


def test_the_pipeline_survives_export_and_import_unchanged(pipeline: Pipeline) -> None:
    utc = ZoneInfo("UTC")
    document = json.dumps(to_document(pipeline.deals, utc, as_of=NOW))
    again = parse_document(document, utc)
    assert sorted(again.deals, key=lambda d: d.id) == sorted(pipeline.deals, key=lambda d: d.id)


def test_the_pipeline_has_four_or_five_sales_reps(open_deals: list[Deal]) -> None:
    assert 4 <= len({deal.owner for deal in open_deals}) <= 5


def test_fewer_open_deals_still_spread_over_the_situations() -> None:
    small = generate_pipeline(NOW, open_deals=12, closed_deals=10)
    opened = [deal for deal in small.deals if deal.is_open]
    assert len(opened) == 12
    assert any(days_ago(last_inbound(deal)) > 21 for deal in opened)
    assert any(p.stance is Stance.RESISTANT for deal in opened for p in deal.stakeholders)


def test_more_open_deals_are_added_as_random_ones() -> None:
    big = generate_pipeline(NOW, open_deals=80, closed_deals=0)
    assert sum(deal.is_open for deal in big.deals) == 80
    check_all(big.deals)


# -- every situation of domain.md is present -----------------------------------------------


def test_some_prospects_have_gone_quiet_while_the_seller_kept_writing(
    open_deals: list[Deal],
) -> None:
    quiet = []
    for deal in open_deals:
        silent_since = last_inbound(deal)
        chasers = [t for t in deal.touches if t.at > silent_since]
        if 21 <= days_ago(silent_since) <= 70 and 2 <= len(chasers) <= 6:
            assert all(t.direction is Direction.OUTBOUND for t in chasers)
            assert len({t.summary for t in chasers}) == len(chasers), "never the same twice"
            quiet.append(deal)
    assert len(quiet) >= 5
    channels = {t.channel for deal in quiet for t in deal.touches if t.at > last_inbound(deal)}
    assert len(channels) >= 3


def test_some_stakeholders_disagree_yet_say_doing_nothing_is_not_an_option(
    open_deals: list[Deal],
) -> None:
    misaligned = []
    for deal in open_deals:
        said: dict[str, set[tuple[str | None, str]]] = {}
        for answer in deal.answers:
            said.setdefault(answer.question, set()).add((answer.stakeholder, answer.answer))
        conflicting = any(
            len({who for who, _ in answers}) > 1 and len({a for _, a in answers}) > 1
            for answers in said.values()
        )
        if conflicting and any("not an option" in t.summary for t in deal.touches):
            misaligned.append(deal)
    assert len(misaligned) >= 3


def test_a_gatekeeper_declined_to_commit_and_elsewhere_a_commitment_was_given(
    open_deals: list[Deal],
) -> None:
    declined = [
        deal
        for deal in open_deals
        for t in deal.touches
        if t.kind is TouchKind.COMMITMENT_DECLINED
        and any(deal.stakeholder(who).has_role(Role.GATEKEEPER) for who in t.with_)  # type: ignore[union-attr]
    ]
    assert len(declined) >= 2
    summaries = [t.summary for deal in declined for t in deal.touches]
    assert any("still thinking" in s for s in summaries)
    given_ = [d for d in open_deals if any(t.kind is TouchKind.COMMITMENT_GIVEN for t in d.touches)]
    assert len(given_) >= 2


SCENARIOS = {
    "purchaser": Role.PURCHASING,
    "end_user": Role.END_USER,
    "problem_owner": Role.PROBLEM_OWNER,
    "decision_maker": Role.DECISION_MAKER,
    "outsider": Role.OUTSIDER,
    "insider": Role.INSIDER,
}


def resisting(deal: Deal, scenario: str) -> bool:
    against = [p for p in deal.stakeholders if p.stance is Stance.RESISTANT]
    if scenario == "faction":
        factions = Counter(p.faction for p in against if p.faction)
        return any(count >= 2 for count in factions.values())
    return any(p.has_role(SCENARIOS[scenario]) for p in against)


@pytest.mark.parametrize("scenario", [*SCENARIOS, "faction"])
def test_each_kind_of_resistance_appears_on_long_term_and_one_off_accounts(
    open_deals: list[Deal], scenario: str
) -> None:
    deals = [deal for deal in open_deals if resisting(deal, scenario)]
    assert {deal.account_type for deal in deals} >= {AccountType.LONG_TERM, AccountType.ONE_OFF}
    for deal in deals:
        assert any(t.at > deal.created and "{name}" not in t.summary for t in deal.touches)


def test_the_outsider_is_a_consultant_from_another_firm(open_deals: list[Deal]) -> None:
    for deal in (d for d in open_deals if resisting(d, "outsider")):
        outsider = next(p for p in deal.stakeholders if p.has_role(Role.OUTSIDER))
        assert outsider.email is not None and outsider.title is not None
        assert deal.account is not None
        assert deal.account.split()[0].lower() not in outsider.email
        assert any(firm in outsider.title for firm in text.CONSULTANCIES)


def test_the_insider_is_outside_the_buying_group(open_deals: list[Deal]) -> None:
    for deal in (d for d in open_deals if resisting(d, "insider")):
        insider = next(p for p in deal.stakeholders if p.has_role(Role.INSIDER))
        assert not insider.has_role(*BUYING_ROLES)


def test_some_deals_loop_on_more_of_everything_without_moving(open_deals: list[Deal]) -> None:
    looping = []
    for deal in open_deals:
        since = max(deal.stage_entered_at(), NOW - timedelta(days=45))
        kinds = [t.kind for t in deal.touches if t.at >= since and t.kind in LOOP_KINDS]
        if len(kinds) >= 3 and len(set(kinds)) >= 2:
            looping.append(deal)
    assert len(looping) >= 3


def test_some_deals_have_no_why_and_some_a_why_nobody_mentions_any_more(
    open_deals: list[Deal],
) -> None:
    assert sum(deal.why is None for deal in open_deals) >= 3
    stale = []
    for deal in open_deals:
        if deal.why is not None:
            mentioned = last_why_mention(deal)
            if mentioned is not None and days_ago(mentioned) > 90:
                stale.append(deal)
    assert len(stale) >= 2


def test_some_deals_have_unanswered_qualification_questions(open_deals: list[Deal]) -> None:
    unanswered = [
        deal
        for deal in open_deals
        if DEFAULT_STAGES.index(deal.stage) >= 2
        and len({a.question for a in deal.answers} & set(text.BANT)) < 4
    ]
    assert len(unanswered) >= 3


def test_some_close_dates_have_passed_after_being_pushed_two_to_four_times(
    open_deals: list[Deal],
) -> None:
    slipping = [
        deal
        for deal in open_deals
        if deal.expected_close is not None
        and deal.expected_close < TODAY
        and 2 <= pushes(deal) <= 4
    ]
    assert len(slipping) >= 3


def test_some_deals_are_single_threaded_and_some_stuck_far_past_the_norm(
    pipeline: Pipeline, open_deals: list[Deal]
) -> None:
    assert sum(len(deal.stakeholders) == 1 for deal in open_deals) >= 3
    won = [deal for deal in pipeline.deals if deal.status is Status.WON]
    spans = [
        (after.at - before.at).days
        for deal in won
        for before, after in zip(deal.stage_history, deal.stage_history[1:], strict=False)
    ]
    norm = statistics.median(spans)
    stuck = [deal for deal in open_deals if days_ago(deal.stage_entered_at()) > 3 * norm]
    assert len(stuck) >= 3


def is_healthy(deal: Deal) -> bool:
    engaged = {who for t in deal.touches if days_ago(t.at) <= 60 for who in t.with_}
    people = [p for p in deal.stakeholders if p.id in engaged]
    mentioned = last_why_mention(deal) if deal.why else None
    return (
        days_ago(last_inbound(deal)) <= 8
        and days_ago(deal.stage_entered_at()) <= 21
        and len(people) >= 3
        and all(any(p.has_role(role) for p in people) for role in BUYING_ROLES[:3])
        and {a.question for a in deal.answers} >= set(text.BANT)
        and mentioned is not None
        and days_ago(mentioned) <= 30
        and deal.expected_close is not None
        and deal.expected_close > TODAY
        and pushes(deal) <= 1
        and all(p.stance is not Stance.RESISTANT for p in deal.stakeholders)
    )


def test_about_a_third_of_the_open_deals_are_healthy_and_moving(open_deals: list[Deal]) -> None:
    assert 17 <= sum(is_healthy(deal) for deal in open_deals) <= 24


def test_the_closed_history_wins_about_a_third_with_two_to_five_weeks_per_stage(
    pipeline: Pipeline,
) -> None:
    closed = [deal for deal in pipeline.deals if not deal.is_open]
    won = [deal for deal in closed if deal.status is Status.WON]
    assert 0.30 <= len(won) / len(closed) <= 0.40
    lost = sum(deal.status is Status.LOST for deal in closed)
    assert 0.30 <= len(won) / (len(won) + lost) <= 0.45
    for deal in won:
        assert [c.stage for c in deal.stage_history] == DEFAULT_STAGES
        for before, after in zip(deal.stage_history, deal.stage_history[1:], strict=False):
            assert 13 <= (after.at - before.at).days <= 36
    nurtured = [deal for deal in closed if deal.status is Status.NURTURE]
    assert nurtured and all(deal.decisions for deal in nurtured)


# -- the stream --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def streamed() -> list[Deal]:
    return list(iter_deals(3000, NOW, seed=11))


def test_streamed_deals_are_well_formed(streamed: list[Deal]) -> None:
    check_all(streamed)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=-(2**40), max_value=2**40), touches=st.floats(0.0, 60.0))
def test_streamed_deals_are_well_formed_for_any_seed(seed: int, touches: float) -> None:
    check_all(iter_deals(60, NOW, seed=seed, touches_per_deal=touches))


def test_streamed_ids_are_stable_for_a_seed_and_unique() -> None:
    first = [deal.id for deal in iter_deals(500, NOW, seed=5)]
    assert first == [deal.id for deal in iter_deals(500, NOW, seed=5)]
    assert len(set(first)) == 500
    assert first[:100] == [deal.id for deal in iter_deals(100, NOW, seed=5)]
    assert not set(first) & {deal.id for deal in iter_deals(500, NOW, seed=6)}


def test_the_stream_is_lazy() -> None:
    deals = iter_deals(10**9, NOW)
    assert len(list(islice(deals, 3))) == 3


def test_streamed_deals_look_like_a_real_pipeline(streamed: list[Deal]) -> None:
    statuses = Counter(deal.status for deal in streamed)
    assert 0.65 <= statuses[Status.OPEN] / len(streamed) <= 0.75
    assert all(statuses[status] for status in Status)
    assert 17 <= statistics.mean(len(deal.touches) for deal in streamed) <= 23
    assert {len(deal.stakeholders) for deal in streamed} == {1, 2, 3, 4, 5, 6}
    opened = [deal for deal in streamed if deal.is_open]
    assert {deal.stage for deal in opened} == set(DEFAULT_STAGES)
    silences = [days_ago(last_inbound(deal)) for deal in opened]
    assert 0.35 <= sum(s < 14 for s in silences) / len(silences) <= 0.65
    assert any(s > 60 for s in silences)
    assert any(p.stance is Stance.RESISTANT for deal in streamed for p in deal.stakeholders)


def test_streamed_deals_are_spread_over_about_one_owner_per_500_deals() -> None:
    owners = Counter(deal.owner for deal in iter_deals(5000, NOW, seed=2))
    assert 8 <= len(owners) <= 10
    assert len(Counter(d.owner for d in iter_deals(300, NOW, owners=3))) == 3


def test_touches_per_deal_follow_the_requested_mean() -> None:
    deals = list(iter_deals(1000, NOW, seed=3, touches_per_deal=6.0))
    assert 5 <= statistics.mean(len(deal.touches) for deal in deals) <= 7.5
