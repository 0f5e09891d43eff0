"""Commands that set things up and move data in and out: init, db, config, import, export, demo."""

from __future__ import annotations

import json as jsonlib
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from unstuck.cli.common import (
    AsOfOption,
    DbOption,
    JsonOption,
    config,
    console,
    err_console,
    now_from,
    open_app,
    print_json,
    user_errors,
)
from unstuck.config import SETTINGS
from unstuck.document import iter_json_lines, parse_document
from unstuck.domain import Pipeline
from unstuck.errors import UsageError
from unstuck.service import Unstuck
from unstuck.store import Store
from unstuck.store.write import ImportResult

if TYPE_CHECKING:
    from unstuck.importers.load import LoadResult

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
config_app = typer.Typer(help="Show the effective settings.", no_args_is_help=True)

EXPORT_FORMATS = ("json", "jsonl", "csv", "xlsx")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the database schema up to date (runs pending migrations; data is kept)."""
    with user_errors():
        cfg = config()
        target = db or cfg.str_("db") or str(_default_path())
        store = Store.open(target, check=False)
        try:
            before, after = store.upgrade()
        finally:
            store.close()
        if before == after:
            console.print(f"{store.description} is up to date (schema {after}).")
        else:
            console.print(f"Upgraded {store.description} from {before or 'empty'} to {after}.")


@db_app.command("rebuild-summaries")
def db_rebuild(db: DbOption = None) -> None:
    """Recompute every deal's summary columns from the raw history."""
    with user_errors():
        app_ = open_app(db)
        with app_.store.write() as tx:
            count = tx.rebuild_summaries()
        console.print(f"Rebuilt the summaries of {count} deals.")


@config_app.command("show")
def config_show(json: JsonOption = False) -> None:
    """Print every setting's effective value and where it came from."""
    with user_errors():
        cfg = config()
        if json:
            print_json(
                {
                    s.name: {"value": cfg.get(s.name), "source": cfg.sources[s.name]}
                    for s in SETTINGS
                }
            )
            return
        table = Table(header_style="bold")
        for col in ("Setting", "Value", "From", "Environment variable"):
            table.add_column(col)
        for s in SETTINGS:
            table.add_row(s.name, jsonlib.dumps(cfg.get(s.name)), cfg.sources[s.name], s.env_var)
        console.print(table)


def _default_path() -> Path:
    from unstuck.config import default_db_path

    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(config_app, name="config")

    @app.command("init")
    def init_cmd(db: DbOption = None) -> None:
        """Create the database (or bring it up to date) and say where it is."""
        with user_errors():
            app_ = open_app(db)
            _, after = app_.store.upgrade()
            console.print(f"Ready: {app_.store.description} (schema {after}).")

    @app.command("import")
    def import_cmd(
        files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Files to import.")],
        format: Annotated[
            str,
            typer.Option(
                "--format", help="auto, unstuck, hubspot, salesforce, pipedrive, zoho or csv."
            ),
        ] = "auto",
        mapping: Annotated[
            Path | None,
            typer.Option(help="Column mapping for a generic CSV/XLSX (see docs/import.md)."),
        ] = None,
        write_mapping: Annotated[
            Path | None,
            typer.Option(
                "--write-mapping",
                help="Write a starting mapping guessed from the headers to this file, and stop.",
            ),
        ] = None,
        date_format: Annotated[
            str | None,
            typer.Option(help="Date format when the file's dates are ambiguous, e.g. %d/%m/%Y."),
        ] = None,
        dry_run: Annotated[
            bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
        ] = False,
        skip_bad_rows: Annotated[
            Path | None,
            typer.Option(
                "--skip-bad-rows",
                help="Import the good rows and write the rejected ones to this file.",
            ),
        ] = None,
        db: DbOption = None,
        json: JsonOption = False,
    ) -> None:
        """Import a pipeline: the native JSON document or an export from a CRM or spreadsheet."""
        with user_errors():
            app_ = open_app(db)
            now = now_from(None, app_.tz)
            for path in files:
                if not path.is_file():
                    raise UsageError(f"{path}: no such file")
            result: ImportResult | LoadResult
            if write_mapping is not None:
                _write_mapping(files, write_mapping)
                return
            if _streamable(files, format, write_mapping):
                result = _import_lines(app_, files[0], now, dry_run)
                total = sum(result.to_dict().values())
            elif _native(files, format):
                pipeline = _read_native(app_, files)
                result = app_.import_pipeline(pipeline, now, dry_run=dry_run)
                total = len(pipeline.deals)
            else:
                result = _import_tables(
                    app_, files, format, mapping, date_format, dry_run, skip_bad_rows, now
                )
                total = result.deals
            counts = result.to_dict()
            if json:
                print_json({"dry_run": dry_run, **counts})
                return
            verb = "Would import" if dry_run else "Imported"
            console.print(
                f"{verb} {total} deals: {counts['created']} new, "
                f"{counts['updated']} updated, {counts['unchanged']} unchanged."
                + (" Nothing was written (dry run)." if dry_run else "")
            )

    @app.command("export")
    def export_cmd(
        format: Annotated[str, typer.Option("--format", help="json, jsonl, csv or xlsx.")] = "json",
        output: Annotated[
            Path | None,
            typer.Option(
                "--output",
                "-o",
                help="File to write (default: standard output; required for xlsx).",
            ),
        ] = None,
        db: DbOption = None,
        as_of: AsOfOption = None,
    ) -> None:
        """Write the whole pipeline out: the native document (re-importable), CSV or XLSX."""
        with user_errors():
            if format not in EXPORT_FORMATS:
                raise UsageError(f"--format {format!r}: use one of {', '.join(EXPORT_FORMATS)}")
            app_ = open_app(db)
            as_of_moment = now_from(as_of, app_.tz) if as_of else None
            if format in ("csv", "xlsx"):
                _export_table(app_, format, output)
                return
            doc = app_.export_document(as_of=as_of_moment)
            if format == "jsonl":
                text = "".join(jsonlib.dumps(d, ensure_ascii=False) + "\n" for d in doc["deals"])  # type: ignore[attr-defined]
            else:
                text = jsonlib.dumps(doc, indent=2, ensure_ascii=False) + "\n"
            if output is None:
                sys.stdout.write(text)
            else:
                output.write_text(text, encoding="utf-8")
                console.print(f"Wrote {len(doc['deals'])} deals to {output}.")  # type: ignore[arg-type]


