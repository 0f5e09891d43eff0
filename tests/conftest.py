"""Shared fixtures: a fresh database per test, on SQLite or PostgreSQL.

``UNSTUCK_TEST_DB=postgresql`` runs the database tests against the server at
``UNSTUCK_TEST_PG`` (default 127.0.0.1:5432, database ``test``), each test in its own
schema so parallel runs never collide. Tests that use a database are marked ``db``
automatically; ``scripts/run-tests`` runs the whole suite on SQLite and the ``db`` tests
again on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

BACKEND = os.environ.get("UNSTUCK_TEST_DB", "sqlite")
PG_URL = os.environ.get("UNSTUCK_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "db_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "db: uses a database (run on SQLite and PostgreSQL)")


def pytest_report_header() -> str:
    return f"unstuck database backend: {BACKEND}"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the user's config, data folder or UNSTUCK_* variables."""
    for name in list(os.environ):
        if name.startswith("UNSTUCK_") and not name.startswith("UNSTUCK_TEST"):
            monkeypatch.delenv(name)
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of the backend under test."""
    if BACKEND == "sqlite":
        yield str(tmp_path / "test.db")
        return
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def open_store() -> Iterator[Callable[..., Any]]:
    """``Store.open`` that closes what it opened when the test ends."""
    from unstuck.store import Store

    opened: list[Store] = []

    def opener(target: str, **options: Any) -> Store:
        store = Store(create(target))
        opened.append(store)
        if options.get("check", True):
            check_schema(store.engine, auto_create=options.get("auto_create", True))
        return store

    from unstuck.store.engine import check_schema, create

    yield opener
    for store in opened:
        store.close()


@pytest.fixture
def store(db_url: str, open_store: Callable[..., Any]) -> Any:
    return open_store(db_url)
