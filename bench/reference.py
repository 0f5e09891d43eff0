"""A yardstick measured in the same run: what a columnar engine takes for the group-by
our per-deal summaries avoid.

Finding the deals gone quiet from raw history means grouping every touch by its deal
(last touch, last reply, touches since). The bench times that group-by on the loaded
database itself (the touches table) and in DuckDB over a table of the same shape and size
made in memory, so the figures beside ours say what "the hard way" costs on this machine.
DuckDB is a development dependency; without it the reference is skipped.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from unstuck.store import Store

GROUP_BY = """
SELECT count(*) FROM (
    SELECT deal_pk, count(*) AS n, max("at") AS last_at,
           sum(CASE WHEN direction = 'inbound' THEN 1 ELSE 0 END) AS replies
    FROM touches GROUP BY deal_pk
) AS per_deal
"""


def database_group_by(db_url: str) -> tuple[float, int]:
    """Seconds to group the database's touches by deal, and the number of groups."""
    store = Store.open(db_url)
    try:
        with store.read() as tx:
            start = time.perf_counter()
            groups = tx.conn.execute(text(GROUP_BY)).scalar_one()
            return time.perf_counter() - start, int(groups)
    finally:
        store.close()


def duckdb_group_by(touches: int, deals: int) -> float | None:
    """Seconds for DuckDB to group ``touches`` rows into ``deals`` groups (the same
    query on a generated in-memory table), or None when DuckDB is not installed."""
    try:
        import duckdb
    except ImportError:
        return None
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.execute(
            "CREATE TABLE touches AS SELECT "
            f"(random() * {max(deals, 1)})::INTEGER AS deal_pk, "
            "TIMESTAMP '2026-01-01' + to_seconds((random() * 3e7)::BIGINT) AS \"at\", "
            "CASE WHEN random() < 0.3 THEN 'inbound' ELSE 'outbound' END AS direction "
            f"FROM range({touches})"
        )
        start = time.perf_counter()
        con.execute(GROUP_BY).fetchone()
        return time.perf_counter() - start
    finally:
        con.close()


__all__ = ["database_group_by", "duckdb_group_by"]
