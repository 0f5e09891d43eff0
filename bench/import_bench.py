"""Import benchmark: a generated Pipedrive export (deals + activities) into a fresh database.

    python bench/import_bench.py            # 100,000 deals, 2,000,000 activities
    python bench/import_bench.py --deals 1000000 --activities 20000000 --db sqlite

Generates the two files Pipedrive's export writes (``Deal - ...`` deals list and the
activities list, sorted by due date as the export sorts them, each activity on a
random deal) under a temporary folder, imports them with ``importers.load.import_files``
in a child process per database (a fresh SQLite file; PostgreSQL at
127.0.0.1:5432/test in its own schema when reachable), and prints wall time, activity
rows per second (activities / whole import, end to end), CPU time of the import and its
reader processes, peak RSS of the importing process (and the larger of its readers'),
database size and the load average. The files are deleted afterwards.
``run(...)`` returns the same figures as (name, value, unit).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 20, 12, 0)
PG_URL = os.environ.get("UNSTUCK_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")
DEAL_HEADER = [
    "Deal - ID", "Deal - Title", "Deal - Value", "Deal - Currency", "Deal - Stage",
    "Deal - Status", "Deal - Owner", "Deal - Organization", "Deal - Contact person",
    "Deal - Deal created", "Deal - Won time", "Deal - Lost time", "Deal - Lost reason",
    "Deal - Expected close date", "Deal - Last stage change", "Deal - Region",
]  # fmt: skip
ACTIVITY_HEADER = [
    "Activity - Type", "Activity - Subject", "Activity - Due date", "Activity - Due time",
    "Activity - Done", "Activity - Deal ID", "Activity - Contact person", "Activity - Note",
    "Activity - Marked as done time",
]  # fmt: skip
SELLERS = 2000  # 500 deals each at a million: one seller's weekly review
STAGES = ("Qualified", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started")
TYPES = ("call", "email", "meeting", "task", "lunch")
SUBJECTS = ("Intro call", "Sent proposal", "Follow-up", "Check-in", "Pricing question", "Demo")
NOTES = ("", "", "Talked about the rollout plan", "Asked for references", "Waiting on legal")
PEOPLE = ("Joe Park", "Ana Lima", "Kim Lee", "Sam Ortiz", "")


def generate(folder: Path, deals: int, activities: int, seed: int = 1) -> tuple[Path, Path]:
    """Write ``deals.csv`` and ``activities.csv`` in Pipedrive's export layout."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    deals_path, activities_path = folder / "deals.csv", folder / "activities.csv"
    with deals_path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(DEAL_HEADER)
        for n in range(1, deals + 1):
            created = start + timedelta(minutes=rng.randrange(900 * 24 * 60))
            status = rng.choices(("open", "won", "lost"), (7, 2, 1))[0]
            closed = (created + timedelta(days=rng.randrange(10, 200))).strftime(
                "%Y-%m-%d %H:%M:%S"
            )
            out.writerow([
                n, f"Deal {n}", rng.randrange(1000, 90000), "EUR", rng.choice(STAGES), status,
                f"Seller {n % SELLERS}", f"Org {n % 50000}", rng.choice(PEOPLE),
                created.strftime("%Y-%m-%d %H:%M:%S"), closed if status == "won" else "",
                closed if status == "lost" else "", "Price" if status == "lost" else "",
                (created + timedelta(days=90)).strftime("%Y-%m-%d"),
                (created + timedelta(days=rng.randrange(30))).strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(("EMEA", "NA", "APAC")),
            ])  # fmt: skip
    step = 900 * 24 * 3600 / max(1, activities)
    with activities_path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(ACTIVITY_HEADER)
        rand, choice = rng.random, rng.choice
        minute, day, clock, stamp = -1, "", "", ""
        for n in range(activities):
            seconds = int(n * step)
            if seconds // 60 != minute:  # formatting dates is the slow part: once a minute
                minute = seconds // 60
                due = start + timedelta(minutes=minute)
                day, clock = due.strftime("%Y-%m-%d"), due.strftime("%H:%M")
                stamp = f"{day} {clock}:00"
            done = rand() < 0.95
            out.writerow([
                choice(TYPES), choice(SUBJECTS), day, clock, "Done" if done else "To do",
                int(rand() * deals) + 1, choice(PEOPLE), choice(NOTES), stamp if done else "",
            ])  # fmt: skip
    return deals_path, activities_path


