"""Helpers for the importer tests: invented export files written into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from unstuck.importers import ImportBatch, read_files

UTC = ZoneInfo("UTC")
WriteFile = Callable[..., Path]
Read = Callable[..., ImportBatch]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """write("deals.csv", text, encoding="utf-8", newline="\\n") -> the file's path."""

    def _write(name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
        path = tmp_path / name
        body = text.lstrip("\n").replace("\n", newline)
        path.write_bytes(body.encode(encoding))
        return path

    return _write


@pytest.fixture
def read() -> Read:
    def _read(*paths: Path, **options: object) -> ImportBatch:
        options.setdefault("tz", UTC)
        return read_files(list(paths), **options)  # type: ignore[arg-type]

    return _read
