"""Unstuck's exceptions, one tree.

    UnstuckError                  anything we raise on purpose; the CLI prints it in one line
    ├── UsageError                bad input from the user: exit code 2
    │   ├── InputError            a document or file with problems, each "PATH: message"
    │   ├── NotFound              a deal, stakeholder or step id that does not exist
    │   ├── ConfigError           a bad setting: names the key, the source and allowed values
    │   └── ConflictError         an action that does not fit the current state
    └── StoreError                the database cannot be used
        ├── DatabaseUnreachable   cannot connect (exit 2: the URL is user input)
        ├── SchemaTooOld          run `unstuck db upgrade`
        └── SchemaTooNew          written by a newer Unstuck

Every message says what is wrong and how to fix it.
"""

from __future__ import annotations


class UnstuckError(Exception):
    exit_code = 1


class UsageError(UnstuckError):
    exit_code = 2


class InputError(UsageError):
    """One or more problems in an input, each located by a path (``deals[3].at``)."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        where = f"{source}: " if source else ""
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{where}{count} {noun}, nothing was written:\n{lines}")


class NotFound(UsageError):
    pass


class ConfigError(UsageError):
    pass


class ConflictError(UsageError):
    pass


class StoreError(UnstuckError):
    exit_code = 2


class DatabaseUnreachable(StoreError):
    pass


class SchemaTooOld(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


__all__ = [
    "ConfigError",
    "ConflictError",
    "DatabaseUnreachable",
    "InputError",
    "NotFound",
    "SchemaTooNew",
    "SchemaTooOld",
    "StoreError",
    "UnstuckError",
    "UsageError",
]
