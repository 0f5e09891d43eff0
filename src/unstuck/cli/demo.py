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
    user_errors,
)
from unstuck.cli.review import print_review
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
                "(open ones and closed history). Here is its weekly review.\n"
            )
            print_review(app_, now)
            console.print(
                f"\nNext: unstuck deals --db {path} (every open deal), unstuck stalled --db "
                f"{path} (the stuck ones), unstuck diagnose DEAL --db {path} (why, and what "
                "to do).",
                highlight=False,
            )
