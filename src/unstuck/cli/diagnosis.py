"""``unstuck stalled`` and ``unstuck diagnose``: which deals are stuck, why, and what to do."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    OwnerOption,
    console,
    days,
    money,
    now_from,
    open_app,
    print_json,
    print_table,
    user_errors,
)
from unstuck.cli.pipeline import short_owner
from unstuck.cli.score import render_chance
from unstuck.diagnosis import Diagnosis
from unstuck.domain import Deal
from unstuck.service import Unstuck

# The table shows the worst deals; a terminal page of thousands helps nobody.
TABLE_LIMIT = 50


def severity_text(severity: float) -> Text:
    """A short bar and the number: red from 0.7, yellow from 0.4."""
    style = "red" if severity >= 0.7 else "yellow" if severity >= 0.4 else "green"
    filled = round(severity * 5)
    return Text("■" * filled + "□" * (5 - filled) + f" {severity:.2f}", style=style)


def stalled_table(
    pairs: list[tuple[Deal, Diagnosis]], now: datetime, title: str, width: int = 200
) -> Table:
    """Worst first; the reason column takes what the terminal has left."""
    wide = width >= 110
    table = Table(
        title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False
    )
    table.add_column("Deal", no_wrap=True, overflow="ellipsis", max_width=26)
    table.add_column("Stage", no_wrap=True)
    table.add_column("Value", justify="right", no_wrap=True, min_width=8)
    if wide:
        table.add_column("Owner", no_wrap=True, overflow="ellipsis", max_width=12)
    table.add_column("Stuck", no_wrap=True, min_width=10)
    table.add_column("Main reason", ratio=1, min_width=24)
    currencies = {deal.currency for deal, _ in pairs if deal.currency}
    for deal, diagnosis in pairs:
        more = len(diagnosis.findings) - 1
        reason = diagnosis.main_reason + (f" [dim](+{more} more)[/]" if more > 0 else "")
        cells: list[str | Text] = [
            deal.id,
            f"{deal.stage} [dim]{days(now, deal.stage_entered_at())} d[/]",
            money(deal.value, deal.currency if len(currencies) > 1 else None),
        ]
        if wide:
            cells.append(short_owner(deal.owner))
        cells += [severity_text(diagnosis.severity), reason]
        table.add_row(*cells)
    return table


def show_diagnosis(deal: Deal, diagnosis: Diagnosis, now: datetime) -> None:
    state = "[red]stalled[/]" if diagnosis.stalled else "[green]not stalled[/]"
    console.print(
        Panel(
            f"[bold]{deal.name}[/] ({deal.id}) · {deal.account or 'no account'}\n"
            f"Stage {deal.stage} · {money(deal.value, deal.currency)} · owner "
            f"{deal.owner or '—'}\n{state} · severity {diagnosis.severity:.2f} · as of "
            f"{now:%Y-%m-%d}",
            expand=False,
        )
    )
    if not diagnosis.findings:
        console.print(f"[green]{diagnosis.main_reason}[/] Nothing is holding this deal up.")
        return
    console.print("\n[bold]Why it is stuck[/]")
    for finding in diagnosis.findings:
        label = finding.kind.value.replace("_", " ")
        if finding.scenario:
            label += f" ({finding.scenario.value.replace('_', ' ')})"
        line = Text.assemble(severity_text(finding.severity), "  ", (label, "bold"), " — ")
        line.append(finding.summary)
        console.print(line)
        for evidence in finding.evidence:
            console.print(Padding(f"• {evidence}", (0, 0, 0, 5)), highlight=False)
    console.print("\n[bold]What to do[/]")
    for number, play in enumerate(diagnosis.plays, start=1):
        channels = ", ".join(play.channel)
        console.print(f"\n[bold]{number}. {play.title}[/] [dim]({play.id.value}; {channels})[/]")
        console.print(play.rationale, highlight=False)
        for step in play.steps:
            console.print(Padding(f"– {step}", (0, 0, 0, 3)), highlight=False)
        if play.draft:
            console.print(Panel(play.draft.strip(), title="Draft", expand=False), highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("stalled")
    def stalled_cmd(
        db: DbOption = None,
        owner: OwnerOption = None,
        limit: Annotated[
            int | None,
            typer.Option(min=1, help=f"Show the N worst (default {TABLE_LIMIT} in the table)."),
        ] = None,
        all_: Annotated[bool, typer.Option("--all", help="Show every stuck deal.")] = False,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Every open deal that is stuck, worst first, with its main reason."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            if limit is None and not json and not all_:
                limit = TABLE_LIMIT
            report = app_.stalled(now, owner=owner, limit=limit, plays=json)
            if json:
                print_json([diagnosis.to_dict() for _, diagnosis in report.shown])
                return
            if report.checked == 0:
                who = f" for owner {owner!r}" if owner else ""
                console.print(f"No open deals{who}.")
                return
            if not report.shown:
                console.print(
                    f"None of the {report.checked} open deals is stuck as of {now:%Y-%m-%d}."
                )
                return
            title = f"{report.stalled} stuck of {report.checked} open deals, as of {now:%Y-%m-%d}"
            if len(report.shown) < report.stalled:
                title += f" (the worst {len(report.shown)})"
            print_table(stalled_table(report.shown, now, title, console.width))
            more = report.stalled - len(report.shown)
            hint = f"{more} more: --limit N or --all. " if more else ""
            console.print(f"[dim]{hint}unstuck diagnose DEAL shows the evidence and what to do.[/]")

    @app.command("diagnose")
    def diagnose_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL", help="The deal's id.")],
        db: DbOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """Why one deal is stuck, with evidence, and the plays with ready-to-use drafts."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            deal = app_.deal(deal_id)
            diagnosis = app_.diagnose(deal_id, now)
            chance = _chance(app_, deal, now)
            if json:
                print_json({**diagnosis.to_dict(), "chance": chance})
                return
            show_diagnosis(deal, diagnosis, now)
            if chance is not None and deal.is_open:
                console.print("\n[bold]Chance of winning[/]")
                render_chance(deal.id, deal.name, chance, console)


def _chance(app_: Unstuck, deal: Deal, now: datetime) -> dict[str, Any] | None:
    """The win chance with its factors (scoring); None for a closed deal."""
    if not deal.is_open:
        return None
    from unstuck.scoring.service import describe_chance

    return describe_chance(app_, deal, now)


__all__ = ["register", "severity_text", "show_diagnosis", "stalled_table"]
