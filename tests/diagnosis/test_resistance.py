"""Resistance: who resists decides the scenario; the account type decides the plays."""

from __future__ import annotations

import pytest
from world import CONTEXT, NOW, add_touches, healthy, inbound, with_person

from unstuck.diagnosis import diagnose
from unstuck.domain import AccountType, Channel, Deal, FindingKind, PlayId, Role, Scenario, Stance

ROLE_FOR = {
    Scenario.PURCHASER: (Role.PURCHASING,),
    Scenario.END_USER: (Role.END_USER,),
    Scenario.PROBLEM_OWNER: (Role.PROBLEM_OWNER,),
    Scenario.DECISION_MAKER: (Role.DECISION_MAKER,),
    Scenario.OUTSIDER: (Role.OUTSIDER,),
    Scenario.INSIDER: (Role.INSIDER,),
}


def resisting(scenario: Scenario, account_type: AccountType | None) -> Deal:
    deal = healthy(account_type=account_type)
    if scenario is Scenario.FACTION:
        deal = with_person(deal, "dana", stance=Stance.RESISTANT, faction="dispatch")
        return with_person(deal, "lee", stance=Stance.RESISTANT, faction="dispatch")
    return with_person(deal, "dana", stance=Stance.RESISTANT, roles=ROLE_FOR[scenario])


def plays(deal: Deal) -> list[PlayId]:
    return [p.id for p in diagnose(deal, NOW, CONTEXT).plays]


@pytest.mark.parametrize("scenario", list(Scenario))
@pytest.mark.parametrize("account_type", [AccountType.LONG_TERM, AccountType.ONE_OFF, None])
def test_each_scenario_is_named_for_each_account_type(
    scenario: Scenario, account_type: AccountType | None
) -> None:
    result = diagnose(resisting(scenario, account_type), NOW, CONTEXT)
    found = [f for f in result.findings if f.kind is FindingKind.RESISTANCE]
    assert [f.scenario for f in found] == [scenario]
    assert result.stalled


@pytest.mark.parametrize("scenario", list(Scenario))
def test_a_long_term_account_is_never_gone_around(scenario: Scenario) -> None:
    chosen = plays(resisting(scenario, AccountType.LONG_TERM))
    assert PlayId.GO_AROUND not in chosen
    assert PlayId.WIN_OVER in chosen
    assert {PlayId.GAUGE_SUPPORT, PlayId.FIND_LEVERAGE} & set(chosen)


@pytest.mark.parametrize("scenario", list(Scenario))
def test_a_one_off_deal_may_go_around_the_resister(scenario: Scenario) -> None:
    chosen = plays(resisting(scenario, AccountType.ONE_OFF))
    assert PlayId.GO_AROUND in chosen
    assert PlayId.WIN_OVER not in chosen


def test_an_unknown_account_type_is_treated_as_one_to_keep() -> None:
    assert PlayId.GO_AROUND not in plays(resisting(Scenario.END_USER, None))


def test_marked_resistance_evidence_names_the_person_and_role() -> None:
    result = diagnose(resisting(Scenario.END_USER, AccountType.LONG_TERM), NOW, CONTEXT)
    assert result.findings[0].evidence == ("Dana Cho (end_user) is marked resistant.",)


def test_a_note_naming_someone_who_resists_is_resistance_with_the_quote() -> None:
    deal = add_touches(
        healthy(),
        inbound(2, "joe", channel=Channel.CALL, summary="Joe: Dana is against the change."),
    )
    found = [f for f in diagnose(deal, NOW, CONTEXT).findings if f.kind is FindingKind.RESISTANCE]
    assert found[0].scenario is Scenario.END_USER
    assert found[0].people == ("dana",)
    assert 'Joe Park (IT Manager) said on 2026-11-18: "is against".' in found[0].evidence


def test_the_speaker_of_a_note_is_not_taken_for_the_resister() -> None:
    deal = add_touches(
        healthy(), inbound(2, "joe", channel=Channel.CALL, summary="Joe: boss not convinced.")
    )
    assert all(f.kind is not FindingKind.RESISTANCE for f in diagnose(deal, NOW, CONTEXT).findings)


def test_a_faction_shared_by_two_resisters_is_one_faction_finding() -> None:
    result = diagnose(resisting(Scenario.FACTION, AccountType.ONE_OFF), NOW, CONTEXT)
    found = [f for f in result.findings if f.kind is FindingKind.RESISTANCE]
    assert len(found) == 1
    assert (
        found[0].evidence[0]
        == 'Lee Wu (Fleet Manager) and Dana Cho (Dispatcher) resist together (faction "dispatch").'
    )


def test_a_resisting_decision_maker_weighs_more_than_a_resisting_insider() -> None:
    def severity(scenario: Scenario) -> float:
        result = diagnose(resisting(scenario, AccountType.LONG_TERM), NOW, CONTEXT)
        return result.findings[0].severity

    assert severity(Scenario.DECISION_MAKER) > severity(Scenario.INSIDER)
