"""The migrations build exactly the schema the code declares, and go down and up again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from unstuck.store import Store, engine
from unstuck.store.schema import metadata


def test_the_migrated_database_matches_the_declared_tables(
    db_url: str, open_store: Callable[..., Store]
) -> None:
    store = open_store(db_url)
    with store.read() as tx:
        # SQLAlchemy cannot reflect SQLite's expression indexes (pyproject.toml silences
        # its warning): they are checked by name below.
        context = MigrationContext.configure(tx.conn, opts={"compare_type": True})
        differences: list[Any] = compare_metadata(context, metadata)
        if tx.conn.dialect.name == "sqlite":
            expression = {i.name for i in _expression_indexes()}
            differences = [
                d for d in differences if not (d[0] == "add_index" and d[1].name in expression)
            ]
            present = tx.conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
            ).scalars()
            assert expression <= set(present)
    assert differences == []


def _expression_indexes() -> list[Any]:
    return [
        index
        for table in metadata.tables.values()
        for index in table.indexes
        if any(not hasattr(e, "table") for e in index.expressions)
    ]


def test_every_migration_can_be_undone_and_redone(
    db_url: str, open_store: Callable[..., Store]
) -> None:
    store = open_store(db_url)
    with store.write() as tx:
        command.downgrade(engine._alembic_config(tx.conn), "base")
    with store.write() as tx:
        command.upgrade(engine._alembic_config(tx.conn), "head")
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_each_migration_is_named_after_its_revision_so_the_head_needs_no_alembic() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(engine.MIGRATIONS))
    assert engine._head_revision() == scripts.get_current_head()
    for script in scripts.walk_revisions():
        assert script.path.rsplit("/", 1)[-1].startswith(f"{script.revision}_")
