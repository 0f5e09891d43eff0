"""Building the .eml of a step and reading replies, pure: rendered text is asserted."""

from __future__ import annotations

from datetime import datetime

import pytest
from cadence_world import NOW, TODAY

from unstuck.cadence import (
    Malformed,
    Match,
    NoMatch,
    Phase,
    Recipient,
    Reply,
    Step,
    StepChannel,
    StepStatus,
    build_message,
    match_reply,
    parse_reply,
)
from unstuck.cadence.match import first_words
from unstuck.errors import ConflictError, UsageError

STEP = Step(
    "birch-quiet",
    3,
    1,
    Phase.SEQUENCE,
    3,
    StepChannel.EMAIL,
    "on_board",
    "How are the others coming on board?",
    "The others at Birch Labs",
    "Hi Nina,\n\nHow is it going with the other people you need on board?\n",
    TODAY,
    StepStatus.PLANNED,
    contact="nina",
)


def test_a_step_becomes_a_plain_text_message_any_mail_client_opens() -> None:
    message = build_message(
        STEP, Recipient("Nina Ruiz", "nina@birch.example"), "Sam Lee <sam@example.com>", NOW
    )
    assert message["From"] == "Sam Lee <sam@example.com>"
    assert message["To"] == "Nina Ruiz <nina@birch.example>"
    assert message["Subject"] == "The others at Birch Labs"
    assert message["Date"] == "Fri, 20 Nov 2026 09:00:00 +0000"
    assert message["Message-ID"] == "<unstuck.birch-quiet.3.20261120090000@example.com>"
    assert message["X-Unstuck-Step"] == "birch-quiet/3"
    assert message.get_content() == (
        "Hi Nina,\n\nHow is it going with the other people you need on board?\n"
    )
    raw = bytes(message)
    assert b'Content-Type: text/plain; charset="utf-8"' in raw


def test_a_call_step_cannot_be_mailed() -> None:
    call = Step(**{**STEP.__dict__, "channel": StepChannel.CALL})
    with pytest.raises(ConflictError, match="is a call, not an email"):
        build_message(call, Recipient("Nina", "nina@birch.example"), "sam@example.com", NOW)


def test_a_sender_without_an_address_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"mail\.from 'Sam' is not an email address"):
        build_message(STEP, Recipient("Nina", "nina@birch.example"), "Sam", NOW)


REPLY = (
    b"From: Nina Ruiz <Nina@Birch.example>\r\nTo: sam@example.com\r\n"
    b"Subject: Re: The others at Birch Labs\r\nDate: Tue, 24 Nov 2026 17:05:00 +0100\r\n"
    b"Message-ID: <r1@birch.example>\r\n"
    b"In-Reply-To: <unstuck.birch-quiet.3.20261120090000@example.com>\r\n\r\n"
    b"Omar is on board now, can we talk Thursday?\r\n\r\n"
    b"On Fri, Sam wrote:\r\n> How is it going\r\n"
)


def test_a_reply_is_read_with_its_sender_time_and_thread() -> None:
    reply = parse_reply(REPLY)
    assert reply == Reply(
        message_id="<r1@birch.example>",
        sender="nina@birch.example",
        subject="Re: The others at Birch Labs",
        at=datetime(2026, 11, 24, 16, 5),
        refers_to=("<unstuck.birch-quiet.3.20261120090000@example.com>",),
        text="Omar is on board now, can we talk Thursday?\n\nOn Fri, Sam wrote:\n> How is it going\n",
    )
    assert first_words(reply.text) == "Omar is on board now, can we talk Thursday?"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"Subject: no sender\r\nDate: Tue, 24 Nov 2026 17:05:00 +0100\r\n\r\nhi\r\n", "sender"),
        (b"From: a@b.example\r\nSubject: x\r\n\r\nno date\r\n", "no Date"),
        (b"From: a@b.example\r\nDate: someday soon\r\n\r\nhi\r\n", "unreadable Date"),
        (b"\x00\x01\x02 not a message", "sender"),
    ],
)
def test_malformed_messages_are_reported_not_guessed(raw: bytes, reason: str) -> None:
    found = parse_reply(raw)
    assert isinstance(found, Malformed)
    assert reason in found.reason
    assert found.key  # a stable key, so it is reported once


SENT = {"<unstuck.birch-quiet.3.20261120090000@example.com>": "birch-quiet"}
PEOPLE = {
    "nina@birch.example": [("birch-quiet", "nina")],
    "pat@shared.example": [("cedar-pilot", "pat"), ("dune-pilot", "pat")],
}


def reply_from(sender: str, refers: tuple[str, ...] = ()) -> Reply:
    return Reply("<x@y>", sender, "Re: hello", NOW, refers, "hello")


@pytest.mark.parametrize(
    ("reply", "running", "expected"),
    [
        (reply_from("nina@birch.example"), set(), Match("birch-quiet", "nina", "sender")),
        (
            reply_from("assistant@birch.example", tuple(SENT)),
            set(),
            Match("birch-quiet", None, "thread"),
        ),
        (reply_from("pat@shared.example"), {"dune-pilot"}, Match("dune-pilot", "pat", "sender")),
    ],
)
def test_replies_are_matched_by_thread_then_by_the_stakeholder_address(
    reply: Reply, running: set[str], expected: Match
) -> None:
    assert match_reply(reply, SENT, PEOPLE, running) == expected


@pytest.mark.parametrize(
    ("sender", "running", "reason"),
    [
        ("someone@else.example", set(), "not a stakeholder of any deal"),
        ("pat@shared.example", set(), "several deals (cedar-pilot, dune-pilot)"),
        ("pat@shared.example", {"cedar-pilot", "dune-pilot"}, "several deals"),
    ],
)
def test_a_reply_that_matches_no_single_deal_is_reported_not_guessed(
    sender: str, running: set[str], reason: str
) -> None:
    found = match_reply(reply_from(sender), SENT, PEOPLE, running)
    assert isinstance(found, NoMatch) and reason in found.reason
