"""Errors in user-supplied diagnosis content: playbook overrides and frameworks.

Both are :class:`~unstuck.errors.ConfigError` subclasses (exit code 2): the user pointed
a setting at a file with a problem. Every message names the file, the line when there
is one, and what to do about it.
"""

from __future__ import annotations

import re
from pathlib import Path

from unstuck.errors import ConfigError

_TOML_LINE = re.compile(r"at line (\d+)")


class ContentError(ConfigError):
    """A problem in a content file (play, template or framework), located by file and line."""

    def __init__(self, path: Path | str | None, line: int | None, message: str) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        where = f"{self.path}:{line}: " if line else f"{self.path}: " if path else ""
        super().__init__(f"{where}{message}")


class PlaybookError(ContentError):
    """A play folder or template that cannot be used."""


class FrameworkError(ContentError):
    """A qualification framework that cannot be used, or one that does not exist."""


def toml_error_line(exc: Exception) -> int | None:
    """The line a ``tomllib.TOMLDecodeError`` points at (3.11 keeps it only in the text)."""
    found = _TOML_LINE.search(str(exc))
    return int(found.group(1)) if found else None


def key_line(text: str, key: str) -> int | None:
    """First line of a TOML text that assigns ``key`` (for errors about a value)."""
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


__all__ = ["ContentError", "FrameworkError", "PlaybookError", "key_line", "toml_error_line"]
