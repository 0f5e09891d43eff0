"""Cadences, the agenda and the joint plan on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from cadence_world import NOW, TODAY

from unstuck.cadence import CadenceStatus, Phase, StepStatus
from unstuck.cadence.service import Cadences
from unstuck.domain import Channel, Direction, Status, Touch
from unstuck.errors import ConflictError, NotFound, UsageError
from unstuck.service import Unstuck
from unstuck.store import Store
from unstuck.store import cadences as db


@pytest.fixture
def service(app: Unstuck) -> Cadences:
    return Cadences(app)


def test_starting_a_cadence_plans_every_step_with_a_short_stable_id(service: Cadences) -> None:
    cadence = service.start("birch-quiet", NOW)
    assert cadence.status is CadenceStatus.ACTIVE and cadence.template == "default"
    assert [s.id for s in cadence.steps] == [f"birch-quiet/{n}" for n in range(1, 9)]
    assert service.cadences("birch-quiet") == [cadence]
    first = cadence.steps[0]
    assert first.planned_on == TODAY and first.contact == "nina"
    assert first.draft.startswith("Call Nina Ruiz (Operations Lead) at Birch Labs.")


def test_a_deal_runs_at_most_one_cadence(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    with pytest.raises(
        ConflictError, match=r"already has a cadence running \(active, started 2026-11-20\)"
    ):
        service.start("birch-quiet", NOW, "gentle")
    service.pause("birch-quiet", NOW)
    with pytest.raises(ConflictError, match="stop it with `unstuck cadence stop birch-quiet`"):
        service.start("birch-quiet", NOW, "gentle")


def test_the_database_itself_refuses_a_second_running_cadence(service: Cadences) -> None:
    cadence = service.start("birch-quiet", NOW)
    with (
        pytest.raises(Exception, match=r"(?i)unique|duplicate"),
        service.app.store.write() as tx,
    ):
        db.insert_cadence(tx, "birch-quiet", "gentle", False, NOW, [])
    assert service.cadences("birch-quiet") == [cadence]


def test_a_new_cadence_after_a_stop_numbers_its_steps_after_the_old_ones(
    service: Cadences,
) -> None:
    service.start("birch-quiet", NOW, "gentle")
    stopped = service.stop("birch-quiet", NOW, "they asked us to wait")
    assert stopped.stop_reason == "they asked us to wait"
    again = service.start("birch-quiet", NOW + timedelta(days=1), "nearby")
    assert again.steps[0].id == "birch-quiet/7"


@pytest.mark.parametrize(
    ("deal", "template", "error", "message"),
    [
        ("elm-won", None, ConflictError, "elm-won is won: a cadence runs only on an open deal"),
        ("nope", None, NotFound, "no deal with id 'nope'"),
        ("birch-quiet", "weekly", UsageError, "unknown cadence template 'weekly'"),
    ],
)
def test_bad_starts_are_refused_and_write_nothing(
    service: Cadences, deal: str, template: str | None, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        service.start(deal, NOW, template)
    assert service.cadences("birch-quiet") == []


def test_any_reply_logged_stops_the_cadence_with_the_reason(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    reply = Touch(datetime(2026, 11, 24, 16, 5), Direction.INBOUND, Channel.CALL, ("nina",))
    with service.app.store.write() as tx:
        tx.log_touch("birch-quiet", reply)
    [cadence] = service.cadences("birch-quiet")
    assert cadence.status is CadenceStatus.STOPPED
    assert cadence.stop_reason == "reply received on 2026-11-24"
    assert {s.status for s in cadence.steps} == {StepStatus.CANCELLED}
    assert service.agenda(NOW + timedelta(days=30), days=60) == [
        i for i in service.agenda(NOW + timedelta(days=30), days=60) if i.deal.id != "birch-quiet"
    ]


def test_a_reply_arriving_by_import_stops_the_cadence_too(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    deal = service.app.deal("birch-quiet")
    reply = Touch(NOW + timedelta(days=2), Direction.INBOUND, Channel.EMAIL, ("omar",))
    with service.app.store.write() as tx:
        tx.import_deals(
            [deal.__class__(**{**deal.__dict__, "touches": (*deal.touches, reply)})], NOW
        )
    assert service.cadences("birch-quiet")[0].status is CadenceStatus.STOPPED


def test_doing_a_step_logs_the_touch_and_the_agenda_moves_on(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    assert [i.id for i in service.agenda(NOW)] == ["birch-quiet/1", "birch-quiet/2"]
    result = service.done("birch-quiet/1", NOW, note="voicemail")
    assert result.message == "Done: birch-quiet/1 (Did it reach you, and what would you change?)."
    assert [i.id for i in service.agenda(NOW)] == ["birch-quiet/2"]
    touch = service.app.deal("birch-quiet").touches[-1]
    assert (touch.direction, touch.channel, touch.with_) == (
        Direction.OUTBOUND,
        Channel.CALL,
        ("nina",),
    )
    assert touch.summary == (
        "Did it reach you, and what would you change? (cadence step birch-quiet/1): voicemail"
    )
    # Our own touches never stop the cadence.
    assert service.cadences("birch-quiet")[0].status is CadenceStatus.ACTIVE


def test_snooze_moves_a_step_out_of_today(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    assert service.snooze("birch-quiet/2", date(2026, 11, 25), NOW) == (
        "birch-quiet/2 moved to 2026-11-25."
    )
    assert [i.id for i in service.agenda(NOW)] == ["birch-quiet/1"]
    later = service.agenda(NOW + timedelta(days=5))
    assert [(i.id, i.overdue_days(date(2026, 11, 25))) for i in later][:2] == [
        ("birch-quiet/1", 5),
        ("birch-quiet/2", 0),
    ]


def test_a_paused_cadence_leaves_the_agenda_until_it_resumes(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    service.pause("birch-quiet", NOW)
    assert service.agenda(NOW, days=30) == []
    resumed = service.resume("birch-quiet", NOW + timedelta(days=3))
    assert resumed.steps[0].planned_on == TODAY + timedelta(days=3)
    assert [i.id for i in service.agenda(NOW + timedelta(days=3))] == [
        "birch-quiet/1",
        "birch-quiet/2",
    ]


def test_the_final_call_parks_the_deal_and_it_comes_back_on_its_revisit_date(
    service: Cadences,
) -> None:
    cadence = service.start("birch-quiet", NOW, "gentle")
    final = cadence.steps[-1]
    result = service.done(final.id, NOW + timedelta(days=50))
    revisit = TODAY + timedelta(days=50 + 105)
    assert result.revisit_on == revisit
    deal = service.app.deal("birch-quiet")
    assert deal.status is Status.NURTURE and deal.revisit_on == revisit
    assert deal.touches[-1].kind is not None and str(deal.touches[-1].kind) == "final_call"
    [done] = service.cadences("birch-quiet")
    assert done.status is CadenceStatus.COMPLETED
    nurture = [s for s in done.steps if s.phase is Phase.NURTURE]
    assert nurture and all(s.planned_on < revisit for s in nurture)
    assert "proposal" not in nurture[0].draft
    # Between: only the relationship touch; on the revisit date: the check-back.
    between = service.agenda(datetime.combine(revisit - timedelta(days=1), NOW.time()))
    assert [i.id for i in between] == [nurture[0].id]
    on_the_day = service.agenda(datetime.combine(revisit, NOW.time()))
    assert on_the_day[-1].id == "birch-quiet/checkback"
    assert on_the_day[-1].draft.startswith("Check back with Nina Ruiz at Birch Labs")
    # Checking back reopens the deal.
    service.done("birch-quiet/checkback", datetime.combine(revisit, NOW.time()))
    assert service.app.deal("birch-quiet").status is Status.OPEN


def test_revisit_days_comes_from_the_setting(app: Unstuck) -> None:
    service = Cadences(Unstuck(app.config.with_values(cadence__revisit_days=120), app.store))
    cadence = service.start("birch-quiet", NOW, "gentle")
    assert service.done(cadence.steps[-1].id, NOW).revisit_on == TODAY + timedelta(days=120)


def test_a_checkback_can_park_the_deal_again(service: Cadences) -> None:
    service.app.close_deal("birch-quiet", Status.NURTURE, NOW, "not now", TODAY)
    result = service.done("birch-quiet/checkback", NOW, revisit_on=date(2027, 2, 1))
    assert result.message == "Checked back: birch-quiet stays parked until 2027-02-01."
    assert service.app.deal("birch-quiet").revisit_on == date(2027, 2, 1)
    assert service.agenda(NOW) == []


def test_the_joint_plan_keeps_meetings_with_purpose_owner_people_and_date(
    service: Cadences,
) -> None:
    item = service.plan_add(
        "birch-quiet",
        NOW,
        date(2026, 11, 26),
        "Agree the evaluation plan with the COO",
        ["omar", "our solutions engineer"],
        starts_at=datetime(2026, 11, 26, 10, 0),
    )
    assert item.id == "birch-quiet/m1"
    assert item.people == ("Omar Haddad", "our solutions engineer")
    assert item.owner == "sam@example.com"
    other = service.plan_add(
        "birch-quiet", NOW, date(2026, 11, 23), "Meet finance", [], owner="kim@example.com"
    )
    assert [i.id for i in service.plan("birch-quiet")] == ["birch-quiet/m2", "birch-quiet/m1"]
    week = service.agenda(NOW, days=7)
    assert [i.id for i in week] == ["birch-quiet/m2", "birch-quiet/m1"]
    assert [i.id for i in service.agenda(NOW, days=7, owner="kim@example.com")] == [other.id]
    service.done("birch-quiet/m1", NOW, note="COO agreed to a pilot")
    assert service.plan("birch-quiet")[1].status == "done"
    touch = service.app.deal("birch-quiet").touches[-1]
    assert touch.direction is Direction.INBOUND and touch.with_ == ("omar",)
    assert touch.summary == (
        "Meeting held: Agree the evaluation plan with the COO — COO agreed to a pilot"
    )


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (lambda s: s.plan_add("elm-won", NOW, TODAY, "x", []), ConflictError, "elm-won is won"),
        (lambda s: s.plan_add("birch-quiet", NOW, TODAY, "  ", []), UsageError, "--purpose"),
        (lambda s: s.done("birch-quiet/m9", NOW), NotFound, "no meeting birch-quiet/m9"),
        (lambda s: s.done("birch-quiet/4", NOW), NotFound, "no step birch-quiet/4"),
        (lambda s: s.done("birch-quiet/checkback", NOW), ConflictError, "not parked"),
        (lambda s: s.pause("birch-quiet", NOW), ConflictError, "has no running cadence"),
        (lambda s: s.snooze("birch-quiet/1", date(2020, 1, 1), NOW), UsageError, "in the past"),
        (lambda s: s.done("birch-quiet", NOW), UsageError, "not an agenda id"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    service: Cadences, action: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        action(service)  # type: ignore[operator]


def test_the_migration_creates_exactly_the_tables_the_code_declares(loaded_db: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from unstuck.store.schema import metadata

    store = Store.open(loaded_db)
    try:
        with store.read() as tx:
            diff = compare_metadata(MigrationContext.configure(tx.conn), metadata)
    finally:
        store.close()
    mine = {"cadences", "cadence_steps", "plan_items", "mail_messages"}
    relevant = [d for d in diff if any(name in repr(d) for name in mine)]
    assert relevant == []


def test_a_deal_closed_by_hand_drops_its_cadence_steps_from_the_agenda(service: Cadences) -> None:
    service.start("birch-quiet", NOW)
    assert len(service.agenda(NOW)) == 2
    service.app.close_deal("birch-quiet", Status.LOST, NOW, "went with a competitor")
    assert service.agenda(NOW, days=60) == []
