"""No leakage: a snapshot of a closed deal holds only what was known at its moment."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from scoring_world import closed_deal, touch

from unstuck.config import default_config
from unstuck.diagnosis import DiagnosisContext
from unstuck.domain import (
    Answer,
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Stance,
    Status,
    Touch,
    TouchKind,
)
from unstuck.scoring.features import feature_context, feature_row
from unstuck.scoring.snapshots import (
    SnapshotRules,
    closed_moment,
    deal_as_of,
    snapshot_times,
)

T = datetime(2026, 5, 1, 12, 0)
CREATED = datetime(2026, 3, 1, 9, 0)


@pytest.fixture(scope="module")
def context() -> DiagnosisContext:
    return feature_context(default_config())


def before_and_after() -> tuple[Deal, Deal]:
    """The same deal up to T; after T one is won loudly, the other lost quietly."""
    known = Deal(
        id="acme",
        name="Acme",
        stage="qualified",
        created=CREATED,
        value=40000.0,
        fields={"region": "north"},
        stage_history=(
            StageChange("lead", CREATED),
            StageChange("qualified", T - timedelta(days=20)),
        ),
        close_date_history=(CloseDateChange(datetime(2026, 6, 30).date(), CREATED),),
        stakeholders=(
            Stakeholder("ana", "Ana", roles=(Role.EVALUATION,), stance=Stance.SUPPORTIVE),
            Stakeholder("bo", "Bo", roles=(Role.APPROVAL,)),
        ),
        answers=(Answer("need", "Reports take two days.", T - timedelta(days=30), "ana"),),
        touches=(touch(T - timedelta(days=10), True), touch(T - timedelta(days=3), False)),
    )
    later = T + timedelta(days=5)
    won = replace(
        known,
        status=Status.WON,
        stage="negotiation",
        expected_close=datetime(2026, 7, 15).date(),
        closed_at=T + timedelta(days=40),
        stage_history=(*known.stage_history, StageChange("negotiation", later)),
        close_date_history=(
            *known.close_date_history,
            CloseDateChange(datetime(2026, 7, 15).date(), later),
        ),
        stakeholders=(
            *known.stakeholders,
            Stakeholder("cy", "Cy", roles=(Role.DECISION_MAKER, Role.PURCHASING)),
        ),
        answers=(*known.answers, Answer("budget", "Approved.", later, "cy")),
        touches=(
            *known.touches,
            Touch(later, Direction.INBOUND, Channel.MEETING, ("cy",), TouchKind.COMMITMENT_GIVEN),
            touch(later + timedelta(days=2), True, "cy"),
        ),
    )
    lost = replace(
        known,
        status=Status.LOST,
        lost_reason="went with a competitor",
        closed_at=T + timedelta(days=90),
        stakeholders=(
            replace(known.stakeholders[0], stance=Stance.RESISTANT),
            known.stakeholders[1],
        ),
        touches=(*known.touches, *(touch(later + timedelta(days=d), False) for d in (7, 14, 21))),
    )
    return won, lost


def test_features_at_a_snapshot_do_not_change_when_later_events_change(
    context: DiagnosisContext,
) -> None:
    won, lost = before_and_after()
    assert feature_row(deal_as_of(won, T), T, context) == feature_row(
        deal_as_of(lost, T), T, context
    )
    # The later events do matter once they are known, so the comparison above can fail.
    after = T + timedelta(days=30)
    assert feature_row(deal_as_of(won, after), after, context) != feature_row(
        deal_as_of(lost, after), after, context
    )


def test_a_snapshot_holds_nothing_dated_after_it_and_no_outcome() -> None:
    rng = random.Random(3)
    for i in range(30):
        deal = closed_deal(i, i % 2 == 0, rng)
        for t in snapshot_times(deal):
            cut = deal_as_of(deal, t)
            assert cut.status is Status.OPEN
            assert cut.closed_at is None and cut.lost_reason is None and cut.revisit_on is None
            dated = [
                *(x.at for x in cut.touches),
                *(a.at for a in cut.answers),
                *(c.at for c in cut.stage_history),
                *(c.at for c in cut.close_date_history),
                *(d.at for d in cut.decisions),
            ]
            assert all(at <= t for at in dated)
            assert all(s.stance is Stance.UNKNOWN for s in cut.stakeholders)


def test_snapshots_start_after_creation_and_stay_out_of_the_last_day() -> None:
    deal = replace(before_and_after()[1], closed_at=CREATED + timedelta(days=200), touches=())
    times = snapshot_times(deal, SnapshotRules(every_days=14, max_per_deal=6, gap_days=1))
    assert len(times) == 6
    assert times[0] == CREATED + timedelta(days=14)
    assert times[-1] <= deal.closed_at - timedelta(days=1)  # type: ignore[operator]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("life", "expected"),
    [
        (timedelta(hours=20), 0),  # closed within a day: nothing known before the end
        (timedelta(days=5), 1),  # shorter than a step: one look near the end
        (timedelta(days=43), 3),  # days 14, 28 and 42
    ],
)
def test_how_many_snapshots_a_deal_gets(life: timedelta, expected: int) -> None:
    deal = Deal("d", "D", "lead", CREATED, Status.LOST, closed_at=CREATED + life)
    assert len(snapshot_times(deal)) == expected


def test_a_deal_without_closed_at_closes_at_its_last_dated_event() -> None:
    won, _ = before_and_after()
    undated = replace(won, closed_at=None)
    assert closed_moment(undated) == max(t.at for t in won.touches)


def test_people_first_heard_from_later_are_not_known_yet() -> None:
    won, _ = before_and_after()
    assert {s.id for s in deal_as_of(won, T).stakeholders} == {"ana", "bo"}
    assert {s.id for s in deal_as_of(won, T + timedelta(days=30)).stakeholders} == {
        "ana",
        "bo",
        "cy",
    }


def test_an_open_deal_is_scored_on_everything_known_today(context: DiagnosisContext) -> None:
    won, _ = before_and_after()
    today = replace(won, status=Status.OPEN, closed_at=None)
    now = T + timedelta(days=60)
    cut = deal_as_of(today, now)
    assert cut.touches == today.touches
    assert cut.stage == "negotiation"
    row = feature_row(cut, now, context)
    assert row["stage"] == "negotiation"
    assert row["field:region"] == "north"
    assert row["commitment"] == "given"
