"""Docs keep up with the code: every command and every setting is documented."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from unstuck.cli import app
from unstuck.config import SETTINGS

DOCS = Path(__file__).parents[1] / "docs"


def command_paths(group: Any, prefix: str = "unstuck") -> list[str]:
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):  # a group: typer may use its own click classes
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


COMMANDS = command_paths(typer.main.get_command(app))


def test_the_cli_has_the_commands_the_docs_promise() -> None:
    for expected in ("unstuck import", "unstuck export", "unstuck deals", "unstuck db upgrade"):
        assert expected in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str) -> None:
    text = (DOCS / "cli.md").read_text()
    assert f"## `{command}" in text, f"docs/cli.md has no section for `{command}`"


@pytest.mark.parametrize("setting", [s.name for s in SETTINGS])
def test_every_setting_is_documented(setting: str) -> None:
    text = (DOCS / "configuration.md").read_text()
    assert f"`{setting}`" in text, f"docs/configuration.md does not describe `{setting}`"


def test_the_readme_quick_start_is_the_three_make_targets() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for target in ("make demo", "make test", "make install"):
        assert target in readme
