"""Rejected rows of a streamed import: all counted, the first kept, all spooled if asked."""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from unstuck.importers import values
from unstuck.importers.base import REJECT_COLUMNS
from unstuck.importers.batch import Reject

# Rejects kept in memory to show; the rest are counted (and spooled to disk for the
# rejects file when one is asked for).
REJECTS_KEPT = 1000


class RejectLog:
    """Every rejected row counted; the first ones kept; all of them spooled when asked."""

    def __init__(self, keep: int = REJECTS_KEPT, spool: bool = False, path: Path | None = None):
        self.keep = keep
        self.kept: list[Reject] = []
        self.rows = 0
        self.problems = 0
        self.columns: dict[str, None] = {}
        self.path = path  # a named spool, for a child process to hand over
        self.others: list[Path] = []  # spools absorbed from child processes
        # Open across many add() calls; close() ends it.
        self._spool: IO[str] | None = None
        if path is not None:
            self._spool = path.open("w+", encoding="utf-8")
        elif spool:
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def absorb(self, other: dict[str, Any]) -> None:
        """Take over the rejects a child process logged (``summary()`` of its log)."""
        room = max(0, self.keep - len(self.kept))
        self.kept += other["kept"][:room]
        self.rows += other["rows"]
        self.problems += other["problems"]
        self.columns.update(dict.fromkeys(other["columns"]))
        if other["path"] is not None:
            self.others.append(Path(other["path"]))

    def summary(self) -> dict[str, Any]:
        if self._spool is not None:
            self._spool.flush()
        return {
            "kept": self.kept,
            "rows": self.rows,
            "problems": self.problems,
            "columns": list(self.columns),
            "path": str(self.path) if self.path is not None else None,
        }

    def add(
        self,
        file: str,
        line: int,
        problems: list[tuple[str | None, str]],
        header: Sequence[str],
        cells: Sequence[values.Cell],
    ) -> None:
        kept = tuple(
            (label, values.text(cell) or "") for label, cell in zip(header, cells, strict=False)
        )
        self.rows += 1
        self.problems += len(problems)
        for column, reason in problems:
            if len(self.kept) < self.keep:
                self.kept.append(Reject(file, line, column, reason, kept))
        if self._spool is not None:
            self.columns.update(dict.fromkeys(label for label, _ in kept))
            reasons = [f"{c}: {r}" if c else r for c, r in problems]
            self._spool.write(json.dumps([file, line, dict(kept), reasons]) + "\n")

    def write_csv(self, path: Path) -> None:
        """The rejected rows as ``ImportBatch.write_rejects`` writes them."""
        header = [*self.columns, *REJECT_COLUMNS]
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            if self._spool is None:
                return
            self._spool.seek(0)
            self._copy(self._spool, writer, header)
            for other in self.others:
                with other.open(encoding="utf-8") as spool:
                    self._copy(spool, writer, header)

    @staticmethod
    def _copy(spool: IO[str], writer: Any, header: list[str]) -> None:
        for text in spool:
            file, line, cells, reasons = json.loads(text)
            cells.update(zip(REJECT_COLUMNS, (file, str(line), " | ".join(reasons)), strict=True))
            writer.writerow([cells.get(c, "") for c in header])

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


__all__ = ["REJECTS_KEPT", "RejectLog"]
