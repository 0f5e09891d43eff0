"""The command line: thin commands over the service layer, one vocabulary with the JSON."""

from __future__ import annotations

import typer

from unstuck import __version__
from unstuck.cli import admin, demo, pipeline

app = typer.Typer(
    name="unstuck",
    help="Find the deals in your pipeline that are stuck, say why, and do the right next thing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unstuck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Unstuck: see every open deal, know which are stuck and why, act, and let go."""


admin.register(app)
pipeline.register(app)
demo.register(app)

for _optional in (
    "unstuck.cli.diagnosis",
    "unstuck.cli.score",
    "unstuck.cli.cadence",
    "unstuck.cli.mail",
    "unstuck.cli.review",
    "unstuck.cli.web",
):
    # Feature modules register themselves when present.
    try:
        _module = __import__(_optional, fromlist=["register"])
    except ModuleNotFoundError as exc:
        if exc.name != _optional:
            raise
        continue
    if hasattr(_module, "register"):
        _module.register(app)
    elif hasattr(_module, "score_app"):
        app.add_typer(_module.score_app, name="score")


def main() -> None:
    app()


__all__ = ["app", "main"]
