"""Each finding kind, on a small Acme deal that differs from a healthy one in one way."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from world import (
    CONTEXT,
    NOW,
    WHY,
    add_touches,
    ago,
    answer,
    healthy,
    inbound,
    outbound,
    quiet,
    with_person,
)

from unstuck.diagnosis import Diagnosis, diagnose
from unstuck.domain import (
    Channel,
    CloseDateChange,
    Deal,
    FindingKind,
    Role,
    StageChange,
    Status,
    TouchKind,
)


def run(deal: Deal) -> Diagnosis:
    return diagnose(deal, NOW, CONTEXT)


def kinds(deal: Deal) -> list[FindingKind]:
    return [f.kind for f in run(deal).findings]


def finding(deal: Deal, kind: FindingKind):  # type: ignore[no-untyped-def]
    return next(f for f in run(deal).findings if f.kind is kind)


def test_a_healthy_moving_deal_has_no_findings_and_is_not_stalled() -> None:
    result = run(healthy())
    assert result.findings == ()
    assert result.plays == ()
    assert not result.stalled
    assert result.severity == 0.0
    assert result.main_reason == "Moving normally."


@pytest.mark.parametrize("status", [Status.WON, Status.LOST, Status.NURTURE])
def test_closed_deals_are_never_stalled_however_quiet(status: Status) -> None:
    result = run(quiet(days=200, status=status))
    assert not result.stalled
    assert result.findings == () and result.plays == ()
    assert result.main_reason == f"Closed ({status})."


def test_silence_with_messages_unanswered_is_gone_quiet_with_checkable_evidence() -> None:
    found = finding(quiet(days=61, sent=3), FindingKind.GONE_QUIET)
    assert found.evidence[0] == (
        "No reply from Acme Corp since 2026-09-20 (61 days); 3 messages sent since."
    )
    assert 0.75 < found.severity < 0.9
    assert run(quiet(days=61)).stalled


def test_one_unanswered_message_is_not_yet_gone_quiet() -> None:
    assert FindingKind.GONE_QUIET not in kinds(quiet(days=30, sent=1))


def test_gone_quiet_severity_grows_with_the_silence() -> None:
    severities = [finding(quiet(days=d), FindingKind.GONE_QUIET).severity for d in (20, 40, 90)]
    assert severities == sorted(severities)
    assert severities[0] < severities[-1] < 1


def test_a_deal_far_longer_in_its_stage_than_won_deals_is_stage_stuck() -> None:
    deal = healthy(
        stage_history=(StageChange("qualified", ago(120)), StageChange("proposal", ago(80)))
    )
    found = finding(deal, FindingKind.STAGE_STUCK)
    assert found.evidence[0].startswith("In proposal since 2026-09-01 (80 days); won deals")
    assert "about 30 days" in found.evidence[0]
    assert run(deal).stalled


def test_stage_stuck_severity_grows_with_the_excess() -> None:
    def severity(days: int) -> float:
        deal = healthy(stage_history=(StageChange("proposal", ago(days)),))
        return finding(deal, FindingKind.STAGE_STUCK).severity

    assert severity(50) < severity(80) < severity(200) < 1


def test_a_passed_close_date_is_overdue() -> None:
    deal = healthy(expected_close=(NOW - timedelta(days=20)).date())
    found = finding(deal, FindingKind.OVERDUE)
    assert found.evidence[0] == "Expected to close on 2026-10-31; that was 20 days ago."


def test_a_close_date_pushed_too_often_is_overdue() -> None:
    dates = [(NOW + timedelta(days=d)).date() for d in (-60, -30, 0)]
    history = tuple(CloseDateChange(d, ago(90 - i * 30)) for i, d in enumerate(dates))
    deal = healthy(close_date_history=history, expected_close=(NOW + timedelta(days=30)).date())
    found = finding(deal, FindingKind.OVERDUE)
    assert "pushed later 3 times" in found.evidence[0]
    assert found.summary == "Close date pushed 3 times."


def test_requests_and_concessions_without_progress_are_a_decision_loop() -> None:
    deal = add_touches(
        healthy(),
        inbound(9, "joe", kind=TouchKind.INFO_REQUEST, summary="Wants more details."),
        outbound(7, "joe", kind=TouchKind.DISCOUNT, summary="Offered 10% off."),
        inbound(4, "joe", channel=Channel.CALL, summary="They asked for another case study."),
    )
    found = finding(deal, FindingKind.DECISION_LOOP)
    assert found.evidence[0].startswith("3 requests and concessions since proposal began")
    assert any('("case study")' in line or "case study" in line for line in found.evidence)
    assert run(deal).stalled


def test_requests_before_the_stage_began_do_not_count_towards_the_loop() -> None:
    deal = add_touches(
        healthy(),
        *(inbound(15 + i, "joe", kind=TouchKind.INFO_REQUEST) for i in range(3)),
    )
    assert FindingKind.DECISION_LOOP not in kinds(deal)


def test_different_answers_from_different_people_are_misaligned_stakeholders() -> None:
    deal = healthy(answers=(*healthy().answers, answer("budget", "joe", "no budget", 20)))
    found = finding(deal, FindingKind.MISALIGNED_STAKEHOLDERS)
    assert found.evidence[0] == (
        'Answers to budget differ: Mia Lee (COO) said "approved for Q4" on 2026-10-11; '
        'Joe Park (IT Manager) said "no budget" on 2026-10-31.'
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [("approved", "Approved."), ("approved", "approved for Q4"), ("yes", "Yes!")],
)
def test_answers_that_say_the_same_thing_do_not_conflict(first: str, second: str) -> None:
    deal = healthy(answers=(answer("budget", "mia", first), answer("budget", "joe", second)))
    assert FindingKind.MISALIGNED_STAKEHOLDERS not in kinds(deal)


def test_only_the_latest_answer_of_each_person_counts() -> None:
    deal = healthy(
        answers=(
            *healthy().answers,
            answer("budget", "joe", "no budget", 30),
            answer("budget", "joe", "approved", 10),
        )
    )
    assert FindingKind.MISALIGNED_STAKEHOLDERS not in kinds(deal)


def only_joe(*extra: object) -> Deal:
    """Joe is the only one who talks to us (and who answered the questions)."""
    touches = (inbound(3, "joe", channel=Channel.CALL, summary="Talked about paper logs."),)
    answers = tuple(replace(a, stakeholder="joe") for a in healthy().answers)
    return healthy(touches=touches + tuple(extra), answers=answers)  # type: ignore[arg-type]


def test_one_engaged_person_is_single_threaded_naming_them_and_the_missing_roles() -> None:
    found = finding(only_joe(), FindingKind.SINGLE_THREADED)
    assert found.evidence == (
        "Only Joe Park (IT Manager) has taken part in the last 60 days.",
        "No one engaged covers selection, approval and purchasing.",
    )
    assert found.severity < 0.5  # a gap in the record, not a stall by itself


def test_one_contact_in_an_early_stage_is_normal() -> None:
    early = replace(
        only_joe(), stage="qualified", stage_history=(StageChange("qualified", ago(5)),)
    )
    assert FindingKind.SINGLE_THREADED not in kinds(early)


def test_a_gatekeeper_who_is_still_thinking_means_no_authority() -> None:
    deal = with_person(
        only_joe(inbound(2, "joe", channel=Channel.CALL, summary="Joe: still thinking about it.")),
        "joe",
        roles=(Role.EVALUATION, Role.GATEKEEPER),
    )
    found = finding(deal, FindingKind.NO_AUTHORITY)
    assert "Joe Park (IT Manager) is a gatekeeper." in found.evidence
    assert 'Joe Park (IT Manager) said on 2026-11-18: "still thinking".' in found.evidence
    assert run(deal).stalled


def test_talking_to_the_decision_maker_is_never_no_authority() -> None:
    deal = add_touches(only_joe(), inbound(1, "mia", summary="Mia: not my call, ask the board."))
    assert FindingKind.NO_AUTHORITY not in kinds(deal)


def test_unanswered_questions_for_the_stage_make_a_deal_unqualified() -> None:
    found = finding(
        healthy(answers=(answer("need", "joe", "paper logs"),)), FindingKind.UNQUALIFIED
    )
    assert found.summary == "Open questions for proposal: budget, authority and timeline."
    assert found.evidence[0].startswith('Not answered yet: budget ("Is there money')


def test_a_lead_owes_no_answers_yet() -> None:
    deal = healthy(stage="lead", stage_history=(StageChange("lead", ago(5)),), answers=())
    assert FindingKind.UNQUALIFIED not in kinds(deal)


def test_a_missing_why_is_a_lost_why_that_does_not_stall_a_moving_deal() -> None:
    result = run(healthy(why=None))
    assert [f.kind for f in result.findings] == [FindingKind.LOST_WHY]
    assert result.findings[0].evidence[0].startswith("No why is recorded")
    assert not result.stalled


def test_a_why_nobody_mentions_any_more_is_lost() -> None:
    touches = (
        inbound(80, "joe", summary="Drivers hate the paper logs."),
        *(inbound(d, p, channel=Channel.CALL, summary="Talked pricing.")
          for d, p in ((3, "joe"), (4, "mia"), (5, "sam"), (6, "lee"))),
    )  # fmt: skip
    found = finding(healthy(touches=touches), FindingKind.LOST_WHY)
    assert found.evidence[0] == (
        f'No touch in the last 45 days mentions their why ("{WHY.rstrip(".")}"); '
        "last mentioned on 2026-09-01."
    )


def test_touches_after_now_are_ignored() -> None:
    deal = add_touches(quiet(days=61), inbound(-5, "joe", summary="Replied later."))
    assert FindingKind.GONE_QUIET in kinds(deal)


def test_overall_severity_combines_findings_and_stays_below_one() -> None:
    one = run(quiet(days=61))
    more = run(replace(quiet(days=61), expected_close=(NOW - timedelta(days=40)).date()))
    assert one.severity < more.severity < 1
    assert more.severity >= max(f.severity for f in more.findings)
