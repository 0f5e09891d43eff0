"""What every command shares: options, the clock, output and error handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from unstuck.config import Config, load_config
from unstuck.document import parse_date, parse_datetime
from unstuck.errors import UnstuckError, UsageError
from unstuck.service import Unstuck

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database file or URL (default: UNSTUCK_DB, the db setting, or the per-user file).",
        envvar="UNSTUCK_DB",
        show_envvar=True,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Act as if it were this date or time (default: now)."),
]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="Only this owner's deals.")]


def config() -> Config:
    return load_config()


_opened: list[Unstuck] = []


def open_app(db: str | None, cfg: Config | None = None) -> Unstuck:
    """Open the pipeline; the command's ``user_errors`` block closes it at the end."""
    app = Unstuck.open(cfg or config(), db)
    if err_console.is_terminal:
        app.on_refresh = RefreshBar()
    _opened.append(app)
    return app


class RefreshBar:
    """A progress bar on stderr while many stale scan caches are refreshed (the first scan
    after a large CSV import diagnoses every open deal once); nothing for a few."""

    SHOWN_FROM = 2000  # deals

    def __init__(self) -> None:
        self.progress: Any = None
        self.task: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.progress is None and total >= self.SHOWN_FROM and done < total:
            from rich.progress import Progress

            self.progress = Progress(console=err_console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task("Filling the stall scan's cache", total=total)
        if self.progress is None:
            return
        self.progress.update(self.task, completed=done)
        if done >= total:
            self.progress.stop()
            self.progress = None


def now_from(as_of: str | None, tz: ZoneInfo) -> datetime:
    """``--as-of`` in the pipeline's time zone, as naive UTC; the real clock otherwise.

    A bare date means the end of that day, so everything logged on it counts.
    """
    if as_of is None:
        return datetime.now(UTC).replace(tzinfo=None)
    try:
        moment = parse_datetime(as_of, tz)
    except ValueError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if len(as_of.strip()) == 10:
        local_end = datetime.combine(parse_date(as_of), datetime.max.time().replace(microsecond=0))
        moment = local_end.replace(tzinfo=tz).astimezone(UTC).replace(tzinfo=None)
    return moment


def when_from(option: str, value: str | None, tz: ZoneInfo, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        return parse_datetime(value, tz)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def day_from(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(Text("Error: ", style="bold red") + Text(message), highlight=False)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn our exceptions into one clear message and the right exit code."""
    try:
        yield
    except UnstuckError as exc:
        err_console.print(Text("Error: ", style="bold red") + Text(str(exc)), highlight=False)
        raise typer.Exit(exc.exit_code) from None
    finally:
        while _opened:
            _opened.pop().store.close()


def days(later: datetime, earlier: datetime | None) -> int | None:
    if earlier is None:
        return None
    return max(0, (later - earlier).days)


def money(value: float | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}"
    return f"{text} {currency}" if currency else text


# Rich lays out a table cell by cell, which takes seconds for thousands of rows; past
# this many rows tables are printed as plain aligned text instead.
PLAIN_TABLE_ROWS = 300


def print_table(table: Table) -> None:
    """Print a Rich table; large ones as plain aligned text, quickly."""
    if table.row_count <= PLAIN_TABLE_ROWS:
        console.print(table)
        return
    columns = []
    for column in table.columns:
        cells = [_plain(cell) for cell in column.cells]
        width = max([len(str(column.header)), *map(len, cells)])
        if column.max_width:
            width = min(width, column.max_width)
        columns.append((str(column.header), cells, width, column.justify == "right"))
    if table.title:
        console.print(str(table.title), highlight=False, markup=False)

    def line(values: list[str]) -> str:
        parts = []
        for value, (_, _, width, right) in zip(values, columns, strict=True):
            value = value if len(value) <= width else value[: width - 1] + "…"
            parts.append(value.rjust(width) if right else value.ljust(width))
        return "  ".join(parts).rstrip()

    out = [line([c[0] for c in columns]), line(["─" * c[2] for c in columns])]
    out += [line([c[1][i] for c in columns]) for i in range(table.row_count)]
    sys.stdout.write("\n".join(out) + "\n")


def _plain(cell: object) -> str:
    if isinstance(cell, Text):
        return cell.plain.replace("\n", " ")
    return Text.from_markup(str(cell)).plain.replace("\n", " ")
