"""A first load into PostgreSQL, the way a restore does it: keys and indexes built once.

An import into a database with no deals (the first load: a whole CRM export, often
millions of rows) writes every row of the deals and their history inside one
transaction. Kept in place, each deals index is updated for every row written, twice
(the deals are written, then their summaries once the activities are in), and each
history row fires a foreign-key trigger. Measured on a 100,000-deal, 1.9-million-touch
import: the triggers took 8.3 s of the 21 s the touches took to move in, adding the key
back 0.3 s; the summary update 7.4 s with the deals indexes, 2.0 s without, building
each index again 0.2 s.

So :func:`first_load` drops the deals' and stakeholders' plain (not unique) indexes, the
history tables' foreign keys and the (then empty) touches table's keys for the block and
builds them again after it, from the definitions the database itself gives, in the same
transaction: if anything fails, the rollback puts everything back as it was. Adding a
foreign key back checks every row with one join, so no row escapes the check. Without its
unique key the touches table takes the staged activities already rid of repeats
(``bulk_touches.finish``), and the key is then built from sorted rows: 6.6 s where
inserting under the key took 10.5 s. The tables stay locked until the import commits:
other sessions wait for it, which is fine when there were no deals to read yet.
Without the right to alter the tables (they belong to another role) nothing is dropped.

SQLite needs none of this: a foreign key there is checked with one lookup, not a
trigger, and dropping the indexes saved a tenth of the summary update.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError

from unstuck.store import schema as t

# Tables whose plain indexes wait until the load is done.
INDEXED = ("deals", "stakeholders")


@contextmanager
def first_load(conn: Connection) -> Iterator[None]:
    """Inside the block the indexes and keys are gone (see the module docstring)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    children = [table.name for table in t.CHILD_TABLES]
    keys = conn.exec_driver_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE (contype = 'f' AND conrelid = ANY("
        "SELECT to_regclass(name) FROM unnest(%(tables)s::text[]) AS name)) "
        "OR (contype IN ('p', 'u') AND conrelid = to_regclass('touches')) "
        "ORDER BY contype = 'f', 1, 2",
        {"tables": children},
    ).all()
    indexes = conn.exec_driver_sql(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE NOT indisunique AND NOT indisprimary AND indrelid = ANY("
        "SELECT to_regclass(name) FROM unnest(%(tables)s::text[]) AS name) ORDER BY 1",
        {"tables": list(INDEXED)},
    ).all()
    savepoint = conn.begin_nested()
    try:
        for table, name, _ in keys:
            conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            conn.exec_driver_sql(f"DROP INDEX {name}")
    except DBAPIError:
        savepoint.rollback()
        yield
        return
    savepoint.commit()
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)
    for table, name, definition in keys:
        conn.exec_driver_sql(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


__all__ = ["INDEXED", "first_load"]
