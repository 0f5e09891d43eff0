"""``read_files``: recognise each file, read them in join order, assemble the deals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from unstuck.document import parse_document
from unstuck.domain import Deal, Pipeline
from unstuck.errors import InputError, UsageError
from unstuck.importers import values
from unstuck.importers.base import FileRole, Importer, Match, get, importers
from unstuck.importers.batch import ImportBatch
from unstuck.importers.generic import MappedCsv
from unstuck.importers.mapping import Mapping, load_mapping
from unstuck.importers.rows import Context, apply_lookups, read_source
from unstuck.importers.source import Source, open_source

FORMATS: tuple[str, ...] = ("unstuck", "hubspot", "salesforce", "pipedrive", "zoho", "csv")
_DOCUMENTS = (".json", ".jsonl", ".ndjson")
_TABLES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
# Lookups and contacts are small tables the deals need; history, roles and activities
# attach to deals already read.
ORDER = {
    FileRole.IGNORED: 0, FileRole.CONTACTS: 0, FileRole.LOOKUP: 0, FileRole.DEALS: 1,
    FileRole.STAGE_HISTORY: 2, FileRole.CONTACT_ROLES: 2, FileRole.ACTIVITIES: 3,
}  # fmt: skip
# Rows the date pre-scan reads before concluding a file has no day/month dates at all.
_SCAN_WITHOUT_SLASH_DATES = 1000


def read_files(
    paths: Sequence[Path],
    *,
    format: str = "auto",
    mapping: Path | None = None,
    date_format: str | None = None,
    tz: ZoneInfo,
    progress: Callable[[int], None] | None = None,
) -> ImportBatch:
    """Read one export (one or several files) into a pipeline, without touching a store.

    Raises InputError when a file cannot be used at all (unknown layout, ambiguous
    dates, unreadable); problems with single rows come back as ``rejects`` instead.
    """
    files = expand(paths, format)
    documents = [p for p in files if p.suffix.casefold() in _DOCUMENTS]
    if documents:
        return read_documents(files, documents, format, tz)
    found, parsers, plan = recognise(files, format, mapping, date_format, tz)
    ctx = Context(tz, progress)
    for source, match in sorted(found, key=lambda f: ORDER[f[1].layout.role]):
        read_source(ctx, source, match, parsers[source.name])
    apply_lookups(ctx)
    deals, notes = _assemble(ctx, tz)
    if progress is not None:
        progress(ctx.rows_done)
    deals_match = next(m for _, m in found if m.layout.role is FileRole.DEALS)
    return ImportBatch(
        pipeline=Pipeline(tuple(deals)),
        detected=describe(found, ctx, format, notes, plan),
        rejects=ctx.rejects,
        rows_ok=ctx.rows_ok,
        format=deals_match.importer.format_name,
    )


def is_document(path: Path) -> bool:
    return path.suffix.casefold() in _DOCUMENTS


def recognise(
    files: list[Path],
    format: str,
    mapping: Path | None,
    date_format: str | None,
    tz: ZoneInfo,
) -> tuple[list[tuple[Source, Match]], dict[str, values.DateParser], Mapping | None]:
    """Each table's layout and date parser; InputError lists every file we cannot use."""
    if mapping is not None and format not in ("auto", "csv"):
        raise UsageError(f"a mapping file is for --format csv, not --format {format}")
    plan = load_mapping(mapping) if mapping is not None else None
    sources = [
        open_source(p, plan.encoding if plan else None, plan.delimiter if plan else None)
        for p in files
    ]
    if plan is not None and plan.decimal:
        for source in sources:
            source.decimal_mark = plan.decimal
    found, problems = _recognise_all(sources, _pool(format, plan))
    parsers: dict[str, values.DateParser] = {}
    for source, match in found:
        parser = _date_parser(source, match, date_format, plan, tz, problems)
        parsers[source.name] = parser
    if not any(m.layout.role is FileRole.DEALS for _, m in found) and not problems:
        names = ", ".join(s.name for s in sources)
        problems.append(f"{names}: no deals file among these; add the deals/opportunities export")
    if problems:
        raise InputError(problems)
    return found, parsers, plan


