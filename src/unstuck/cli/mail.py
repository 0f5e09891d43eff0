"""Mail commands: draft a step as an .eml, send it by SMTP, read replies by IMAP."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from unstuck.cadence.mailing import Mailer, SyncReport
from unstuck.cadence.service import Cadences
from unstuck.cadence.transport import MailSettings
from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    console,
    day_from,
    now_from,
    open_app,
    print_json,
    user_errors,
)
from unstuck.errors import UsageError

StepArg = Annotated[str, typer.Argument(metavar="STEP", help="A cadence step id: DEAL/N.")]


def _mailer(db: str | None, as_of: str | None) -> tuple[Mailer, Cadences, datetime]:
    app_ = open_app(db)
    service = Cadences(app_)
    return Mailer(service, MailSettings.from_config(app_.config)), service, now_from(as_of, app_.tz)


def _show_report(report: SyncReport) -> None:
    for entry in report.logged:
        console.print(
            f"Logged a reply from {entry['from']} on {entry['deal']}: {entry['subject']!r}",
            highlight=False,
        )
    for entry in report.unmatched:
        console.print(
            f"[yellow]Not matched[/]: {entry['from']} {entry['subject']!r} ({entry['reason']}).",
            highlight=False,
        )
    for entry in report.malformed:
        console.print(
            f"[yellow]Skipped a malformed message[/] {entry['message']}: {entry['reason']}.",
            highlight=False,
        )
    tail = []
    if report.already_seen:
        tail.append(f"{report.already_seen} already logged")
    if report.still_unmatched:
        tail.append(f"{report.still_unmatched} still not matched")
    count = len(report.logged)
    console.print(
        f"{count} new {'reply' if count == 1 else 'replies'} logged"
        + (f"; {', '.join(tail)}." if tail else "."),
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    mail_app = typer.Typer(help="Draft, send and read the emails of cadence steps.")
    app.add_typer(mail_app, name="mail")

    @mail_app.command("draft")
    def draft_cmd(
        step: StepArg,
        out: Annotated[
            Path | None, typer.Option(help="File to write (default: DEAL-N.eml here).")
        ] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Write the step's email as an .eml file to open in any mail client."""
        with user_errors():
            mailer, _, now = _mailer(db, as_of)
            message = mailer.draft(step, now)
            target = out or Path(step.replace("/", "-") + ".eml")
            try:
                target.write_bytes(bytes(message))
            except OSError as exc:
                raise UsageError(f"cannot write {target}: {exc.strerror}.") from None
            console.print(f"Wrote {target} (to {message['To']}).", highlight=False)

    @mail_app.command("send")
    def send_cmd(
        step: StepArg, db: DbOption = None, as_of: AsOfOption = None, json: JsonOption = False
    ) -> None:
        """Send the step's email through SMTP and mark the step done."""
        with user_errors():
            mailer, _, now = _mailer(db, as_of)
            message, result = mailer.send(step, now)
            if json:
                print_json(
                    {
                        "id": result.ref,
                        "message_id": message["Message-ID"],
                        "to": message["To"],
                        "message": result.message,
                    }
                )
                return
            console.print(f"Sent to {message['To']}. {result.message}", highlight=False)

    @mail_app.command("sync")
    def sync_cmd(
        since: Annotated[
            str | None, typer.Option(help="Only messages received on or after this date.")
        ] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Read replies from the IMAP mailbox and log them on their deals (stops cadences)."""
        with user_errors():
            mailer, _, now = _mailer(db, as_of)
            report = mailer.sync(now, day_from("--since", since))
            if json:
                print_json(report.to_dict())
                return
            _show_report(report)


__all__ = ["register"]
