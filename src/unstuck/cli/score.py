"""``unstuck score``: evaluate the win-chance scorer on a CSV of closed deals.

The command parses options, calls :func:`unstuck.scoring.evaluate_csv` and renders the
report; all modelling lives in :mod:`unstuck.scoring`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from unstuck.errors import UnstuckError, UsageError

if TYPE_CHECKING:
    from unstuck.scoring.report import EvaluationReport

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
            f"Model chosen from the data (fold 1): {cap['folds']} inner folds, "
            f"{f['rounds']} trees of {cap['num_leaves']} leaves, logistic C={f['c']}, "
            f"tree weight {f['tree_weight']}",
            highlight=False,
        )
    if report.plot:
        console.print(f"Calibration plot written to {report.plot}")
    console.print(f"Finished in {report.seconds:.1f} s")


def _label(report: EvaluationReport, model: str) -> str:
    for s in report.cross_validation:
        if s.model == model:
            return s.label
    return model