def expand(paths: Sequence[Path], format: str = "auto") -> list[Path]:
    """The files to read: folders become their tables; checks the format name."""
    if format != "auto" and format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; use auto or one of: {', '.join(FORMATS)}")
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix.casefold() in _TABLES)
        else:
            files.append(path)
    if not files:
        raise UsageError("no files to import; give the export's CSV/XLSX files")
    return files


def read_documents(
    files: list[Path], documents: list[Path], format: str, tz: ZoneInfo
) -> ImportBatch:
    if format not in ("auto", "unstuck"):
        raise UsageError(f"{documents[0]} is a JSON document; it is read as --format unstuck")
    if len(documents) != len(files):
        raise UsageError("import JSON documents on their own, not together with tables")
    deals: list[Deal] = []
    for path in documents:
        pipeline = parse_document(path.read_text(encoding="utf-8-sig"), tz, str(path))
        deals += pipeline.deals
    names = ", ".join(p.name for p in documents)
    return ImportBatch(
        pipeline=Pipeline(tuple(deals)),
        detected=f"Read an Unstuck pipeline document ({len(deals)} deals from {names})",
        rejects=[],
        rows_ok=len(deals),
        format="unstuck",
    )


def _pool(format: str, plan: Mapping | None) -> list[Importer]:
    if format == "csv":
        return [MappedCsv(plan), get("maven")]
    if format != "auto":
        return [get(format)]
    pool = [i for i in importers() if not isinstance(i, MappedCsv)]
    return [MappedCsv(plan), *pool] if plan is not None else pool


def _recognise_all(
    sources: list[Source], pool: list[Importer]
) -> tuple[list[tuple[Source, Match]], list[str]]:
    found: list[tuple[Source, Match]] = []
    problems: list[str] = []
    for source in sources:
        candidates = [imp.match(source.header, lay) for imp in pool for lay in imp.layouts]
        if (
            isinstance(pool[0], MappedCsv)
            and pool[0].mapping is not None
            and candidates[0].complete
        ):
            found.append((source, candidates[0]))  # an explicit mapping wins
            continue
        complete = [c for c in candidates if c.complete and len(c.targets) + len(c.specials) >= 2]
        if complete:
            found.append((source, max(complete, key=lambda c: c.score)))
        else:
            problems.append(_unrecognised(source, candidates))
    return found, problems


def _unrecognised(source: Source, candidates: list[Match]) -> str:
    closest = max(candidates, key=lambda c: c.score)
    shown = ", ".join(repr(h) for h in source.header[:8])
    more = ", ..." if len(source.header) > 8 else ""
    layout = closest.layout
    return (
        f"{source.name}: not a layout we recognise (columns {shown}{more}). "
        f"Closest: {_article(layout.title)} {layout.title} "
        f"(--format {closest.importer.format_name}), which also needs the column(s) "
        f"{', '.join(repr(m) for m in closest.missing_labels()) or 'found'}. "
        "To import any other table, write a mapping with write_mapping "
        "(unstuck import --write-mapping mapping.toml FILE) and use --format csv --mapping"
    )


def _article(title: str) -> str:
    return "an" if title[:1].casefold() in "aeiou" else "a"


