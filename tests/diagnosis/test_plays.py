"""Plays: which ones each finding gets, and what their rendered words say."""

from __future__ import annotations

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

from unstuck.diagnosis import Diagnosis, Play, diagnose
from unstuck.diagnosis.engine import play_variables
from unstuck.domain import (
    AccountType,
    Channel,
    Deal,
    FindingKind,
    PlayId,
    Role,
    StageChange,
    Stance,
    TouchKind,
)

WHY_WORDS = WHY.rstrip(".")


def run(deal: Deal) -> Diagnosis:
    return diagnose(deal, NOW, CONTEXT)


def play(deal: Deal, play_id: PlayId) -> Play:
    return next(p for p in run(deal).plays if p.id is play_id)


def ids(deal: Deal) -> list[PlayId]:
    return [p.id for p in run(deal).plays]


def conflicted(*extra: object) -> Deal:
    deal = healthy(answers=(*healthy().answers, answer("budget", "joe", "no budget", 20)))
    return add_touches(deal, *extra)  # type: ignore[arg-type]


def test_gone_quiet_gets_a_follow_up_cadence_then_a_final_call() -> None:
    chosen = ids(quiet(days=30))
    assert chosen[:2] == [PlayId.FOLLOW_UP_CADENCE, PlayId.FINAL_CALL]
    cadence = play(quiet(days=30), PlayId.FOLLOW_UP_CADENCE)
    assert cadence.for_ == (FindingKind.GONE_QUIET,)
    assert "Acme Corp has not replied for 30 days, with 3 messages unanswered." in cadence.rationale
    assert cadence.draft.count("Subject:") == 5  # five different messages, never the same one
    assert f'("{WHY_WORDS}")' in cadence.draft


def test_the_final_call_says_when_we_will_check_back() -> None:
    final = play(quiet(days=30), PlayId.FINAL_CALL)
    assert "in about 4 months" in final.draft
    assert final.draft.startswith("Subject: Closing the loop\n\nHi Joe,")


def test_a_decision_loop_gets_revisit_why_in_the_customers_words() -> None:
    deal = add_touches(
        healthy(),
        *(inbound(8 - i, "joe", kind=TouchKind.INFO_REQUEST) for i in range(3)),
    )
    revisit = play(deal, PlayId.REVISIT_WHY)
    assert revisit.for_ == (FindingKind.DECISION_LOOP,)
    assert f"you put it like this: '{WHY_WORDS}'" in revisit.draft
    assert "3 requests and concessions (request for more information)" in revisit.rationale


def test_a_missing_why_gets_revisit_why_asking_for_it() -> None:
    revisit = play(healthy(why=None), PlayId.REVISIT_WHY)
    assert revisit.for_ == (FindingKind.LOST_WHY,)
    assert "What made you start looking at this in the first place?" in revisit.draft


def test_misaligned_stakeholders_get_mutual_discovery_by_voice_never_email() -> None:
    discovery = play(conflicted(), PlayId.MUTUAL_DISCOVERY)
    assert "email" not in discovery.channel
    assert set(discovery.channel) <= {"call", "meeting", "visit"}
    assert "Mia Lee told us 'approved for Q4' while Joe Park told us 'no budget'" in discovery.draft


def test_a_contact_still_thinking_gets_go_higher_instead() -> None:
    deal = conflicted(inbound(1, "joe", channel=Channel.CALL, summary="Joe: still thinking."))
    chosen = ids(deal)
    assert PlayId.GO_HIGHER in chosen and PlayId.MUTUAL_DISCOVERY not in chosen
    assert "Mia Lee" in play(deal, PlayId.GO_HIGHER).draft


def test_a_given_commitment_gets_one_meeting_per_missing_buying_role() -> None:
    touches = (
        inbound(3, "joe", channel=Channel.CALL, kind=TouchKind.COMMITMENT_GIVEN),
        inbound(2, "joe", summary="Joe on the paper logs."),
    )
    deal = healthy(touches=touches, answers=(answer("budget", "joe", "none"),))
    meet = play(deal, PlayId.MEET_BUYING_GROUP)
    assert PlayId.MUTUAL_DISCOVERY not in ids(deal)
    meetings = [s for s in meet.steps if s.startswith("Meet ")]
    assert meetings == [
        "Meet Lee Wu (Fleet Manager) (selection) to understand how the choice will be made "
        "and against what.",
        "Meet Mia Lee (COO) (approval) to hear what they need to be comfortable signing off, "
        "and what worries them.",
        "Meet Sam Ortiz (Procurement Lead) (purchasing) to learn their process, terms and "
        "timing so that nothing surprises anyone at the end.",
    ]


def test_a_gatekeeper_without_authority_gets_go_higher() -> None:
    touches = (inbound(2, "joe", channel=Channel.CALL, summary="Joe: need to check with my boss."),)
    deal = with_person(healthy(touches=touches, answers=()), "joe", roles=(Role.GATEKEEPER,))
    assert ids(deal)[0] is PlayId.GO_HIGHER


