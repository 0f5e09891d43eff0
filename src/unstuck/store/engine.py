"""Opening a database: SQLite by path or URL, PostgreSQL by URL; schema version checks.

SQLite is set up for one writer and many readers: WAL journal, foreign keys on, a busy
timeout, and ``BEGIN IMMEDIATE`` for write transactions so two writers queue instead of
failing half-way (the datasette/healthchecks habit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from unstuck.errors import DatabaseUnreachable, SchemaTooNew, SchemaTooOld, UsageError

MIGRATIONS = Path(__file__).parent / "migrations"
BUSY_TIMEOUT_MS = 10_000


def to_url(target: str) -> str:
    """A SQLAlchemy URL for a path or URL; ``postgresql://`` is given the psycopg 3 driver."""
    if "://" not in target:
        return f"sqlite:///{Path(target).expanduser()}"
    if target.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + target.split("://", 1)[1]
    return target


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event below decide how transactions start.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("unstuck_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create(target: str) -> Engine:
    url = to_url(target)
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UsageError(
            f"not a database path or URL: {target!r}. Use a file path such as ./pipeline.db "
            "or a URL such as postgresql://127.0.0.1:5432/unstuck"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            if not folder.exists():
                raise DatabaseUnreachable(
                    f"cannot open {database}: folder {folder} does not exist. Create it or "
                    "choose another path with --db."
                )
        engine = create_engine(url)
        _sqlite_setup(engine)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (ModuleNotFoundError, SQLAlchemyError) as exc:
        raise UsageError(f"cannot use database URL {target!r}: {exc}") from None


def _head_revision() -> str:
    """The newest migration's revision. Our migrations are named after their revision
    (``0006_scoring.py`` is revision ``0006``, a test holds Alembic to it), so every
    command can check the schema without importing Alembic, a tenth of its start-up."""
    names = (p.name for p in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    return max((name[:4] for name in names), default="")


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def _alembic_config(conn: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def describe(engine: Engine) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite database {url.database}"
    return f"PostgreSQL database {url.render_as_string(hide_password=True)}"


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return row[0] if row else None


def has_tables(conn: Connection) -> bool:
    return bool(inspect(conn).get_table_names())


def check_schema(engine: Engine, auto_create: bool) -> None:
    """Raise a clear error unless the schema is at the head revision.

    An empty database is migrated to the head when ``auto_create`` is set, so the first
    command on a new file just works.
    """
    with connect(engine) as conn:
        revision = current_revision(conn)
        empty = revision is None and not has_tables(conn)
    head = _head_revision()
    if revision == head:
        return
    where = describe(engine)
    if empty:
        if auto_create:
            upgrade(engine)
            return
        raise SchemaTooOld(f"{where} is empty. Run `unstuck init` to create the tables.")
    if revision is None:
        raise UsageError(f"{where} has tables but none of Unstuck's. Choose another --db.")
    if revision not in _known_revisions():
        raise SchemaTooNew(
            f"{where} was written by a newer version of Unstuck (schema {revision}; this "
            f"version knows up to {head}). Upgrade Unstuck: pip install -U unstuck"
        )
    raise SchemaTooOld(
        f"{where} uses an older schema ({revision}; current {head}). "
        "Run `unstuck db upgrade` to bring it up to date (your data is kept)."
    )


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Run every pending migration; returns (from, to) revisions."""
    from alembic import command

    with connect(engine, write=True) as conn:
        before = current_revision(conn)
        if before is not None and before not in _known_revisions():
            raise SchemaTooNew(
                f"{describe(engine)} was written by a newer version of Unstuck (schema "
                f"{before}). Upgrade Unstuck instead: pip install -U unstuck"
            )
        command.upgrade(_alembic_config(conn), "head")
    return before, _head_revision()


@contextmanager
def connect(engine: Engine, write: bool = False, first_load: bool = False) -> Iterator[Connection]:
    """A connection inside one transaction: committed on success, rolled back on error.

    ``first_load`` (a write filling an empty store) lets SQLite keep a rollback journal
    for this one transaction, when no other connection has the file open: the pages of
    an empty database are then written once, where the WAL writes them twice (to the log,
    then back at the checkpoint; 4 GB for twenty million touches). Readers would wait for
    the whole transaction, which is why only a first load does it. WAL is back after,
    and the connection is closed rather than pooled (see ``bulk_touches.finish``).
    """
    try:
        conn = engine.connect()
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnreachable(
            f"cannot connect to {describe(engine)}: {reason}. Check --db / UNSTUCK_DB and "
            "that the server is running."
        ) from None
    rollback = first_load and write and _rollback_journal(conn)
    try:
        if write:
            conn.execution_options(unstuck_write=True)
        with conn.begin():
            yield conn
    finally:
        if rollback:
            _wal_journal(conn)
        if first_load and write and conn.dialect.name == "sqlite" and not conn.invalidated:
            # Closed, not pooled: its temporary tables (an import's staged touches, GBs
            # at twenty million) go with their file, where dropping one took 10 s.
            conn.invalidate()
        conn.close()


def _rollback_journal(conn: Connection) -> bool:
    """Switch this SQLite file to a rollback journal if nobody else has it open."""
    if conn.dialect.name != "sqlite":
        return False
    raw: Any = conn.connection.driver_connection
    try:
        mode = raw.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except Exception:  # another connection holds the file: keep WAL
        return False
    if str(mode).lower() != "delete":
        return False
    # A rollback journal is only as safe as WAL against power loss with FULL sync.
    raw.execute("PRAGMA synchronous = FULL")
    return True


def _wal_journal(conn: Connection) -> None:
    raw: Any = conn.connection.driver_connection
    try:
        raw.execute("PRAGMA journal_mode = WAL")
        raw.execute("PRAGMA synchronous = NORMAL")
    except Exception:  # busy: the next connection to open the file sets WAL again
        conn.invalidate()


__all__ = ["check_schema", "connect", "create", "describe", "to_url", "upgrade"]
