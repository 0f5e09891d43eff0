"""The review as a compact terminal page, as Rich renderables (the CLI prints them).

Nothing here prints or reads the clock: :func:`review_page` turns a :class:`Review` into
a list of renderables, so the same page can go to a terminal, a pager or a test.
"""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from unstuck.review.html import CHANGE_TITLES
from unstuck.review.model import BANDS, FocusItem, Review, StageBar
from unstuck.review.records import RESULT_WORDS
from unstuck.review.svg import compact

STYLES = {"moving": "green", "stuck": "yellow", "badly_stuck": "red"}
BAR_WIDTH = 36


def _bar(bar: StageBar, biggest: float, width: int = BAR_WIDTH) -> Text:
    """Full blocks per band, coloured by stuckness; a faint track fills the rest."""
    text = Text()
    used = 0
    for band in BANDS:
        share = bar.value[band] / biggest if biggest else 0.0
        cells = round(share * width)
        if bar.value[band] > 0:
            cells = max(cells, 1)
        cells = min(cells, width - used)
        text.append("█" * cells, style=STYLES[band])
        used += cells
    text.append("·" * (width - used), style="grey23")
    return text


def glance(review: Review, limit_changes: int = 5) -> list[RenderableType]:
    g = review.glance
    parts: list[RenderableType] = [Rule("[bold]At a glance", align="left", style="grey50")]
    if review.empty:
        who = f" for {review.owner}" if review.owner else ""
        parts.append(Text(f"No open deals{who}. Nothing to review this week.", style="dim"))
    else:
        currency = f" {g.currency}" if g.currency else ""
        parts.append(
            Text.assemble(
                (f"{g.open_deals}", "bold"),
                " open deals · ",
                (f"{g.open_value:,.0f}{currency}", "bold"),
                " open · ",
                (f"{g.stuck} stuck", "bold yellow"),
                f" ({g.stuck_value:,.0f}) · ",
                (f"{g.badly_stuck} badly", "bold red"),
                " · expected ",
                (f"{g.expected_value:,.0f}", "bold"),
                " (value × chance)",
            )
        )
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, style="dim")
        biggest = max((bar.total_value for bar in g.stages), default=0.0)
        for bar in g.stages:
            stuck = bar.deals["stuck"] + bar.deals["badly_stuck"]
            table.add_row(
                bar.stage,
                _bar(bar, biggest),
                compact(bar.total_value),
                f"{bar.total_deals} deals, {stuck} stuck",
            )
        legend = Text.assemble(
            ("█", "green"), " moving  ", ("█", "yellow"), " stuck  ", ("█", "red"), " badly stuck"
        )
        parts += [Padding(table, (1, 0, 0, 0)), Padding(legend, (0, 0, 0, 0))]
    parts.append(Text(f"\nSince {g.since:%a %d %b}:", style="bold"))
    if not g.changes:
        parts.append(Text("  Nothing moved, slipped, went quiet or closed.", style="dim"))
    for kind, title in CHANGE_TITLES.items():
        items = [c for c in g.changes if c.kind == kind]
        if not items:
            continue
        shown = ", ".join(c.deal for c in items[:limit_changes])
        more = f" and {len(items) - limit_changes} more" if len(items) > limit_changes else ""
        parts.append(Text.assemble(f"  {title} ({len(items)}): ", (shown + more, "")))
    return parts


def focus_panel(item: FocusItem, number: int) -> Panel:
    lines: list[RenderableType] = []
    who = "your pick" if item.picked_by == "user" else "proposed"
    lines.append(
        Text.assemble(
            (f"{item.value:,.0f}", "bold"),
            f" {item.currency or ''} · {item.stage} · chance ",
            (f"{item.chance.p:.0%}", "bold"),
            f" ({item.chance.low:.0%}–{item.chance.high:.0%}, {item.chance.source}) · recoverable ",
            (f"{item.recoverability.value:.2f}", "bold"),
            f" · {who}",
        )
    )
    lines.append(Text(item.reason))
    if item.play is not None:
        play = item.play
        lines.append(
            Text.assemble(
                "\n",
                ("First move: ", "bold"),
                (play.title, "bold cyan"),
                (f"  ({', '.join(play.channel)})", "dim"),
            )
        )
        lines += [Padding(Text(f"– {step}"), (0, 0, 0, 2)) for step in play.steps[:4]]
        if play.draft.strip():
            lines.append(Panel(play.draft.strip(), title="Draft", border_style="dim", expand=True))
    title = f"[bold]{number}. {item.name}[/] [dim]{item.deal}[/]"
    return Panel(Group(*lines), title=title, title_align="left", border_style="cyan")


