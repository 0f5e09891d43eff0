"""What an import returns: the pipeline, what was guessed, and the rows left out."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from unstuck.domain import Pipeline
from unstuck.importers.base import REJECT_COLUMNS


@dataclass(frozen=True)
class Reject:
    """One problem with one row. A row with three problems gives three rejects."""

    file: str
    line: int
    column: str | None
    reason: str
    # The row as read (header -> text), so write_rejects can hand it back for fixing.
    row: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    def __str__(self) -> str:
        column = f" {self.column}:" if self.column else ""
        return f"{self.file}:{self.line}:{column} {self.reason}"


@dataclass
class ImportBatch:
    pipeline: Pipeline
    detected: str
    rejects: list[Reject]
    rows_ok: int
    format: str

    def write_rejects(self, path: Path) -> None:
        """The skipped rows as CSV: their original columns plus file, line and reason.

        Fix the rows in the file and import it again: the three ``unstuck_*`` columns are
        ignored on import, the rest reads like the original export.
        """
        rows: dict[tuple[str, int], tuple[dict[str, str], list[str]]] = {}
        columns: dict[str, None] = {}
        for reject in self.rejects:
            values, reasons = rows.setdefault((reject.file, reject.line), (dict(reject.row), []))
            columns.update(dict.fromkeys(values))
            reasons.append(f"{reject.column}: {reject.reason}" if reject.column else reject.reason)
        header = [*columns, *REJECT_COLUMNS]
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for (file, line), (values, reasons) in rows.items():
                extra = {
                    REJECT_COLUMNS[0]: file,
                    REJECT_COLUMNS[1]: str(line),
                    REJECT_COLUMNS[2]: " | ".join(reasons),
                }
                writer.writerow([values.get(c, extra.get(c, "")) for c in header])


__all__ = ["ImportBatch", "Reject"]