def test_single_threaded_gets_meet_buying_group() -> None:
    deal = healthy(touches=(inbound(2, "joe", summary="About the paper logs."),), answers=())
    assert PlayId.MEET_BUYING_GROUP in ids(deal)


def test_unqualified_gets_qualify_naming_the_open_questions() -> None:
    qualify = play(healthy(answers=(answer("need", "joe", "paper logs"),)), PlayId.QUALIFY)
    assert qualify.steps[:3] == (
        'Ask about budget: "Is there money set aside for solving this, and roughly how much?"',
        'Ask about authority: "Who besides you will have a say in this, and who gives the final '
        'yes?"',
        'Ask about timeline: "By when do you need this working, and what is driving that date?"',
    )
    assert '1. "Is there money set aside' in qualify.draft


def test_every_stalled_deal_gets_permission_to_say_no() -> None:
    for deal in (quiet(days=30), conflicted()):
        assert PlayId.PERMISSION_TO_SAY_NO in ids(deal)


def test_a_deal_that_is_not_stalled_gets_no_honest_exits() -> None:
    chosen = ids(healthy(why=None))
    assert PlayId.PERMISSION_TO_SAY_NO not in chosen and PlayId.LET_GO not in chosen


def test_a_severe_stall_far_past_the_norm_gets_let_go() -> None:
    deal = quiet(days=120, stage_history=(StageChange("proposal", ago(150)),))
    assert ids(deal)[-1] is PlayId.LET_GO
    assert (
        "150 days in proposal, against about 30 for won deals"
        in play(deal, PlayId.LET_GO).rationale
    )


def test_an_unanswered_final_call_gets_let_go() -> None:
    deal = add_touches(quiet(days=25, sent=2), outbound(16, "joe", kind=TouchKind.FINAL_CALL))
    assert PlayId.LET_GO in ids(deal)


def test_a_severe_stall_with_someone_still_engaged_gets_focus_to_decision() -> None:
    deal = add_touches(
        healthy(stage_history=(StageChange("proposal", ago(60)),)),
        *(inbound(8 - i, "joe", kind=TouchKind.DISCOUNT) for i in range(4)),
    )
    chosen = ids(deal)
    assert PlayId.FOCUS_TO_DECISION in chosen and PlayId.LET_GO not in chosen


def test_no_play_appears_twice_and_shared_plays_list_every_finding() -> None:
    deal = add_touches(
        quiet(days=61, why=None, expected_close=(NOW - timedelta(days=30)).date()),
        *(inbound(80 - i, "joe", kind=TouchKind.INFO_REQUEST) for i in range(3)),
    )
    result = run(deal)
    assert len(result.plays) == len({p.id for p in result.plays})
    exit_play = next(p for p in result.plays if p.id is PlayId.PERMISSION_TO_SAY_NO)
    assert set(exit_play.for_) >= {FindingKind.GONE_QUIET, FindingKind.OVERDUE}


def everything() -> Deal:
    """A one-off deal with every finding at once, so every play can be rendered."""
    deal = with_person(
        quiet(days=40, why=WHY, account_type=AccountType.ONE_OFF), "dana", stance=Stance.RESISTANT
    )
    return add_touches(deal, inbound(45, "joe", kind=TouchKind.INFO_REQUEST))


@pytest.mark.parametrize("play_id", list(PlayId))
def test_every_play_renders_with_the_deals_own_names_and_why(play_id: PlayId) -> None:
    variables = play_variables(everything(), NOW, CONTEXT)
    rationale, steps, draft = CONTEXT.playbook[play_id].render(variables)
    text = "\n".join([rationale, *steps, draft])
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert rationale and steps and draft.strip()
    assert "Joe" in text or "Acme Corp" in text
    assert "Dear" not in draft  # plain and warm, not form letters


def test_no_two_plays_have_the_same_draft() -> None:
    variables = play_variables(everything(), NOW, CONTEXT)
    drafts = [CONTEXT.playbook[p].render(variables)[2] for p in PlayId]
    assert len(set(drafts)) == len(drafts)


@pytest.mark.parametrize("play_id", list(PlayId))
def test_every_play_has_a_title_a_when_and_a_channel(play_id: PlayId) -> None:
    content = CONTEXT.playbook[play_id]
    assert content.title and content.when and content.channel


def test_drafts_use_the_why_and_the_people_when_they_fit() -> None:
    variables = play_variables(everything(), NOW, CONTEXT)
    for play_id in (PlayId.PERMISSION_TO_SAY_NO, PlayId.FINAL_CALL, PlayId.GO_AROUND):
        draft = CONTEXT.playbook[play_id].render(variables)[2]
        assert WHY_WORDS in draft, play_id
    assert "Dana Cho" in CONTEXT.playbook[PlayId.GO_AROUND].render(variables)[2]
