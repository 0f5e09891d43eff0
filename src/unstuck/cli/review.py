"""``unstuck review``, ``unstuck focus set|show|outcome`` and ``unstuck decide``: the weekly
ritual. The commands load the data once, call :func:`unstuck.review.build_review` and
render; every rule lives in :mod:`unstuck.review`."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

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
from unstuck.domain import Deal, Decision, DecisionKind, Status
from unstuck.errors import ConfigError, ConflictError, UsageError
from unstuck.review import (
    ChanceModel,
    FocusPick,
    FocusResult,
    PickedBy,
    Review,
    ReviewSettings,
    build_review,
    render_html,
    week_start,
    win_rates,
)
from unstuck.review.records import RESULT_WORDS
from unstuck.review.terminal import review_page
from unstuck.service import Unstuck
from unstuck.store import reviews

ResultOption = Annotated[
    str, typer.Option("--result", help="What came of it: yes, no, moved or nothing.")
]


def _check_owner(app_: Unstuck, owner: str | None) -> None:
    if owner is None:
        return
    with app_.store.read() as tx:
        if tx.has_owner(owner):
            return
        owners = tx.owners()
    if owner.lower() not in {o.lower() for o in owners}:
        known = ", ".join(owners[:10]) + (" ..." if len(owners) > 10 else "")
        hint = f"Owners in this pipeline: {known}." if owners else "The pipeline has no deals."
        raise UsageError(f"--owner {owner!r}: no deals belong to this owner. {hint}")


def load_review(app_: Unstuck, now: datetime, owner: str | None = None) -> Review:
    """Everything read once, then the pure review (no picks are written here)."""
    _check_owner(app_, owner)
    cfg = app_.config
    rate = cfg.float_("review.prior_win_rate")
    if not 0.0 < rate < 1.0:
        raise ConfigError(
            f"review.prior_win_rate = {rate}: must be between 0 and 1 (exclusive), "
            "for example 0.25."
        )
    settings = ReviewSettings.from_config(cfg)
    this_week = week_start(now)
    with app_.store.read() as tx:
        current = reviews.picks(tx, this_week, owner)
        previous = reviews.picks(tx, this_week - timedelta(days=7), owner)
    # From the closed deals: figures kept in the database (read again only when the closed
    # history changes), and the deals closed this week or picked last week.
    closed = app_.closed_figures(now)
    context = app_.diagnosis_context()
    since = now - timedelta(days=settings.change_days)
    with app_.store.read() as tx:
        history = reviews.closed_recently(tx, since, now, [p.deal for p in previous], owner)

    def load_full(ids: Sequence[str]) -> list[Deal]:
        with app_.store.read() as tx:
            return tx.deals(ids=list(ids))

    trained = _trained_model(app_, now)
    chances: ChanceModel
    if trained is not None:
        # A trained model computes each deal's features from its whole history, so every
        # open deal is read whole and diagnosed in full.
        with app_.store.read() as tx:
            deals = tx.deals(status=Status.OPEN, owner=owner)
        trained.chances(deals, now)  # scores them all at once; chance() then reads these
        chances, states, loader = trained, None, None
    else:
        # The stall scan's view of every open deal; only deals shown in detail are read whole.
        states, deals = app_.review_states(now, owner, context, settings.change_days)
        chances = win_rates(
            closed,
            prior_rate=rate,
            prior_weight=max(cfg.float_("review.prior_weight"), 0.01),
            min_closed=max(cfg.int_("review.min_closed_per_stage"), 1),
        )
        loader = load_full
    note = getattr(chances, "note", None)
    return build_review(
        deals,
        history,
        now,
        context,
        chances,
        previous,
        current_picks=current,
        settings=settings,
        owner=owner,
        notes=[note] if note else [],
        chance_description=chances.to_dict(),  # type: ignore[attr-defined]
        states=states,
        load_full=loader,
        closed=closed,
    )


def _trained_model(app_: Unstuck, now: datetime) -> Any:
    """The trained win-chance model when one is usable (see `unstuck score show`)."""
    from unstuck.scoring.service import choose_model
    from unstuck.store import models

    with app_.store.read() as tx:
        if models.latest_model(tx) is None:
            return None  # nothing trained: no need to build the fallback here
    model = choose_model(app_, now).model
    return model if hasattr(model, "chances") else None


def record_proposal(app_: Unstuck, review: Review) -> None:
    """The first review of a week records its proposal, so next week can ask about it."""
    if review.focus.source != "proposed" or not review.focus.items:
        return
    chosen = [(item.deal, PickedBy.SYSTEM, item.reason) for item in review.focus.items]
    with app_.store.write() as tx:
        if not reviews.picks(tx, review.focus.week, review.owner):
            reviews.set_picks(tx, review.focus.week, review.owner, chosen, review.as_of)


def print_review(app_: Unstuck, now: datetime, owner: str | None = None) -> None:
    """Build, record the week's proposal, and print the review page (``unstuck demo``)."""
    review = load_review(app_, now, owner)
    record_proposal(app_, review)
    for part in review_page(review):
        console.print(part, highlight=False)