def focus(review: Review) -> list[RenderableType]:
    f = review.focus
    parts: list[RenderableType] = [
        Text(""),
        Rule("[bold]This week's focus", align="left", style="grey50"),
        Text(
            f"Push to a clear yes or no this week ({len(f.items)} of {f.candidates} stuck "
            "deals; value × chance × recoverability"
            + ("; recorded for this week)." if f.source == "recorded" else ")."),
            style="dim",
        ),
    ]
    if not f.items:
        parts.append(Text("No stuck deal with a value to weigh: nothing to force this week."))
    parts += [focus_panel(item, n) for n, item in enumerate(f.items, start=1)]
    if f.previous:
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", title_justify="left")
        table.title = "Last week's picks"
        table.add_column("Deal", no_wrap=True)
        table.add_column("Since then", ratio=2)
        table.add_column("Outcome", ratio=1)
        for p in f.previous:
            if p.pick.result is not None:
                outcome = Text(RESULT_WORDS[p.pick.result], style="bold")
            else:
                hint = f" (looks like: {p.suggested})" if p.suggested else ""
                outcome = Text(f"not recorded{hint}", style="yellow")
            table.add_row(p.pick.deal, p.evidence, outcome)
        parts.append(table)
        if any(p.pick.result is None for p in f.previous):
            parts.append(
                Text(
                    "Record what happened: unstuck focus outcome DEAL --result "
                    "yes|no|moved|nothing",
                    style="dim",
                )
            )
    return parts


def real(review: Review, limit: int) -> list[RenderableType]:
    r = review.real
    parts: list[RenderableType] = [
        Text(""),
        Rule("[bold]What is real", align="left", style="grey50"),
        Text(
            f"{len(r.gaps)} other deals still owe answers ({r.framework_title}); "
            f"{r.qualified} are answered in full. Find out:",
            style="dim",
        ),
    ]
    if r.gaps:
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
        table.add_column("Deal", no_wrap=True, overflow="ellipsis", max_width=26)
        table.add_column("Stage", no_wrap=True)
        table.add_column("Value", justify="right", no_wrap=True)
        table.add_column("Open questions", ratio=1)
        for gap in r.gaps[:limit]:
            asks = "; ".join(q.id for q in gap.open)
            table.add_row(gap.deal, gap.stage, compact(gap.value or 0), asks)
        parts.append(table)
        if len(r.gaps) > limit:
            parts.append(
                Text(f"and {len(r.gaps) - limit} more (--json or --html lists all).", "dim")
            )
    return parts


def let_go(review: Review, limit: int) -> list[RenderableType]:
    lg = review.let_go
    parts: list[RenderableType] = [
        Text(""),
        Rule("[bold]Let go", align="left", style="grey50"),
        Text(
            f"Stuck deals whose value × chance per remaining week is under {lg.ratio:.0%} of the "
            f"median ({lg.median_ev_per_week:,.0f} a week). Letting go frees the time.",
            style="dim",
        ),
    ]
    if not lg.cases:
        parts.append(Text("No stuck deal costs more time than it is worth."))
        return parts
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=26)
    table.add_column(ratio=1)
    for case in lg.cases[:limit]:
        e = case.economics
        numbers = Text.assemble(
            f"{compact(e.value)} × {e.chance:.0%} = {compact(e.expected_value)} over "
            f"{e.remaining_days / 7:.0f} weeks → ",
            (f"{e.ev_per_week:,.0f}/week", "bold red"),
            f" ({case.ratio:.0%} of median)",
        )
        table.add_row(Text(case.deal, style="bold"), numbers)
        table.add_row("", Text(case.main_reason or "", style="dim"))
    parts.append(table)
    if len(lg.cases) > limit:
        parts.append(Text(f"and {len(lg.cases) - limit} more (--json or --html lists all).", "dim"))
    parts.append(
        Text(
            'Decide: unstuck decide DEAL --let-go --reason "..." (or --nurture --revisit-on '
            'DATE), or --pursue --reason "...".',
            style="dim",
        )
    )
    return parts


def review_page(review: Review, limit: int = 12) -> list[RenderableType]:
    who = review.owner or "whole pipeline"
    parts: list[RenderableType] = [
        Text.assemble(
            ("Weekly review", "bold"),
            f" · {who} · as of {review.as_of:%Y-%m-%d}",
            f" · week of {review.focus.week}",
        )
    ]
    parts += [Text(f"Note: {note}", style="yellow") for note in review.notes]
    parts += glance(review)
    parts += focus(review)
    parts += real(review, limit)
    parts += let_go(review, limit)
    return parts


__all__ = ["focus_panel", "glance", "let_go", "real", "review_page"]
