"""Mail against real servers on loopback: aiosmtpd for SMTP, a private Dovecot for IMAP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from cadence_servers import Inbox, Mailbox, free_port
from cadence_world import NOW

from unstuck.cadence import CadenceStatus, StepStatus
from unstuck.cadence.mailing import Mailer
from unstuck.cadence.service import Cadences
from unstuck.cadence.transport import MailError, MailSettings
from unstuck.config import load_config
from unstuck.domain import Direction
from unstuck.errors import ConfigError, ConflictError
from unstuck.service import Unstuck


def mailer(app: Unstuck, env: dict[str, str]) -> Mailer:
    config = load_config(files=[], environ=env)
    return Mailer(Cadences(Unstuck(config, app.store)), MailSettings.from_config(config, env))


def reply(sender: str, subject: str, mid: str, in_reply_to: str = "", body: str = "") -> bytes:
    thread = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    text = body or "Thanks, let's talk next week."
    return (
        f"From: {sender}\r\nTo: sam@example.com\r\nSubject: {subject}\r\n"
        f"Date: Tue, 24 Nov 2026 17:05:00 +0100\r\nMessage-ID: {mid}\r\n{thread}\r\n{text}\r\n"
    ).encode()


def test_mail_send_delivers_the_step_and_marks_it_done(
    app: Unstuck, mail_config: Callable[..., dict[str, str]], smtp_server: tuple[int, Inbox]
) -> None:
    m = mailer(app, mail_config())
    cadence = m.cadences.start("birch-quiet", NOW)
    message, result = m.send("birch-quiet/2", NOW)
    [envelope] = smtp_server[1].messages
    assert envelope.mail_from == "sam@example.com"
    assert envelope.rcpt_tos == ["nina@birch.example"]
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "One thing you would change?"
    assert received["Message-ID"] == "<unstuck.birch-quiet.2.20261120090000@example.com>"
    assert received.get_content().replace("\r\n", "\n") == (
        "Hi Nina,\n\nI tried to reach you by phone earlier. Did what I sent reach you? If you "
        "could change one thing in it, what would it be?\n\nA one-line answer is plenty.\n"
    )
    step = m.cadences.cadences("birch-quiet")[0].steps[1]
    assert step.status is StepStatus.DONE and step.message_id == message["Message-ID"]
    assert result.message == "Done: birch-quiet/2 (A one-line question after the call)."
    assert cadence.steps[1].status is StepStatus.PLANNED


def test_mail_draft_writes_an_eml_without_sending(
    app: Unstuck, mail_config: Callable[..., dict[str, str]], smtp_server: tuple[int, Inbox]
) -> None:
    m = mailer(app, mail_config())
    m.cadences.start("birch-quiet", NOW)
    message = m.draft("birch-quiet/3", NOW)
    assert message["To"] == "Nina Ruiz <nina@birch.example>"
    assert "Omar Haddad (COO)" in message.get_content()
    assert smtp_server[1].messages == []
    with pytest.raises(ConflictError, match="birch-quiet/1 is a call, not an email"):
        m.draft("birch-quiet/1", NOW)


def _unreachable(env: dict[str, str]) -> dict[str, str]:
    return {**env, "UNSTUCK_MAIL_SMTP_PORT": str(free_port())}


def _refusing(env: dict[str, str], inbox: Inbox) -> dict[str, str]:
    inbox.answer = "554 5.7.1 Message rejected as spam"
    return env


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unreachable", "could not send through SMTP server 127.0.0.1:"),
        ("refusing", "554 5.7.1 Message rejected as spam. Nothing was marked as sent"),
        ("unset", "mail.smtp_host is not set"),
        ("no password", "no password was found: set the environment variable"),
    ],
)
def test_a_mail_server_that_cannot_take_the_message_leaves_the_step_undone(
    app: Unstuck,
    mail_config: Callable[..., dict[str, str]],
    smtp_server: tuple[int, Inbox],
    case: str,
    message: str,
) -> None:
    env = mail_config()
    if case == "unreachable":
        env = _unreachable(env)
    elif case == "refusing":
        env = _refusing(env, smtp_server[1])
    elif case == "unset":
        del env["UNSTUCK_MAIL_SMTP_HOST"]
    else:
        env["UNSTUCK_MAIL_SMTP_USER"] = "sam"
    before = Cadences(app).start("birch-quiet", NOW)
    with pytest.raises((MailError, ConfigError), match=message) as caught:
        mailer(app, env).send("birch-quiet/2", NOW)
    assert caught.value.exit_code == 2
    assert Cadences(app).cadences("birch-quiet") == [before]
    assert app.deal("birch-quiet").touches[-1].direction is Direction.OUTBOUND
    assert len(app.deal("birch-quiet").touches) == 4


def test_a_password_file_is_read_when_the_variable_is_not_set(app: Unstuck, tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    env = {
        "UNSTUCK_MAIL_SMTP_HOST": "127.0.0.1",
        "UNSTUCK_MAIL_SMTP_USER": "sam",
        "UNSTUCK_MAIL_SMTP_PASSWORD_FILE": str(secret),
    }
    settings = MailSettings.from_config(load_config(files=[], environ=env), env)
    assert settings.smtp is not None and settings.smtp.password == "s3cret"


def test_by_default_no_mail_server_is_configured() -> None:
    settings = MailSettings.from_config(load_config(files=[], environ={}), {})
    assert settings.smtp is None and settings.imap is None and settings.sender is None


def test_mail_sync_logs_a_reply_once_and_it_stops_the_cadence(
    app: Unstuck, mail_config: Callable[..., dict[str, str]], mailbox: Mailbox
) -> None:
    m = mailer(app, mail_config())
    m.cadences.start("birch-quiet", NOW)
    mailbox.append(reply("Nina Ruiz <nina@birch.example>", "Re: hello", "<r1@birch.example>"))
    report = m.sync(NOW + timedelta(days=5))
    assert [(e["deal"], e["how"]) for e in report.logged] == [("birch-quiet", "sender")]
    [cadence] = m.cadences.cadences("birch-quiet")
    assert cadence.status is CadenceStatus.STOPPED
    assert cadence.stop_reason == "reply received on 2026-11-24"
    touch = app.deal("birch-quiet").touches[-1]
    assert touch.direction is Direction.INBOUND and touch.with_ == ("nina",)
    assert touch.summary == 'Reply by email: "Re: hello" — Thanks, let\'s talk next week.'
    again = m.sync(NOW + timedelta(days=6))
    assert again.logged == [] and again.already_seen == 1
    assert len(app.deal("birch-quiet").touches) == 5


def test_mail_sync_matches_a_reply_to_what_was_sent_by_its_thread(
    app: Unstuck,
    mail_config: Callable[..., dict[str, str]],
    mailbox: Mailbox,
    smtp_server: tuple[int, Inbox],
) -> None:
    m = mailer(app, mail_config())
    m.cadences.start("birch-quiet", NOW)
    sent, _ = m.send("birch-quiet/2", NOW)
    mailbox.append(
        reply(
            "Assistant <office@birch.example>",
            "Re: One thing",
            "<a1@birch>",
            in_reply_to=sent["Message-ID"],
        )
    )
    report = m.sync(NOW + timedelta(days=5))
    assert [(e["deal"], e["how"]) for e in report.logged] == [("birch-quiet", "thread")]
    assert m.cadences.cadences("birch-quiet")[0].status is CadenceStatus.STOPPED


def test_mail_sync_reports_what_it_cannot_match_or_read_and_logs_nothing_for_them(
    app: Unstuck, mail_config: Callable[..., dict[str, str]], mailbox: Mailbox
) -> None:
    m = mailer(app, mail_config())
    m.cadences.start("birch-quiet", NOW)
    mailbox.append(reply("Pat Lee <pat@shared.example>", "Re: pilot", "<p1@shared>"))
    mailbox.append(reply("news@vendor.example", "Our newsletter", "<n1@vendor>"))
    mailbox.append(b"From: broken@birch.example\r\nSubject: no date here\r\n\r\nhello\r\n")
    mailbox.append(reply("Sam Lee <sam@example.com>", "my own copy", "<own@example.com>"))
    report = m.sync(NOW + timedelta(days=5))
    assert report.logged == []
    assert sorted(e["reason"] for e in report.unmatched) == [
        "news@vendor.example is not a stakeholder of any deal",
        "pat@shared.example is a stakeholder of several deals (cedar-pilot, dune-pilot); "
        "log it by hand with `unstuck log`",
    ]
    assert [e["reason"] for e in report.malformed] == ["no Date header"]
    assert m.cadences.cadences("birch-quiet")[0].status is CadenceStatus.ACTIVE
    again = m.sync(NOW + timedelta(days=6))
    assert again.unmatched == [] and again.malformed == [] and again.still_unmatched == 2


def test_an_unreachable_imap_server_is_a_clear_error(
    app: Unstuck, mail_config: Callable[..., dict[str, str]]
) -> None:
    env = {**mail_config(), "UNSTUCK_MAIL_IMAP_PORT": str(free_port())}
    with pytest.raises(MailError, match=r"could not reach IMAP server 127\.0\.0\.1:"):
        mailer(app, env).sync(NOW)
