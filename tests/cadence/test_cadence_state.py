"""Planning dates and the cadence state machine, as pure functions of ``now``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from cadence_world import NOW, TODAY

from unstuck.cadence import (
    Cadence,
    CadenceStatus,
    ItemKind,
    ItemRef,
    Phase,
    Step,
    StepChannel,
    StepStatus,
    do_step,
    load_template,
    parse_ref,
    pause,
    plan_nurture,
    plan_sequence,
    reply_stops,
    resume,
    snooze,
    stop,
    workday,
)
from unstuck.cadence.state import reply_reason
from unstuck.errors import ConflictError, UsageError

VARS = {
    "contact": {"id": "nina", "name": "Nina Ruiz", "first_name": "Nina", "title": ""},
    "account": "Birch Labs",
    "why": "",
    "people": [],
    "open_questions": [],
    "revisit_months": 4,
    "deal": {"id": "birch-quiet"},
}


def test_the_default_cadence_is_one_touch_a_week_on_working_days() -> None:
    steps = plan_sequence(load_template("default"), VARS, TODAY)
    days = [s.planned_on for s in steps]
    assert days == [
        date(2026, 11, 20),  # call, Friday
        date(2026, 11, 20),  # the email after the call, same day
        date(2026, 11, 27),
        date(2026, 12, 4),
        date(2026, 12, 7),  # a day after Friday's call is Saturday: moved to Monday
        date(2026, 12, 14),  # the weekly rhythm now falls on Saturdays: Mondays
        date(2026, 12, 21),
        date(2026, 12, 28),
    ]
    assert all(d.weekday() < 5 for d in days)
    assert [s.position for s in steps] == list(range(1, 9))
    assert steps[-1].final and steps[-1].angle == "final_call"
    assert {s.contact for s in steps} == {"nina"}


def test_urgent_tightens_the_spacing() -> None:
    normal = plan_sequence(load_template("default"), VARS, TODAY)
    urgent = plan_sequence(load_template("default"), VARS, TODAY, urgent=True)
    assert urgent[-1].planned_on < normal[-1].planned_on
    assert (urgent[-1].planned_on - urgent[0].planned_on).days <= 3 * 6 + 4


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 11, 21), date(2026, 11, 23)),
        (date(2026, 11, 22), date(2026, 11, 23)),
        (date(2026, 11, 23), date(2026, 11, 23)),
    ],
)
def test_weekend_days_move_to_monday(day: date, expected: date) -> None:
    assert workday(day) == expected


def test_relationship_touches_fall_between_the_final_call_and_the_revisit() -> None:
    revisit = TODAY + timedelta(days=105)
    touches = plan_nurture(load_template("default"), VARS, TODAY, revisit)
    assert [t.phase for t in touches] == [Phase.NURTURE, Phase.NURTURE]
    assert all(TODAY < t.planned_on < revisit for t in touches)
    assert plan_nurture(load_template("default"), VARS, TODAY, TODAY + timedelta(days=40)) != []
    assert plan_nurture(load_template("default"), VARS, TODAY, TODAY + timedelta(days=20)) == []


def cadence(*statuses: StepStatus, status: CadenceStatus = CadenceStatus.ACTIVE) -> Cadence:
    planned = plan_sequence(load_template("gentle"), VARS, TODAY)
    steps = tuple(
        Step(
            "birch-quiet",
            i + 1,
            1,
            p.phase,
            p.position,
            p.channel,
            p.angle,
            p.title,
            p.subject,
            p.draft,
            p.planned_on,
            statuses[i] if i < len(statuses) else StepStatus.PLANNED,
            p.final,
            p.contact,
        )
        for i, p in enumerate(planned)
    )
    return Cadence(1, "birch-quiet", "gentle", False, status, NOW, steps=steps)


def test_doing_a_step_marks_it_done_and_keeps_the_cadence_going() -> None:
    result = do_step(cadence(), 1, NOW, 105, note="left a voicemail")
    assert result.step.status is StepStatus.DONE and result.step.done_at == NOW
    assert result.step.note == "left a voicemail"
    assert result.cadence.status is CadenceStatus.ACTIVE
    assert not result.parks_deal and result.revisit_on is None


def test_the_final_call_completes_the_cadence_and_parks_the_deal_for_105_days() -> None:
    start = cadence(StepStatus.DONE, StepStatus.DONE)
    last = start.steps[-1].seq
    result = do_step(start, last, NOW, 105)
    assert result.parks_deal and result.revisit_on == date(2027, 3, 5)
    assert result.cadence.status is CadenceStatus.COMPLETED
    assert result.cadence.ended_at == NOW
    statuses = [s.status for s in result.cadence.steps]
    assert statuses[:2] == [StepStatus.DONE, StepStatus.DONE]
    assert set(statuses[2:-1]) == {StepStatus.SKIPPED}
    assert statuses[-1] is StepStatus.DONE
    assert do_step(start, last, NOW, 120).revisit_on == TODAY + timedelta(days=120)


def test_pause_and_resume_move_the_remaining_steps_by_the_pause() -> None:
    paused = pause(cadence(StepStatus.DONE), NOW)
    assert paused.status is CadenceStatus.PAUSED and paused.paused_at == NOW
    resumed = resume(paused, NOW + timedelta(days=9))
    assert resumed.status is CadenceStatus.ACTIVE and resumed.paused_at is None
    before, after = paused.steps, resumed.steps
    assert after[0].planned_on == before[0].planned_on  # done: stays where it was
    assert all(
        a.planned_on - b.planned_on == timedelta(days=9)
        for a, b in zip(after[1:], before[1:], strict=True)
    )


def test_stopping_cancels_every_step_not_yet_done() -> None:
    stopped = stop(cadence(StepStatus.DONE), NOW, "they asked for a pause until March")
    assert stopped.status is CadenceStatus.STOPPED
    assert stopped.stop_reason == "they asked for a pause until March"
    assert stopped.steps[0].status is StepStatus.DONE
    assert {s.status for s in stopped.steps[1:]} == {StepStatus.CANCELLED}


def test_a_reply_stops_a_running_cadence_but_not_one_it_predates() -> None:
    running = cadence()
    assert reply_stops(running, NOW + timedelta(hours=1))
    assert reply_stops(pause(running, NOW), NOW + timedelta(days=1))
    assert not reply_stops(running, NOW - timedelta(days=1))
    assert not reply_stops(stop(running, NOW, "x"), NOW + timedelta(days=1))
    assert reply_reason(datetime(2026, 11, 24, 16, 5)) == "reply received on 2026-11-24"


def test_snoozing_moves_the_due_date_only() -> None:
    moved = snooze(cadence(), 2, date(2026, 12, 10), TODAY)
    assert moved.steps[1].snoozed_to == date(2026, 12, 10)
    assert moved.steps[1].due_on == date(2026, 12, 10)
    assert moved.steps[1].planned_on == cadence().steps[1].planned_on


STATE_ERRORS = [
    ("pause a paused cadence", lambda: pause(pause(cadence(), NOW), NOW), "not active"),
    ("resume an active cadence", lambda: resume(cadence(), NOW), "not paused"),
    ("stop a stopped cadence", lambda: stop(stop(cadence(), NOW, "x"), NOW, "y"), "already"),
    ("do a step twice", lambda: do_step(cadence(StepStatus.DONE), 1, NOW, 105), "already done"),
    (
        "do a step of a paused cadence",
        lambda: do_step(pause(cadence(), NOW), 1, NOW, 105),
        "Resume it",
    ),
    (
        "do a step of a stopped cadence",
        lambda: do_step(stop(cadence(), NOW, "x"), 1, NOW, 105),
        "cancelled",
    ),
    ("do a step that is not there", lambda: do_step(cadence(), 99, NOW, 105), "not a step"),
    (
        "snooze into the past",
        lambda: snooze(cadence(), 1, TODAY - timedelta(days=1), TODAY),
        "in the past",
    ),
]


@pytest.mark.parametrize(
    ("case", "action", "message"), STATE_ERRORS, ids=[c[0] for c in STATE_ERRORS]
)
def test_transitions_that_do_not_fit_the_state_are_refused(
    case: str, action: object, message: str
) -> None:
    with pytest.raises(ConflictError, match=message):
        action()  # type: ignore[operator]


def test_relationship_touches_can_be_done_after_the_cadence_completed() -> None:
    done = cadence(status=CadenceStatus.COMPLETED)
    touch = replace(done.steps[0], phase=Phase.NURTURE, channel=StepChannel.EMAIL)
    result = do_step(replace(done, steps=(touch,)), touch.seq, NOW, 105)
    assert result.step.status is StepStatus.DONE and not result.parks_deal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme-fleet/3", ItemRef("acme-fleet", ItemKind.STEP, 3)),
        ("acme-fleet/m2", ItemRef("acme-fleet", ItemKind.MEETING, 2)),
        ("acme-fleet/checkback", ItemRef("acme-fleet", ItemKind.CHECKBACK)),
        ("a/b/4", ItemRef("a/b", ItemKind.STEP, 4)),
    ],
)
def test_agenda_ids_are_short_and_round_trip(text: str, expected: ItemRef) -> None:
    assert parse_ref(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize("text", ["acme-fleet", "acme-fleet/", "/3", "acme-fleet/0", "x/m", "x/3a"])
def test_malformed_agenda_ids_say_what_an_id_looks_like(text: str) -> None:
    with pytest.raises(UsageError, match="DEAL/N for a cadence step"):
        parse_ref(text)