def _streamable(files: list[Path], format: str, write_mapping: Path | None) -> bool:
    """One JSON Lines file: read and written a batch at a time, in bounded memory."""
    return (
        len(files) == 1
        and write_mapping is None
        and format in ("auto", "unstuck")
        and files[0].suffix.lower() in (".jsonl", ".ndjson")
        and files[0].is_file()
    )


def _import_lines(app_: Unstuck, path: Path, now: datetime, dry_run: bool) -> ImportResult:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    size = path.stat().st_size
    columns = (TextColumn("Importing"), BarColumn(), DownloadColumn())
    with (
        path.open(encoding="utf-8-sig") as handle,
        Progress(*columns, console=err_console, transient=True) as progress,
    ):
        task = progress.add_task("import", total=size)

        def lines() -> Iterator[str]:
            for line in handle:
                yield line
                progress.advance(task, len(line.encode()))

        items = iter_json_lines(lines(), app_.tz)
        return app_.import_stream(items, now, dry_run, source=str(path))


def _native(files: list[Path], format: str) -> bool:
    suffixes = (".json", ".jsonl", ".ndjson")
    return format == "unstuck" or (
        format == "auto" and all(p.suffix.lower() in suffixes for p in files)
    )


def _read_native(app_: Unstuck, files: list[Path]) -> Pipeline:
    if len(files) != 1:
        raise UsageError("import one native pipeline document at a time")
    path = files[0]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text; a pipeline document is UTF-8 JSON") from None
    return parse_document(text, app_.tz, source=str(path))


def _write_mapping(files: list[Path], out: Path) -> None:
    from unstuck import importers

    importers.write_mapping(files, out)
    console.print(f"Wrote a starting mapping to {out}; edit it, then import with --mapping.")


def _import_tables(
    app_: Unstuck,
    files: list[Path],
    format: str,
    mapping: Path | None,
    date_format: str | None,
    dry_run: bool,
    skip_bad_rows: Path | None,
    now: datetime,
) -> LoadResult:
    """A CRM export or spreadsheet, streamed: bounded memory, one transaction."""
    from rich.progress import Progress

    from unstuck.importers.load import import_files

    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("Importing", total=None)
        result = import_files(
            app_,
            files,
            format=format,
            mapping=mapping,
            date_format=date_format,
            dry_run=dry_run,
            skip_bad_rows=skip_bad_rows,
            now=now,
            progress=lambda done: progress.update(task, completed=done),
        )
    if result.note:
        err_console.print(result.note)
    return result


def _export_table(app_: Unstuck, format: str, output: Path | None) -> None:
    from unstuck import importers

    if output is None:
        raise UsageError(f"--format {format} needs --output FILE")
    with app_.store.read() as tx:
        deals = tx.deals()
    importers.export_table(deals, format, output)  # type: ignore[arg-type]
    console.print(f"Wrote {len(deals)} deals to {output}.")