def _ask_outcomes(app_: Unstuck, review: Review) -> Review:
    """On a terminal, ask what came of last week's picks that have no outcome yet."""
    asked = []
    for prev in review.focus.previous:
        if prev.pick.result is not None or prev.status == "missing":
            asked.append(prev)
            continue
        hint = f" [{prev.suggested}]" if prev.suggested else ""
        console.print(f"Last week you focused on [bold]{prev.pick.deal}[/]. {prev.evidence}")
        answer = (
            typer.prompt(
                f"What happened? yes, no, moved, nothing, or skip{hint}",
                default=str(prev.suggested or "skip"),
                show_default=False,
            )
            .strip()
            .lower()
        )
        if answer not in {r.value for r in FocusResult}:
            asked.append(prev)
            continue
        with app_.store.write() as tx:
            pick = reviews.record_outcome(
                tx, prev.pick.deal, review.owner, FocusResult(answer), None, review.as_of,
                prev.pick.week,
            )  # fmt: skip
        asked.append(replace(prev, pick=pick))
    return replace(review, focus=replace(review.focus, previous=tuple(asked)))


def _result(value: str) -> FocusResult:
    try:
        return FocusResult(value.strip().lower())
    except ValueError:
        raise UsageError(f"--result {value!r}: use one of yes, no, moved, nothing") from None


