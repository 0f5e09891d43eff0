"""The follow-up commands end to end, on SQLite and PostgreSQL, with real mail servers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from cadence_servers import Inbox, Mailbox, free_port
from typer.testing import CliRunner

from unstuck.cli import app


class Cli:
    def __init__(self, db: str, env: dict[str, str] | None = None) -> None:
        self.env = {"UNSTUCK_DB": db, **(env or {})}
        self.runner = CliRunner()

    def __call__(self, *args: str, code: int = 0) -> str:
        result = self.runner.invoke(app, list(args), env=self.env)
        assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        return result.stdout if code == 0 else result.stderr

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json"))


@pytest.fixture
def cli(loaded_db: str) -> Cli:
    return Cli(loaded_db)


def day(offset: int) -> str:
    return (date(2026, 11, 20) + timedelta(days=offset)).isoformat()


def test_a_whole_sequence_runs_from_the_agenda_and_the_final_call_parks_the_deal(
    cli: Cli,
) -> None:
    started = cli.json("cadence", "start", "birch-quiet", "--as-of", day(0))
    assert started["status"] == "active" and len(started["steps"]) == 8
    done: list[str] = []
    for offset in range(0, 60):
        for item in cli.json("agenda", "--as-of", day(offset)):
            assert item["deal"] == "birch-quiet" and item["draft"]
            cli("done", item["id"], "--as-of", day(offset))
            done.append(item["id"])
        if cli.json("deal", "birch-quiet")["status"] == "nurture":
            break
    assert done == [f"birch-quiet/{n}" for n in range(1, 9)]
    parked = cli.json("deal", "birch-quiet")
    revisit = date.fromisoformat(parked["revisit_on"])
    assert revisit == date(2026, 12, 28) + timedelta(days=105)
    [cadence] = cli.json("cadence", "show", "birch-quiet")
    assert cadence["status"] == "completed"
    touches = [s for s in cadence["steps"] if s["phase"] == "nurture"]
    assert len(touches) == 2
    # Between the final call and the revisit: only the light relationship touches.
    between = cli.json("agenda", "--as-of", (revisit - timedelta(days=1)).isoformat())
    assert [i["id"] for i in between] == [t["id"] for t in touches]
    for item in between:
        cli("done", item["id"], "--as-of", (revisit - timedelta(days=1)).isoformat())
    # On the revisit date the deal comes back as a check-back.
    back = cli.json("agenda", "--as-of", revisit.isoformat())
    assert [(i["id"], i["kind"]) for i in back] == [("birch-quiet/checkback", "checkback")]
    out = cli("done", "birch-quiet/checkback", "--as-of", revisit.isoformat())
    assert "birch-quiet is open again" in out
    assert cli.json("deal", "birch-quiet")["status"] == "open"


def test_a_reply_arriving_in_the_mailbox_stops_the_sequence(
    loaded_db: str,
    mail_config: Callable[..., dict[str, str]],
    smtp_server: tuple[int, Inbox],
    mailbox: Mailbox,
) -> None:
    cli = Cli(loaded_db, mail_config())
    cli("cadence", "start", "birch-quiet", "--as-of", day(0))
    cli("done", "birch-quiet/1", "--as-of", day(0))
    sent = cli.json("mail", "send", "birch-quiet/2", "--as-of", day(0))
    assert sent["to"] == "Nina Ruiz <nina@birch.example>"
    assert cli.json("agenda", "--as-of", day(7))[0]["id"] == "birch-quiet/3"
    mailbox.append(
        (
            "From: Nina Ruiz <nina@birch.example>\r\nTo: sam@example.com\r\n"
            "Subject: Re: One thing you would change?\r\n"
            "Date: Mon, 23 Nov 2026 08:15:00 +0000\r\nMessage-ID: <reply-1@birch.example>\r\n"
            f"In-Reply-To: {sent['message_id']}\r\n\r\nShorter contract, please. Call me?\r\n"
        ).encode()
    )
    out = cli("mail", "sync", "--as-of", day(3))
    assert "Logged a reply from nina@birch.example on birch-quiet" in out
    assert "1 new reply logged." in out
    [cadence] = cli.json("cadence", "show", "birch-quiet")
    assert cadence["status"] == "stopped"
    assert cadence["stop_reason"] == "reply received on 2026-11-23"
    assert cli.json("agenda", "--as-of", day(30), "--days", "30") == []
    assert cli.json("mail", "sync", "--as-of", day(4))["already_seen"] == 1
    touches = cli.json("deal", "birch-quiet")["touches"]
    assert [t["direction"] for t in touches].count("inbound") == 2


def test_agenda_ics_writes_a_calendar_that_updates_on_re_export(cli: Cli, tmp_path: Path) -> None:
    cli("cadence", "start", "birch-quiet", "--as-of", day(0))
    cli(
        "plan",
        "add",
        "cedar-pilot",
        "--date",
        "2026-11-24T10:00",
        "--purpose",
        "Meet the buying group",
        "--with",
        "pat",
        "--with",
        "our CTO",
        "--as-of",
        day(0),
    )
    target = tmp_path / "agenda.ics"
    out = cli("agenda", "--ics", str(target), "--as-of", day(0), "--brief")
    assert f"Calendar written to {target}" in out
    events = list(icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert [str(e["UID"]) for e in events] == [
        "birch-quiet/1@unstuck",
        "birch-quiet/2@unstuck",
        "cedar-pilot/m1@unstuck",
        *[f"birch-quiet/{n}@unstuck" for n in range(3, 9)],
    ]
    cli("done", "birch-quiet/1", "--as-of", day(0))
    cli("snooze", "birch-quiet/2", "--to", day(1), "--as-of", day(0))
    cli("agenda", "--ics", str(target), "--as-of", day(0))
    again = {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    }
    assert "birch-quiet/1@unstuck" not in again
    assert again["birch-quiet/2@unstuck"].decoded("DTSTART") == date(2026, 11, 21)
    only_kim = tmp_path / "kim.ics"
    cli("agenda", "--ics", str(only_kim), "--owner", "kim@example.com", "--as-of", day(0))
    kim = list(icalendar.Calendar.from_ical(only_kim.read_bytes()).walk("VEVENT"))
    assert [str(e["UID"]) for e in kim] == ["cedar-pilot/m1@unstuck"]


def test_the_ics_bytes_for_an_owner_are_available_to_the_web_app(loaded_db: str) -> None:
    from cadence_world import NOW

    from unstuck.cadence.service import Cadences
    from unstuck.config import default_config
    from unstuck.service import Unstuck
    from unstuck.store import Store

    application = Unstuck(default_config(), Store.open(loaded_db))
    try:
        service = Cadences(application)
        service.start("birch-quiet", NOW)
        data = service.ics(NOW, owner="sam@example.com")
        assert service.ics(NOW, owner="nobody@example.com").count(b"BEGIN:VEVENT") == 0
    finally:
        application.store.close()
    assert data.count(b"BEGIN:VEVENT") == 8
    assert b"X-WR-CALNAME:Unstuck agenda \xe2\x80\x93 sam@example.com" in data


def test_the_agenda_shows_each_item_with_its_draft(cli: Cli) -> None:
    cli("cadence", "start", "birch-quiet", "--as-of", day(0))
    out = cli("agenda", "--as-of", day(0))
    assert "birch-quiet/1  2026-11-20  Call Nina Ruiz: Did it reach you" in out
    assert "Open: \"Hi Nina, it's a quick one." in out
    assert "Subject: One thing you would change?" in out
    assert "overdue 2 d" in cli("agenda", "--as-of", day(2), "--brief")
    assert cli("agenda", "--owner", "kim@example.com", "--as-of", day(0)) == (
        "Nothing due today.\n"
    )


def test_the_joint_plan_commands(cli: Cli) -> None:
    added = cli.json(
        "plan",
        "add",
        "birch-quiet",
        "--date",
        day(3),
        "--purpose",
        "Agree the evaluation plan",
        "--with",
        "omar",
        "--as-of",
        day(0),
    )
    assert added["id"] == "birch-quiet/m1" and added["with"] == ["Omar Haddad"]
    listed = cli.json("plan", "list", "birch-quiet")
    assert [i["purpose"] for i in listed] == ["Agree the evaluation plan"]
    assert "Agree the evaluation plan" in cli("plan", "list", "birch-quiet", "--as-of", day(0))
    assert cli.json("agenda", "--days", "4", "--as-of", day(0))[0]["id"] == "birch-quiet/m1"
    assert "Done: birch-quiet/m1" in cli("plan", "done", "birch-quiet/m1", "--as-of", day(3))
    assert cli.json("plan", "list", "birch-quiet")[0]["status"] == "done"


def test_cadence_pause_resume_stop_and_templates(cli: Cli) -> None:
    names = [t["name"] for t in cli.json("cadence", "templates")]
    assert {"default", "gentle", "nearby"} <= set(names)
    cli("cadence", "start", "birch-quiet", "--template", "nearby", "--urgent", "--as-of", day(0))
    assert "Paused the cadence of birch-quiet." in cli("cadence", "pause", "birch-quiet")
    assert cli.json("agenda", "--as-of", day(0)) == []
    cli("cadence", "resume", "birch-quiet", "--as-of", day(0))
    assert len(cli.json("agenda", "--as-of", day(0))) == 2
    cli("cadence", "stop", "birch-quiet", "--reason", "they bought elsewhere")
    [cadence] = cli.json("cadence", "show", "birch-quiet")
    assert (cadence["status"], cadence["stop_reason"]) == ("stopped", "they bought elsewhere")
    assert cadence["urgent"] is True and cadence["template"] == "nearby"


CLI_ERRORS = [
    (
        ["cadence", "start", "birch-quiet", "--template", "weekly"],
        "unknown cadence template 'weekly'",
    ),
    (["cadence", "start", "elm-won"], "elm-won is won: a cadence runs only on an open deal"),
    (["cadence", "start", "nope"], "no deal with id 'nope'"),
    (["done", "birch-quiet"], "not an agenda id: 'birch-quiet'"),
    (["done", "birch-quiet/99"], "no step birch-quiet/99"),
    (["snooze", "birch-quiet/1", "--to", "tomorrow"], "--to"),
    (["plan", "add", "birch-quiet", "--date", "31/31/2026", "--purpose", "x"], "--date"),
    (["plan", "done", "birch-quiet/1"], "is not a meeting id"),
    (["mail", "send", "birch-quiet/2"], "mail.from is not set"),
    (["mail", "sync"], "mail.imap_host is not set"),
]


@pytest.mark.parametrize(("args", "message"), CLI_ERRORS, ids=[" ".join(a) for a, _ in CLI_ERRORS])
def test_bad_input_exits_2_with_a_clear_message(cli: Cli, args: list[str], message: str) -> None:
    assert message in cli(*args, code=2)


def test_a_second_cadence_is_refused_on_the_command_line(cli: Cli) -> None:
    cli("cadence", "start", "birch-quiet")
    assert "already has a cadence running" in cli("cadence", "start", "birch-quiet", code=2)


def test_an_unreachable_mail_server_marks_nothing_as_sent(
    loaded_db: str, mail_config: Callable[..., dict[str, str]]
) -> None:
    cli = Cli(loaded_db, mail_config(UNSTUCK_MAIL_SMTP_PORT=str(free_port())))
    cli("cadence", "start", "birch-quiet", "--as-of", day(0))
    err = cli("mail", "send", "birch-quiet/2", "--as-of", day(0), code=2)
    assert "could not send through SMTP server 127.0.0.1" in err
    assert "Nothing was marked as sent" in err
    steps = cli.json("cadence", "show", "birch-quiet")[0]["steps"]
    assert steps[1]["status"] == "planned" and steps[1]["message_id"] is None


def test_mail_draft_writes_an_eml_file(
    loaded_db: str, mail_config: Callable[..., dict[str, str]], tmp_path: Path
) -> None:
    cli = Cli(loaded_db, mail_config())
    cli("cadence", "start", "birch-quiet", "--as-of", day(0))
    target = tmp_path / "step.eml"
    assert f"Wrote {target}" in cli("mail", "draft", "birch-quiet/3", "--out", str(target))
    raw = target.read_bytes()
    assert b"Subject: The others at Birch Labs" in raw
    assert b"To: Nina Ruiz <nina@birch.example>" in raw
