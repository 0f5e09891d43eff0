"""The agenda and its calendar, pure: items in, what is due and RFC 5545 bytes out."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
from cadence_world import NOW, TODAY

from unstuck.cadence import (
    CadenceStatus,
    DealHead,
    Phase,
    PlanItem,
    Step,
    StepChannel,
    StepStatus,
    calendar_bytes,
    due,
    for_owner,
)
from unstuck.cadence import agenda as ag

BIRCH = DealHead("birch-quiet", "Birch – order entry", "Birch Labs", "sam@example.com")
ELM = DealHead("elm-park", "Elm – renewal", "Elm", "kim@example.com", "nurture", TODAY)


def step(seq: int, on: date, channel: StepChannel = StepChannel.EMAIL, **kw: object) -> Step:
    values: dict[str, object] = {
        "deal": "birch-quiet",
        "seq": seq,
        "cadence": 1,
        "phase": Phase.SEQUENCE,
        "position": seq,
        "channel": channel,
        "angle": "a",
        "title": f"Step {seq}",
        "subject": f"Subject {seq}" if channel is StepChannel.EMAIL else None,
        "draft": f"Hi Nina,\n\nMessage {seq}.\n",
        "planned_on": on,
        "status": StepStatus.PLANNED,
        "contact": "nina",
    }
    values.update(kw)
    return Step(**values)  # type: ignore[arg-type]


def items() -> list[ag.AgendaItem]:
    meeting = PlanItem(
        "birch-quiet",
        1,
        TODAY + timedelta(days=3),
        "Meet the COO",
        ("Omar Haddad", "our CTO"),
        "sam@example.com",
        datetime(2026, 11, 23, 14, 30),
    )
    return [
        ag.from_step(step(1, TODAY - timedelta(days=2), StepChannel.CALL), BIRCH, "Nina Ruiz"),
        ag.from_step(step(2, TODAY), BIRCH, "Nina Ruiz"),
        ag.from_step(step(3, TODAY + timedelta(days=7)), BIRCH, "Nina Ruiz"),
        ag.from_meeting(meeting, BIRCH),
        ag.from_checkback(ELM, "Ask how things are going.\n"),
    ]


def test_the_agenda_shows_today_and_what_is_overdue_oldest_first() -> None:
    found = due(items(), TODAY)
    assert [i.id for i in found] == ["birch-quiet/1", "birch-quiet/2", "elm-park/checkback"]
    assert [i.overdue_days(TODAY) for i in found] == [2, 0, 0]
    first = found[0].to_dict(TODAY)
    assert first["title"] == "Call Nina Ruiz: Step 1"
    assert first["draft"] == "Hi Nina,\n\nMessage 1.\n"
    assert first["overdue_days"] == 2 and first["kind"] == "step"


def test_days_widens_the_window_and_meetings_come_first_on_their_day() -> None:
    found = due(items(), TODAY, days=8)
    assert [i.id for i in found] == [
        "birch-quiet/1",
        "birch-quiet/2",
        "elm-park/checkback",
        "birch-quiet/m1",
        "birch-quiet/3",
    ]
    assert due(items(), TODAY, days=3)[-1].id == "elm-park/checkback"


def test_owner_filters_the_agenda_without_regard_to_case() -> None:
    assert {i.deal.id for i in for_owner(items(), "KIM@example.com")} == {"elm-park"}
    assert len(for_owner(items(), None)) == 5


def test_which_steps_are_open_depends_on_the_cadence_and_the_phase() -> None:
    planned, nurture = step(1, TODAY), step(2, TODAY, phase=Phase.NURTURE)
    assert ag.step_is_open(planned, CadenceStatus.ACTIVE)
    assert not ag.step_is_open(planned, CadenceStatus.PAUSED)
    assert not ag.step_is_open(planned, CadenceStatus.COMPLETED)
    assert ag.step_is_open(nurture, CadenceStatus.COMPLETED)
    assert not ag.step_is_open(step(3, TODAY, status=StepStatus.DONE), CadenceStatus.ACTIVE)


def parse(data: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//Unstuck//Follow-up agenda//EN"
    return list(calendar.walk("VEVENT"))


def test_the_calendar_has_one_event_per_item_read_back_event_by_event() -> None:
    events = parse(calendar_bytes(items(), NOW))
    assert [str(e["UID"]) for e in events] == [
        "birch-quiet/1@unstuck",
        "birch-quiet/2@unstuck",
        "birch-quiet/3@unstuck",
        "birch-quiet/m1@unstuck",
        "elm-park/checkback@unstuck",
    ]
    call = events[0]
    assert str(call["SUMMARY"]) == "Call Nina Ruiz: Step 1 (Birch Labs)"
    assert call.decoded("DTSTART") == TODAY - timedelta(days=2)
    assert call.decoded("DTEND") == TODAY - timedelta(days=1)
    assert call.decoded("DTSTAMP") == NOW.replace(tzinfo=UTC)
    assert str(call["DESCRIPTION"]) == (
        "Deal: Birch – order entry (birch-quiet)\nAgenda id: birch-quiet/1\n\n"
        "Hi Nina,\n\nMessage 1."
    )
    email = events[1]
    assert "Subject: Subject 2" in str(email["DESCRIPTION"])
    meeting = events[3]
    assert str(meeting["SUMMARY"]) == "Meeting: Meet the COO (Birch Labs)"
    assert meeting.decoded("DTSTART") == datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    assert meeting.decoded("DTEND") == datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    assert "With: Omar Haddad, our CTO" in str(meeting["DESCRIPTION"])
    checkback = events[4]
    assert str(checkback["SUMMARY"]) == "Check back on Elm – renewal (Elm)"
    assert checkback.decoded("DTSTART") == TODAY


def test_re_exporting_keeps_the_uids_so_calendars_update_instead_of_duplicating() -> None:
    first = parse(calendar_bytes(items(), NOW))
    moved = [
        ag.from_step(step(2, TODAY + timedelta(days=4)), BIRCH, "Nina Ruiz")
        if i.id == "birch-quiet/2"
        else i
        for i in items()
    ]
    second = parse(calendar_bytes(moved, NOW + timedelta(days=1)))
    assert [str(e["UID"]) for e in first] == sorted(str(e["UID"]) for e in second)
    by_uid = {str(e["UID"]): e for e in second}
    assert by_uid["birch-quiet/2@unstuck"].decoded("DTSTART") == TODAY + timedelta(days=4)