def _import(db: str, files: list[Path]) -> dict[str, float]:
    """Runs in the child process: one import, its figures as JSON on stdout."""
    from unstuck.config import default_config
    from unstuck.importers.load import import_files
    from unstuck.service import Unstuck

    app = Unstuck.open(default_config(), db)
    began = time.perf_counter()
    try:
        result = import_files(app, files, now=NOW)
    finally:
        app.store.close()
    wall = time.perf_counter() - began
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return {
        "wall": wall,
        # CPU time of the import and of its activities reader: what the work costs,
        # whatever else the machine is doing (wall time depends on the load).
        "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
        "peak_kids_mb": kids.ru_maxrss / 1024,
        "deals": result.created,
        "touches": result.touches_added,
        "rows": result.rows_ok,
        "peak_mb": me.ru_maxrss / 1024,
    }


def _pg_schema() -> str | None:
    try:
        import psycopg

        plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(plain, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return schema
    except Exception:  # no server (or no driver): PostgreSQL is skipped
        return None


def _pg_size(schema: str) -> float:
    import psycopg

    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s",
            (schema,),
        ).fetchone()
    return float(row[0] if row else 0)


def _pg_drop(schema: str) -> float:
    import psycopg

    size = _pg_size(schema)
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return size


def _child(db: str, files: list[Path]) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", db, *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip()[-2000:])
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def run(
    deals: int = 100_000,
    activities: int = 2_000_000,
    db: str = "both",
    seed: int = 1,
    keep: Path | None = None,
) -> list[tuple[str, float, str]]:
    """Generate, import into each database, delete; the figures as (name, value, unit).

    ``keep``: a folder where the SQLite database is kept (``bench.db``) and PostgreSQL's
    schema is not dropped (its URL is printed), for ``python -m bench --existing``."""
    figures: list[tuple[str, float, str]] = []
    folder = Path(tempfile.mkdtemp(prefix="unstuck-import-bench-", dir="/tmp"))
    try:
        began = time.perf_counter()
        files = list(generate(folder, deals, activities, seed))
        figures.append(("generate files", time.perf_counter() - began, "s"))
        size = sum(f.stat().st_size for f in files) / 2**20
        figures.append(("files size", size, "MB"))
        targets: list[tuple[str, str, str | None]] = []
        if db in ("sqlite", "both"):
            targets.append(("sqlite", str(folder / "bench.db"), None))
        if db in ("postgresql", "both"):
            schema = _pg_schema()
            if schema is not None:
                sep = "&" if "?" in PG_URL else "?"
                targets.append(
                    ("postgresql", f"{PG_URL}{sep}options=-csearch_path%3D{schema}", schema)
                )
            else:
                print("PostgreSQL not reachable: skipped", file=sys.stderr)
        for name, url, schema in targets:
            try:
                found = _child(url, files)
            finally:
                if schema and keep is not None:
                    size_bytes = _pg_size(schema)
                    print(f"kept: {url}", file=sys.stderr)
                else:
                    size_bytes = _pg_drop(schema) if schema else _sqlite_size(folder / "bench.db")
                if not schema and keep is not None:
                    keep.mkdir(parents=True, exist_ok=True)
                    shutil.move(folder / "bench.db", keep / "bench.db")
                    print(f"kept: {keep / 'bench.db'}", file=sys.stderr)
            load = os.getloadavg()
            figures += [
                (f"{name}: wall time", found["wall"], "s"),
                (f"{name}: activity rows/s (end to end)", activities / found["wall"], "rows/s"),
                (f"{name}: all rows/s", (deals + activities) / found["wall"], "rows/s"),
                (f"{name}: deals created", found["deals"], "deals"),
                (f"{name}: touches stored", found["touches"], "touches"),
                (f"{name}: CPU time (importer + activities reader)", found["cpu"], "s"),
                (f"{name}: activity rows per CPU second", activities / found["cpu"], "rows/s"),
                (f"{name}: peak RSS", found["peak_mb"], "MB"),
                (f"{name}: peak RSS of the activities reader", found["peak_kids_mb"], "MB"),
                (f"{name}: database size", size_bytes / 2**20, "MB"),
                (
                    f"{name}: load average after (1/5/15 min)",
                    load[0],
                    f"{load[1]:.2f} {load[2]:.2f}",
                ),
            ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def _sqlite_size(path: Path) -> float:
    return float(sum(p.stat().st_size for p in path.parent.glob(path.name + "*")))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(_import(sys.argv[2], [Path(p) for p in sys.argv[3:]])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=2_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the databases (SQLite in this folder) for python -m bench --existing",
    )
    args = parser.parse_args()
    print(f"Import benchmark: {args.deals:,} deals, {args.activities:,} activities (Pipedrive CSV)")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average before: {load}; {os.cpu_count()} CPUs")
    for name, value, unit in run(args.deals, args.activities, args.db, args.seed, args.keep):
        shown = f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
        print(f"  {name:<44} {shown:>14} {unit}")


if __name__ == "__main__":
    main()
