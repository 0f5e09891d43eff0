"""The command line: thin commands over the service layer, one vocabulary with the JSON.

Each feature module registers its own commands. ``unstuck CMD`` imports only the module
that registers ``CMD`` (``COMMANDS``), so a command does not pay for loading the web
app, the scorer or the mail client it does not use; ``--help``, a command we do not
know and ``unstuck.cli.app`` load them all.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from typing import Any

import typer

from unstuck import __version__

# Every module that registers commands, in the order ``--help`` lists them. Modules
# of optional features are skipped when their extra is not installed.
MODULES = ("admin", "pipeline", "demo", "diagnosis", "score", "cadence", "mail", "review", "web")
OPTIONAL = frozenset({"diagnosis", "score", "cadence", "mail", "review", "web"})

# Top-level command -> the module that registers it (a test holds this to the modules).
COMMANDS = {
    **dict.fromkeys(("init", "import", "export", "db", "config"), "admin"),
    **dict.fromkeys(
        ("deals", "deal", "add-deal", "log", "stakeholder", "answer", "why", "stage"),
        "pipeline",
    ),
    **dict.fromkeys(("close-date", "close"), "pipeline"),
    "demo": "demo",
    **dict.fromkeys(("stalled", "diagnose"), "diagnosis"),
    "score": "score",
    **dict.fromkeys(("agenda", "done", "snooze", "cadence", "plan"), "cadence"),
    "mail": "mail",
    **dict.fromkeys(("review", "decide", "focus"), "review"),
    **dict.fromkeys(("serve", "user", "token"), "web"),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"unstuck {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """Unstuck: see every open deal, know which are stuck and why, act, and let go."""


def build_app(modules: Sequence[str] = MODULES) -> typer.Typer:
    """The command line with the commands of ``modules``."""
    app = typer.Typer(
        name="unstuck",
        help="Find the deals in your pipeline that are stuck, say why, and do the right "
        "next thing.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    for name in modules:
        qualified = f"unstuck.cli.{name}"
        try:
            module = __import__(qualified, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if name in OPTIONAL and exc.name != qualified:
                continue  # its extra is not installed
            raise
        if hasattr(module, "register"):
            module.register(app)
        else:
            app.add_typer(module.score_app, name="score")
    return app


def modules_for(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules a command line needs: the one of its command, or all of them."""
    command = argv[0] if argv else ""
    return (COMMANDS[command],) if command in COMMANDS else MODULES


def main() -> None:
    # A command builds many small objects (deals, touches) and keeps them: the default
    # collection thresholds rescan them over and over, a quarter of a large review's
    # time. Objects from start-up are frozen out of collections, and young ones are
    # collected less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    build_app(modules_for(sys.argv[1:]))()


def __getattr__(name: str) -> Any:
    if name == "app":
        full = build_app()
        globals()["app"] = full
        return full
    raise AttributeError(name)


__all__ = ["COMMANDS", "app", "build_app", "main"]
