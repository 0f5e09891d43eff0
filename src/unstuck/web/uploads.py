"""Reading an uploaded pipeline file, the same way ``unstuck import`` reads one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from unstuck.document import parse_document
from unstuck.domain import Pipeline
from unstuck.errors import InputError

FORMATS = ("auto", "unstuck", "hubspot", "salesforce", "pipedrive", "zoho", "csv")
NATIVE = (".json", ".jsonl", ".ndjson")


def read_upload(
    filename: str, data: bytes, format: str, tz: ZoneInfo, date_format: str | None = None
) -> tuple[Pipeline, str]:
    """The pipeline in the file and a sentence on what was detected.

    Raises InputError listing every problem (bad rows included): the web import is all
    or nothing, like the command without --skip-bad-rows.
    """
    if format not in FORMATS:
        raise InputError([f"format: {format!r} is not known; use one of {', '.join(FORMATS)}"])
    name = Path(filename or "upload").name
    suffix = Path(name).suffix.lower()
    if not data:
        raise InputError([f"{name}: the file is empty"])
    if format == "unstuck" or (format == "auto" and suffix in NATIVE):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(
                [f"{name}: not UTF-8 text; a pipeline document is UTF-8 JSON"]
            ) from None
        return parse_document(text, tz, source=name), "an Unstuck pipeline document"
    from unstuck import importers

    with tempfile.TemporaryDirectory(prefix="unstuck-upload-") as folder:
        path = Path(folder) / (name if suffix else name + ".csv")
        path.write_bytes(data)
        batch = importers.read_files([path], format=format, date_format=date_format or None, tz=tz)
    if batch.rejects:
        problems = [str(r) for r in batch.rejects]
        problems.append(f"{batch.rows_ok} rows are fine. Fix the rows above and upload again.")
        raise InputError(problems, source=name)
    return batch.pipeline, batch.detected


__all__ = ["FORMATS", "read_upload"]
