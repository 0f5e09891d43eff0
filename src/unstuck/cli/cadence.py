"""Follow-up commands: cadence start/pause/resume/stop/show/templates, agenda, done,
snooze, and the joint plan (plan add/list/done)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from unstuck.cadence.agenda import AgendaItem
from unstuck.cadence.model import Cadence, PlanItem, StepStatus
from unstuck.cadence.service import Cadences
from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    OwnerOption,
    console,
    day_from,
    now_from,
    open_app,
    print_json,
    user_errors,
)
from unstuck.document import parse_datetime
from unstuck.errors import UsageError

DealArg = Annotated[str, typer.Argument(metavar="DEAL", help="The deal's id.")]
StepArg = Annotated[
    str,
    typer.Argument(
        metavar="STEP", help="An agenda id: DEAL/N (step), DEAL/mN (meeting), DEAL/checkback."
    ),
]


def _open(db: str | None, as_of: str | None) -> tuple[Cadences, datetime]:
    app_ = open_app(db)
    return Cadences(app_), now_from(as_of, app_.tz)


def _required_day(option: str, value: str) -> date:
    day = day_from(option, value)
    assert day is not None
    return day


def show_cadence(cadence: Cadence, today: date) -> None:
    urgent = ", urgent" if cadence.urgent else ""
    head = f"{cadence.deal}: {cadence.template} cadence{urgent}, {cadence.status}"
    if cadence.stop_reason:
        head += f" ({cadence.stop_reason})"
    table = Table(title=head, title_justify="left", box=box.SIMPLE_HEAD, header_style="bold")
    for name in ("Step", "Due", "Channel", "What", "Status"):
        table.add_column(name, no_wrap=name != "What")
    for step in cadence.steps:
        status = str(step.status)
        if step.status is StepStatus.PLANNED and step.due_on < today:
            status = f"[red]overdue {(today - step.due_on).days} d[/]"
        due = step.due_on.isoformat() + (" (moved)" if step.snoozed_to else "")
        phase = " ·relationship" if step.phase == "nurture" else ""
        table.add_row(step.id, due, step.channel.label + phase, step.title, status)
    console.print(table)


def show_items(items: list[AgendaItem], today: date, drafts: bool) -> None:
    for item in items:
        late = item.overdue_days(today)
        when = f"[red]overdue {late} d[/]" if late else item.due_on.isoformat()
        if item.starts_at:
            when += f" {item.starts_at:%H:%M} UTC"
        where = item.deal.account or item.deal.name
        console.print(
            f"[bold]{item.id}[/]  {when}  {item.title}  [dim]({where})[/]",
            highlight=False,
        )
        if drafts:
            if item.subject:
                console.print(Text(f"    Subject: {item.subject}"))
            for line in item.draft.rstrip().splitlines():
                console.print(Text(f"    {line}"))
            console.print()


def register(app: typer.Typer) -> None:
    cadence_app = typer.Typer(help="Plan and run a follow-up cadence for a quiet deal.")
    plan_app = typer.Typer(help="The joint plan: meetings with a purpose, owner, people and date.")
    app.add_typer(cadence_app, name="cadence")
    app.add_typer(plan_app, name="plan")

    @cadence_app.command("start")
    def start_cmd(
        deal_id: DealArg,
        template: Annotated[
            str | None, typer.Option(help="Template name (default: cadence.template).")
        ] = None,
        urgent: Annotated[bool, typer.Option("--urgent", help="Tighter spacing.")] = False,
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Plan the whole sequence at once: dates, channels, angles and drafts."""
        with user_errors():
            service, now = _open(db, as_of)
            cadence = service.start(deal_id, now, template, urgent)
            if json:
                print_json(cadence.to_dict())
                return
            show_cadence(cadence, service.today(now))
            console.print("Each day's step and its draft: `unstuck agenda`.")

    @cadence_app.command("pause")
    def pause_cmd(deal_id: DealArg, db: DbOption = None, as_of: AsOfOption = None) -> None:
        """Pause the deal's cadence; resuming moves the remaining steps later."""
        with user_errors():
            service, now = _open(db, as_of)
            service.pause(deal_id, now)
            console.print(f"Paused the cadence of {deal_id}.")

    @cadence_app.command("resume")
    def resume_cmd(deal_id: DealArg, db: DbOption = None, as_of: AsOfOption = None) -> None:
        """Continue a paused cadence, shifting its remaining steps by the pause."""
        with user_errors():
            service, now = _open(db, as_of)
            cadence = service.resume(deal_id, now)
            show_cadence(cadence, service.today(now))

    @cadence_app.command("stop")
    def stop_cmd(
        deal_id: DealArg,
        reason: Annotated[str | None, typer.Option(help="Why it stops.")] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Stop the deal's cadence for good; steps not done are cancelled."""
        with user_errors():
            service, now = _open(db, as_of)
            service.stop(deal_id, now, reason)
            console.print(f"Stopped the cadence of {deal_id}.")

    @cadence_app.command("show")
    def show_cmd(
        deal_id: DealArg, db: DbOption = None, as_of: AsOfOption = None, json: JsonOption = False
    ) -> None:
        """Every cadence of the deal, with each step's date, channel, angle and status."""
        with user_errors():
            service, now = _open(db, as_of)
            found = service.cadences(deal_id)
            if json:
                print_json([c.to_dict() for c in found])
                return
            if not found:
                console.print(f"{deal_id} has no cadence. `unstuck cadence start {deal_id}`.")
            for cadence in found:
                show_cadence(cadence, service.today(now))

    @cadence_app.command("templates")
    def templates_cmd(db: DbOption = None, json: JsonOption = False) -> None:
        """The cadence templates available (built-in and yours)."""
        with user_errors():
            service = Cadences(open_app(db))
            found = service.templates()
            if json:
                print_json(
                    [
                        {
                            "name": t.name,
                            "title": t.title,
                            "description": t.description,
                            "spacing_days": t.spacing_days,
                            "urgent_spacing_days": t.urgent_spacing_days,
                            "steps": [
                                {"channel": str(s.channel), "angle": s.angle, "title": s.title}
                                for s in t.steps
                            ],
                            "source": t.source,
                        }
                        for t in found
                    ]
                )
                return
            for t in found:
                console.print(
                    f"[bold]{t.name}[/]: {t.title}. {len(t.steps)} steps, every "
                    f"{t.spacing_days} days ({t.urgent_spacing_days} when urgent)."
                )
                console.print(f"    {t.description}", highlight=False)

    @app.command("agenda")
    def agenda_cmd(
        days: Annotated[int, typer.Option(min=1, help="Days ahead, today included.")] = 1,
        owner: OwnerOption = None,
        ics: Annotated[
            Path | None, typer.Option(help="Also write everything still to do as a calendar.")
        ] = None,
        brief: Annotated[bool, typer.Option("--brief", help="Leave the drafts out.")] = False,
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """What is due today and overdue across all deals, each with its draft."""
        with user_errors():
            service, now = _open(db, as_of)
            today = service.today(now)
            items = service.agenda(now, days, owner)
            if ics is not None:
                try:
                    ics.write_bytes(service.ics(now, owner))
                except OSError as exc:
                    raise UsageError(f"--ics {ics}: cannot write ({exc.strerror}).") from None
            if json:
                print_json([i.to_dict(today) for i in items])
                return
            if ics is not None:
                console.print(f"Calendar written to {ics}.")
            if not items:
                ahead = "today" if days == 1 else f"in the next {days} days"
                console.print(f"Nothing due {ahead}.")
                return
            show_items(items, today, drafts=not brief)

    @app.command("done")
    def done_cmd(
        step: StepArg,
        note: Annotated[str | None, typer.Option(help="What happened, in a line.")] = None,
        revisit_on: Annotated[
            str | None, typer.Option(help="For a check-back: keep it parked until this date.")
        ] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Log the touch for an agenda item and move on to the next."""
        with user_errors():
            service, now = _open(db, as_of)
            result = service.done(step, now, note, day_from("--revisit-on", revisit_on))
            if json:
                print_json(
                    {
                        "id": result.ref,
                        "kind": str(result.kind),
                        "message": result.message,
                        "revisit_on": result.revisit_on,
                    }
                )
                return
            console.print(result.message, highlight=False)

    @app.command("snooze")
    def snooze_cmd(
        step: StepArg,
        to: Annotated[str, typer.Option("--to", help="The new date.")],
        db: DbOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Move an agenda item to a later date."""
        with user_errors():
            service, now = _open(db, as_of)
            console.print(service.snooze(step, _required_day("--to", to), now), highlight=False)

    @plan_app.command("add")
    def plan_add_cmd(
        deal_id: DealArg,
        on: Annotated[str, typer.Option("--date", help="Date, or date and time.")],
        purpose: Annotated[str, typer.Option(help="What the meeting is for.")],
        with_: Annotated[
            list[str] | None,
            typer.Option("--with", help="A stakeholder id, or anyone by name. Repeatable."),
        ] = None,
        owner: Annotated[
            str | None, typer.Option(help="Who runs it (default: the deal's owner).")
        ] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Add a meeting to the deal's joint plan."""
        with user_errors():
            service, now = _open(db, as_of)
            day, starts_at = _date_or_time(on, service)
            item = service.plan_add(deal_id, now, day, purpose, with_ or [], owner, starts_at)
            if json:
                print_json(item.to_dict())
                return
            console.print(f"Added {item.id}: {item.purpose} on {item.planned_on}.", highlight=False)

    @plan_app.command("list")
    def plan_list_cmd(
        deal_id: DealArg, db: DbOption = None, as_of: AsOfOption = None, json: JsonOption = False
    ) -> None:
        """The deal's joint plan: every meeting with its purpose, owner, people and date."""
        with user_errors():
            service, now = _open(db, as_of)
            items = service.plan(deal_id)
            if json:
                print_json([i.to_dict() for i in items])
                return
            if not items:
                console.print(f"{deal_id} has no joint plan yet. `unstuck plan add {deal_id}`.")
                return
            console.print(_plan_table(deal_id, items, service.today(now)))

    @plan_app.command("done")
    def plan_done_cmd(
        item: Annotated[str, typer.Argument(metavar="ITEM", help="A meeting id: DEAL/mN.")],
        note: Annotated[str | None, typer.Option(help="What came of it.")] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Mark a meeting of the joint plan as held (logged as a meeting with the prospect)."""
        with user_errors():
            service, now = _open(db, as_of)
            if "/m" not in item:
                raise UsageError(
                    f"{item!r} is not a meeting id: use DEAL/mN (`unstuck plan list` shows them)."
                )
            console.print(service.done(item, now, note).message, highlight=False)


def _date_or_time(text: str, service: Cadences) -> tuple[date, datetime | None]:
    if len(text.strip()) == 10:
        return _required_day("--date", text), None
    try:
        moment = parse_datetime(text, service.app.tz)
    except ValueError as exc:
        raise UsageError(f"--date: {exc}") from None
    local = moment.replace(tzinfo=UTC).astimezone(service.app.tz)
    return local.date(), moment


def _plan_table(deal_id: str, items: list[PlanItem], today: date) -> Table:
    table = Table(title=f"Joint plan of {deal_id}", title_justify="left", box=box.SIMPLE_HEAD)
    for name in ("Meeting", "Date", "Purpose", "With", "Owner", "Status"):
        table.add_column(name, no_wrap=name in ("Meeting", "Date"))
    for item in items:
        status = str(item.status)
        if status == "planned" and item.due_on < today:
            status = "[red]overdue[/]"
        when = item.due_on.isoformat()
        if item.starts_at and not item.snoozed_to:
            when += f" {item.starts_at:%H:%M} UTC"
        table.add_row(
            item.id,
            when,
            item.purpose,
            ", ".join(item.people),
            item.owner or "—",
            status,
        )
    return table


__all__ = ["register"]
