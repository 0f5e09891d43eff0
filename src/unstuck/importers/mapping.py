"""The mapping file for any CSV/XLSX: which column means what, and what its values mean.

```toml
[file]
date_format = "%d/%m/%Y"     # optional: strptime codes, needed when 3/4/2019 is ambiguous
decimal = ","                # optional: "," when amounts are written 1.234,56
delimiter = ";"              # optional; sniffed from the header line otherwise
encoding = "utf-8"           # optional; detected otherwise

[columns]                    # header -> a target (TARGETS), "field", "field:NAME", "ignore"
"Opportunity" = "name"
"Phase" = "stage"

[status]                     # value -> open | won | lost | nurture (status column, else stage)
"Signed" = "won"

[stages]                     # optional renames: value in the file -> stage name we keep
"P1" = "Discovery"
```

Columns not listed are kept as custom fields. :func:`write_mapping` writes a starting
file from a table's headers with every guess commented.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from unstuck.domain import Status
from unstuck.errors import InputError
from unstuck.importers import values
from unstuck.importers.base import FileRole, importers, status_from_stage
from unstuck.importers.source import norm, open_source

# The deal targets a column can map to, with what each one means (for the comments).
TARGETS: dict[str, str] = {
    "id": "the record id (kept as the deal id, so re-imports update)",
    "name": "the deal's name",
    "account": "the customer company",
    "account_type": "long_term or one_off",
    "owner": "the seller who owns the deal",
    "stage": "the pipeline stage",
    "status": "open/won/lost/nurture (values mapped under [status])",
    "value": "the amount (currency prefixes and decimal commas are fine)",
    "currency": "ISO currency code",
    "created": "when the deal was created",
    "expected_close": "the expected (or actual) close date",
    "closed_at": "when a won or lost deal was closed",
    "last_stage_change": "when the deal entered its current stage",
    "lost_reason": "why a lost deal was lost",
    "why": "the customer's reason to buy",
    "revisit_on": "when to look at a nurtured deal again",
    "pipeline": "the pipeline's name (kept as the field 'pipeline')",
    "contact": "contact names, ';'-separated (become stakeholders)",
    "is_won": "yes/no: the deal was won",
    "is_closed": "yes/no: the deal is closed",
}
_SPECIAL = ("field", "ignore")
_KEYWORDS: tuple[tuple[str, str], ...] = (
    (r"#|\b(id|key|record|number|no|ref|reference)\b", "id"),
    (r"\b(stage|phase|step|funnel)\b", "stage"),
    (r"\b(status|state|outcome|result)\b", "status"),
    (r"\b(amount|value|revenue|price|size|worth|arr|acv|mrr|total)\b", "value"),
    (r"\bcurrency\b", "currency"),
    (r"\b(lost reason|loss reason|reason)\b", "lost_reason"),
    (r"\b(owner|rep|agent|salesperson|seller|assigned|account manager)\b", "owner"),
    (r"\b(close|closing|expected|due|target)\b.*\bdate\b|\bclose\b", "expected_close"),
    (r"\b(created|create|opened|engage\w*|start\w*|added)\b", "created"),
    (r"\b(account|company|organi[sz]ation|customer|client)\b", "account"),
    (r"\b(name|title|opportunity|deal|subject)\b", "name"),
    (r"\b(contact|person)\b", "contact"),
)
_SAMPLE_ROWS = 2000
_MAX_VALUES = 40


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, str]  # header (as written) -> target, "field", "field:NAME" or "ignore"
    status: dict[str, Status] = field(default_factory=dict)  # norm(value) -> status
    stages: dict[str, str] = field(default_factory=dict)  # norm(value) -> stage name
    date_format: str | None = None
    decimal: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    source: str = "mapping"


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem at once as ``KEY: message``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError([f"{path}: no such mapping file"], None) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([f"not valid TOML: {exc}"], str(path)) from None
    problems: list[str] = []
    for key in data:
        if key not in ("file", "columns", "status", "stages"):
            problems.append(f"{key}: unknown section; use [file], [columns], [status], [stages]")
    columns: dict[str, str] = {}
    allowed = ", ".join([*TARGETS, "field", "field:NAME", "ignore"])
    for header, target in _table(data, "columns", problems).items():
        if not isinstance(target, str) or not (
            target in TARGETS or target in _SPECIAL or target.startswith("field:")
        ):
            problems.append(f"columns.{header}: unknown target {target!r}; use one of: {allowed}")
        else:
            columns[header] = target
    status: dict[str, Status] = {}
    for raw, word in _table(data, "status", problems).items():
        try:
            status[norm(raw)] = Status(str(word))
        except ValueError:
            problems.append(f"status.{raw}: {word!r} is not open, won, lost or nurture")
    stages = {norm(k): str(v) for k, v in _table(data, "stages", problems).items()}
    options = _table(data, "file", problems)
    for key in options:
        if key not in ("date_format", "decimal", "delimiter", "encoding"):
            problems.append(
                f"file.{key}: unknown option; use date_format, decimal, delimiter, encoding"
            )
    if options.get("decimal") not in (None, ".", ","):
        problems.append(f'file.decimal: {options["decimal"]!r}; use "." or ","')
    if not any(t in ("stage",) for t in columns.values()) and columns:
        problems.append('columns: no column is mapped to "stage"; every deal needs a stage')
    if problems:
        raise InputError(problems, str(path))

    def option(key: str) -> str | None:
        value = options.get(key)
        return None if value is None else str(value)

    return Mapping(
        columns, status, stages, option("date_format"), option("decimal"),
        option("delimiter"), option("encoding"), str(path),
    )  # fmt: skip


def _table(data: dict[str, object], key: str, problems: list[str]) -> dict[str, object]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        problems.append(f"{key}: expected a table [{key}]")
        return {}
    return value


# -- guessing -----------------------------------------------------------------------------


def guess_columns(header: Sequence[str]) -> dict[str, tuple[str, str]]:
    """header -> (target, why) for every column: known export labels first, then words."""
    known: dict[str, str] = {}
    for importer in importers():
        for layout in importer.layouts:
            if layout.role is FileRole.DEALS:
                for key, target in layout.index().items():
                    known.setdefault(key, target)
    for target in TARGETS:
        known[norm(target)] = target
    out: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for label in header:
        found = known.get(norm(label))
        if found is not None and found not in taken:
            out[label] = (found, "a known export column")
            taken.add(found)
    for label in header:
        if label in out or not label:
            continue
        words = norm(label).replace("-", " ")
        for pattern, target in _KEYWORDS:
            if target not in taken and re.search(pattern, words):
                out[label] = (target, "guessed from the name: check it")
                taken.add(target)
                break
        else:
            out[label] = ("field", "not recognised: kept as a custom field")
    return out


def write_mapping(paths: Sequence[Path], out: Path) -> None:
    """Write a starting mapping TOML for the given tables, guesses commented."""
    headers: list[str] = []
    sources = [open_source(path) for path in paths]
    for source in sources:
        headers += [h for h in source.header if h and h not in headers]
    guesses = guess_columns(headers)
    by_target = {target: label for label, (target, _) in guesses.items()}
    samples: dict[str, dict[str, None]] = {"stage": {}, "status": {}}
    hints: set[str] = set()
    for source in sources:
        positions = {label: i for i, label in enumerate(source.header)}
        for _, cells in islice(source.rows(), _SAMPLE_ROWS):
            for target, seen in samples.items():
                column = by_target.get(target)
                if column is not None and column in positions and positions[column] < len(cells):
                    raw = values.text(cells[positions[column]])
                    if raw is not None and len(seen) < _MAX_VALUES:
                        seen.setdefault(raw)
            for cell in cells:
                hint = values.numeric_order_hint(cell)
                if hint is not None:
                    hints.add(hint)
    names = ", ".join(p.name for p in paths)
    lines = [
        f"# Unstuck import mapping for {names}.",
        "# Written from the headers: check every guess, then import with",
        "#   unstuck import --format csv --mapping THIS_FILE " + names,
        "# Targets: " + ", ".join(TARGETS) + ";",
        '# "field" keeps a column as a custom field, "field:NAME" renames it, "ignore" drops it.',
        "# Columns not listed are kept as custom fields.",
        "",
        "[file]",
        *_file_lines(hints, sources[0].delimiter if sources else None),
        "",
        "[columns]",
    ]
    width = max((len(_quote(h)) for h in guesses), default=0)
    for label, (target, why) in guesses.items():
        lines.append(f"{_quote(label).ljust(width)} = {_quote(target)}  # {why}")
    lines += ["", "[status]"]
    source_of_status = "status" if samples["status"] else "stage"
    lines.append(
        f"# values of the {source_of_status} column -> open, won, lost or nurture (guessed)"
    )
    for raw in samples[source_of_status]:
        lines.append(f"{_quote(raw)} = {_quote(_guess_status(raw).value)}")
    lines += [
        "",
        "[stages]",
        "# optional renames: a value in the file -> the stage name Unstuck keeps",
        *[f"# {_quote(raw)} = {_quote(raw)}" for raw in samples["stage"]],
        "",
    ]
    out.write_text("\n".join(lines), encoding="utf-8")


def _file_lines(hints: set[str], delimiter: str | None) -> list[str]:
    lines = []
    if hints == {"?"}:
        lines.append(
            'date_format = "%m/%d/%Y"  # CHECK: dates like 3/4/2019 are ambiguous; '
            'use "%d/%m/%Y" if the day comes first'
        )
    else:
        lines.append('# date_format = "%d/%m/%Y"  # only needed when day and month are ambiguous')
    lines.append('# decimal = ","  # when amounts are written 1.234,56')
    if delimiter and delimiter != ",":
        lines.append(f"delimiter = {_quote(delimiter)}")
    lines.append('# encoding = "utf-8"  # detected; set it if accents come out wrong')
    return lines


def _guess_status(raw: str) -> Status:
    word = norm(raw)
    if word in ("nurture", "on hold", "parked", "paused"):
        return Status.NURTURE
    return status_from_stage(raw)


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


__all__ = ["TARGETS", "Mapping", "guess_columns", "load_mapping", "write_mapping"]
