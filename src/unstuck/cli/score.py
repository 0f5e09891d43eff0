"""``unstuck score``: train, show and evaluate win chances.

- ``score train`` learns from the pipeline's own closed deals and saves a model version;
- ``score show DEAL`` gives a deal's chance, its range and the reasons up and down;
- ``score list`` lists the saved model versions;
- ``score evaluate FILE.csv`` measures the scorer and three baselines on any CSV.

Commands parse options, call :mod:`unstuck.scoring` and render; no modelling here.
Views that show a chance call :func:`chance_for` (re-exported from
:mod:`unstuck.scoring.service`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    now_from,
    open_app,
    print_json,
    user_errors,
)
from unstuck.errors import UnstuckError, UsageError
from unstuck.scoring.service import chance_for, choose_model, describe_chance
from unstuck.scoring.service import train as train_model

if TYPE_CHECKING:
    from unstuck.scoring.report import EvaluationReport
    from unstuck.scoring.service import TrainOutcome
    from unstuck.store.models import ModelRecord

score_app = typer.Typer(
    help="Score win chances and publish how accurate the scores are.",
    no_args_is_help=True,
)


@score_app.callback()
def _score() -> None:
    """Score win chances and publish how accurate the scores are."""


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    except ValueError:
        raise UsageError(
            f"--train-sizes must be whole numbers separated by commas, like 100,200,400 "
            f"(got {text!r})"
        ) from None
    if any(s < 20 for s in sizes):
        raise UsageError("--train-sizes must each be at least 20 deals, like 100,200,400")
    return sizes


def _fail(console: Console, error: UnstuckError) -> typer.Exit:
    # One line, no traceback: the message already says how to fix it.
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    console.print(f"Error: {message}", markup=False, highlight=False)
    return typer.Exit(error.exit_code)


@score_app.command()
def evaluate(
    file: Annotated[Path, typer.Argument(metavar="FILE.csv", help="CSV of closed deals.")],
    target: Annotated[str, typer.Option(help="Column holding the outcome.")],
    positive: Annotated[str, typer.Option(help="Outcome value that means won.")],
    id_col: Annotated[
        str | None, typer.Option("--id", help="Record id column (never used as a feature).")
    ] = None,
    drop: Annotated[
        list[str] | None, typer.Option(help="Column to leave out; repeat for more.")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, max=20, help="Cross-validation folds.")] = 5,
    train_sizes: Annotated[
        str, typer.Option(help="Learning-curve training sizes, comma separated.")
    ] = "100,200,400,1000",
    seed: Annotated[int, typer.Option(help="Random seed for folds and draws.")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option(help="Write a calibration plot (SVG) to this file.")
    ] = None,
) -> None:
    """Cross-validate the scorer and three baselines on FILE.csv, plus a learning curve."""
    out = Console()
    err = Console(stderr=True)
    try:
        from unstuck.scoring import evaluate_csv

        sizes = parse_sizes(train_sizes)
        drops = [c.strip() for item in drop or [] for c in item.split(",") if c.strip()]
        with _progress_bar(err, enabled=not as_json) as progress:
            report = evaluate_csv(
                file,
                target=target,
                positive=positive,
                id_col=id_col,
                drop=drops,
                folds=folds,
                train_sizes=sizes,
                seed=seed,
                plot=plot,
                progress=progress,
            )
    except UnstuckError as error:
        raise _fail(err, error) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        render_report(report, out)


class _progress_bar:
    """A Rich progress bar on stderr that the core drives through its callback."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.task: Any = None

    def __enter__(self) -> _progress_bar:
        if self.enabled:
            self.bar.start()
            self.task = self.bar.add_task("reading", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.enabled:
            self.bar.update(self.task, description=label, completed=done, total=total)


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def render_report(report: EvaluationReport, console: Console) -> None:
    share = report.positives / report.rows
    console.print(
        f"[bold]{report.source}[/bold]: {report.rows:,} closed deals, "
        f"{report.positives:,} {report.positive!r} ({share:.1%}), "
        f"{len(report.features)} feature columns"
    )
    for note in report.notes:
        console.print(f"  note: {note.text}", highlight=False)

    cv = Table(title=f"Cross-validated on all rows ({report.folds} folds, stratified)")
    for heading in ("Model", "AUC", "Brier", "Log loss", "Calib. error", "Seconds"):
        cv.add_column(heading, justify="left" if heading == "Model" else "right")
    for s in report.cross_validation:
        cv.add_row(
            s.label,
            _f(s.auc),
            _f(s.brier),
            _f(s.log_loss),
            _f(s.calibration_error),
            f"{s.seconds:.1f}",
        )
    console.print(cv)

    if report.learning_curve:
        lc = Table(
            title=f"Learning curve: fixed test set of {report.test_rows:,} deals, "
            f"mean ± sd over {report.learning_curve[0].draws} random training draws"
        )
        for heading in ("Train deals", "Model", "AUC", "Brier", "90% range width"):
            lc.add_column(heading, justify="left" if heading == "Model" else "right")
        for p in report.learning_curve:
            lc.add_row(
                f"{p.train_size:,}",
                _label(report, p.model),
                f"{_f(p.auc_mean)} ± {_f(p.auc_std)}",
                f"{_f(p.brier_mean)} ± {_f(p.brier_std)}",
                _f(p.range_width, 2),
            )
        console.print(lc)
    for size in report.skipped_sizes:
        console.print(f"  learning curve: skipped {size} deals, the table is too small")

    if report.ranges is not None:
        console.print(
            f"Unstuck {report.ranges.level:.0%} ranges on unseen deals: mean width "
            f"{report.ranges.mean_width:.3f}, median {report.ranges.median_width:.3f}"
        )
    if report.fitted:
        f = report.fitted[0]
        cap = f["capacity"]
        assert isinstance(cap, dict)
        console.print(
            f"Model chosen from the data (fold 1): {_inner(cap)}, "
            f"{f['rounds']} trees of {cap['num_leaves']} leaves, logistic C={f['c']}, "
            f"tree weight {f['tree_weight']}",
            highlight=False,
        )
    if report.plot:
        console.print(f"Calibration plot written to {report.plot}")
    console.print(f"Finished in {report.seconds:.1f} s")


def _inner(cap: dict[str, Any]) -> str:
    holdout = cap.get("holdout") or 0
    return f"a {holdout:.0%} hold-out" if holdout else f"{cap['folds']} inner folds"


def _label(report: EvaluationReport, model: str) -> str:
    for s in report.cross_validation:
        if s.model == model:
            return s.label
    return model


# -- train, show, list ------------------------------------------------------------------


@score_app.command("train")
def train_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Learn win chances from your own closed deals; saves a new model version."""
    with user_errors():
        app = open_app(db)
        outcome = train_model(app, now_from(None, app.tz))
        if as_json:
            print_json(outcome.to_dict())
        else:
            render_training(outcome, Console())


def render_training(outcome: TrainOutcome, console: Console) -> None:
    record = outcome.record
    if record is None:
        assert outcome.fallback is not None
        console.print(outcome.fallback.reason, highlight=False)
        rates = outcome.fallback.rates
        console.print(
            f"Overall: {rates.overall.won} won of {rates.overall.closed} closed, "
            f"{rates.overall.mean:.0%} with the prior of {rates.prior_rate:.0%} "
            f"worth {rates.prior_weight:g} deals.",
            highlight=False,
        )
        # Earlier stages were reached by more deals: that order reads like the pipeline.
        for stage, rate in sorted(rates.stages.items(), key=lambda kv: -kv[1].closed):
            console.print(
                f"  {stage}: {rate.won} won of {rate.closed} that reached it, {rate.mean:.0%}",
                highlight=False,
            )
        return
    m = record.metrics
    lost = record.deals - record.won
    console.print(
        f"Learned from {record.deals} closed deals ({record.won} won, {lost} lost), "
        f"looked at {record.snapshots} times before they closed.",
        highlight=False,
    )
    console.print(
        f"Cross-validated by deal ({m.get('folds')} folds, no deal on both sides): "
        f"AUC {_f(m.get('auc'))}, Brier {_f(m.get('brier'))} (the base rate alone scores "
        f"{_f(m.get('brier_base_rate'))}), calibration error {_f(m.get('calibration_error'))}.",
        highlight=False,
    )
    console.print(
        f"Saved as model v{record.version}, {len(record.features)} features, "
        f"data fingerprint {record.fingerprint[:12]}.",
        highlight=False,
    )
    for note in record.notes:
        console.print(f"  note: {note}", highlight=False)


@score_app.command("show")
def show_cmd(
    deal_id: Annotated[str, typer.Argument(metavar="DEAL", help="Deal id.")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """A deal's chance of winning, its range, and what pushes it up and down."""
    with user_errors():
        app = open_app(db)
        now = now_from(as_of, app.tz)
        deal = app.deal(deal_id)
        if not deal.is_open and (deal.closed_at is None or deal.closed_at <= now):
            raise UsageError(
                f"{deal_id} is already {deal.status}. Use --as-of with a date before it "
                "closed to see the chance it had then."
            )
        data = describe_chance(app, deal, now)
        if as_json:
            print_json(data)
        else:
            render_chance(deal.id, deal.name, data, Console())


def _percent(value: object) -> str:
    return f"{float(value):.0%}" if isinstance(value, int | float) else "-"


def render_chance(deal_id: str, name: str, data: dict[str, Any], console: Console) -> None:
    console.print(f"[bold]{deal_id}[/bold] {name}", highlight=False)
    console.print(
        f"Chance of winning: [bold]{_percent(data['p'])}[/bold] (likely between "
        f"{_percent(data['low'])} and {_percent(data['high'])})",
        highlight=False,
    )
    inputs = data.get("inputs", {})
    if data.get("up") or data.get("down") or str(data["source"]).startswith("model"):
        console.print(
            f"From {data['source']}, trained {str(inputs.get('trained_at', ''))[:10]} on "
            f"{inputs.get('deals')} closed deals (cross-validated AUC {_f(inputs.get('auc'))}).",
            highlight=False,
        )
        for heading, key, mark in (("Pushing it up", "up", "+"), ("Pushing it down", "down", "-")):
            console.print(f"{heading}:")
            for reason in data.get(key) or [{"text": "nothing stands out"}]:
                console.print(f"  {mark} {reason['text']}", highlight=False)
        return
    console.print(f"From the {_fallback_words(data)}", highlight=False)
    if data.get("no_model"):
        console.print(f"No learned model used: {data['no_model']}", highlight=False)


def _fallback_words(data: dict[str, Any]) -> str:
    i = data.get("inputs", {})
    prior = f"a prior of {_percent(i.get('prior_rate'))} worth {i.get('prior_weight')} deals"
    if data["source"] == "stage win rate":
        return (
            f"stage win rate: {i.get('won')} of {i.get('closed')} closed deals that reached "
            f"{i.get('stage')} were won (shrunk toward the overall rate with {prior})."
        )
    if data["source"] == "overall win rate":
        return (
            f"overall win rate: {i.get('won')} of {i.get('closed')} closed deals were won, "
            f"with {prior} ({i.get('why')})."
        )
    return f"prior alone: no closed deals yet ({prior})."


@score_app.command("list")
def list_cmd(db: DbOption = None, as_json: JsonOption = False) -> None:
    """The saved model versions, newest first, and which one is in use."""
    from unstuck.store.models import list_models

    with user_errors():
        app = open_app(db)
        with app.store.read() as tx:
            records = list_models(tx)
        choice = choose_model(app)
        in_use = choice.record.version if choice.record and choice.reason is None else None
        if as_json:
            print_json(
                {
                    "in_use": in_use,
                    "no_model": choice.reason,
                    "models": [r.to_dict() for r in records],
                }
            )
            return
        render_models(records, in_use, choice.reason, Console())


def render_models(
    records: list[ModelRecord], in_use: int | None, reason: str | None, console: Console
) -> None:
    if not records:
        console.print("No model trained yet. Run `unstuck score train`.", highlight=False)
        return
    table = Table(title="Win-chance models, newest first", title_justify="left")
    for heading in ("Version", "Trained", "Deals", "Won", "Snapshots", "AUC", "Brier", "Data"):
        table.add_column(heading, justify="left" if heading in ("Trained", "Data") else "right")
    for r in records:
        mark = " (in use)" if r.version == in_use else ""
        table.add_row(
            f"v{r.version}{mark}",
            r.trained_at.isoformat(sep=" ", timespec="minutes"),
            str(r.deals),
            str(r.won),
            str(r.snapshots),
            _f(r.metrics.get("auc")),
            _f(r.metrics.get("brier")),
            r.fingerprint[:12],
        )
    console.print(table)
    if in_use is None and reason:
        console.print(f"In use: stage win rates ({reason})", highlight=False)


__all__ = ["chance_for", "score_app"]