def _show_picks(week: str, picks: list[FocusPick]) -> None:
    console.print(f"[bold]{week}[/]")
    if not picks:
        console.print("  [dim]no picks recorded[/]")
    for pick in picks:
        outcome = RESULT_WORDS[pick.result] if pick.result else "no outcome recorded yet"
        who = "your pick" if pick.picked_by is PickedBy.USER else "proposed by the review"
        console.print(f"  [bold]{pick.deal}[/] ({who}) — {outcome}", highlight=False)
        if pick.reason:
            console.print(f"    [dim]{pick.reason}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("review")
    def review_cmd(
        db: DbOption = None,
        owner: OwnerOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
        html: Annotated[
            Path | None,
            typer.Option("--html", metavar="FILE", help="Also write a printable HTML report."),
        ] = None,
    ) -> None:
        """The weekly review: at a glance, this week's focus, what is real, what to let go."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            review = load_review(app_, now, owner)
            record_proposal(app_, review)
            if not json and review.focus.previous and sys.stdin.isatty():
                review = _ask_outcomes(app_, review)
            if html is not None:
                try:
                    html.write_text(render_html(review), encoding="utf-8")
                except OSError as exc:
                    raise UsageError(
                        f"--html {html}: cannot write the report ({exc.strerror})"
                    ) from None
            if json:
                print_json(review.to_dict())
                return
            for part in review_page(review):
                console.print(part, highlight=False)
            if html is not None:
                console.print(f"\nWrote the report to {html}.")

    focus_app = typer.Typer(help="This week's focus deals: show, choose, record outcomes.")
    app.add_typer(focus_app, name="focus")

    @focus_app.command("show")
    def focus_show(
        db: DbOption = None,
        owner: OwnerOption = None,
        as_of: AsOfOption = None,
        json: JsonOption = False,
    ) -> None:
        """This week's and last week's focus picks, with their outcomes."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            week = week_start(now)
            with app_.store.read() as tx:
                current = reviews.picks(tx, week, owner)
                last = reviews.picks(tx, week - timedelta(days=7), owner)
            if json:
                print_json(
                    {
                        "week": week.isoformat(),
                        "owner": owner,
                        "picks": [p.to_dict() for p in current],
                        "last_week": [p.to_dict() for p in last],
                    }
                )
                return
            _show_picks(f"This week (from {week})", current)
            _show_picks(f"Last week (from {week - timedelta(days=7)})", last)
            if not current:
                console.print(
                    "[dim]`unstuck review` proposes picks; `unstuck focus set` chooses.[/]"
                )

    @focus_app.command("set")
    def focus_set(
        deal_ids: Annotated[list[str], typer.Argument(metavar="DEAL...", help="Deal ids.")],
        db: DbOption = None,
        owner: OwnerOption = None,
        reason: Annotated[str | None, typer.Option(help="Why you chose them.")] = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Choose this week's focus deals (accept the proposal or swap a pick)."""
        with user_errors():
            if len(set(deal_ids)) != len(deal_ids):
                raise UsageError("a deal is named twice; name each focus deal once")
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            week = week_start(now)
            with app_.store.write() as tx:
                for deal_id in deal_ids:
                    deal = tx.deal(deal_id)
                    if not deal.is_open:
                        raise ConflictError(
                            f"{deal_id} is {deal.status}: only open deals can be a focus. "
                            f"Reopen it with `unstuck close {deal_id} --reopen` first."
                        )
                    if owner and (deal.owner or "").lower() != owner.lower():
                        raise UsageError(
                            f"{deal_id} belongs to {deal.owner or 'nobody'}, not {owner}. "
                            "Drop --owner, or pick one of that owner's deals."
                        )
                existing = {p.deal for p in reviews.picks(tx, week, owner)}
                chosen = [
                    (d, PickedBy.SYSTEM if d in existing else PickedBy.USER, reason or "Your pick.")
                    for d in deal_ids
                ]
                picks = reviews.set_picks(tx, week, owner, chosen, now)
            names = ", ".join(p.deal for p in picks)
            console.print(f"This week's focus (week of {week}): {names}.", highlight=False)
            limit = app_.config.int_("review.focus_count")
            if len(picks) > limit:
                console.print(
                    f"[yellow]That is {len(picks)} deals; one or two get a real push "
                    f"(review.focus_count = {limit}).[/]"
                )

    @focus_app.command("outcome")
    def focus_outcome(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        result: ResultOption,
        note: Annotated[str | None, typer.Option(help="What happened, in a line.")] = None,
        db: DbOption = None,
        owner: OwnerOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Record what came of a focus pick: yes, no, moved or nothing."""
        with user_errors():
            outcome = _result(result)
            app_ = open_app(db)
            now = now_from(as_of, app_.tz)
            with app_.store.write() as tx:
                pick = reviews.record_outcome(
                    tx, deal_id, owner, outcome, note, now, week_start(now)
                )
            console.print(
                f"{deal_id} (focus in the week of {pick.week}): {RESULT_WORDS[outcome]}.",
                highlight=False,
            )

    @app.command("decide")
    def decide_cmd(
        deal_id: Annotated[str, typer.Argument(metavar="DEAL")],
        let_go: Annotated[
            bool, typer.Option("--let-go", help="Stop pursuing it; closes it as lost.")
        ] = False,
        pursue: Annotated[bool, typer.Option("--pursue", help="Keep going, on purpose.")] = False,
        reason: Annotated[str | None, typer.Option(help="Why: kept with the decision.")] = None,
        nurture: Annotated[
            bool, typer.Option("--nurture", help="With --let-go: park it, not lost.")
        ] = False,
        revisit_on: Annotated[
            str | None, typer.Option(help="With --nurture: when to check back.")
        ] = None,
        db: DbOption = None,
    ) -> None:
        """Record the decision to pursue a deal or let it go (lost, or nurture until a date)."""
        with user_errors():
            if let_go == pursue:
                raise UsageError("give exactly one of --let-go or --pursue, with --reason")
            if not reason or not reason.strip():
                raise UsageError(
                    "--reason is required: say why, so the decision can be learned from"
                )
            if nurture and not let_go:
                raise UsageError(
                    "--nurture goes with --let-go (park the deal instead of losing it)"
                )
            revisit = day_from("--revisit-on", revisit_on)
            if nurture and revisit is None:
                raise UsageError("--nurture needs --revisit-on DATE (when to check back)")
            if revisit is not None and not nurture:
                raise UsageError("--revisit-on goes with --let-go --nurture")
            app_ = open_app(db)
            now = now_from(None, app_.tz)
            deal = app_.deal(deal_id)
            if not deal.is_open:
                raise ConflictError(
                    f"{deal_id} is already {deal.status}; decisions are for open deals. "
                    f"Reopen it with `unstuck close {deal_id} --reopen` first."
                )
            kind = DecisionKind.LET_GO if let_go else DecisionKind.PURSUE
            with app_.store.write() as tx:
                tx.add_decision(deal_id, Decision(kind, reason.strip(), now, deal.owner))
            if let_go:
                status = Status.NURTURE if nurture else Status.LOST
                app_.close_deal(deal_id, status, now, reason.strip(), revisit)
                after = f"parked until {revisit}" if nurture else "closed as lost"
                console.print(f"Let go of {deal_id}: {after}. That time is yours again.")
            else:
                console.print(f"Pursuing {deal_id}: decision recorded.")


__all__ = ["load_review", "print_review", "record_proposal", "register"]