def _date_parser(
    source: Source,
    match: Match,
    date_format: str | None,
    plan: Mapping | None,
    tz: ZoneInfo,
    problems: list[str],
) -> values.DateParser:
    fmt = date_format or (
        plan.date_format if plan and isinstance(match.importer, MappedCsv) else None
    )
    if fmt or not match.date_columns():
        return values.DateParser(tz, None, fmt)
    columns = match.date_columns()
    seen: tuple[str, str] | None = None
    for count, (_, cells) in enumerate(source.rows(), start=1):
        for index in columns:
            hint = values.numeric_order_hint(cells[index] if index < len(cells) else None)
            if hint in (values.MDY, values.DMY):
                return values.DateParser(tz, hint)
            if hint == "?" and seen is None:
                seen = (match.header[index], str(cells[index]))
        if seen is None and count >= _SCAN_WITHOUT_SLASH_DATES:
            break
    if seen is not None:
        column, example = seen
        problems.append(
            f"{source.name}: column {column!r}: every date in the file, like {example!r}, "
            "reads as day/month and as month/day. Say which with date_format: "
            f"'{values.DMY}' (day first) or '{values.MDY}' (month first), "
            f"e.g. --date-format '{values.DMY}'"
        )
    return values.DateParser(tz)


def _assemble(ctx: Context, tz: ZoneInfo) -> tuple[list[Deal], list[str]]:
    notes: list[str] = []
    for draft in ctx.drafts.values():
        draft.importer.finish(draft, tz)
    undated = [d for d in ctx.drafts.values() if d.created is None]
    fallback: datetime | None = None
    if undated:
        moments = [
            moment
            for draft in ctx.drafts.values()
            for moment in [
                draft.created,
                *draft.known_dates(),
                datetime.combine(draft.expected_close, time()) if draft.expected_close else None,
            ]
            if moment is not None
        ]
        fallback = max(moments) if moments else None
    deals: list[Deal] = []
    guessed = 0
    for draft in ctx.drafts.values():
        created = draft.created
        if created is None:
            known = draft.known_dates()
            created = min(known) if known else fallback
            guessed += 1
        if created is None:
            created = datetime.combine(datetime(1970, 1, 1).date(), time())
        deals.append(draft.build(created))
    if guessed:
        latest = (
            f"; otherwise {fallback:%Y-%m-%d}, the latest date in the export" if fallback else ""
        )
        notes.append(
            f"{guessed} deals have no created date: used their earliest dated event{latest}"
        )
    return deals, notes


def describe(
    found: list[tuple[Source, Match]],
    ctx: Context,
    format: str,
    notes: list[str],
    plan: Mapping | None,
    rejected: tuple[int, int] | None = None,
) -> str:
    """What was recognised and joined; ``rejected`` = (rows, problems) when not in ctx."""
    verb = "Detected" if format == "auto" else "Read"
    several = len(found) > 1
    heads: list[str] = []
    lines: list[str] = []
    for source, match in found:
        title = match.layout.title
        if match.layout.role is FileRole.DEALS:
            counts = (
                f"{len(match.targets) + len(match.specials)} columns recognised, "
                f"{len(match.extra)} kept as custom fields"
            )
            if match.ignored:
                counts += f", {len(match.ignored)} ignored"
            where = f" in {source.path.name}" if several else ""
            heads.append(f"{verb} {_article(title)} {title} ({counts}){where}")
        else:
            unused = f", {len(match.extra)} columns not used" if match.extra else ""
            lines.append(
                f"Joined {source.path.name}: {title} ({ctx.rows_read[source.name]} rows{unused})"
            )
    for source, _ in found:
        lines += source.notes
        if source.footer_lines:
            lines.append(f"{source.path.name}: {source.footer_lines} report footer lines ignored")
    for (name, what), count in ctx.skipped.items():
        lines.append(f"{Path(name).name}: {count} {what} skipped")
    lines += notes
    if rejected is None:
        rejected = (len({(r.file, r.line) for r in ctx.rejects}), len(ctx.rejects))
    if rejected[1]:
        lines.append(f"{rejected[0]} rows rejected, {rejected[1]} problems (see the rejects)")
    if plan is not None:
        lines.append(f"Mapping: {plan.source}")
    return "\n".join(heads + lines)


__all__ = ["FORMATS", "ORDER", "describe", "expand", "is_document", "read_files", "recognise"]
