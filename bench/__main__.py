"""Reproducible benchmarks of Unstuck on generated pipelines.

    python -m bench       # 10,000 open deals, ~20 touches each, SQLite and PostgreSQL
    python -m bench --open-deals 1000 --db sqlite

Each run builds a fresh database from the seeded sample generator, then times the
commands a user runs (end to end, as subprocesses) and the in-process paths (diagnosing
one deal, logging one touch). It prints one table per database with the hardware line.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from unstuck.config import default_config
from unstuck.domain import Channel, Deal, Direction, Pipeline, Touch
from unstuck.sample import iter_deals
from unstuck.service import Unstuck
from unstuck.store import Store

NOW = datetime(2026, 11, 20, 12, 0)
AS_OF = "2026-11-20"
OPEN_SHARE = 0.7  # iter_deals makes about 70 % of deals open
LISTED_DEALS = 100_000  # `unstuck deals` (every open deal in one table) is timed up to this
PG_URL = os.environ.get("UNSTUCK_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str = ""

    def row(self) -> str:
        shown = f"{self.value:,.0f}" if self.value >= 100 else f"{self.value:,.3g}"
        return f"  {self.name:<52} {shown:>12} {self.unit:<8} {self.target}"


def hardware() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median wall time in seconds of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli(db: str, *args: str) -> Callable[[], object]:
    command = [sys.executable, "-m", "unstuck", *args, "--db", db]

    def run() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    return run


@contextmanager
def database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / "bench.db")
        return
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def load(db: str, total: int, touches: float) -> tuple[float, int, int]:
    """Import ``total`` generated deals as `unstuck import` does, in batches of 5,000
    (each one transaction, with summaries and the stall scan's cache); returns seconds,
    deals, touches. Generating the deals is included in the time."""
    app = Unstuck(default_config(), Store.open(db))
    batch: list[Deal] = []
    touch_count = 0
    start = time.perf_counter()
    for deal in iter_deals(total, NOW, seed=1, touches_per_deal=touches):
        batch.append(deal)
        touch_count += len(deal.touches)
        if len(batch) == 5000:
            app.import_pipeline(Pipeline(tuple(batch)), NOW, dry_run=False)
            batch = []
    if batch:
        app.import_pipeline(Pipeline(tuple(batch)), NOW, dry_run=False)
    elapsed = time.perf_counter() - start
    app.store.close()
    return elapsed, total, touch_count


def run_backend(kind: str, open_deals: int, touches: float) -> list[Figure]:
    figures: list[Figure] = []
    total = round(open_deals / OPEN_SHARE)
    with tempfile.TemporaryDirectory() as tmp, database(kind, Path(tmp)) as db:
        seconds, deals, touch_count = load(db, total, touches)
        figures.append(Figure(f"load {deals:,} deals / {touch_count:,} touches", seconds, "s"))
        figures.append(Figure("  load rate, touches", touch_count / seconds, "rows/s"))
        figures += measure(db, kind, deals, touch_count)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures.append(Figure("peak memory of the benchmark process", peak, "MiB"))
    return figures


def measure(db: str, kind: str, deals: int, touch_count: int) -> list[Figure]:
    """Every figure but the load, on a filled database (changed: one touch per sampled
    deal is logged)."""
    figures: list[Figure] = []
    app = Unstuck(default_config(), Store.open(db))
    with app.store.read() as tx:
        open_ids = [r.id for r in tx.deal_rows(status=None) if r.status.value == "open"]
    figures.append(Figure("open deals", len(open_ids), "deals"))
    context_s = timed(app.diagnosis_context)
    figures.append(Figure("build diagnosis context (norms, playbook)", context_s * 1000, "ms"))
    context = app.diagnosis_context()
    sample = open_ids[:: max(1, len(open_ids) // 50)][:50]
    per_deal = [timed(lambda i=i: app.diagnose(i, NOW, context)) for i in sample]
    figures.append(
        Figure(
            "diagnose one deal incl. DB read (median)",
            statistics.median(per_deal) * 1000,
            "ms",
            "< 20 ms",
        )
    )
    figures.append(Figure("  slowest of 50", max(per_deal) * 1000, "ms"))
    touch = Touch(NOW, Direction.OUTBOUND, Channel.EMAIL, summary="bench")

    def log_one(deal_id: str) -> None:
        with app.store.write() as tx:
            tx.log_touch(deal_id, touch)

    per_log = [timed(lambda i=i: log_one(i)) for i in sample]
    figures.append(
        Figure(
            "log one touch with summary upkeep (median)",
            statistics.median(per_log) * 1000,
            "ms",
            "< 5 ms",
        )
    )
    app.store.close()
    figures.append(
        Figure(
            "`unstuck stalled` end to end, first run after import",
            timed(cli(db, "stalled", "--as-of", AS_OF)),
            "s",
        )
    )
    figures.append(
        Figure(
            "`unstuck stalled` end to end (median of 3)",
            timed(cli(db, "stalled", "--as-of", AS_OF), repeat=3),
            "s",
            "< 2 s at 10k open (SQLite), < 3 s at 1M",
        )
    )
    figures.append(
        Figure(
            "`unstuck stalled --limit 100 --json` end to end",
            timed(cli(db, "stalled", "--as-of", AS_OF, "--limit", "100", "--json"), repeat=3),
            "s",
        )
    )
    figures.append(
        Figure(
            "`unstuck diagnose DEAL` end to end",
            timed(cli(db, "diagnose", open_ids[0], "--as-of", AS_OF), repeat=3),
            "s",
        )
    )
    if len(open_ids) <= LISTED_DEALS:  # a table of every open deal: not at a million
        figures.append(
            Figure(
                "`unstuck deals` end to end",
                timed(cli(db, "deals", "--as-of", AS_OF), repeat=3),
                "s",
            )
        )
    with app.store.read() as tx:
        owner = tx.deal(open_ids[0]).owner
    if owner:
        with app.store.read() as tx:
            mine = len(tx.scan_rows(owner))
        figures.append(
            Figure(
                f"`unstuck review --owner` end to end ({mine:,} open deals)",
                timed(cli(db, "review", "--owner", owner, "--as-of", AS_OF), repeat=3),
                "s",
                "< 1 s",
            )
        )
    startup = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "unstuck", "--version"],
            check=True,
            stdout=subprocess.DEVNULL,
        ),
        repeat=3,
    )
    figures.append(Figure("  of which process start-up (`--version`)", startup, "s"))
    figures += extra_figures(db)
    size = database_size(db, kind) / 2**20
    figures.append(Figure("database size", size, "MiB"))
    figures.append(Figure("  per million touches", size / touch_count * 1e6, "MiB"))
    figures += reference_figures(db, deals, touch_count)
    return figures


def existing(db: str) -> list[Figure]:
    """``measure`` on a database filled elsewhere (``bench/import_bench.py --keep``)."""
    kind = "postgresql" if db.startswith("postgresql") else "sqlite"
    with Store.open(db).read() as tx:
        deals = tx.count_deals()
        touches = int(tx.conn.exec_driver_sql("SELECT count(*) FROM touches").scalar_one())
    return [
        Figure("deals in the database", deals, "deals"),
        Figure("touches in the database", touches, "touches"),
        *measure(db, kind, deals, touches),
    ]


def extra_figures(db: str) -> list[Figure]:
    """Figures from the feature benchmarks that take a filled database."""
    figures = []
    from bench import review_bench

    for name, seconds, target in review_bench.run(db, AS_OF):
        figures.append(Figure(name, seconds, "s", target))
    return figures


def database_size(db: str, kind: str) -> float:
    """Bytes on disk: the SQLite file, or every relation in the benchmark's schema."""
    if kind == "sqlite":
        return float(Path(db).stat().st_size)
    store = Store.open(db)
    try:
        with store.read() as tx:
            found = tx.conn.exec_driver_sql(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            ).scalar_one()
        return float(found)
    finally:
        store.close()


def reference_figures(db: str, deals: int, touches: int) -> list[Figure]:
    """The raw-history group-by our summaries avoid, here and in DuckDB (bench/reference.py)."""
    from bench import reference

    seconds, _ = reference.database_group_by(db)
    figures = [Figure("reference: group all touches by deal, this database", seconds, "s")]
    duck = reference.duckdb_group_by(touches, deals)
    if duck is None:
        figures.append(Figure("reference: DuckDB group-by (not installed: skipped)", 0, ""))
    else:
        figures.append(Figure("reference: DuckDB group-by, same size, in memory", duck, "s"))
    return figures


def _compiled() -> None:
    """Write the package's bytecode, as installing it from a wheel does: with
    PYTHONDONTWRITEBYTECODE set (as in some containers) every command would otherwise
    compile its modules again, half a second of each end-to-end figure."""
    import compileall

    import unstuck

    compileall.compile_dir(Path(unstuck.__file__).parent, quiet=1)


def pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(
            PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ).close()
    except Exception:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--open-deals", type=int, default=10_000, help="open deals to generate")
    parser.add_argument("--touches", type=float, default=20.0, help="mean touches per deal")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--existing",
        metavar="DB",
        action="append",
        help="measure this filled database (path or URL) instead of generating one; "
        "it is changed (touches are logged). Repeat for several.",
    )
    args = parser.parse_args(argv)
    _compiled()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"Unstuck benchmark, {datetime.now():%Y-%m-%d %H:%M}")
    print(f"Hardware: {hardware()}")
    for db in args.existing or []:
        print(f"\n{db}: as filled")
        for figure in existing(db):
            print(figure.row(), flush=True)
    if args.existing:
        return 0
    for kind in kinds:
        if kind == "postgresql" and not pg_reachable():
            print(f"\n{kind}: skipped, server unreachable at {PG_URL}")
            continue
        print(f"\n{kind}: {args.open_deals:,} open deals wanted, ~{args.touches:g} touches each")
        for figure in run_backend(kind, args.open_deals, args.touches):
            print(figure.row(), flush=True)
    shutil.rmtree(Path(tempfile.gettempdir()) / "unstuck-bench", ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
