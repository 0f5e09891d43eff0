"""``unstuck demo``: a realistic sample pipeline in a fresh database, and its overview."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from unstuck.cli.common import (
    AsOfOption,
    config,
    console,
    now_from,
    open_app,
    print_table,
    user_errors,
)
from unstuck.cli.pipeline import deals_table, sort_rows
from unstuck.domain import Status
from unstuck.errors import UsageError


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_cmd(
        db: Annotated[
            str, typer.Option("--db", help="Database to create; it is recreated on each run.")
        ] = "unstuck-demo.db",
        seed: Annotated[int, typer.Option(help="Seed of the sample pipeline.")] = 0,
        as_of: AsOfOption = None,
    ) -> None:
        """Build a sample pipeline in a fresh database and show its overview."""
        from unstuck.sample import generate_pipeline

        with user_errors():
            cfg = config()
            if "://" in db:
                raise UsageError("--db for the demo is a file path; it is deleted and recreated")
            path = Path(db)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            app_ = open_app(str(path), cfg)
            now = now_from(as_of, app_.tz)
            pipeline = generate_pipeline(now, seed=seed)
            result = app_.import_pipeline(pipeline, now, dry_run=False)
            console.print(
                f"Built a sample pipeline in {path}: {len(result.created)} deals "
                f"(open and closed history). Try: unstuck deals --db {path}\n"
            )
            with app_.store.read() as tx:
                rows = tx.deal_rows(status=Status.OPEN)
            rows = sort_rows(rows, "stage", app_.stage_order(sorted({r.stage for r in rows})))
            total = sum(r.value or 0 for r in rows)
            title = f"{len(rows)} open deals, {total:,.0f} in all, as of {now:%Y-%m-%d}"
            print_table(deals_table(rows, now, title, console.width))
